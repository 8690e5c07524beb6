"""REF IDs: parsing, finding, ranges, and short-ID resolution through the families."""

from __future__ import annotations

import pytest

from pytest_lee.kb.ids import Declaration, IdIndex, RefId, expand_ranges, find_ids, parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NM06-LESS-09", RefId("NM06", "LESS", "09")),
        ("LESS-09", RefId(None, "LESS", "09")),
        ("NM02-CACHE-DEP-01", RefId("NM02", "CACHE-DEP", "01")),
        ("NM06-LESS-XX", None),
        ("UTF-8", None),
        ("2025-10-20", None),
    ],
)
def test_parse_id(text, expected):
    assert parse_id(text) == expected


def test_find_ids_spells_out_combined_mentions_and_skips_dates():
    found = [
        (ref.full, written)
        for ref, _, written in find_ids("LESS-34-38-42, NM06-BUG-01 on 2025-10-20")
    ]
    assert found == [
        ("LESS-34", "LESS-34-38-42"),
        ("LESS-38", "LESS-34-38-42"),
        ("LESS-42", "LESS-34-38-42"),
        ("NM06-BUG-01", "NM06-BUG-01"),
    ]


def test_expand_ranges():
    assert [r.full for r in expand_ranges("NM06-LESS-01 through NM06-LESS-03, NM06-LESS-09")] == [
        "NM06-LESS-01",
        "NM06-LESS-02",
        "NM06-LESS-03",
        "NM06-LESS-09",
    ]
    assert [r.full for r in expand_ranges("DEP-01 to DEP-02")] == ["DEP-01", "DEP-02"]


def _index(*fulls: str) -> IdIndex:
    return IdIndex.build(Declaration(parse_id(full), "x.md", 1) for full in fulls)  # type: ignore[arg-type]


def test_a_short_id_resolves_through_the_family_that_declares_its_kind():
    index = _index("NM06-LESS-09", "NM04-DEC-05")
    resolution = index.resolve("DEC-05", context_family="NM06")
    assert (resolution.status, resolution.full) == ("declared", "NM04-DEC-05")


def test_an_undeclared_short_id_is_named_after_the_family_of_its_kind():
    resolution = _index("NM04-DEC-05").resolve("DEC-99", context_family="NM06")
    assert (resolution.status, resolution.full) == ("unknown", "NM04-DEC-99")
    assert _index().resolve("BUG-03", context_family="NM06").full == "NM06-BUG-03"


def test_a_short_id_two_families_declare_is_ambiguous_unless_one_is_the_files_own():
    index = _index("NM01-ARCH-01", "NM04-ARCH-01")
    ambiguous = index.resolve("ARCH-01", context_family="NM06")
    assert (ambiguous.status, ambiguous.candidates) == (
        "ambiguous",
        ("NM01-ARCH-01", "NM04-ARCH-01"),
    )
    assert index.resolve("ARCH-01", context_family="NM04").full == "NM04-ARCH-01"
