"""Small cells in figures that leave the coordinator: a hidden count cannot be worked out
from the total and the shown cells, and a CSV of figures cannot run a spreadsheet formula."""

from __future__ import annotations

import csv
import io

from fieldreg.indicators.evaluate import Operations, evaluate, suppressed, to_csv
from fieldreg.indicators.facts import Fact
from fieldreg.indicators.tally import FactCounts


def fact(commune: str, sex: str, event: str = "Takeo outreach") -> Fact:
    return Fact(
        "2026-11-20", 9, event, "outreach", "", "sokha", "desk-1", sex,
        "microenterprise", commune, ("nssf",), False,
    )  # fmt: skip


def people() -> list[Fact]:
    # Phnom Penh 16, Kandal 9, Takeo 3: the total is 28
    return (
        [fact("120101", "F")] * 10
        + [fact("120101", "M")] * 6
        + [fact("080101", "F")] * 7
        + [fact("080101", "M")] * 2
        + [fact("210101", "F")] * 3
    )


def breakdown(figures: dict, indicator: str, by: list[str]) -> list[dict]:
    (entry,) = [i for i in figures["indicators"] if i["id"] == indicator]
    (found,) = [b["rows"] for b in entry["breakdowns"] if b["by"] == by]
    return found


def test_a_hidden_count_cannot_be_worked_out_from_the_total_and_the_shown_cells() -> None:
    figures = suppressed(evaluate(FactCounts(people(), Operations())))
    provinces = {
        row["province"]: row["value"] for row in breakdown(figures, "registrations", ["province"])
    }
    assert provinces == {"12": 16, "08": None, "21": "<5"}  # Kandal withheld with Takeo
    # within each province, the women and men add up to the province: one hidden cell among
    # them withholds the other
    by_sex = {
        (row["province"], row["sex"]): row["value"]
        for row in breakdown(figures, "registrations", ["province", "sex"])
    }
    assert by_sex[("08", "M")] == "<5" and by_sex[("08", "F")] is None
    assert by_sex[("12", "F")] == 10 and by_sex[("12", "M")] == 6  # nothing small: all shown
    shown = [v for v in provinces.values() if isinstance(v, int)]
    assert next(iter(figures["indicators"]))["value"] == 28  # the total stays shown
    assert 28 - sum(shown) == 12  # two cells share it: neither can be told


def test_a_figures_csv_cannot_run_a_formula_in_a_spreadsheet() -> None:
    facts = [fact("120101", "F", event='=HYPERLINK("http://x","y")')] * 6
    text = to_csv(suppressed(evaluate(FactCounts(facts, Operations()))))
    rows = list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))
    events = [row["event"] for row in rows if row["breakdown"] == "event"]
    assert events == ['\'=HYPERLINK("http://x","y")']
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
