"""Enrolling a device with a hub, in three steps so the network never holds the store:

1. `EnrolmentRequest` (from the store, on its worker): the parsed enrolment string, the hub
   address to use and this device's id and public key;
2. `contact_hub(request, link)` (on a network worker, no store): fetch the hub's keys, check
   them against the fingerprint in the string, present the one-time token, check the
   certificate the hub issues;
3. the Desk keeps the keys and the certificate and seals every earlier registration.

The network is a `HubLink` port: `sync.client.HubClient` is the real one; the core never
imports a network library.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.store.database import StoreError
from fieldreg.store.device_identity import DeviceCertificate
from fieldreg.store.session import Session
from fieldreg.store.store import Store
from fieldreg.store.sync_settings import SyncSettings
from fieldreg.transfer.enrolment_string import parse_enrolment
from fieldreg.transfer.sealing import HubPublicKey, hub_fingerprint


class HubLink(Protocol):
    """The two calls enrolment makes to a hub. Failures raise a FieldRegError
    (`hub_unreachable`, or the hub's own code when it refuses)."""

    def hub_info(self) -> dict[str, Any]: ...

    def enrol(self, token: str, device_id: str, device_public_key: bytes) -> bytes: ...


class HubLinks(Protocol):
    """Makes a HubLink for the given sync settings (the hub address, CamDX headers)."""

    def __call__(self, settings: SyncSettings) -> HubLink: ...


@dataclass(frozen=True, slots=True)
class EnrolmentRequest:
    settings: SyncSettings  # the device's sync settings with the hub address to enrol with
    token: str
    fingerprint: str
    device_id: str
    device_public_key: bytes


@dataclass(frozen=True, slots=True)
class HubAnswer:
    hub_url: str
    fingerprint: str
    sealing_public: bytes
    signing_public: bytes
    certificate: DeviceCertificate
    tls_pin: str = ""  # the hub's TLS key, as pinned by the enrolment string ("" for none)


def prepare_enrolment(
    store: Store, session: Session, text: str, *, hub_url: str | None = None
) -> EnrolmentRequest:
    """Step one: who may enrol (a coordinator), which hub (`hub_url` overrides the string's
    address), this device's id and key. A laptop that lost its signing key enrols a new one
    under the same device id; the hub certifies it only with a re-key token for this id."""
    if not session.operator.is_coordinator:
        raise StoreError("not_permitted", action="enrol")
    enrolment, problem = parse_enrolment(text.strip())
    if enrolment is None:
        raise StoreError("bad_enrolment_string", reason=str(problem))
    url = (hub_url or enrolment.hub_url).rstrip("/")
    return EnrolmentRequest(
        replace(store.sync_settings(), hub_url=url, tls_pin=enrolment.tls_pin),
        enrolment.token,
        enrolment.fingerprint,
        store.device_id,
        store.public_key_for_enrolment(),  # a new key if this enrolled laptop lost its own
    )


def contact_hub(request: EnrolmentRequest, link: HubLink) -> HubAnswer:
    """Raises StoreError fingerprint_mismatch or bad_certificate when the hub is not the one
    the string names or its certificate is not for this device; link errors pass through."""
    info = link.hub_info()
    try:
        sealing = base64.b64decode(info["sealing_public_key"], validate=True)
        signing = base64.b64decode(info["signing_public_key"], validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise StoreError("fingerprint_mismatch") from None
    if hub_fingerprint(sealing, signing) != request.fingerprint:
        raise StoreError("fingerprint_mismatch")
    try:
        certificate = DeviceCertificate.from_bytes(
            link.enrol(request.token, request.device_id, request.device_public_key)
        )
        hub_key = Ed25519PublicKey.from_public_bytes(signing)
    except (TypeError, ValueError):
        raise StoreError("bad_certificate") from None
    issued_for_us = (certificate.device_id, certificate.device_public_key) == (
        request.device_id,
        request.device_public_key,
    )
    if not issued_for_us or not certificate.verify(hub_key):
        raise StoreError("bad_certificate")
    settings = request.settings
    return HubAnswer(
        settings.hub_url, request.fingerprint, sealing, signing, certificate, settings.tls_pin
    )


def complete_enrolment(store: Store, session: Session, answer: HubAnswer) -> int:
    """Step three: pin the hub's keys, keep the certificate, seal every registration made
    before enrolment. Returns how many were sealed."""
    if not session.operator.is_coordinator:
        raise StoreError("not_permitted", action="enrol")
    store.save_enrolment(
        hub_url=answer.hub_url,
        sealing_public=answer.sealing_public,
        signing_public=answer.signing_public,
        certificate=answer.certificate,
        tls_pin=answer.tls_pin,
    )
    return session.seal_backlog(HubPublicKey(answer.sealing_public))
