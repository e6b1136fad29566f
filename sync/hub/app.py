"""The hub's HTTP API (FastAPI). Every refusal is a 4xx with a JSON body; client input never
causes a 500. The API can be mounted under a CamDX (X-Road) service path."""

from __future__ import annotations

import base64
import binascii

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware

from sync.hub.hub import Hub, HubError

MAX_BATCH_BYTES = 16 * 1024 * 1024


class EnrolRequest(BaseModel):
    token: str
    device_id: str
    device_public_key: str  # base64 of the raw 32-byte Ed25519 key


def _error(status: int, code: str, detail: str = "") -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


def create_api(hub: Hub) -> FastAPI:
    api = FastAPI(title="FieldReg hub", version="1", summary="Reference hub for FieldReg devices")
    # receipts are JSON with ~110 B per record; compressed they cost ~20 B on a slow link
    api.add_middleware(GZipMiddleware, minimum_size=500)

    @api.exception_handler(HubError)
    async def hub_error(_request: Request, error: HubError) -> JSONResponse:
        return _error(error.status, error.code, error.reason)

    @api.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        return _error(422, "bad_request", str(error.errors()[:3]))

    @api.get("/v1/hub")
    def hub_info() -> dict[str, str]:
        """The hub's public keys and fingerprint (what an enrolment token pins)."""
        return hub.public_info()

    @api.post("/v1/enrol")
    def enrol(body: EnrolRequest) -> dict[str, str]:
        try:
            public_key = base64.b64decode(body.device_public_key, validate=True)
        except (ValueError, binascii.Error):
            raise HubError(400, "bad_device_key") from None
        certificate = hub.enrol(body.token, body.device_id, public_key)
        return {"certificate": base64.b64encode(certificate.to_bytes()).decode("ascii")}

    @api.head("/v1/batches")
    def batches_ready() -> Response:
        """A cheap check that the hub is there (also the OpenRosa-style pre-flight)."""
        return Response(status_code=204)

    @api.post("/v1/batches")
    async def upload_batch(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BATCH_BYTES:
            return _error(413, "too_large", f"at most {MAX_BATCH_BYTES} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BATCH_BYTES:
                return _error(413, "too_large", f"at most {MAX_BATCH_BYTES} bytes")
        client = request.headers.get("x-road-client", "")
        receipt = await run_in_threadpool(
            hub.receive_batch,
            bytes(body),
            transport="camdx" if client else "https",
            client=client,
        )
        return Response(receipt, media_type="application/json")

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
