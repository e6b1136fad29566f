"""Typed sync settings, kept in the store's meta table as one JSON object."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class SyncSettings:
    hub_url: str = ""  # from enrolment; the coordinator may change it
    # CamDX (X-Road): requests go to the security server, under the service path, with the
    # X-Road-Client header; empty means talk to the hub directly.
    camdx_security_server: str = ""
    camdx_client: str = ""  # INSTANCE/CLASS/MEMBER/SUBSYSTEM of this client
    camdx_service_path: str = ""  # /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE
    batch_size: int = 0  # 0: adapt to the link
    # From enrolment: SHA-256 of the hub's TLS public key (SubjectPublicKeyInfo), hex. When
    # set, every direct connection to the hub must be HTTPS with this key (sync/client.py).
    tls_pin: str = ""

    @property
    def uses_camdx(self) -> bool:
        return bool(self.camdx_security_server)

    def base_url(self) -> str:
        if self.uses_camdx:
            return self.camdx_security_server.rstrip("/") + "/" + self.camdx_service_path.strip("/")
        return self.hub_url.rstrip("/")

    @property
    def transport(self) -> str:
        """What the sync log calls this route, from the URL's own scheme: `https` only when it
        is. Through CamDX it is the link to the security server (`camdx-http`, `camdx-https`);
        the security servers' own TLS between members is theirs, not ours to claim."""
        scheme = "https" if urlsplit(self.base_url()).scheme.lower() == "https" else "http"
        return f"camdx-{scheme}" if self.uses_camdx else scheme

    def headers(self) -> dict[str, str]:
        return {"X-Road-Client": self.camdx_client} if self.uses_camdx else {}

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> SyncSettings:
        if not text:
            return cls()
        data: dict[str, Any] = json.loads(text)
        known = {field.name for field in fields(cls)}
        return replace(cls(), **{key: value for key, value in data.items() if key in known})
