"""Enrolling a device with a hub over HTTP(S), in one call: the core's three steps
(fieldreg.transfer.enrolment) with the real HubClient between them. The Desk does the same
for the front ends; this is for a Store and a Session held directly (tests, tools)."""

from __future__ import annotations

from fieldreg.store.session import Session
from fieldreg.store.store import Store
from fieldreg.transfer.enrolment import complete_enrolment, contact_hub, prepare_enrolment
from sync.client import HubClient


def enrol_device(
    store: Store,
    session: Session,
    text: str,
    *,
    hub_url: str | None = None,
    client: HubClient | None = None,
) -> int:
    """Raises StoreError (not_permitted, bad_enrolment_string, fingerprint_mismatch,
    bad_certificate) or the client's hub_unreachable / refusal codes. Returns how many
    earlier registrations were sealed for the hub."""
    request = prepare_enrolment(store, session, text, hub_url=hub_url)
    answer = contact_hub(request, client or HubClient(request.settings))
    return complete_enrolment(store, session, answer)
