"""Hub operators (issue 10 item 5): the people who run the hub have accounts, and everything
but a device's own routes needs one. A real hub on 127.0.0.1 over HTTP, and `fieldreg-hub`.

Attacks and faults replayed: an unauthenticated caller trying every route (only the device
routes and the login answer), a viewer asking for an admin's action, a session token used after
its expiry or its logout, passphrase guessing (counted, held off, audited without the
passphrase), a copy of hub.db searched for passphrases and bearer tokens, and the command line
asked to issue a token by nobody in particular."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi.routing import APIRoute
from starlette.routing import Route

from fieldreg.store.operators import backoff_seconds
from sync.enrol import enrol_device
from sync.hub.app import create_app
from sync.hub.hub import HUB_DB, Hub
from sync.hub.keys import THROWAWAY_KDF, throwaway_custody
from sync.hub.operators import ADMIN, SESSION_LIFETIME, VIEWER, HubOperators
from sync.hub.server import BackgroundHub
from tests.cli_runner import hub_cli
from tests.factories import FakeClock
from tests.sync_support import Device

ADMIN_PASSPHRASE = "copper-lagoon-whistle-58"
VIEWER_PASSPHRASE = "saffron-tundra-pebble-31"
TIMEOUT = 30

# every route that needs a session, with a body it would accept, and the role it needs
ADMIN_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/v1/admin/tokens", {"url": "http://127.0.0.1:9"}),
    ("POST", "/v1/admin/devices/no-such-device/revoke", {}),
    ("GET", "/v1/admin/export", None),
    ("GET", "/v1/admin/audit", None),
]
VIEWER_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/v1/admin/devices", None),
    ("GET", "/v1/admin/counts", None),
    ("GET", "/v1/admin/duplicates", None),
]
# what a caller without a session may reach: a device's routes, the login, the API's document
# and the pages
PUBLIC = {
    ("GET", "/v1/hub"),
    ("POST", "/v1/enrol"),
    ("HEAD", "/v1/batches"),
    ("POST", "/v1/batches"),
    ("POST", "/v1/admin/session"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    # the hub's own web pages and their files (sync/hub/web.py): no data without a session
    ("GET", "/docs/{name}"),
    ("GET", "/dashboard"),
    ("GET", "/dashboard/words.json"),
    ("GET", "/dashboard/{name}"),
}


class Running:
    def __init__(self, background: BackgroundHub, clock: FakeClock) -> None:
        self.background = background
        self.hub = background.hub
        self.url = background.url
        self.clock = clock
        self.operators = HubOperators(self.hub, kdf=THROWAWAY_KDF)

    def call(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> requests.Response:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return requests.request(
            method, self.url + path, json=body, headers=headers, timeout=TIMEOUT
        )

    def log_in(self, name: str, passphrase: str) -> requests.Response:
        return self.call("POST", "/v1/admin/session", {"name": name, "passphrase": passphrase})

    def token(self, name: str, passphrase: str) -> str:
        answer = self.log_in(name, passphrase)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    def entries(self) -> list[dict[str, Any]]:
        return self.hub.audit_entries()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    """A hub on a hand-moved clock with an admin (alice, the first, added with the hub
    passphrase) and a viewer (victor, added by alice)."""
    clock = FakeClock()
    hub_dir = tmp_path / "hub"
    hub = Hub(hub_dir, throwaway_custody(hub_dir), clock=clock)
    with BackgroundHub(hub_dir, hub=hub) as background:
        run = Running(background, clock)
        alice = run.operators.add("alice", ADMIN, ADMIN_PASSPHRASE, by=None)
        run.operators.add("victor", VIEWER, VIEWER_PASSPHRASE, by=alice)
        yield run


def _is_refusal(answer: requests.Response, status: int, code: str) -> bool:
    return answer.status_code == status and answer.json()["error"] == code


def test_without_a_session_every_admin_route_answers_401(running: Running) -> None:
    routes = [*ADMIN_ROUTES, *VIEWER_ROUTES, ("DELETE", "/v1/admin/session", None)]
    for method, path, body in routes:
        for token in (None, "", "not-a-session-token", "x" * 500):
            answer = running.call(method, path, body, token=token)
            assert _is_refusal(answer, 401, "login_required"), (method, path, answer.text)
            assert answer.headers["WWW-Authenticate"] == "Bearer"
        basic = requests.request(
            method,
            running.url + path,
            json=body,
            headers={"Authorization": "Basic YWxpY2U6cGFzcw=="},
            timeout=TIMEOUT,
        )
        assert _is_refusal(basic, 401, "login_required"), (method, path)


def test_an_unauthenticated_caller_reaches_only_the_device_routes(running: Running) -> None:
    """Every route of the app, walked: the ones that answer a caller without a session with
    anything but 401 are exactly a device's routes, the login and the API's document."""
    reached: set[tuple[str, str]] = set()
    refused: set[tuple[str, str]] = set()
    for route in create_app(running.hub).routes:
        assert isinstance(route, APIRoute | Route), route
        path = route.path.replace("{device_id}", "some-device")
        for method in sorted(route.methods or ()):
            if method == "HEAD" and "GET" in (route.methods or ()):
                continue  # Starlette's HEAD for a GET route: the same answer, without its body
            answer = running.call(method, path, {} if method in ("POST", "DELETE") else None)
            assert answer.status_code < 500, (method, path)
            (refused if answer.status_code == 401 else reached).add((method, route.path))
    assert reached == PUBLIC
    assert refused >= {(m, p.replace("no-such-device", "{device_id}")) for m, p, _ in ADMIN_ROUTES}


def test_a_viewer_reads_the_figures_and_is_refused_every_admin_action(running: Running) -> None:
    token = running.token("victor", VIEWER_PASSPHRASE)
    before = len(running.entries())
    for method, path, body in ADMIN_ROUTES:
        answer = running.call(method, path, body, token=token)
        assert _is_refusal(answer, 403, "role_refused"), (method, path, answer.text)
    for method, path, body in VIEWER_ROUTES:
        assert running.call(method, path, body, token=token).status_code == 200, path
    assert running.call("GET", "/v1/admin/counts", token=token).json() == {
        "accepted": 0,
        "rejected": 0,
    }
    assert len(running.entries()) == before  # nothing was done


def test_an_admin_issues_a_token_exports_revokes_and_each_is_audited_by_name(
    tmp_path: Path, running: Running
) -> None:
    token = running.token("alice", ADMIN_PASSPHRASE)
    issued = running.call("POST", "/v1/admin/tokens", {"url": running.url}, token=token)
    assert issued.status_code == 200, issued.text
    device = Device(tmp_path / "device")
    enrol_device(device.store, device.session, issued.json()["enrolment"])
    ids = device.register(2)
    assert device.engine().sync_once().complete
    exported = running.call("GET", "/v1/admin/export", token=token)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    assert sorted(json.loads(line)["id"] for line in exported.text.splitlines()) == sorted(ids)
    listed = running.call("GET", "/v1/admin/devices", token=token).json()
    assert [d["device_id"] for d in listed] == [device.store.device_id]
    device_id = device.store.device_id
    revoked = running.call(
        "POST", f"/v1/admin/devices/{device_id}/revoke", {"quarantine": True}, token=token
    )
    assert revoked.json() == {"device_id": device_id, "revoked": True, "quarantined": True}
    again = running.call("POST", f"/v1/admin/devices/{device_id}/revoke", {}, token=token)
    assert _is_refusal(again, 404, "unknown_device")
    log = running.call("GET", "/v1/admin/audit", token=token).json()
    by_alice = [(e["action"], e["subject"]) for e in log if e["actor"] == "user:alice"]
    assert [action for action, _ in by_alice] == [
        "user_added",  # victor
        "login",
        "token_issued",
        "export",
        "device_revoked",
        "device_quarantined",
    ]
    [export] = [e for e in log if e["action"] == "export"]
    assert export["details"] == {
        "format": "jsonl",
        "registrations": 2,
        "include_quarantined": False,
    }
    assert ("user:alice", "login") in {(e["actor"], e["action"]) for e in log}
    logged_out = running.call("DELETE", "/v1/admin/session", token=token)
    assert logged_out.status_code == 204
    after = running.call("GET", "/v1/admin/devices", token=token)
    assert _is_refusal(after, 401, "login_required")  # the token opens nothing more
    assert running.entries()[-1]["action"] == "logout"


def test_an_expired_session_is_refused(running: Running) -> None:
    token = running.token("victor", VIEWER_PASSPHRASE)
    running.clock.advance(SESSION_LIFETIME.total_seconds() - 1)
    assert running.call("GET", "/v1/admin/counts", token=token).status_code == 200
    running.clock.advance(1)
    expired = running.call("GET", "/v1/admin/counts", token=token)
    assert _is_refusal(expired, 401, "login_required")


def test_disabling_a_user_or_changing_their_passphrase_ends_their_sessions(
    running: Running,
) -> None:
    alice = running.operators.login("alice", ADMIN_PASSPHRASE, via="test")
    token = running.token("victor", VIEWER_PASSPHRASE)
    running.operators.set_passphrase("victor", "marble-cactus-violin-64", by=alice)
    assert _is_refusal(running.call("GET", "/v1/admin/counts", token=token), 401, "login_required")
    assert _is_refusal(running.log_in("victor", VIEWER_PASSPHRASE), 401, "login_failed")
    running.clock.advance(backoff_seconds(1))
    token = running.token("victor", "marble-cactus-violin-64")
    assert running.operators.disable("victor", by=alice)
    assert _is_refusal(running.call("GET", "/v1/admin/counts", token=token), 401, "login_required")
    assert _is_refusal(
        running.log_in("victor", "marble-cactus-violin-64"), 403, "hub_user_disabled"
    )


def test_wrong_passphrases_are_counted_held_off_and_audited_without_the_passphrase(
    running: Running,
) -> None:
    guesses = ["guess-number-one-77", "guess-number-two-88", "guess-number-three-99"]
    for failed, guess in enumerate(guesses, start=1):
        assert _is_refusal(running.log_in("alice", guess), 401, "login_failed")
        # the wait: even the right passphrase is held off until it has passed
        held = running.log_in("alice", ADMIN_PASSPHRASE)
        assert _is_refusal(held, 429, "login_backoff"), held.text
        running.clock.advance(backoff_seconds(failed) - 1)
        assert running.log_in("alice", ADMIN_PASSPHRASE).status_code == 429
        running.clock.advance(1)
    [alice] = [u for u in running.operators.users() if u.name == "alice"]
    assert alice.failed_attempts == len(guesses)
    failures = [e for e in running.entries() if e["action"] == "login_failed"]
    assert [(e["actor"], e["details"]["failed"]) for e in failures] == [
        ("user:alice", 1),
        ("user:alice", 2),
        ("user:alice", 3),
    ]
    assert running.token("alice", ADMIN_PASSPHRASE)  # the wait is over: in, and the count
    [alice] = [u for u in running.operators.users() if u.name == "alice"]
    assert alice.failed_attempts == 0
    text = json.dumps(running.entries())
    assert not any(guess in text for guess in [*guesses, ADMIN_PASSPHRASE])
    # a name the hub does not know: refused the same way, and nothing to count or audit
    count = len(running.entries())
    assert _is_refusal(running.log_in("mallory", "whatever-she-tries-1"), 401, "login_failed")
    assert len(running.entries()) == count


def test_hub_db_holds_neither_passphrases_nor_bearer_tokens(running: Running) -> None:
    admin_token = running.token("alice", ADMIN_PASSPHRASE)
    viewer_token = running.token("victor", VIEWER_PASSPHRASE)
    running.log_in("alice", "a-wrong-guess-at-it-5")
    data_dir = running.hub.data_dir
    stored = b"".join(
        (data_dir / name).read_bytes()
        for name in (HUB_DB, f"{HUB_DB}-wal")
        if (data_dir / name).exists()
    )
    secrets_ = [ADMIN_PASSPHRASE, VIEWER_PASSPHRASE, "a-wrong-guess-at-it-5"]
    for secret in [*secrets_, admin_token, viewer_token]:
        assert secret.encode() not in stored, secret[:6]
    with running.hub.storage.read() as db:
        sessions = db.execute("SELECT token_hash FROM hub_sessions").fetchall()
    assert len(sessions) == 2  # they are there, hashed


# -- the command line ------------------------------------------------------------------------


def _hub(hub_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`fieldreg-hub ARGS` with no terminal, as nobody in particular unless `env` says who."""
    return hub_cli(hub_dir, *args, user=env)


