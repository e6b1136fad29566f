"""The hub's M&E figures (issue 11): desks register hidden random people, sync to a real hub on
127.0.0.1, the jobs run, and `GET /v1/indicators` must say what `evaluate` says of the same
registrations counted directly (tally.FactCounts, the device's view), suppressed; filters
narrow it, it needs a hub user, it is audited, and no figure holds personal data."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import random
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldreg.clock import parse_iso
from fieldreg.desk import Desk
from fieldreg.desk.results import DuplicatesFound, Registered
from fieldreg.gazetteer import display_name, load_gazetteer
from fieldreg.indicators.channels import BANKS, Channel
from fieldreg.indicators.evaluate import Operations, evaluate, suppressed, to_csv
from fieldreg.indicators.facts import Fact, fact_of
from fieldreg.indicators.scope import FigureScope
from fieldreg.indicators.tally import FactCounts
from fieldreg.record import CATEGORIES, SERVICES, SEXES
from sync.client import HubClient
from sync.engine import SyncEngine
from sync.hub import audit, figures
from sync.hub.figures import FigureFilter
from sync.hub.keys import THROWAWAY_KDF
from sync.hub.operators import ADMIN, VIEWER, HubOperators
from sync.hub.server import BackgroundHub
from tests.cli_runner import HUB_USER, HUB_USER_PASSPHRASE, hub_cli
from tests.factories import FAST_KDF, NOW, PASSPHRASE, FakeClock, raw_record
from tests.plaintext import bytes_of, person_values, plaintext_hits

REPO = Path(__file__).resolve().parent.parent
EVENTS = ("Takeo outreach", "Kampot market day", "Siem Reap branch week", "")
# an event's channel: fixed per event, drawn at random by each test
CHANNELS = (
    Channel(),
    Channel("commune_office"),
    *(Channel("bank_branch", bank) for bank in BANKS),
)
VIEWER_NAME, VIEWER_PASSPHRASE = "analyst", "monsoon-ledger-ribbon-4"
ADMIN_NAME, ADMIN_PASSPHRASE = "chief", "kettle-harbour-lantern-8"


def villages() -> list[str]:
    with (REPO / "resources/data/gazetteer/villages.csv").open(encoding="utf-8") as rows:
        return [row["code"] for row in csv.DictReader(rows)]


@dataclass
class Person:
    """What the test knows of a registration it made: the person and the desk's record."""

    person: dict[str, Any]
    registration_id: str
    desk: Desk


def open_desk(root: Path, hub: BackgroundHub, clock: FakeClock) -> Desk:
    desk = Desk(root, clock=clock, kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    desk.enrol(hub.hub.issue_token(hub.url), HubClient)
    return desk


def person(rng: random.Random, places: list[str], n: int) -> dict[str, Any]:
    """A valid record of random (hidden) values: sex, target group, village, services."""
    surname = "".join(rng.choice("bdghklmnprstvz") + rng.choice("aeiou") for _ in range(4))
    return raw_record(
        name_en=f"Figure {surname.title()} {''.join(chr(97 + int(d)) for d in f'{n:04d}')}",
        sex=rng.choice(SEXES),
        category=rng.choice(CATEGORIES),
        village_code=rng.choice(places),
        services=rng.sample(SERVICES, rng.randint(0, 4)),
        date_of_birth=dt.date(
            rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)
        ).isoformat(),
    )


def register_random(
    desks: list[Desk], clock: FakeClock, rng: random.Random, count: int
) -> list[Person]:
    """`count` people at random desks, events (each at a random channel) and times (over
    several days and hours)."""
    places = rng.sample(villages(), 40)  # few villages: some cells are big, many small
    channel_of = {event: rng.choice(CHANNELS) for event in EVENTS}
    made = []
    for n in range(count):
        clock.advance(rng.randint(60, 3 * 3600))
        desk = rng.choice(desks)
        raw = person(rng, places, n)
        event = rng.choice(EVENTS)
        saved = desk.register(raw, event=event, channel=channel_of[event])
        assert isinstance(saved, Registered), saved
        made.append(Person(raw, saved.stored.id, desk))
    return made


