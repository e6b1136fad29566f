"""The one-page A4 figures report: what it says in English and Khmer, and that it fits."""

from __future__ import annotations

import copy
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fieldreg.gazetteer import load_gazetteer
from fieldreg.indicators.channels import BANKS, Channel
from fieldreg.indicators.definitions import BY_ID, LABELS, report_word
from fieldreg.indicators.evaluate import Operations, evaluate, suppressed
from fieldreg.indicators.facts import Fact
from fieldreg.indicators.report_pdf import figures_pdf, place_names
from fieldreg.indicators.scope import FigureScope
from fieldreg.indicators.tally import FactCounts
from fieldreg.record import CATEGORIES, SERVICES

A4_POINTS = (595.28, 841.89)
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
NO_CHANGE: dict[int, int] = {}
MARGIN_POINTS = 12 * 72 / 25.4
COMMUNES = ("120101", "120102", "080201", "170301", "010201", "210101")


def random_facts(
    rng: random.Random, count: int, communes: tuple[str, ...] = COMMUNES
) -> list[Fact]:
    channels = [Channel(), Channel("commune_office")] + [Channel("bank_branch", b) for b in BANKS]
    facts = []
    for _ in range(count):
        channel = rng.choice(channels)
        facts.append(
            Fact(
                day=f"2026-11-{rng.randint(20, 22)}",
                hour=rng.randint(7, 17),
                event=rng.choice(("Takeo outreach", "Kandal bank week")),
                channel=channel.kind,
                bank=channel.bank,
                operator=rng.choice(("sokha", "dara", "vanna")),
                device=rng.choice(("desk-1", "desk-2")),
                sex=rng.choice("FFM"),
                category=rng.choice(CATEGORIES),
                commune=rng.choice(communes),
                services=tuple(s for s in SERVICES if rng.random() < 0.4),
                duplicate=rng.random() < 0.05,
            )
        )
    return facts


def figures_of(facts: list[Fact], events: tuple[str, ...] = ("Takeo outreach",)) -> dict[str, Any]:
    operations = Operations(
        statuses={"pending": 3, "synced": len(facts) - 3, "rejected": 0},
        lag_minutes={2: 40, 7: 30, 31: 20},
    )
    scope = FigureScope(events, "2026-11-20", "2026-11-22").to_json()
    return evaluate(FactCounts(facts, operations), scope=scope, generated_at="2026-11-22T10:15:00Z")


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    return suppressed(figures_of(random_facts(random.Random(11), 437)))


def pages(pdf: bytes, tmp_path: Path) -> tuple[int, tuple[float, float]]:
    assert shutil.which("pdfinfo"), "pdfinfo is missing: scripts/setup installs poppler-utils"
    path = tmp_path / "figures.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.M)
    assert size
    return count, (float(size.group(1)), float(size.group(2)))


def text_of(pdf: bytes, tmp_path: Path, *, raw: bool = False) -> str:
    assert shutil.which("pdftotext"), "pdftotext is missing: scripts/setup installs poppler-utils"
    path = tmp_path / "figures.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-raw" if raw else "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def headline(figures: dict[str, Any], indicator: str) -> Any:
    return next(entry for entry in figures["indicators"] if entry["id"] == indicator)["value"]


def test_english_report_is_one_a4_page_with_the_headline_numbers(
    figures: dict[str, Any], tmp_path: Path
) -> None:
    pdf = figures_pdf(figures, language="en", places=place_names(load_gazetteer(), "en"))
    assert pages(pdf, tmp_path) == (1, A4_POINTS)
    text = text_of(pdf, tmp_path)
    assert "437" in text
    assert f"{headline(figures, 'female_share'):.1f}%" in text
    assert f"{headline(figures, 'facilitation_rate'):.1f}%" in text
    assert BY_ID["registrations"].name_en in text
    assert "Phnom Penh" in text  # a province, named by the gazetteer
    assert "Takeo outreach" in text and "2026-11-20" in text
    assert re.search(rf"(^|\s){headline(figures, 'duplicates_flagged')}(\s|$)", text, re.M)
    # pending, synced, rejected, lag: 434 synced is withheld too, as 437 - 434 would give
    # the hidden pending count away (secondary suppression)
    assert re.search(r"^<5\s+–\s+0\s+7 min$", text, re.M)
    assert "90% within 31 min" in text
    assert report_word("no_personal_data", "en") in text
    assert report_word("small_cells", "en", below="5") in " ".join(text.split())


def test_the_scope_says_what_else_it_is_narrowed_to(
    figures: dict[str, Any], tmp_path: Path
) -> None:
    narrowed = {**figures, "scope": {**figures["scope"], "province": ["12"], "sex": "F"}}
    pdf = figures_pdf(narrowed, places=place_names(load_gazetteer(), "en"))
    text = text_of(pdf, tmp_path)
    assert "Province: Phnom Penh" in text and "Sex: Female" in text


