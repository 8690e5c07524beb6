"""Encoding damage: exact whole-file reversal, span repair, ambiguity left alone."""

from __future__ import annotations

import pytest
from kb_damage import CLEAN, CORPUS, SEED, mac_roman, windows_1252

from pytest_lee.kb.encoding import (
    MAC_ROMAN,
    WINDOWS_1252,
    Damage,
    find_damage,
    repair,
    repair_whole,
    whole_file_encoding,
)

ORIGINAL = (
    "# NM06-LESSONS: Deployment\n"
    "**PRIORITY:** \U0001f7e1 HIGH\n"
    "- ✅ Contract tests pass → deploy ← rollback ↓\n"
    "```\n├── gateway_core.py\n└── interface_cache.py\n```\n"
    "❌ Partial deploy: × 15 minutes down, 535 ms in cache_get, ⚠️ watch it\n"
)


def test_a_file_read_as_mac_roman_throughout_is_reversed_exactly() -> None:
    damaged = mac_roman(ORIGINAL)
    assert "\uf8ff" in damaged  # the invisible first character a 4-byte emoji leaves
    assert whole_file_encoding(damaged) == MAC_ROMAN
    assert repair_whole(damaged) == ORIGINAL
    result = repair(damaged)
    assert (result.text, result.encoding, result.ambiguous) == (ORIGINAL, MAC_ROMAN, ())


def test_a_file_read_as_windows_1252_throughout_is_reversed_exactly() -> None:
    damaged = windows_1252(ORIGINAL)
    assert "â\x9dŒ" in damaged  # ❌ keeps its undefined 0x9D byte as a C1 control
    assert whole_file_encoding(damaged) == WINDOWS_1252
    assert repair(damaged).text == ORIGINAL


def test_mac_roman_check_mark_is_not_read_as_ftfy_reads_it() -> None:
    # ftfy 6.3 turns this into "'úÖ"; the exact round trip gives the check mark back.
    assert repair("Status: ‚úÖ done\n").text == "Status: ✅ done\n"


def test_every_damaged_span_is_reported_with_its_one_original() -> None:
    damaged = mac_roman(ORIGINAL)
    found = find_damage(damaged)
    assert found[0] == Damage(line=2, column=15, text="\uf8ffüü°", candidates=("\U0001f7e1",))
    arrows = [d for d in found if d.line == 3]
    assert [d.candidates for d in arrows] == [("✅",), ("→",), ("←",), ("↓",)]
    assert all(len(d.candidates) == 1 for d in found)


def test_spans_in_otherwise_correct_text_are_repaired_alone() -> None:
    text = "→ right already\nâœ… Tests pass, Ã— 3, 500Î¼s, ðŸŸ¡ medium\n"
    assert whole_file_encoding(text) is None  # the correct arrow cannot be re-encoded
    assert [(d.line, d.column, d.text) for d in find_damage(text)] == [
        (2, 1, "âœ…"),
        (2, 17, "Ã—"),
        (2, 26, "Î¼"),
        (2, 31, "ðŸŸ¡"),
    ]
    result = repair(text)
    assert result.text == "→ right already\n✅ Tests pass, × 3, 500μs, 🟡 medium\n"
    assert result.repaired == 4


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ('â"€â"€ box', "─"),  # ” straightened to ": ─ (E2 94 80) or Ⓚ (E2 93 80)
        ('ðŸ"´ critical', "🔴"),  # 🔴 or 📴
        ("â†' next", "→"),  # → or ↑
        ("âŒ Wrong", "❌ "),  # the invisible 0x9D was dropped: ❌, ⌝, ⏌ … or ⌠ (NBSP)
    ],
)
def test_spans_several_originals_fit_are_left_alone_with_their_candidates(
    damaged: str, expected: str
) -> None:
    text = "→ mixed file\n" + damaged + "\n"
    found = find_damage(text)
    assert found and all(len(d.candidates) > 1 for d in found)
    assert expected in found[0].candidates
    result = repair(text)
    assert result.text == text
    assert not result.changed
    assert [d.text for d in result.ambiguous] == [d.text for d in found]