def sync(*desks: Desk) -> None:
    for desk in desks:
        store = desk._opened  # the sync engine runs on the store, as the app's network worker
        assert SyncEngine(store, HubClient(store.sync_settings())).sync_once().complete


def device_facts(desks: list[Desk]) -> list[Fact]:
    """The facts of every registration as the desks hold them (their newest versions)."""
    return [fact for desk in desks for fact in device_facts_of(desk, desk.registrations())]


def keeps(chosen: FigureFilter, fact: Fact) -> bool:
    """The filter, said again for facts in memory."""
    return all(
        [
            not chosen.since or fact.day >= chosen.since,
            not chosen.until or fact.day <= chosen.until,
            not chosen.province or fact.province == chosen.province,
            not chosen.channel or fact.channel == chosen.channel,
            not chosen.bank or fact.bank == chosen.bank,
            not chosen.category or fact.category == chosen.category,
            not chosen.sex or fact.sex == chosen.sex,
            not chosen.event or fact.event == chosen.event,
        ]
    )


def lags(hub: BackgroundHub) -> dict[str, int]:
    """Minutes from finalise to receipt of each registration, from the hub's export."""
    return {
        row["id"]: max(
            0,
            (parse_iso(row["received_at"]) - parse_iso(row["created_at"]))
            // dt.timedelta(minutes=1),
        )
        for row in hub.hub.registrations()
    }


def expected(
    hub: BackgroundHub, desks: list[Desk], chosen: FigureFilter, generated_at: str
) -> dict[str, Any]:
    """What the hub must answer: evaluate() over the desks' facts counted directly."""
    minutes = lags(hub)
    kept: list[Fact] = []
    lag_of: Counter[int] = Counter()
    for desk in desks:
        for stored in desk.registrations():
            (fact,) = device_facts_of(desk, [stored])
            if keeps(chosen, fact):
                kept.append(fact)
                lag_of[minutes[stored.id]] += 1
    statuses = {"synced": len(kept)} | ({} if chosen.narrows else {"rejected": 0})
    return evaluate(
        FactCounts(kept, Operations(statuses, dict(lag_of))),
        scope=figures.scope_of(chosen),
        generated_at=generated_at,
    )


def device_facts_of(desk: Desk, stored: list[Any]) -> list[Fact]:
    return [
        fact_of(
            s.record,
            created_at=s.created_at,
            event=s.event,
            channel=s.channel,
            operator=s.operator,
            device=desk.device_id,
            duplicate=False,
        )
        for s in stored
    ]


def without_extras(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k not in ("refreshed_at", "places")}


@pytest.fixture
def quiet_hub(tmp_path: Path, hub_database: str | None) -> Iterator[BackgroundHub]:
    """A hub that runs no drainer: its jobs wait for the test's `drain_jobs()`."""
    with BackgroundHub(tmp_path / "hub", database=hub_database, drain_jobs=False) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def desks(tmp_path: Path, quiet_hub: BackgroundHub, clock: FakeClock) -> Iterator[list[Desk]]:
    opened = [open_desk(tmp_path / f"desk{n}", quiet_hub, clock) for n in range(2)]
    yield opened
    for desk in opened:
        desk.close()


@pytest.fixture
def people(
    request: pytest.FixtureRequest,
    quiet_hub: BackgroundHub,
    desks: list[Desk],
    clock: FakeClock,
) -> list[Person]:
    """80 random people on two desks, synced; the jobs drained (the cube is refreshed)."""
    rng = random.Random(request.node.name)
    made = register_random(desks, clock, rng, 80)
    sync(*desks)
    report = quiet_hub.hub.drain_jobs()
    assert (report.failed, report.finished) == (0, True)
    return made


