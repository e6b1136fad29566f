"""The hub's HTTP API (FastAPI). Every refusal is a 4xx with a JSON body `{"error": code,
"detail": text}`; client input never causes a 500. Every route has a named body cap, enforced
while the body is read. The API can be mounted under a CamDX (X-Road) service path."""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.hub.admin_api import add_admin_routes
from sync.hub.hub import Hub, HubError
from sync.hub.operators import HubOperators
from sync.hub.storage import StorageError
from sync.hub.web import add_web_routes

log = logging.getLogger(__name__)
MAX_BATCH_BYTES = 16 * 1024 * 1024  # one signed batch (the device sends far less)
MAX_JSON_BODY_BYTES = 64 * 1024  # enrolment and every other route
ROUTE_BODY_LIMITS = {"/v1/batches": MAX_BATCH_BYTES}
RETRY_AFTER_S = 5  # a 503 while the database is away: when a device may try again
MAX_TEXT = 200  # tokens are 24 characters, device ids 36

# status -> code for refusals raised by the framework itself (unknown path, unreadable body)
FRAMEWORK_CODES = {400: "bad_request", 404: "not_found", 405: "refused", 413: "too_large"}


class EnrolRequest(BaseModel):
    token: str = Field(max_length=MAX_TEXT)
    device_id: str = Field(max_length=MAX_TEXT)
    device_public_key: str = Field(max_length=MAX_TEXT)  # base64 of the raw 32-byte Ed25519 key

    @field_validator("token", "device_id", "device_public_key")
    @classmethod
    def _encodable(cls, value: str) -> str:
        value.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError, a ValueError
        return value


class EnrolAnswer(BaseModel):
    certificate: str


class HubInfo(BaseModel):
    service: str
    suite: str
    sealing_public_key: str
    signing_public_key: str
    fingerprint: str
    time: str


class ErrorBody(BaseModel):
    error: str
    detail: str


def _refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"model": ErrorBody, "description": "refused, with a code"} for status in statuses
    }


def _error(status: int, code: str, detail: str = "") -> JSONResponse:
    # details may quote client input: never let a lone surrogate break the answer itself
    safe = detail.encode("utf-8", "replace").decode("utf-8")
    return JSONResponse({"error": code, "detail": safe}, status_code=status)


class BodyCap:
    """Refuses a body past its route's cap with 413 `too_large`: at once when Content-Length
    says so, else as soon as the streamed bytes pass it. The body is held at most up to the
    cap, then handed on to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        limit = ROUTE_BODY_LIMITS.get(path, MAX_JSON_BODY_BYTES)
        too_large = _error(413, "too_large", f"at most {limit} bytes")
        too_large.headers["Connection"] = "close"  # never drain the rest of a huge body
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await too_large(scope, receive, send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await too_large(scope, receive, send)
                return
        whole: list[Message] = [{"type": "http.request", "body": bytes(body), "more_body": False}]

        async def replay() -> Message:
            return whole.pop() if whole else await receive()

        await self.app(scope, replay, send)


def create_api(hub: Hub, operators: HubOperators | None = None) -> FastAPI:
    # FastAPI's own /docs and /redoc load their scripts from a CDN: sync/hub/web.py serves
    # Swagger UI from the hub instead (the hub must work with no internet); no ReDoc
    api = FastAPI(
        title="FieldReg hub",
        version="1",
        summary="Reference hub for FieldReg devices",
        docs_url=None,
        redoc_url=None,
    )
    # receipts are JSON with ~110 B per record; compressed they cost ~20 B on a slow link
    api.add_middleware(GZipMiddleware, minimum_size=500)
    api.add_middleware(BodyCap)

    @api.exception_handler(HubError)
    async def hub_error(_request: Request, error: HubError) -> JSONResponse:
        answer = _error(error.status, error.code, error.reason)
        if error.status == 401:
            answer.headers["WWW-Authenticate"] = "Bearer"
        return answer

    @api.exception_handler(StorageError)
    async def storage_error(_request: Request, error: StorageError) -> JSONResponse:
        # the database is down, restarting or out of connections: devices keep their batches
        # and retry (a 5xx is a transient failure to them), so nothing is lost
        log.warning("answered 503 %s: the database is unavailable or busy", error.code)
        answer = _error(503, error.code)
        answer.headers["Retry-After"] = str(RETRY_AFTER_S)
        return answer

    @api.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        where = "; ".join(
            f"{'.'.join(str(part) for part in e.get('loc', ()))}: {e.get('type', '')}"
            for e in error.errors()[:3]
        )
        return _error(422, "bad_request", where)

    @api.exception_handler(StarletteHTTPException)
    async def framework_refusal(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        status = error.status_code if 400 <= error.status_code < 500 else 400
        return _error(status, FRAMEWORK_CODES.get(status, "refused"), str(error.detail))

    @api.get("/v1/hub", responses=_refusals(413))
    def hub_info() -> HubInfo:
        """The hub's public keys and fingerprint (what an enrolment token pins)."""
        return HubInfo(**hub.public_info())

    @api.post("/v1/enrol", responses=_refusals(400, 403, 409, 413, 422))
    def enrol(body: EnrolRequest) -> EnrolAnswer:
        try:
            public_key = base64.b64decode(body.device_public_key, validate=True)
        except (ValueError, binascii.Error):
            raise HubError(400, "bad_device_key") from None
        certificate = hub.enrol(body.token, body.device_id, public_key)
        return EnrolAnswer(certificate=base64.b64encode(certificate.to_bytes()).decode("ascii"))

    @api.head(
        "/v1/batches",
        status_code=204,
        responses={204: {"description": "the hub is there"}, **_refusals(413)},
    )
    def batches_ready() -> Response:
        """A cheap check that the hub is there (also the OpenRosa-style pre-flight)."""
        return Response(status_code=204)

    @api.post(
        "/v1/batches",
        response_class=Response,
        responses={
            200: {
                "description": "the hub's signed receipt",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            **_refusals(400, 403, 409, 413),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": f"a signed batch (fieldreg/transfer/wire.py), at most "
                f"{MAX_BATCH_BYTES} bytes",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    )
    async def upload_batch(request: Request) -> Response:
        body = await request.body()  # BodyCap has held it to MAX_BATCH_BYTES
        camdx_client = request.headers.get("x-road-client", "")
        # the scheme and address this request came from; behind a trusted proxy (the server's
        # forwarded_allow_ips) the ones its X-Forwarded-Proto and X-Forwarded-For name
        scheme = "https" if request.url.scheme == "https" else "http"
        address = request.client.host if request.client else ""
        receipt = await run_in_threadpool(
            hub.receive_batch,
            body,
            transport=f"camdx-{scheme}" if camdx_client else scheme,
            client=camdx_client or address,
        )
        return Response(receipt, media_type="application/json")

    add_admin_routes(api, hub, operators or HubOperators(hub), _refusals)
    add_web_routes(api)
    return api


def create_app(hub: Hub, *, mount_path: str = "") -> FastAPI:
    """The API at the root, or under a CamDX service path such as
    /r1/CAMBODIA/GOV/MEMBER/SUBSYSTEM/SERVICE."""
    api = create_api(hub)
    if not mount_path.strip("/"):
        return api
    outer = FastAPI(title="FieldReg hub (CamDX)", openapi_url=None)
    outer.mount("/" + mount_path.strip("/"), api)
    return outer