def test_khmer_report_has_khmer_digits_and_khmer_names(
    figures: dict[str, Any], tmp_path: Path
) -> None:
    pdf = figures_pdf(figures, language="km", places=place_names(load_gazetteer(), "km"))
    assert pages(pdf, tmp_path) == (1, A4_POINTS)
    # Shaped Khmer comes back as the same characters, spaces (placed by the layout) aside.
    text = "".join(text_of(pdf, tmp_path, raw=True).split())
    assert "៤៣៧" in text and "437" not in text
    assert f"{headline(figures, 'female_share'):.1f}%".translate(KHMER_DIGITS) in text
    for indicator in ("registrations", "female_share", "facilitation_rate", "acknowledgement_lag"):
        assert BY_ID[indicator].name_km.replace(" ", "") in text
    assert LABELS["service"]["nssf"][1].replace(" ", "") in text
    # every cell in its own font, whatever font the cell before ended in
    for bank in ("wing", "acleda", "ardb"):
        assert LABELS["bank"][bank][1].replace(" ", "") in text
    assert report_word("share", "km").replace(" ", "") in text
    assert "រាជធានីភ្នំពេញ" in text  # the province, named by the gazetteer in Khmer
    assert "<៥" in text  # 3 waiting to sync
    for key in ("small_cells", "no_personal_data"):
        assert report_word(key, "km", below="៥").replace(" ", "") in text


def test_small_cells_show_as_under_five(tmp_path: Path) -> None:
    facts = random_facts(random.Random(5), 200)
    facts += random_facts(random.Random(6), 3, communes=("150101",))  # 3 in Pursat
    figures = suppressed(figures_of(facts))
    text = text_of(figures_pdf(figures, places=place_names(load_gazetteer(), "en")), tmp_path)
    assert re.search(r"Pursat\s+<5(\s|$)", text, re.M)
    assert re.search(r"^<5\s", text, re.M)  # the first tile of the second row: 3 waiting


def test_any_figures_fit_one_page(figures: dict[str, Any], tmp_path: Path) -> None:
    """300 provinces, 120 operators, 56 days, 40 events with names of 300 characters and a
    long title: top rows, "and n more", lines cut with "…", nothing beyond the margins."""
    huge = copy.deepcopy(figures)
    long_event = "Outreach at the " + "very " * 60 + "long market"
    huge["scope"]["events"] = [f"{long_event} {n}" for n in range(40)]
    provinces = [{"province": f"P{n:03d}", "value": 1000 - n} for n in range(300)]
    provinces[7]["value"] = "<5"
    operators = [
        {"operator": f"operator-{n}-" + "x" * 80, "numerator": 50, "denominator": 10, "value": 5.0}
        for n in range(120)
    ]
    for entry in huge["indicators"]:
        for breakdown in entry.get("breakdowns", []):
            if breakdown["by"] == ["province"]:
                breakdown["rows"] = provinces
            if breakdown["by"] == ["operator"]:
                breakdown["rows"] = operators
            if breakdown["by"] == ["day"]:
                breakdown["rows"] = [
                    {"day": f"2026-{m:02d}-{d:02d}", "value": 9}
                    for m in (1, 2)
                    for d in range(1, 29)
                ]
    for language in ("en", "km"):
        pdf = figures_pdf(huge, language=language, title="Figures " + "for everyone " * 30)
        assert pages(pdf, tmp_path) == (1, A4_POINTS)
        right, bottom = (side - MARGIN_POINTS + 1 for side in A4_POINTS)
        assert all(x <= right and y <= bottom for x, y in word_corners(pdf, tmp_path))
        text = "".join(text_of(pdf, tmp_path, raw=True).split())
        digits = KHMER_DIGITS if language == "km" else NO_CHANGE
        for rest in ("290", "110"):  # provinces, operators left out
            assert report_word("more", language, n=rest.translate(digits)).replace(" ", "") in text
        assert "…" in text
        assert report_word("no_personal_data", language).replace(" ", "") in text


def word_corners(pdf: bytes, tmp_path: Path) -> list[tuple[float, float]]:
    """The bottom right corner of every word pdftotext finds, in points."""
    path = tmp_path / "figures.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.findall(r'<word [^>]*xMax="([\d.]+)" yMax="([\d.]+)"', out)
    assert found
    return [(float(x), float(y)) for x, y in found]


def test_no_registrations_yet(tmp_path: Path) -> None:
    pdf = figures_pdf(suppressed(evaluate(FactCounts([]))))
    assert pages(pdf, tmp_path) == (1, A4_POINTS)
    text = text_of(pdf, tmp_path)
    assert report_word("none", "en") in text and BY_ID["female_share"].name_en in text
    assert "0.0%" not in text  # no share of nobody: "–"