@pytest.fixture
def tokens(quiet_hub: BackgroundHub) -> dict[str, str]:
    """Bearer tokens of a viewer and an admin."""
    operators = HubOperators(quiet_hub.hub, kdf=THROWAWAY_KDF)
    operators.add(ADMIN_NAME, ADMIN, ADMIN_PASSPHRASE, by=None)
    admin = next(u for u in operators.users() if u.name == ADMIN_NAME)
    operators.add(VIEWER_NAME, VIEWER, VIEWER_PASSPHRASE, by=admin)
    return {
        VIEWER: operators.open_session(VIEWER_NAME, VIEWER_PASSPHRASE).token,
        ADMIN: operators.open_session(ADMIN_NAME, ADMIN_PASSPHRASE).token,
    }


def get(
    hub: BackgroundHub, token: str | None, *, accept_encoding: str = "gzip", **params: str
) -> httpx.Response:
    headers = {"Accept-Encoding": accept_encoding}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.get(hub.url + "/v1/indicators", params=params, headers=headers, timeout=30)


def test_the_api_says_what_the_desks_registrations_counted_directly_say(
    quiet_hub: BackgroundHub,
    desks: list[Desk],
    people: list[Person],
    tokens: dict[str, str],
) -> None:
    answer = get(quiet_hub, tokens[VIEWER])  # a viewer may read the figures
    assert answer.status_code == 200, answer.text
    shown = answer.json()
    assert shown["refreshed_at"] and shown["small_cells"] == {"suppressed": True, "below": 5}
    assert shown["generated_at"] == shown["refreshed_at"]  # national: as the job computed it
    assert answer.headers["content-encoding"] == "gzip"  # as kept: compressed at the refresh
    plain = get(quiet_hub, tokens[VIEWER], accept_encoding="identity")
    assert "content-encoding" not in plain.headers and plain.json() == shown
    want = suppressed(expected(quiet_hub, desks, FigureFilter(), shown["refreshed_at"]))
    assert without_extras(shown) == want
    total = next(i for i in shown["indicators"] if i["id"] == "registrations")
    assert total["value"] == len(people) == 80
    small = [
        row["value"]
        for i in shown["indicators"]
        for b in i["breakdowns"]
        for row in b["rows"]
        if row["value"] == "<5"
    ]
    assert small, "the random data gives small cells, and they are suppressed"
    # every place named in the rows has its names in both languages
    gazetteer = load_gazetteer()
    codes = {
        str(row[f])
        for i in shown["indicators"]
        for b in i["breakdowns"]
        for row in b["rows"]
        for f in ("province", "district", "commune")
        if f in row
    }
    assert codes and set(shown["places"]) == codes
    for code in codes:
        place = gazetteer.get(code)
        assert place is not None
        assert shown["places"][code] == {
            "en": display_name(place, "en"),
            "km": display_name(place, "km"),
        }


def test_filters_narrow_the_figures_to_the_registrations_they_name(
    quiet_hub: BackgroundHub,
    desks: list[Desk],
    people: list[Person],
    tokens: dict[str, str],
) -> None:
    facts = device_facts(desks)
    province = Counter(f.province for f in facts).most_common(1)[0][0]
    days = sorted({f.day for f in facts})
    choices = [
        FigureFilter(province=province),
        FigureFilter(sex="F"),
        FigureFilter(category=facts[0].category, province=facts[0].province),
        FigureFilter(since=days[1], until=days[-2]),
        FigureFilter(event=EVENTS[0]),
        FigureFilter(channel="outreach", since=days[0]),
        FigureFilter(channel="bank_branch"),
        FigureFilter(
            bank=next(f.bank for f in facts if f.bank) if any(f.bank for f in facts) else "aba"
        ),
        FigureFilter(channel="commune_office", sex="M"),
    ]
    for chosen in choices:
        answer = get(quiet_hub, tokens[VIEWER], **chosen.given())
        assert answer.status_code == 200, (chosen, answer.text)
        shown = answer.json()
        want = expected(quiet_hub, desks, chosen, shown["generated_at"])
        assert without_extras(shown) == suppressed(want), chosen
        raw = quiet_hub.hub.raw_figures(chosen)  # the same, unsuppressed
        want = expected(quiet_hub, desks, chosen, raw["generated_at"])
        assert {k: v for k, v in raw.items() if k != "refreshed_at"} == want
    narrowed = quiet_hub.hub.raw_figures(FigureFilter(province=province))
    total = quiet_hub.hub.raw_figures()
    assert 0 < narrowed["indicators"][0]["value"] < total["indicators"][0]["value"]
    as_csv = get(quiet_hub, tokens[ADMIN], format="csv", province=province)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["x-figures-refreshed-at"] == shown["refreshed_at"]
    want = suppressed(expected(quiet_hub, desks, FigureFilter(province=province), ""))
    assert as_csv.text == to_csv(want)
    assert as_csv.text.startswith("# fieldreg-cam-ie-me v1; counts under 5 shown as <5")


