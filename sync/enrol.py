"""Enrolling a device with a hub: check the hub's keys against the token's fingerprint, register
the device key, keep the certificate, and seal every registration made before enrolment."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.store.database import StoreError
from fieldreg.store.device_identity import DeviceCertificate, public_bytes
from fieldreg.store.session import Session
from fieldreg.store.store import Store
from fieldreg.transfer.enrolment_string import parse_enrolment
from fieldreg.transfer.sealing import HubPublicKey, hub_fingerprint
from sync.client import HubClient


@dataclass(frozen=True, slots=True)
class Enrolled:
    hub_url: str
    fingerprint: str
    sealed_backlog: int


def enrol_device(
    store: Store,
    session: Session,
    text: str,
    *,
    hub_url: str | None = None,
    client: HubClient | None = None,
) -> Enrolled:
    """Raises StoreError with codes not_permitted, bad_enrolment_string, fingerprint_mismatch
    or bad_certificate; sync.client errors when the hub cannot be reached or refuses."""
    if not session.operator.is_coordinator:
        raise StoreError("not_permitted", action="enrol")
    enrolment, problem = parse_enrolment(text.strip())
    if enrolment is None:
        raise StoreError("bad_enrolment_string", reason=str(problem))
    url = (hub_url or enrolment.hub_url).rstrip("/")
    client = client or HubClient(replace(store.sync_settings(), hub_url=url))
    info = client.hub_info()
    try:
        sealing = base64.b64decode(info["sealing_public_key"], validate=True)
        signing = base64.b64decode(info["signing_public_key"], validate=True)
    except (KeyError, ValueError, binascii.Error):
        raise StoreError("fingerprint_mismatch") from None
    if hub_fingerprint(sealing, signing) != enrolment.fingerprint:
        raise StoreError("fingerprint_mismatch")
    identity = store.device_identity()
    device_key = public_bytes(identity.private_key.public_key())
    certificate = DeviceCertificate.from_bytes(
        client.enrol(enrolment.token, identity.device_id, device_key)
    )
    issued_for_us = (certificate.device_id, certificate.device_public_key) == (
        identity.device_id,
        device_key,
    )
    if not issued_for_us or not certificate.verify(Ed25519PublicKey.from_public_bytes(signing)):
        raise StoreError("bad_certificate")
    store.save_enrolment(
        hub_url=url, sealing_public=sealing, signing_public=signing, certificate=certificate
    )
    sealed = session.seal_backlog(HubPublicKey(sealing))
    return Enrolled(url, enrolment.fingerprint, sealed)
