"""The rules for a device's sync settings: a hub address, or CamDX (X-Road) with all three of
its parts, and a batch size within the outbox's limits. Codes only; the front ends say it."""

from __future__ import annotations

from urllib.parse import urlsplit

from fieldreg.store.outbox import MAX_BATCH, MIN_BATCH
from fieldreg.store.sync_settings import SyncSettings

HUB_FIELDS = ("hub_url", "camdx_security_server", "camdx_client", "camdx_service_path")


def _is_web_address(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and text.strip() == text


def _segments(text: str) -> list[str]:
    return text.split("/")


def check_sync_settings(settings: SyncSettings, *, enrolled: bool) -> dict[str, str]:
    """Field -> error code (words in ui.messages.FIELD_ERRORS). The hub address may stay empty
    until enrolment fills it, or when everything goes through CamDX. CamDX is on when any of
    its fields is set, and then needs all three."""
    errors: dict[str, str] = {}
    camdx = any(
        (settings.camdx_security_server, settings.camdx_client, settings.camdx_service_path)
    )
    hub_needed = bool(settings.hub_url) or (enrolled and not camdx)
    if hub_needed and not _is_web_address(settings.hub_url):
        errors["hub_url"] = "invalid_url" if settings.hub_url else "required"
    if camdx:
        if not _is_web_address(settings.camdx_security_server):
            errors["camdx_security_server"] = "invalid_url"
        client = _segments(settings.camdx_client)
        if len(client) != 4 or not all(part and " " not in part for part in client):
            errors["camdx_client"] = "invalid_camdx_client"
        path = _segments(settings.camdx_service_path)
        if (
            len(path) < 7
            or path[:2] != ["", "r1"]
            or not all(part and " " not in part for part in path[2:7])
        ):
            errors["camdx_service_path"] = "invalid_camdx_path"
    if settings.batch_size and not MIN_BATCH <= settings.batch_size <= MAX_BATCH:
        errors["batch_size"] = "invalid_batch_size"
    return errors
