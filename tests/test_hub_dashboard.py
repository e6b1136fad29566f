"""The hub's web pages in a real browser (issue 11): Debian's Chromium, headless, driven by
Playwright, against a real hub on 127.0.0.1. Nothing may come from anywhere but the hub.

The dashboard: a hub user logs in, sees the national figures equal to `GET /v1/indicators`,
filters by sex and by province and sees the API's filtered answer, switches to Khmer, logs
out; a session that ends at the hub sends the page back to the login form. `/docs`: Swagger
UI, served by the hub, lists the hub's operations.

Screenshots (1366x768) go to the test's folder, or to $FIELDREG_SCREENSHOT_DIR when set;
docs/screenshots/dashboard-{en,km}.png are made with (from the checkout)
    FIELDREG_SCREENSHOT_DIR=$PWD/docs/screenshots \\
        python -m pytest tests/test_hub_dashboard.py -k english
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, Route, ViewportSize, expect, sync_playwright

from fieldreg.clock import parse_iso
from fieldreg.gazetteer import load_gazetteer
from fieldreg.indicators.definitions import BY_ID
from fieldreg.indicators.facts import CAMBODIA
from fieldreg.record import CATEGORIES, SERVICES
from sync.hub.dashboard_words import WORDS
from sync.hub.hub import Hub
from sync.hub.keys import THROWAWAY_KDF, throwaway_custody
from sync.hub.operators import ADMIN, VIEWER, HubOperators
from sync.hub.server import BackgroundHub
from sync.hub.web import STATIC
from tests.factories import FakeClock, raw_record
from tests.sync_support import Device, wait_until

CHROMIUM = "/usr/bin/chromium"  # Debian's package (scripts/setup); never `playwright install`
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
ADMIN_PASSPHRASE = "copper-lagoon-whistle-58"
VIEWER_PASSPHRASE = "saffron-tundra-pebble-31"
TIMEOUT_MS = 15_000
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


# (province, sex, how many): small cells on purpose (Kandal's men, all of Takeo: "<5")
PLAN = [("12", "F", 10), ("12", "M", 6), ("08", "F", 7), ("08", "M", 2), ("21", "F", 3)]
TOTAL = sum(n for _, _, n in PLAN)


def _village_in(province: str) -> str:
    place = load_gazetteer().get(province)
    while place is not None and place.level != "village":
        place = load_gazetteer().children(place.code)[0]
    assert place is not None
    return place.code


def _register_and_sync(
    device: Device, hub: BackgroundHub, clock: FakeClock
) -> list[dict[str, Any]]:
    """The PLAN's registrations, every target group and a few services, synced to the hub;
    returns the records (their personal values must appear nowhere on the page)."""
    records = []
    for province, sex, count in PLAN:
        village = _village_in(province)
        for n in range(count):
            records.append(
                raw_record(
                    sex=sex,
                    village_code=village,
                    category=CATEGORIES[n % len(CATEGORIES)],
                    services=list(SERVICES[: 1 + n % 3]),
                )
            )
    for record in records:
        valid = device.session.validate(record).record
        assert valid is not None
        device.session.register(valid)
        clock.advance(60)  # one a minute
    clock.advance(25 * 60)  # then the desk syncs: lags from 25 to 52 minutes
    device.enrol(hub.hub, hub.url)
    assert device.engine().sync_once().complete
    return records


@dataclass
class Dashboard:
    url: str
    hub: BackgroundHub
    records: list[dict[str, Any]]
    requested: list[str] = field(default_factory=list)  # every URL the browser asked for
    errors: list[str] = field(default_factory=list)  # script errors, CSP refusals

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
    """A hub with an admin (alice) and a viewer (victor), and a device's registrations synced
    to it, its figures refreshed (the hub's job) before the browser looks."""
    clock = FakeClock()  # the device's and the hub's: the lags are known
    hub_dir = tmp_path / "hub"
    hub = Hub(hub_dir, throwaway_custody(hub_dir), clock=clock)
    with BackgroundHub(hub_dir, hub=hub) as background:
        operators = HubOperators(background.hub, kdf=THROWAWAY_KDF)
        alice = operators.add("alice", ADMIN, ADMIN_PASSPHRASE, by=None)
        operators.add("victor", VIEWER, VIEWER_PASSPHRASE, by=alice)
        device = Device(tmp_path / "device", clock)
        records = _register_and_sync(device, background, clock)
        running = Dashboard(background.url, background, records)
        token = running.token("alice", ADMIN_PASSPHRASE)
        wait_until(
            lambda: running.api(token)["indicators"][0]["value"] == TOTAL,
            30,
            "the hub's figures to count the synced registrations",
        )
        yield running


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
    page = context.new_page()
    page.on("pageerror", lambda error: dashboard.errors.append(str(error)))
    page.on(
        "console",
        lambda message: dashboard.errors.append(message.text) if message.type == "error" else None,
    )
    return page


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
    by_province = [b for b in registrations["breakdowns"] if b["by"] == ["province"]]
    expect(rows).to_have_count(len(by_province[0]["rows"]))
    expect(rows.first.locator("td").nth(1)).to_have_text("16")  # Phnom Penh's
    refreshed = parse_iso(national["refreshed_at"]).astimezone(CAMBODIA)
    expect(page.locator("#refreshed")).to_contain_text(refreshed.strftime("%Y-%m-%d %H:%M"))
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
    for part in ("#tiles", ".panels"):  # Khmer digits throughout
        assert not re.search("[0-9]", page.inner_text(part)), page.inner_text(part)
    page.screenshot(path=str(shots / "dashboard-km.png"))

    # the page shows figures only: none of the registered people's personal values
    shown = page.content()
    for record in dashboard.records:
        for name in ("id_number", "phone", "name_en", "name_km", "date_of_birth", "village_code"):
            assert record[name] not in shown, name

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
    assert dashboard.errors == []  # no script error, nothing the CSP refused


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
    page.locator(".opblock-summary").first.click()  # an operation opens, with its example
    expect(page.locator(".opblock-body").first).to_be_visible()
    expect(page.locator(".opblock-body .microlight, .opblock-body pre").first).to_be_visible()
    outside = [url for url in dashboard.requested if not url.startswith(dashboard.url + "/")]
    assert outside == []
    assert f"{dashboard.url}/docs/swagger-ui-bundle.js" in dashboard.requested
    assert dashboard.errors == []  # no script error, nothing the CSP refused
    policy = requests.get(f"{dashboard.url}/docs", timeout=30).headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy  # no inline script on the page either


def test_the_pages_work_under_a_camdx_service_path(tmp_path: Path, browser: Browser) -> None:
    """Every address the pages use is relative: under a CamDX service path they load their
    files, the API's document and the words from beneath it."""
    mount = "/r1/CAMBODIA/GOV/MOLVT/FIELDREG/hub"
    with BackgroundHub(tmp_path / "hub", mount_path=mount) as background:
        running = Dashboard(background.url + mount, background, [])
        page = _page(browser, running)
        page.goto(f"{running.url}/docs")
        expect(page.locator(".opblock-summary-path").first).to_be_visible()
        page.goto(f"{running.url}/dashboard")
        expect(page.locator("#login h2")).to_have_text(WORDS["login_title"]["en"])
        assert running.errors == []
        asked = {url.split("?")[0] for url in running.requested}
        assert f"{running.url}/openapi.json" in asked
        assert f"{running.url}/dashboard/words.json" in asked
        assert all(url.startswith(running.url + "/") for url in asked), asked