def test_correct_accented_text_and_symbols_are_not_damage() -> None:
    text = "café… “über” naïve — Ñandú ½ é» «éte» —é résumé\n"
    assert find_damage(text) == []
    assert repair(text).text == text
    assert find_damage(ORIGINAL) == []


def test_ascii_text_is_never_touched() -> None:
    assert find_damage("plain 'quotes' and \"more\"\n") == []


def test_mojibake_of_mojibake_is_unwound_and_repair_is_idempotent() -> None:
    twice = windows_1252(windows_1252("It’s here → "))
    once = repair(twice)
    assert once.text == "It’s here → "
    assert repair(once.text).text == once.text
    assert not repair(once.text).changed


@pytest.mark.parametrize("damage", [mac_roman, windows_1252])
def test_repair_is_idempotent_on_its_own_output(damage) -> None:
    fixed = repair(damage(ORIGINAL)).text
    again = repair(fixed)
    assert again.text == fixed and not again.changed


def test_line_endings_and_columns_are_kept() -> None:
    text = "a\r\nb  âœ… c\r\n"
    assert find_damage(text) == [Damage(line=2, column=4, text="âœ…", candidates=("✅",))]
    assert repair(text).text == "a\r\nb  ✅ c\r\n"


@pytest.mark.realworld
def test_the_seed_repairs_to_the_corpus_clean_copy_byte_for_byte() -> None:
    seed = SEED.read_bytes().decode("utf-8")
    result = repair(seed)
    assert result.encoding == MAC_ROMAN
    assert result.text.encode("utf-8") == CLEAN.read_bytes()
    assert find_damage(result.text) == []


@pytest.mark.parametrize("damage", [mac_roman, windows_1252])
def test_the_reported_spans_of_a_whole_file_are_exactly_what_its_repair_changes(damage) -> None:
    text = damage(ORIGINAL + "Greek μ, Latin é ü ß, ° ±, Œ\n")
    pieces, position = [], 0
    lines = text.split("\n")
    starts = [sum(len(line) + 1 for line in lines[:n]) for n in range(len(lines))]
    for found in find_damage(text):
        assert len(found.candidates) == 1
        start = starts[found.line - 1] + found.column - 1
        assert text[start : start + len(found.text)] == found.text
        pieces += [text[position:start], found.candidates[0]]
        position = start + len(found.text)
    assert (
        "".join(pieces) + text[position:]
        == repair_whole(text)
        == ORIGINAL + "Greek μ, Latin é ü ß, ° ±, Œ\n"
    )


def test_a_bom_before_whole_file_damage_is_kept_and_the_rest_reversed() -> None:
    damaged = "\ufeff" + mac_roman(ORIGINAL)
    assert whole_file_encoding(damaged) == MAC_ROMAN
    assert repair(damaged).text == "\ufeff" + ORIGINAL


def test_candidates_come_most_plausible_first() -> None:
    assert find_damage('→ x\nðŸ"´ CRITICAL\n')[0].candidates == ("🔴", "📴")
    assert find_damage("→ x\nâŒ Wrong\n")[0].candidates[0] == "❌ "


@pytest.mark.realworld
def test_over_the_real_corpus_repair_is_idempotent_and_touches_only_damaged_lines() -> None:
    repaired_files = 0
    for path in sorted(CORPUS.rglob("*.md")):
        text = path.read_bytes().decode("utf-8")
        result = repair(text)
        assert not repair(result.text).changed, path
        before, after = text.split("\n"), result.text.split("\n")
        assert len(before) == len(after), path
        assert all(old == new for old, new in zip(before, after) if old.isascii()), path
        repaired_files += result.changed
    assert repaired_files >= 10  # the corpus is known to hold damage in many files
