"""The one-time enrolment string a hub prints and a device pastes or scans:

    FRENROLL1:<base64url of {"hub": URL, "token": TOKEN, "fp": HUB KEY FINGERPRINT}>

ASCII only, one line, fits a QR code. The fingerprint pins the hub's keys before any trust.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

PREFIX = "FRENROLL1:"


class EnrolmentStringError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class EnrolmentString:
    hub_url: str
    token: str
    fingerprint: str

    def encode(self) -> str:
        body = json.dumps(
            {"hub": self.hub_url, "token": self.token, "fp": self.fingerprint},
            separators=(",", ":"),
        )
        return PREFIX + base64.urlsafe_b64encode(body.encode()).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, text: str) -> EnrolmentString:
        text = text.strip()
        if not text.startswith(PREFIX):
            raise EnrolmentStringError("not a FieldReg enrolment string")
        body = text[len(PREFIX) :]
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            hub_url, token, fingerprint = str(data["hub"]), str(data["token"]), str(data["fp"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise EnrolmentStringError("the enrolment string is damaged") from None
        if len(fingerprint) != 64 or not token:
            raise EnrolmentStringError("the enrolment string is damaged")
        return cls(hub_url, token, fingerprint)
