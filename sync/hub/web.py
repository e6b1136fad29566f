"""The hub's web pages, served by the hub itself so they work with no internet: the API's
Swagger UI at `/docs` (Swagger UI 5, vendored in static/swagger-ui/) and the M&E dashboard at
`/dashboard` (static/dashboard/: one HTML page, its script and style, the Khmer font).

The pages hold no data: the dashboard's script logs in as a hub user (`POST
/v1/admin/session`) and reads `GET /v1/indicators` with that session's bearer token. Every
file is named here (no directory is served), and the dashboard's answers carry a
Content-Security-Policy that allows the hub's own origin only, with no inline script.

Every URL a page uses is relative, so the pages also work under a CamDX service path.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException

from fieldreg.gazetteer import display_name, load_gazetteer
from fieldreg.indicators.channels import BANKS, CHANNELS
from fieldreg.indicators.definitions import FIELD_NAMES, LABELS, SMALL_CELL
from fieldreg.record import CATEGORIES, SERVICES, SEXES
from fieldreg.resources import resource_path
from sync.hub.dashboard_words import WORDS

STATIC = Path(__file__).resolve().parent / "static"

# what each served name is: (file, media type)
SWAGGER_FILES = {
    "start.js": "text/javascript",  # ours: starts Swagger UI without an inline script
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
DASHBOARD_FILES = {
    "dashboard.js": "text/javascript",
    "dashboard.css": "text/css",
}
FONTS = {  # resources/fonts (resources/fonts/README.md: source and licence)
    "NotoSansKhmer-Regular.ttf": "font/ttf",
    "NotoSansKhmer-Bold.ttf": "font/ttf",
}

# the hub's own origin only; no inline script or style; nothing may frame the pages
DASHBOARD_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self';"
    " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none';"
    " frame-ancestors 'none'"
)
# the same for Swagger UI, whose stylesheet also draws icons from data: images
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self';"
    " img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none';"
    " form-action 'none'; frame-ancestors 'none'"
)


def _headers(policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",  # revalidate: a new hub version's page, not a stale one
    }


def _file(path: Path, media_type: str, policy: str) -> Response:
    return FileResponse(path, media_type=media_type, headers=_headers(policy))


@cache
def dashboard_words() -> bytes:
    """The words the dashboard shows, in English and Khmer: its own (dashboard_words.py), the
    coded values' (indicators.definitions.LABELS) and the provinces' (the gazetteer). Reference
    data only, the same for everyone: served without a session."""
    places = load_gazetteer().children("")
    words = {
        "ui": WORDS,
        "labels": {
            field: {v: list(pair) for v, pair in values.items()} for field, values in LABELS.items()
        },
        "fields": {name: list(pair) for name, pair in FIELD_NAMES.items()},
        "provinces": [
            {"code": p.code, "en": display_name(p, "en"), "km": display_name(p, "km")}
            for p in places
        ],
        "choices": {
            "channel": list(CHANNELS),
            "bank": list(BANKS),
            "category": list(CATEGORIES),
            "sex": list(SEXES),
            "service": list(SERVICES),
        },
        "small_cell": SMALL_CELL,
    }
    return json.dumps(words, ensure_ascii=False, sort_keys=True).encode("utf-8")


def add_web_routes(api: FastAPI) -> None:
    """`/docs` with the hub's own Swagger UI, and `/dashboard` with its files. `api` must be
    made with docs_url=None and redoc_url=None (FastAPI's own pages load from a CDN and start
    with an inline script)."""

    @api.get("/docs", include_in_schema=False)
    def swagger_ui() -> Response:
        return _file(STATIC / "swagger-ui" / "index.html", "text/html", DOCS_POLICY)

    @api.get("/docs/{name}", include_in_schema=False)
    def swagger_file(name: str) -> Response:
        if name not in SWAGGER_FILES:
            raise HTTPException(404)
        return _file(STATIC / "swagger-ui" / name, SWAGGER_FILES[name], DOCS_POLICY)

    @api.get("/dashboard", include_in_schema=False)
    def dashboard() -> Response:
        return _file(STATIC / "dashboard" / "index.html", "text/html", DASHBOARD_POLICY)

    @api.get("/dashboard/words.json", include_in_schema=False)
    def words() -> Response:
        return Response(
            dashboard_words(), media_type="application/json", headers=_headers(DASHBOARD_POLICY)
        )

    @api.get("/dashboard/{name}", include_in_schema=False)
    def dashboard_file(name: str) -> Response:
        if name in DASHBOARD_FILES:
            return _file(STATIC / "dashboard" / name, DASHBOARD_FILES[name], DASHBOARD_POLICY)
        if name in FONTS:
            return _file(resource_path("fonts", name), FONTS[name], DASHBOARD_POLICY)
        raise HTTPException(404)  # answered as {"error": "not_found", ...} by the app
