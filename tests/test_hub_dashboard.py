"""The hub's web pages in a real browser (issue 11): Debian's Chromium, headless, driven by
Playwright, against a real hub on 127.0.0.1. Nothing may come from anywhere but the hub.

The dashboard: a hub user logs in, sees the national figures equal to `GET /v1/indicators`,
filters by sex and by province and sees the API's filtered answer, switches to Khmer, logs
out; a session that ends at the hub sends the page back to the login form. `/docs`: Swagger
UI, served by the hub, lists the hub's operations.

Screenshots (1366x768) go to the test's folder, or to $FIELDREG_SCREENSHOT_DIR when set
(docs/screenshots/dashboard-{en,km}.png are made that way: see the module's last lines).
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, Page, Route, ViewportSize, expect, sync_playwright

from fieldreg.gazetteer import display_name, load_gazetteer
from fieldreg.indicators.channels import BANKS
from fieldreg.indicators.definitions import BY_ID
from fieldreg.indicators.evaluate import Operations, evaluate, suppressed
from fieldreg.indicators.facts import Fact
from fieldreg.indicators.tally import FactCounts
from fieldreg.record import CATEGORIES, SERVICES
from sync.hub.dashboard_words import WORDS
from sync.hub.keys import THROWAWAY_KDF
from sync.hub.operators import ADMIN, VIEWER, HubOperators
from sync.hub.server import BackgroundHub
from sync.hub.web import STATIC

CHROMIUM = "/usr/bin/chromium"  # Debian's package (scripts/setup); never `playwright install`
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
ADMIN_PASSPHRASE = "copper-lagoon-whistle-58"
VIEWER_PASSPHRASE = "saffron-tundra-pebble-31"
TIMEOUT_MS = 15_000
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def _facts(count: int, seed: int) -> list[Fact]:
    """Registrations' facts spread over three provinces, both sexes, every target group,
    channel and service: enough in each that the filtered numbers differ."""
    chosen = random.Random(seed)
    provinces = ["12", "08", "21"]  # Phnom Penh, Kandal, Takeo
    facts = []
    for n in range(count):
        channel = chosen.choice(["outreach", "outreach", "bank_branch", "commune_office"])
        facts.append(
            Fact(
                day=f"2026-11-{10 + n % 5:02d}",
                hour=8 + n % 8,
                event=chosen.choice(["Takeo fair", "Kandal market"]),
                channel=channel,
                bank=chosen.choice(BANKS[:3]) if channel == "bank_branch" else "",
                operator=chosen.choice(["Sokha", "Dara"]),
                device=chosen.choice(["desk-1", "desk-2"]),
                sex="F" if n % 5 < 3 else "M",
                category=CATEGORIES[n % len(CATEGORIES)],
                commune=provinces[n % 7 % 3] + "0101",
                services=tuple(s for s in SERVICES if chosen.random() < 0.4),
                duplicate=n % 17 == 0,
            )
        )
    return facts


FILTERS = ("since", "until", "province", "channel", "bank", "category", "sex")


def _stand_in_indicators(app: FastAPI, operators: HubOperators, facts: list[Fact]) -> None:
    """`GET /v1/indicators` as the hub helper documents it (branch i11-hub), for a hub
    without it yet: the same filters, `evaluate` over the facts within them, `suppressed`,
    with `refreshed_at` and `places`. The session is checked as the real route does."""

    def within(fact: Fact, chosen: dict[str, str]) -> bool:
        for name, value in chosen.items():
            if name == "since" and fact.day < value or name == "until" and fact.day > value:
                return False
            if name not in ("since", "until") and getattr(fact, name) != value:
                return False
        return True

    def indicators(request: Request) -> dict[str, Any]:
        header = request.headers.get("authorization", "")
        operators.session_user(header.removeprefix("Bearer ").strip() or None, VIEWER)
        chosen = {k: v for k, v in request.query_params.items() if k in FILTERS and v}
        selected = [fact for fact in facts if within(fact, chosen)]
        operations = Operations({"synced": len(selected)}, {3: len(selected)} if selected else {})
        figures = evaluate(FactCounts(selected, operations), scope=chosen, generated_at="")
        gazetteer = load_gazetteer()
        places = {}
        for fact in selected:
            place = gazetteer.get(fact.province)
            if place is not None:
                places[fact.province] = {
                    "en": display_name(place, "en"),
                    "km": display_name(place, "km"),
                }
        return {**suppressed(figures), "refreshed_at": "2026-11-14T09:30:00Z", "places": places}

    app.add_api_route("/v1/indicators", indicators, methods=["GET"])


@dataclass
class Dashboard:
    url: str
    hub: BackgroundHub
    requested: list[str] = field(default_factory=list)  # every URL the browser asked for

    def api(self, token: str, **filters: str) -> dict[str, Any]:
        answer = requests.get(
            f"{self.url}/v1/indicators",
            params=filters,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def token(self, name: str, passphrase: str) -> str:
        answer = requests.post(
            f"{self.url}/v1/admin/session",
            json={"name": name, "passphrase": passphrase},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[Dashboard]:
    hub_dir = tmp_path / "hub"
    with BackgroundHub(hub_dir) as background:
        operators = HubOperators(background.hub, kdf=THROWAWAY_KDF)
        alice = operators.add("alice", ADMIN, ADMIN_PASSPHRASE, by=None)
        operators.add("victor", VIEWER, VIEWER_PASSPHRASE, by=alice)
        app = background._server.config.app
        assert isinstance(app, FastAPI)
        if not any(isinstance(r, APIRoute) and r.path == "/v1/indicators" for r in app.routes):
            _stand_in_indicators(app, operators, _facts(120, seed=11))
        yield Dashboard(background.url, background)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


def _page(browser: Browser, dashboard: Dashboard, language: str = "en-US") -> Page:
    """A fresh browser context that records every request and lets none leave the hub."""
    context = browser.new_context(viewport=VIEWPORT, locale=language)
    context.set_default_timeout(TIMEOUT_MS)

    def record(route: Route) -> None:
        dashboard.requested.append(route.request.url)
        if route.request.url.startswith(dashboard.url + "/"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", record)
    return context.new_page()


def _tile(indicator: str) -> str:
    return f"#tile-{indicator} .value"


def _log_in(page: Page, dashboard: Dashboard) -> None:
    page.goto(f"{dashboard.url}/dashboard")
    page.fill("#login-name", "victor")
    page.fill("#login-passphrase", VIEWER_PASSPHRASE)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#figures")).to_be_visible()


def _count(value: Any) -> str:
    return value if isinstance(value, str) else f"{value:,}"


def _screenshot_dir(tmp_path: Path) -> Path:
    chosen = os.environ.get("FIELDREG_SCREENSHOT_DIR")
    return Path(chosen) if chosen else tmp_path


def test_dashboard_logs_in_filters_and_matches_the_api_in_english_and_khmer(
    tmp_path: Path, dashboard: Dashboard, browser: Browser
) -> None:
    page = _page(browser, dashboard)
    page.goto(f"{dashboard.url}/dashboard")
    expect(page.locator("#login")).to_be_visible()
    assert page.locator("#figures").is_hidden()  # the page holds nothing before a login

    _log_in(page, dashboard)
    token = dashboard.token("victor", VIEWER_PASSPHRASE)
    national = dashboard.api(token)
    registrations = national["indicators"][0]
    assert registrations["id"] == "registrations"
    expect(page.locator(_tile("registrations"))).to_have_text(_count(registrations["value"]))
    rows = page.locator("#province-table tbody tr")
    expect(rows).to_have_count(len(national["places"]))
    expect(page.locator("#refreshed")).to_contain_text("2026-11-14 16:30")  # Cambodia time
    expect(page.locator("#small-cells")).to_contain_text("<5")
    shots = _screenshot_dir(tmp_path)
    page.screenshot(path=str(shots / "dashboard-en.png"))

    page.select_option("#f-sex", "F")
    women = dashboard.api(token, sex="F")
    assert women["indicators"][0]["value"] != registrations["value"]
    expect(page.locator(_tile("registrations"))).to_have_text(
        _count(women["indicators"][0]["value"])
    )
    page.select_option("#f-province", "08")
    kandal = dashboard.api(token, sex="F", province="08")
    expect(page.locator(_tile("registrations"))).to_have_text(
        _count(kandal["indicators"][0]["value"])
    )
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").first).to_have_text(kandal["places"]["08"]["en"])

    page.select_option("#f-sex", "")
    page.select_option("#f-province", "")
    expect(page.locator(_tile("registrations"))).to_have_text(_count(registrations["value"]))
    page.click("#language")
    expect(page.locator("h1")).to_have_text(WORDS["title"]["km"])
    expect(page.locator("#tile-registrations .label")).to_have_text(BY_ID["registrations"].name_km)
    khmer_count = _count(registrations["value"]).translate(KHMER_DIGITS)
    expect(page.locator(_tile("registrations"))).to_have_text(khmer_count)
    first_province = page.locator("#province-table tbody tr td").first.inner_text()
    assert re.search("[\u1780-\u17ff]", first_province), first_province
    page.screenshot(path=str(shots / "dashboard-km.png"))

    # the token is this tab's only: never in localStorage, and gone at logout
    assert page.evaluate("localStorage.length") == 0
    page.click("#logout")
    expect(page.locator("#login")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('fieldreg-hub-session')") is None

    assert dashboard.requested
    outside = [url for url in dashboard.requested if not url.startswith(dashboard.url + "/")]
    assert outside == []
    asked = {url.split("?")[0].removeprefix(dashboard.url) for url in dashboard.requested}
    assert {"/dashboard", "/v1/admin/session", "/v1/indicators"} <= asked
    assert "/dashboard/NotoSansKhmer-Regular.ttf" in asked  # Khmer shaped with the hub's font


def test_a_session_ended_at_the_hub_returns_the_page_to_the_login_form(
    dashboard: Dashboard, browser: Browser
) -> None:
    page = _page(browser, dashboard)
    _log_in(page, dashboard)
    expect(page.locator(_tile("registrations"))).not_to_have_text("")
    token = page.evaluate("sessionStorage.getItem('fieldreg-hub-session')")
    ended = requests.delete(
        f"{dashboard.url}/v1/admin/session",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert ended.status_code == 204
    page.select_option("#f-sex", "M")  # the next request answers 401
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("#login-error")).to_have_text(WORDS["session_ended"]["en"])
    assert page.evaluate("sessionStorage.getItem('fieldreg-hub-session')") is None
    assert page.locator("#figures").is_hidden()


def test_a_wrong_passphrase_is_refused_on_the_page(dashboard: Dashboard, browser: Browser) -> None:
    page = _page(browser, dashboard)
    page.goto(f"{dashboard.url}/dashboard")
    page.fill("#login-name", "victor")
    page.fill("#login-passphrase", "not-the-passphrase-at-all")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-error")).to_have_text(WORDS["login_failed"]["en"])
    assert page.locator("#figures").is_hidden()
    assert page.evaluate("sessionStorage.length") == 0


def test_the_dashboard_pages_allow_only_the_hubs_own_origin(dashboard: Dashboard) -> None:
    for path in ("/dashboard", "/dashboard/dashboard.js", "/dashboard/words.json"):
        answer = requests.get(dashboard.url + path, timeout=30)
        assert answer.status_code == 200, path
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "connect-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    for path in ("/dashboard/../app.py", "/dashboard/web.py", "/docs/README.md", "/redoc"):
        assert requests.get(dashboard.url + path, timeout=30).status_code == 404, path
    page = (STATIC / "dashboard" / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "style=" not in page and "http" not in page
    script = (STATIC / "dashboard" / "dashboard.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "localStorage." not in script


def test_docs_render_swagger_ui_from_the_hub_itself(dashboard: Dashboard, browser: Browser) -> None:
    page = _page(browser, dashboard)
    page.goto(f"{dashboard.url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("FieldReg hub")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    paths = set(operations.all_inner_texts())
    assert {"/v1/batches", "/v1/enrol", "/v1/admin/session"} <= {p.strip() for p in paths}
    outside = [url for url in dashboard.requested if not url.startswith(dashboard.url + "/")]
    assert outside == []
    assert f"{dashboard.url}/docs/swagger-ui-bundle.js" in dashboard.requested
