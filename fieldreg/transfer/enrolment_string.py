"""The one-time enrolment string a hub prints (`fieldreg-hub token`), as text or QR.

    FRENROLL1:<base64url of {"hub": URL, "token": TOKEN, "fp": SHA-256 fingerprint, hex,
                             "tls": SHA-256 of the TLS SubjectPublicKeyInfo, hex (optional)}>

The fingerprint pins the hub's key, so a device enrolling over an untrusted network knows it
talks to the right hub. When the hub serves TLS, "tls" pins its TLS key too: the device
checks it on every HTTPS connection, instead of a certificate authority (the reference hub's
certificate is self-signed). Strings without it still parse. Parsing never raises: malformed
input gives an error code.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

PREFIX = "FRENROLL1:"
MAX_LENGTH = 4096
MAX_TOKEN_LENGTH = 512
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces


@dataclass(frozen=True, slots=True)
class Enrolment:
    hub_url: str
    token: str
    fingerprint: str  # 64 lowercase hex characters
    tls_pin: str = ""  # 64 lowercase hex characters, or empty: the hub named no TLS key

    def to_json(self) -> dict[str, Any]:
        """Without the token: it is a secret until used, so it is not echoed back. `tls` only
        when the string pins a TLS key (the output for older strings stays as it was)."""
        shown: dict[str, Any] = {"hub": self.hub_url, "fp": self.fingerprint}
        if self.tls_pin:
            shown["tls"] = self.tls_pin
        shown["token_length"] = len(self.token)
        return shown


def format_enrolment(hub_url: str, token: str, fingerprint: str, tls_pin: str = "") -> str:
    fields = {"hub": hub_url, "token": token, "fp": fingerprint.lower()}
    if tls_pin:
        fields["tls"] = tls_pin.lower()
    payload = json.dumps(fields, separators=(",", ":")).encode("utf-8")
    return PREFIX + base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")


def is_enrolment(text: str) -> bool:
    return text.startswith(PREFIX)


def parse_enrolment(text: str) -> tuple[Enrolment | None, str | None]:
    """(enrolment, None) or (None, error code)."""
    if not is_enrolment(text):
        return None, "not_an_enrolment_string"
    if len(text) > MAX_LENGTH:
        return None, "too_long"
    encoded = text[len(PREFIX) :].strip()
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        return None, "bad_encoding"
    if not isinstance(data, dict):
        return None, "bad_encoding"
    return _checked(data.get("hub"), data.get("token"), data.get("fp"), data.get("tls", ""))


def _checked(
    hub: Any, token: Any, fingerprint: Any, tls_pin: Any
) -> tuple[Enrolment | None, str | None]:
    if not isinstance(hub, str) or not _is_hub_url(hub):
        return None, "bad_hub_url"
    if not isinstance(token, str) or not _TOKEN.fullmatch(token) or len(token) > MAX_TOKEN_LENGTH:
        return None, "bad_token"
    if not isinstance(fingerprint, str) or not _FINGERPRINT.fullmatch(fingerprint.lower()):
        return None, "bad_fingerprint"
    if not isinstance(tls_pin, str) or (tls_pin and not _FINGERPRINT.fullmatch(tls_pin.lower())):
        return None, "bad_tls_pin"
    return Enrolment(hub, token, fingerprint.lower(), tls_pin.lower()), None


def _is_hub_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port_ok
