"""The hub's admin HTTP API (issue 10 item 5): what its users do over HTTP, each call with the
bearer token of a session (`POST /v1/admin/session`). Without one, or with an expired one:
401 `login_required`; a viewer asking for an admin's action: 403 `role_refused`. The device
routes (sync/hub/app.py) stay as they are: a device needs no account.

admin: issue an enrolment token, revoke a device, export, read the audit log.
viewer: list the devices, read the figures (Hub.counts, and the M&E indicators: GET
/v1/indicators, small cells suppressed, each read audited).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Path, Query, Security
from fastapi.responses import Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, Field, field_validator

from fieldreg.indicators.evaluate import to_csv
from sync.hub.export import (
    EXPORT_COLUMNS,
    CountedRows,
    ExportFilter,
    FilterError,
    record_export,
    write_rows,
)
from sync.hub.figures import FigureFilter, FigureFilterError
from sync.hub.hub import MAX_TOKEN_HOURS, MIN_TOKEN_HOURS, Hub, HubError
from sync.hub.operators import ADMIN, VIEWER, HubOperators, HubUser

MAX_NAME = 64  # fieldreg.store.operators.MAX_NAME_LENGTH
MAX_PASSPHRASE = 1024
MAX_URL = 2000
MAX_ID = 200
EXPORT_MEDIA_TYPE = "application/x-ndjson"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
REFRESHED_HEADER = "X-Figures-Refreshed-At"  # the CSV's refreshed_at
MAX_QUERY = 1024  # a filter's text; the values are checked by FigureFilter.parse

bearer = HTTPBearer(
    auto_error=False, description="the token `POST /v1/admin/session` answered with"
)
Bearer = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return None if credentials is None else credentials.credentials


Refusals = Callable[..., dict[int | str, dict[str, Any]]]


def _utf8(value: str) -> str:
    value.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError, a ValueError
    return value


Text = Annotated[str, AfterValidator(_utf8)]  # text a client sends: encodable, so storable


class LoginRequest(BaseModel):
    name: Text = Field(max_length=MAX_NAME)
    passphrase: Text = Field(max_length=MAX_PASSPHRASE)


class SessionAnswer(BaseModel):
    token: str
    expires_at: str
    name: str
    role: str


class TokenRequest(BaseModel):
    url: Text = Field(max_length=MAX_URL, description="the hub address devices should use")
    hours: float = Field(default=24, ge=MIN_TOKEN_HOURS, le=MAX_TOKEN_HOURS)
    rekey: Text | None = Field(default=None, max_length=MAX_ID)
    unrevoke: bool = False

    @field_validator("url")
    @classmethod
    def _address(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("an http:// or https:// address")
        return value


class TokenAnswer(BaseModel):
    enrolment: str


class RevokeRequest(BaseModel):
    quarantine: bool = False


class DeviceAction(BaseModel):
    device_id: str
    revoked: bool
    quarantined: bool


def add_admin_routes(api: FastAPI, hub: Hub, operators: HubOperators, _refusals: Refusals) -> None:
    """The admin routes on `api`; `_refusals(*statuses)` declares the coded refusals."""

    def signed_in(role: str) -> Callable[..., HubUser]:
        def user(credentials: Bearer) -> HubUser:
            return operators.session_user(_token(credentials), role)

        return user

    as_admin, as_viewer = Depends(signed_in(ADMIN)), Depends(signed_in(VIEWER))
    signed = _refusals(401, 403, 413, 422)

    @api.post("/v1/admin/session", responses=_refusals(400, 401, 403, 413, 422, 429))
    def log_in(body: LoginRequest) -> SessionAnswer:
        """Log in as a hub user: a bearer token for the admin routes, until `expires_at`."""
        session = operators.open_session(body.name, body.passphrase)
        user = session.user
        return SessionAnswer(
            token=session.token, expires_at=session.expires_at, name=user.name, role=user.role
        )

    @api.delete(
        "/v1/admin/session",
        status_code=204,
        responses={204: {"description": "logged out"}, **_refusals(401, 413)},
    )
    def log_out(credentials: Bearer) -> Response:
        """End this session: its token opens nothing more."""
        operators.close_session(_token(credentials))
        return Response(status_code=204)

    @api.post("/v1/admin/tokens", responses=_refusals(400, 401, 403, 404, 409, 413, 422))
    def issue_token(body: TokenRequest, user: HubUser = as_admin) -> TokenAnswer:
        """A one-time enrolment string (admin)."""
        text = hub.issue_token(
            body.url,
            dt.timedelta(hours=body.hours),
            actor=user.actor,
            rekey=body.rekey,
            unrevoke=body.unrevoke,
        )
        return TokenAnswer(enrolment=text)

    @api.post("/v1/admin/devices/{device_id}/revoke", responses=_refusals(400, 404, *signed))
    def revoke(
        body: RevokeRequest,
        device_id: str = Path(max_length=MAX_ID),
        user: HubUser = as_admin,
    ) -> DeviceAction:
        """Revoke an active device; with `quarantine` its registrations also leave the export."""
        if not hub.revoke(device_id, actor=user.actor):
            raise HubError(404, "unknown_device", f"no active device {device_id}")
        if body.quarantine:
            hub.quarantine(device_id, actor=user.actor)
        return DeviceAction(device_id=device_id, revoked=True, quarantined=body.quarantine)

    @api.get("/v1/admin/devices", responses=signed)
    def devices(_user: HubUser = as_viewer) -> list[dict[str, Any]]:
        """Each device: enrolled, revoked, quarantined, records accepted, newest audit head."""
        return hub.devices()

    @api.get("/v1/admin/counts", responses=signed)
    def counts(_user: HubUser = as_viewer) -> dict[str, int]:
        """How many packets the hub accepted and rejected."""
        return hub.counts()

    @api.get("/v1/admin/duplicates", responses=signed)
    def duplicate_pairs(_user: HubUser = as_viewer) -> list[dict[str, Any]]:
        """The same person registered on two devices: pairs of registration ids and devices,
        how they matched (id_number, phone, both) and when; no personal data. Nothing is
        merged: a coordinator looks both up in the export and decides."""
        return hub.duplicate_pairs()

    @api.get("/v1/admin/audit", responses=signed)
    def audit_log(_user: HubUser = as_admin) -> list[dict[str, Any]]:
        """The hub's audit log, oldest first."""
        return hub.audit_entries()

    @api.get(
        "/v1/indicators",
        responses={
            200: {
                "description": "every indicator (fieldreg/indicators/definitions.py) within the"
                ' filters, counts under 5 shown as "<5"; with `refreshed_at` (when the job'
                " last rebuilt the figures) and `places` (the names of the codes in it). CSV:"
                f" one row per value, refreshed_at in the {REFRESHED_HEADER} header",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            },
            **_refusals(400, 401, 403, 413, 422),
        },
    )
    def indicators(
        since: str | None = Query(default=None, max_length=MAX_QUERY, description="YYYY-MM-DD"),
        until: str | None = Query(default=None, max_length=MAX_QUERY, description="YYYY-MM-DD"),
        province: str | None = Query(default=None, max_length=MAX_QUERY, description="2 digits"),
        channel: str | None = Query(
            default=None, max_length=MAX_QUERY, description="outreach|bank_branch|commune_office"
        ),
        bank: str | None = Query(default=None, max_length=MAX_QUERY),
        category: str | None = Query(default=None, max_length=MAX_QUERY),
        sex: str | None = Query(default=None, max_length=MAX_QUERY, description="F|M"),
        event: str | None = Query(default=None, max_length=MAX_QUERY),
        format: str = Query(default="json", max_length=MAX_QUERY, description="json|csv"),
        user: HubUser = as_viewer,
    ) -> Any:
        """The M&E figures (viewer): national, or within the filters; days are Cambodia days.
        Audited with the filters."""
        try:
            if format not in ("json", "csv"):
                raise FigureFilterError("invalid_filter", field="format")
            chosen = FigureFilter.parse(
                since=since,
                until=until,
                province=province,
                channel=channel,
                bank=bank,
                category=category,
                sex=sex,
                event=event,
            )
        except FigureFilterError as error:
            raise HubError(400, error.code, ", ".join(map(str, error.detail.values()))) from None
        shown = hub.indicators(chosen, actor=user.actor, fmt=format)
        if format == "csv":
            headers = {REFRESHED_HEADER: shown["refreshed_at"] or ""}
            return Response(to_csv(shown), media_type=CSV_MEDIA_TYPE, headers=headers)
        return shown

    @api.get(
        "/v1/admin/export",
        response_class=StreamingResponse,
        responses={
            200: {
                "description": "the registrations, one JSON object per line",
                "content": {EXPORT_MEDIA_TYPE: {"schema": {"type": "string"}}},
            },
            **_refusals(400, 401, 403, 413, 422),
        },
    )
    def export(
        since: str | None = Query(default=None, max_length=40),
        until: str | None = Query(default=None, max_length=40),
        province: str | None = Query(default=None, max_length=10),
        event: str | None = Query(default=None, max_length=MAX_NAME * 4),
        include_quarantined: bool = False,
        user: HubUser = as_admin,
    ) -> StreamingResponse:
        """The decrypted registrations as JSON lines, streamed a row at a time (admin);
        audited with how many rows went out."""
        try:
            chosen = ExportFilter.parse(since=since, until=until, province=province, event=event)
        except FilterError as error:
            raise HubError(400, "refused", str(error)) from None
        counted = CountedRows(hub, chosen, include_quarantined=include_quarantined)
        return StreamingResponse(_lines(hub, counted, user), media_type=EXPORT_MEDIA_TYPE)


def _lines(hub: Hub, counted: CountedRows, user: HubUser) -> Iterator[str]:
    """Each row through the export's writer as it comes; the audit entry when it ends (also
    when the client went away: the generator is closed then)."""
    try:
        for row in counted:
            line = io.StringIO()
            write_rows(line, "jsonl", EXPORT_COLUMNS, (row,))
            yield line.getvalue()
    finally:
        record_export(hub, counted, fmt="jsonl", actor=user.actor)
