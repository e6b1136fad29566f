"""Tests for fieldreg.gazetteer against the shipped CSVs in resources/data/gazetteer."""

from __future__ import annotations

import csv
import string

import pytest

from fieldreg.gazetteer import (
    LEVELS,
    Gazetteer,
    Place,
    display_name,
    load_gazetteer,
    load_isic_sections,
    normalise,
)
from fieldreg.resources import resource_path


def read_csv(name: str) -> list[dict[str, str]]:
    with resource_path("data", "gazetteer", name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def villages() -> list[dict[str, str]]:
    return read_csv("villages.csv")


def codes(places: list[Place]) -> list[str]:
    return [p.code for p in places]


NaiveRow = tuple[int, str, str, list[str], list[str]]


@pytest.fixture(scope="module")
def naive_rows(gaz: Gazetteer) -> list[NaiveRow]:
    """(level index, code, level, normalised names, Latin word suffixes) for every place."""
    rows = []
    for level_index, level in enumerate(LEVELS):
        for place in _all_places(gaz, level):
            names = [normalise(place.name_km), normalise(place.name_en)]
            words = names[1].split(" ")
            suffixes = [" ".join(words[i:]) for i in range(1, len(words))]
            rows.append((level_index, place.code, level, [n for n in names if n], suffixes))
    return rows


def naive_ranking(rows: list[NaiveRow], text: str) -> list[tuple[int, int, str]]:
    """The rules of Gazetteer.search written as a plain scan: every match as
    (rank, level index, code), best first."""
    query = normalise(text)
    if not query:
        return []
    ranked = []
    for level_index, code, _, names, suffixes in rows:
        if query in names:
            ranked.append((0, level_index, code))
        elif any(n.startswith(query) for n in names):
            ranked.append((1, level_index, code))
        elif any(s.startswith(query) for s in suffixes):
            ranked.append((2, level_index, code))
    return sorted(ranked)


def naive_filter(
    ranked: list[tuple[int, int, str]],
    level: str | None = None,
    within: str | None = None,
    limit: int = 20,
) -> list[str]:
    out = [code for _, level_index, code in ranked if level in (None, LEVELS[level_index])]
    if within is not None:
        out = [code for code in out if code.startswith(within) and len(code) > len(within)]
    return out[:limit]


def _all_places(gaz: Gazetteer, level: str) -> list[Place]:
    out = gaz.children("")
    for _ in range(LEVELS.index(level)):
        out = [child for p in out for child in gaz.children(p.code)]
    return out


# --- loading, counts, tree ---------------------------------------------------------


def test_counts(gaz: Gazetteer) -> None:
    assert [gaz.count(level) for level in LEVELS] == [25, 210, 1652, 14578]
    assert len(gaz) == 25 + 210 + 1652 + 14578
    assert [len(_all_places(gaz, level)) for level in LEVELS] == [25, 210, 1652, 14578]


def test_every_village_has_a_four_level_lineage(
    gaz: Gazetteer, villages: list[dict[str, str]]
) -> None:
    assert len(villages) == 14578
    for row in villages:
        code = row["code"]
        lineage = gaz.lineage(code)
        assert [p.level for p in lineage] == list(LEVELS), code
        assert codes(lineage) == [code[:2], code[:4], code[:6], code]
        assert lineage[0].parent_code == ""
        for parent, child in zip(lineage, lineage[1:], strict=False):
            assert child.parent_code == parent.code
        assert lineage[-1].name_km == row["name_km"]
        assert gaz.is_village(code)


def test_lineage_of_higher_levels_and_unknown_codes(gaz: Gazetteer) -> None:
    assert codes(gaz.lineage("0102")) == ["01", "0102"]
    assert codes(gaz.lineage("12")) == ["12"]
    assert gaz.lineage("99999999") == []
    assert gaz.lineage("") == []


def test_get(gaz: Gazetteer) -> None:
    phnom_penh = gaz.get("12")
    assert phnom_penh is not None
    assert (phnom_penh.name_en, phnom_penh.type, phnom_penh.level) == (
        "Phnom Penh",
        "capital",
        "province",
    )
    assert phnom_penh.parent_code == ""
    district = gaz.get("0102")
    assert district is not None
    assert (district.name_km, district.name_en, district.level) == (
        "មង្គលបូរី",
        "Mongkol Borey",
        "district",
    )
    village = gaz.get("01020101")
    assert village is not None
    assert (village.name_en, village.parent_code, village.level) == ("Ou Thum", "010201", "village")
    assert gaz.get("99") is None
    assert gaz.get("1") is None
    assert gaz.get("") is None


def test_children(gaz: Gazetteer) -> None:
    provinces = gaz.children("")
    assert codes(provinces) == [f"{n:02d}" for n in range(1, 26)]
    expected = [r["code"] for r in read_csv("communes.csv") if r["parent_code"] == "0102"]
    communes = gaz.children("0102")
    assert codes(communes) == sorted(expected)
    assert len(communes) > 0
    assert all(p.parent_code == "0102" and p.level == "commune" for p in communes)
    assert gaz.children("01020101") == []
    assert gaz.children("99") == []
    communes.clear()  # callers get a copy
    assert len(gaz.children("0102")) == len(expected)


def test_is_village(gaz: Gazetteer) -> None:
    assert gaz.is_village("01020101")
    assert not gaz.is_village("010201")  # a commune
    assert not gaz.is_village("01")
    assert not gaz.is_village("99999999")
    assert not gaz.is_village("0102010")


def test_place_level_comes_from_the_code() -> None:
    place = Place("0102", "01", "មង្គលបូរី", "Mongkol Borey", "district", "ស្រុក", "Srok")
    assert place.level == "district"
    with pytest.raises(ValueError):
        Place("012", "01", "x", "x", "district", "ស្រុក", "Srok")


def test_village_without_latin_name(gaz: Gazetteer, villages: list[dict[str, str]]) -> None:
    assert [r["code"] for r in villages if not r["name_en"]] == ["02010508"]
    village = gaz.get("02010508")
    assert village is not None
    assert village.name_en == ""
    assert display_name(village, "en") == "ប៉ៃឡាំ"
    assert display_name(village, "km") == "ភូមិប៉ៃឡាំ"
    assert "02010508" in codes(gaz.search("ប៉ៃឡាំ"))


def test_display_name(gaz: Gazetteer) -> None:
    district = gaz.get("0102")
    assert district is not None
    assert display_name(district, "km") == "ស្រុកមង្គលបូរី"
    assert display_name(district, "en") == "Mongkol Borey"
    # Village names that already start with the unit word do not get it twice.
    phum = next(p for p in _all_places(gaz, "village") if p.name_km.startswith("ភូមិ "))
    assert display_name(phum, "km") == phum.name_km


# --- search ------------------------------------------------------------------------


def test_search_by_khmer_prefix(gaz: Gazetteer) -> None:
    for row in read_csv("provinces.csv"):
        found = gaz.search(row["name_km"][:3], level="province")
        assert row["code"] in codes(found), row
        assert all(normalise(p.name_km).startswith(row["name_km"][:3]) for p in found)
    assert codes(gaz.search("ភ្នំពេញ"))[0] == "12"  # exact province name beats longer names


def test_search_by_latin_prefix_ignores_case(gaz: Gazetteer) -> None:
    assert codes(gaz.search("battam", level="province")) == ["02"]
    assert codes(gaz.search("BATTAMBANG"))[0] == "02"
    assert codes(gaz.search("BaTtAm", level="province")) == ["02"]


def test_search_ignores_accents(gaz: Gazetteer) -> None:
    assert codes(gaz.search("takeo"))[0] == "21"
    assert codes(gaz.search("TAKÉO", level="province")) == ["21"]
    assert codes(gaz.search("krati", level="province")) == ["10"]


def test_search_by_word_prefix(gaz: Gazetteer) -> None:
    found = gaz.search("penh", limit=100)
    assert "12" in codes(found)  # Phnom Penh
    assert "1202" in codes(found)  # Doun Penh
    for place in found:
        words = normalise(place.name_en).split(" ")
        assert any(w.startswith("penh") for w in words) or normalise(place.name_km).startswith(
            "penh"
        )


def test_search_ranks_exact_then_prefix_then_word(gaz: Gazetteer) -> None:
    found = gaz.search("thmei", limit=200)
    names = [normalise(p.name_en) for p in found]
    ranks = [0 if n == "thmei" else 1 if n.startswith("thmei") else 2 for n in names]
    assert ranks == sorted(ranks)
    assert set(ranks) == {0, 1, 2}
    exact = [p for p, r in zip(found, ranks, strict=True) if r == 0]
    assert [(LEVELS.index(p.level), p.code) for p in exact] == sorted(
        (LEVELS.index(p.level), p.code) for p in exact
    )


def test_search_normalises_zero_width_and_whitespace(gaz: Gazetteer) -> None:
    plain = codes(gaz.search("ភ្នំពេញ"))
    assert plain[0] == "12"
    assert codes(gaz.search("ភ្នំ\u200bពេញ")) == plain
    assert codes(gaz.search("\ufeff ភ្នំ\u200dពេញ\u200c ")) == plain
    assert codes(gaz.search("  phnom    PENH ")) == codes(gaz.search("phnom penh"))
    assert codes(gaz.search("phnom penh"))[0] == "12"


def test_search_level_filter(gaz: Gazetteer) -> None:
    for level in LEVELS:
        found = gaz.search("ta", level=level, limit=50)
        assert found, level
        assert {p.level for p in found} == {level}
    with pytest.raises(ValueError):
        gaz.search("ta", level="town")


def test_search_within(gaz: Gazetteer) -> None:
    found = gaz.search("ta", within="21", limit=500)
    assert found
    assert all(p.code.startswith("21") and p.code != "21" for p in found)
    everywhere = [p for p in gaz.search("ta", limit=100_000) if p.code.startswith("21")]
    assert codes(found) == [c for c in codes(everywhere) if c != "21"][:500]

    commune = gaz.children("0102")[0]
    village = gaz.children(commune.code)[0]
    found = gaz.search(village.name_km[:2], within=commune.code, level="village")
    assert village.code in codes(found)
    assert all(p.parent_code == commune.code for p in found)
    assert gaz.search("ta", within="01020101") == []  # a village has nothing below it


def test_blank_query_returns_nothing(gaz: Gazetteer) -> None:
    for text in ["", "   ", "\u200b", "\ufeff \u200c\t\n"]:
        assert gaz.search(text) == []


def test_limit(gaz: Gazetteer) -> None:
    assert len(gaz.search("k")) == 20
    assert len(gaz.search("k", limit=5)) == 5
    assert codes(gaz.search("k", limit=5)) == codes(gaz.search("k", limit=50))[:5]
    assert len(gaz.search("k", limit=3000)) == 3000
    assert gaz.search("k", limit=0) == []


def test_search_matches_a_plain_scan(
    gaz: Gazetteer, villages: list[dict[str, str]], naive_rows: list[NaiveRow]
) -> None:
    queries = set()
    for row in villages[::401]:
        for n in range(1, 7):
            queries.add(row["name_km"][:n])
            queries.add(row["name_en"][:n].lower())
            for word in row["name_en"].split()[1:]:
                queries.add(word[:n])
    queries.discard("")
    queries |= {"ភ្នំ\u200bពេញ", "TAKÉO", "  phnom   penh", "thmei", "ta"}
    assert len(queries) > 150
    for query in sorted(queries):
        ranked = naive_ranking(naive_rows, query)
        for level in (None, "village"):
            expected = naive_filter(ranked, level)
            assert codes(gaz.search(query, level=level)) == expected, query
    ranked = naive_ranking(naive_rows, "k")
    for within in ("21", "0102", "010201"):
        expected = naive_filter(ranked, within=within, limit=50)
        assert codes(gaz.search("k", within=within, limit=50)) == expected


# --- misc --------------------------------------------------------------------------


def test_load_gazetteer_is_cached() -> None:
    assert load_gazetteer() is load_gazetteer()


def test_isic_sections() -> None:
    sections = load_isic_sections()
    assert list(sections) == list(string.ascii_uppercase[:21])
    assert sections["A"] == "Agriculture, forestry and fishing"
    assert sections["C"] == "Manufacturing"
    assert sections["U"] == "Activities of extraterritorial organizations and bodies"
    assert load_isic_sections() is sections