def test_no_token_no_figures_bad_filters_are_coded_400s_and_each_read_is_audited(
    quiet_hub: BackgroundHub, people: list[Person], tokens: dict[str, str]
) -> None:
    refused = get(quiet_hub, None)
    assert refused.status_code == 401 and refused.json()["error"] == "login_required"
    assert get(quiet_hub, "not-a-session").status_code == 401
    bad = {
        "province": ("99", "invalid_filter"),
        "sex": ("X", "invalid_filter"),
        "category": ("farmer", "invalid_filter"),
        "since": ("2026-13-01", "invalid_date"),
        "channel": ("boat", "invalid_channel"),
        "bank": ("piggy", "invalid_channel"),
        "event": ("a\u0000b", "invalid_filter"),
        "format": ("xml", "invalid_filter"),
    }
    for name, (value, code) in bad.items():
        answer = get(quiet_hub, tokens[VIEWER], **{name: value})
        assert (answer.status_code, answer.json()["error"]) == (400, code), name
    later = get(quiet_hub, tokens[VIEWER], since="2026-11-30", until="2026-11-01")
    assert later.json()["error"] == "invalid_date"
    wrong_bank = get(quiet_hub, tokens[VIEWER], channel="outreach", bank="wing")
    assert wrong_bank.json()["error"] == "invalid_channel"
    before = len(quiet_hub.hub.audit_entries())
    assert get(quiet_hub, tokens[VIEWER], sex="M", format="csv").status_code == 200
    entries = quiet_hub.hub.audit_entries()
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry["action"], entry["actor"]) == (audit.INDICATORS, f"user:{VIEWER_NAME}")
    assert entry["details"] == {"format": "csv", "sex": "M"}
    assert quiet_hub.hub.verify_audit().ok


def test_no_figure_and_no_fact_holds_personal_data(
    quiet_hub: BackgroundHub,
    people: list[Person],
    tokens: dict[str, str],
    hub_files: Callable[[], list[Path]],
) -> None:
    values: set[str] = set()
    for made in people:
        values |= person_values(made.person)
    answers = (
        get(quiet_hub, tokens[VIEWER]).text + get(quiet_hub, tokens[VIEWER], format="csv").text
    )
    province = people[0].person["village_code"][:2]
    answers += get(quiet_hub, tokens[VIEWER], province=province).text
    tables = []
    with quiet_hub.hub.storage.read() as db:
        for *text, packed in db.execute("SELECT * FROM hub_figures"):
            tables.append(json.dumps(text) + gzip.decompress(bytes(packed)).decode("utf-8"))
        columns = ", ".join(c for c in figures.FACT_COLUMNS if c != "registration_id")
        tables += [json.dumps(list(row)) for row in db.execute(f"SELECT {columns} FROM hub_facts")]
    content = answers + "\n".join(tables)
    assert len(tables) == 1 + 80
    # names, ID numbers, phones in every form; dates of birth and village codes as stored
    exact = {p.person["date_of_birth"] for p in people} | {p.person["village_code"] for p in people}
    found = [v for v in values | exact if v in content]
    assert found == []
    assert [p.registration_id for p in people if p.registration_id in answers] == []
    # and the files of the hub (hub.db and its WAL; on PostgreSQL the cluster's) hold none
    # (a few people's values: each is searched for in every byte of the cluster)
    few = set().union(*(person_values(made.person) for made in people[:3]))
    folders = hub_files()
    assert all(plaintext_hits(folder, few) == [] for folder in folders)
    assert any(bytes_of(p) for folder in folders for p in folder.rglob("*") if p.is_file())