def _as(name: str, passphrase: str) -> dict[str, str]:
    return {"FIELDREG_HUB_USER": name, "FIELDREG_HUB_USER_PASSPHRASE": passphrase}


def test_the_cli_needs_a_hub_user_and_names_them_in_the_audit_log(tmp_path: Path) -> None:
    hub_dir = tmp_path / "hub"
    nobody = _hub(hub_dir, "token", "--url", "http://127.0.0.1:9")
    assert nobody.returncode == 1 and nobody.stdout == ""
    assert "(login_required)" in nobody.stderr and "user add NAME --role admin" in nobody.stderr
    # the first user: added with the hub passphrase alone, and only as an admin
    add_victor = ("user", "add", "victor", "--role", "viewer")
    viewer_first = _hub(hub_dir, *add_victor, **_as("", VIEWER_PASSPHRASE))
    assert viewer_first.returncode == 1 and "(role_refused)" in viewer_first.stderr
    add_alice = ("user", "add", "alice", "--role", "admin")
    weak = _hub(hub_dir, *add_alice, **_as("", "aaaaaaaaaa"))
    assert weak.returncode == 1 and "(weak_passphrase)" in weak.stderr
    first = _hub(hub_dir, *add_alice, **_as("", ADMIN_PASSPHRASE))
    assert first.returncode == 0, first.stderr
    # from now on an admin adds users
    new_viewer = {"FIELDREG_HUB_NEW_USER_PASSPHRASE": VIEWER_PASSPHRASE}
    second = _hub(hub_dir, *add_victor, **new_viewer)
    assert second.returncode == 1 and "(login_required)" in second.stderr
    second = _hub(hub_dir, *add_victor, **_as("alice", ADMIN_PASSPHRASE), **new_viewer)
    assert second.returncode == 0, second.stderr
    assert _hub(hub_dir, "token").returncode == 1  # still nobody
    viewer = _hub(hub_dir, "token", "--user", "victor", **_as("", VIEWER_PASSPHRASE))
    assert viewer.returncode == 1 and "(role_refused)" in viewer.stderr
    issued = _hub(hub_dir, "token", "--user", "alice", **_as("", ADMIN_PASSPHRASE))
    assert issued.returncode == 0, issued.stderr
    assert issued.stdout.startswith("FRENROLL1:")
    listed = [json.loads(line) for line in _hub(hub_dir, "user", "list").stdout.splitlines()]
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [
        ("alice", "admin", False),
        ("victor", "viewer", False),
    ]
    disabled = _hub(hub_dir, "user", "disable", "victor", **_as("alice", ADMIN_PASSPHRASE))
    assert disabled.returncode == 0, disabled.stderr
    refused = _hub(hub_dir, "devices", "--revoke", "x", **_as("victor", VIEWER_PASSPHRASE))
    assert refused.returncode == 1 and "(hub_user_disabled)" in refused.stderr
    wrong = _hub(hub_dir, "export", **_as("alice", "not-alices-passphrase-3"))
    assert wrong.returncode == 1 and wrong.stdout == "" and "(login_failed)" in wrong.stderr
    audited = [json.loads(line) for line in _hub(hub_dir, "audit").stdout.splitlines()]
    os_user = audited[0]["actor"]
    assert [(e["actor"], e["action"], e["subject"]) for e in audited] == [
        (os_user, "user_added", "alice"),  # the hub passphrase's holder
        ("user:alice", "login", "alice"),
        ("user:alice", "user_added", "victor"),
        ("user:victor", "login", "victor"),  # then refused: a viewer
        ("user:alice", "login", "alice"),
        ("user:alice", "token_issued", audited[5]["subject"]),
        ("user:alice", "login", "alice"),
        ("user:alice", "user_disabled", "victor"),
        ("user:alice", "login_failed", "alice"),
    ]
    assert {e["details"]["via"] for e in audited if "login" in e["action"]} == {"cli"}
    assert "not-alices" not in json.dumps(audited)
    # reading needs nobody: it writes nothing, and hub.db is readable to whoever runs it
    assert _hub(hub_dir, "devices").returncode == 0
