"""Talking to the hub over HTTP(S), directly or through a CamDX (X-Road) security server."""

from __future__ import annotations

import base64
import json
import ssl
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool

from fieldreg.errors import FieldRegError
from fieldreg.store.sync_settings import SyncSettings
from sync.tls import spki_pin

CONNECT_TIMEOUT, READ_TIMEOUT = 10.0, 120.0
# The most of any hub answer the device reads, after gzip: a receipt of a full 16 MB batch is
# ~2 MB. A longer answer, or one that inflates past this, is refused before it fills memory.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
READ_CHUNK_BYTES = 16 * 1024  # deflate inflates at most ~1,000x: one chunk stays ~16 MB


class HubUnreachable(FieldRegError):
    """No answer, a cut connection or a server-side failure: try again later."""

    def __init__(self, reason: str = "") -> None:
        super().__init__("hub_unreachable", reason=reason)
        self.reason = reason


class HubRefused(FieldRegError):
    """The hub answered with a 4xx: retrying the same request will not help."""

    def __init__(self, status: int, code: str, reason: str = "") -> None:
        super().__init__(code, status=status, reason=reason)
        self.status = status
        self.reason = reason


class TlsPinMismatch(HubRefused):
    """The hub's TLS key is not the one pinned at enrolment, or the address is no longer
    HTTPS: someone else may be answering for the hub. Nothing is sent."""

    def __init__(self, reason: str) -> None:
        super().__init__(0, "tls_pin_mismatch", reason)


class _PinnedConnection(HTTPSConnection):
    """An HTTPS connection that trusts the peer by its pinned public key, checked right after
    the handshake and before a byte of the request is sent."""

    tls_pin = ""

    def connect(self) -> None:
        super().connect()
        sock = self.sock
        peer = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
        if not peer or spki_pin(peer) != self.tls_pin:
            self.close()
            raise TlsPinMismatch("the hub's TLS key is not the one pinned at enrolment")
        self.is_verified = True  # by the pin, which is stronger than by a CA here


class PinnedAdapter(HTTPAdapter):
    """requests' adapter for a hub pinned by its TLS key: no certificate authority can vouch
    for the reference hub's self-signed certificate, its key's hash can (sync/tls.py)."""

    def __init__(self, tls_pin: str) -> None:
        self.tls_pin = tls_pin
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        pin = self.tls_pin

        class Connection(_PinnedConnection):
            tls_pin = pin

        class Pool(HTTPSConnectionPool):
            ConnectionCls = Connection

        self.poolmanager.pool_classes_by_scheme = {
            **self.poolmanager.pool_classes_by_scheme,
            "https": Pool,
        }

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        # no CA check: _PinnedConnection checks the key itself after every handshake
        return super().send(request, stream, timeout, False, cert, proxies)


def _read_capped(response: requests.Response) -> bytes:
    """The answer's body, inflated, or HubRefused `too_large` past MAX_RESPONSE_BYTES."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        raise HubRefused(response.status_code, "too_large", "the hub's answer is too large")
    content = bytearray()
    for chunk in response.iter_content(READ_CHUNK_BYTES):
        content += chunk
        if len(content) > MAX_RESPONSE_BYTES:
            raise HubRefused(response.status_code, "too_large", "the hub's answer is too large")
    return bytes(content)


class HubClient:
    def __init__(self, settings: SyncSettings, *, http: requests.Session | None = None) -> None:
        self.settings = settings
        self.http = http or requests.Session()
        self.http.headers.update(settings.headers())
        self.http.headers["User-Agent"] = "FieldReg"
        self._pinned = bool(settings.tls_pin) and not settings.uses_camdx
        if self._pinned:
            self.http.mount("https://", PinnedAdapter(settings.tls_pin))
        self.bytes_sent = 0
        self.bytes_received = 0

    def _request(self, method: str, path: str, **kwargs: Any) -> bytes:
        """The body of a 2xx answer, read up to MAX_RESPONSE_BYTES."""
        url = self.settings.base_url() + path
        if self._pinned and urlsplit(url).scheme.lower() != "https":
            raise TlsPinMismatch("the hub was enrolled over HTTPS; this address is plain HTTP")
        body = kwargs.get("data") or b""
        try:
            response = self.http.request(
                method, url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True, **kwargs
            )
            with response:
                content = _read_capped(response)
        except requests.RequestException as error:
            raise HubUnreachable(type(error).__name__) from None
        self.bytes_sent += len(body)
        self.bytes_received += len(content)
        status = response.status_code
        if status >= 500:
            raise HubUnreachable(f"hub answered {status}")
        if status >= 400:
            answer = _json_object(content)
            if answer is None:
                raise HubRefused(status, "refused", content[:200].decode("utf-8", "replace"))
            raise HubRefused(status, str(answer.get("error")), str(answer.get("detail", "")))
        return content

    def hub_info(self) -> dict[str, Any]:
        answer = _json_object(self._request("GET", "/v1/hub"))
        if answer is None:
            raise HubRefused(200, "not_a_hub", "the address does not answer like a hub")
        return answer

    def enrol(self, token: str, device_id: str, device_public_key: bytes) -> bytes:
        answer = _json_object(
            self._request(
                "POST",
                "/v1/enrol",
                json={
                    "token": token,
                    "device_id": device_id,
                    "device_public_key": base64.b64encode(device_public_key).decode("ascii"),
                },
            )
        )
        try:
            return base64.b64decode((answer or {})["certificate"], validate=True)
        except (KeyError, TypeError, ValueError):
            raise HubRefused(
                200, "bad_certificate", "the hub's answer holds no certificate"
            ) from None

    def upload_batch(self, body: bytes) -> bytes:
        return self._request(
            "POST", "/v1/batches", data=body, headers={"Content-Type": "application/octet-stream"}
        )

    def reachable(self) -> bool:
        try:
            self._request("HEAD", "/v1/batches")
        except (HubUnreachable, HubRefused):
            return False
        return True


def _json_object(content: bytes) -> dict[str, Any] | None:
    """A JSON object from the hub, or None for anything else (including JSON nested too deep
    to parse and numbers too large for a float)."""
    try:
        answer = json.loads(content)
    except (ValueError, RecursionError, OverflowError):
        return None
    return answer if isinstance(answer, dict) else None