def test_a_correction_replaces_the_facts_of_the_version_before(
    quiet_hub: BackgroundHub, desks: list[Desk]
) -> None:
    desk = desks[0]
    ids = []
    for _ in range(6):
        saved = desk.register(raw_record(sex="F", category="seasonal_worker"))
        assert isinstance(saved, Registered)
        ids.append(saved.stored.id)
    sync(desk)
    quiet_hub.hub.drain_jobs()
    fixed = raw_record(sex="M", category="self_employed")
    desk.correct(ids[0], fixed, reason="sex and group were mistyped")
    sync(desk)
    quiet_hub.hub.drain_jobs()
    shown = quiet_hub.hub.raw_figures()
    by_sex = shown["indicators"][0]["breakdowns"][0]
    assert by_sex == {"by": ["sex"], "rows": [{"sex": "F", "value": 5}, {"sex": "M", "value": 1}]}
    assert shown["indicators"][0]["value"] == 6


def test_refreshes_coalesce_and_a_quarantined_device_leaves_the_figures(
    quiet_hub: BackgroundHub, desks: list[Desk], clock: FakeClock
) -> None:
    rng = random.Random(7)
    register_random(desks[:1], clock, rng, 3)
    sync(desks[0])
    register_random(desks, clock, rng, 4)
    sync(*desks)  # three batches in all
    with quiet_hub.hub.storage.read() as db:
        waiting = db.execute(
            "SELECT count(*) FROM jobs WHERE kind = ? AND state = 'pending'", [figures.JOB_KIND]
        ).fetchone()[0]
    assert waiting == 1  # one refresh for all three batches
    assert quiet_hub.hub.raw_figures()["refreshed_at"] is None  # not before the job ran
    quiet_hub.hub.drain_jobs()
    everyone = quiet_hub.hub.raw_figures()["indicators"][0]["value"]
    assert everyone == 7
    kept = len(desks[1].registrations())
    assert quiet_hub.hub.quarantine(desks[0].device_id)
    quiet_hub.hub.drain_jobs()
    assert quiet_hub.hub.raw_figures()["indicators"][0]["value"] == kept
    assert quiet_hub.hub.quarantine(desks[0].device_id, release=True)
    quiet_hub.hub.drain_jobs()
    assert quiet_hub.hub.raw_figures()["indicators"][0]["value"] == everyone


