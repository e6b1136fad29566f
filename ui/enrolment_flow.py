"""Enrolment from a screen: the Desk prepares on the store worker, the hub is contacted on the
network worker (so logins and draft saves never queue behind HTTP), the Desk keeps the answer
on the store worker. Used by the first-run page and the settings screen alike."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from fieldreg.desk.results import Enrolled
from fieldreg.transfer.enrolment import EnrolmentRequest, HubAnswer, contact_hub
from ui.services import Services


def enrol(
    services: Services,
    owner: QObject,
    text: str,
    *,
    done: Callable[[Enrolled], None],
    failed: Callable[[Exception], None],
) -> None:
    links = services.hub_links

    def finished(enrolled: Enrolled) -> None:
        services.sync.sync_now()  # the backlog was sealed: send it
        done(enrolled)

    def contacted(answer: HubAnswer) -> None:
        services.executor.op(owner, lambda desk: desk.complete_enrolment(answer)).success(
            finished
        ).failure(failed).run()

    def prepared(request: EnrolmentRequest) -> None:
        services.network.op(owner, lambda: contact_hub(request, links(request.settings))).success(
            contacted
        ).failure(failed).run()

    services.executor.op(owner, lambda desk: desk.enrolment_request(text)).success(
        prepared
    ).failure(failed).run()