def test_the_cli_prints_the_same_figures_as_the_api(
    quiet_hub: BackgroundHub,
    desks: list[Desk],
    people: list[Person],
    tokens: dict[str, str],
    tmp_path: Path,
) -> None:
    hub_dir = tmp_path / "hub"
    operators = HubOperators(quiet_hub.hub, kdf=THROWAWAY_KDF)
    admin = next(u for u in operators.users() if u.name == ADMIN_NAME)
    operators.add(HUB_USER, VIEWER, HUB_USER_PASSPHRASE, by=admin)  # a viewer will do
    province = people[0].person["village_code"][:2]
    printed = hub_cli(hub_dir, "indicators", "--province", province, "--sex", "F")
    assert printed.returncode == 0, printed.stderr
    api = get(quiet_hub, tokens[VIEWER], province=province, sex="F").json()
    cli = json.loads(printed.stdout)
    assert cli.pop("generated_at") <= api.pop("generated_at")  # computed when asked
    assert cli == api
    out = tmp_path / "figures.csv"
    written = hub_cli(hub_dir, "indicators", "--format", "csv", "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert out.read_text(encoding="utf-8") == get(quiet_hub, tokens[VIEWER], format="csv").text
    assert (out.stat().st_mode & 0o777) == 0o600
    bad = hub_cli(hub_dir, "indicators", "--channel", "bank_branch:piggy")
    assert bad.returncode == 2 and "(invalid_channel)" in bad.stderr
    nobody = hub_cli(hub_dir, "indicators", user={})
    assert nobody.returncode == 1 and "login_required" in nobody.stderr
    actors = [e["actor"] for e in quiet_hub.hub.audit_entries() if e["action"] == "indicators"]
    assert actors.count(f"user:{HUB_USER}") == 2


@pytest.mark.sqlite_only  # a hub.db from the release before
def test_a_hub_from_before_gets_its_facts_by_a_chain_of_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    hub_dir = tmp_path / "hub"
    with BackgroundHub(hub_dir, drain_jobs=False) as hub:
        desks = [open_desk(tmp_path / f"desk{n}", hub, clock) for n in range(2)]
        register_random(desks, clock, random.Random(11), 9)
        sync(*desks)
        hub.hub.drain_jobs()
        before = hub.hub.raw_figures()
    with sqlite3.connect(hub_dir / "hub.db") as db:  # back to the schema before hub_0010
        for table in ("hub_facts", "hub_figures"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP INDEX jobs_one_waiting_refresh")
        db.execute("DELETE FROM _migrations WHERE name = 'hub_0010_figures'")
    monkeypatch.setattr(figures, "BACKFILL_CHUNK", 4)  # 9 registrations: 3 chunks
    with BackgroundHub(hub_dir, drain_jobs=False) as again:
        assert again.hub.job_counts()["pending"] == 1  # the migration left the first chunk
        report = again.hub.drain_jobs()
        assert (report.done, report.failed) == (4, 0)  # 3 chunks, then one refresh
        after = again.hub.raw_figures()
    assert after["indicators"] == before["indicators"]
    assert after["generated_at"] > before["generated_at"]
    for desk in desks:
        desk.close()


def test_the_device_s_table_its_recount_and_the_hub_agree(
    tmp_path: Path, quiet_hub: BackgroundHub, clock: FakeClock
) -> None:
    """Three ways on hidden random data: the desk's aggregate table (Desk.figures), a full
    recount from its decrypted records, and the hub's figures after sync; unsuppressed. The
    operations differ by what each side can know (the desk's pending/synced and its receipt
    times; the hub's accepted/rejected and its receive times), so those two are left out."""
    desk = open_desk(tmp_path / "solo", quiet_hub, clock)
    register_random([desk], clock, random.Random("three ways"), 70)
    again = desk.registrations()[3]  # the same person once more, with a reason: flagged
    flagged = desk.register(
        again.record.to_json(), event=again.event, duplicate_reason="lost her first receipt"
    )
    assert not isinstance(flagged, DuplicatesFound)
    sync(desk)
    assert quiet_hub.hub.drain_jobs().failed == 0
    aggregate = desk.figures(FigureScope())
    recount = desk.recount_figures()
    hub = quiet_hub.hub.raw_figures()

    def counted(figures: dict[str, Any]) -> list[dict[str, Any]]:
        skipped = ("sync_status", "acknowledgement_lag")
        return [i for i in figures["indicators"] if i["id"] not in skipped]

    assert recount.matches
    assert counted(aggregate) == counted(recount.figures) == counted(hub)
    by_channel = {i["id"]: i for i in counted(hub)}["registrations"]["breakdowns"][9]
    assert by_channel["by"] == ["channel"] and len(by_channel["rows"]) > 1  # random channels
    assert {i["id"]: i for i in counted(hub)}["registrations"]["value"] == 71
    assert {i["id"]: i for i in counted(hub)}["duplicates_flagged"]["value"] == 1
    desk.close()
