"""Find and reverse encoding damage (mojibake) in lesson markdown.

Two kinds of damage reach a knowledge base. A file decoded the wrong way *throughout* (the
NM06 seed: its UTF-8 was read as Mac Roman once; much of the SIMA corpus: read as
Windows-1252) is repaired by encoding it back with that code page and decoding as UTF-8 —
but only when that round trip is exact, so nothing that was right is touched. Elsewhere
damage sits in *spans* inside otherwise correct text; a span is repaired only when exactly
one original fits it. Where an editor later straightened a curly quote (``â"€`` once was
``â”€``) or dropped an invisible control byte (``â\\x9dŒ`` became ``âŒ``), several
originals fit, and the span is left alone and reported with its candidates: guessing
would be making text worse with confidence.

ftfy is used where it is right — its badness heuristic judges whether a two-character span
is mojibake at all (``Ã©`` is, ``é»`` may be French) — and not where it is wrong: ftfy 6.3
reads the seed's ``‚úÖ`` as ``'úÖ`` and guesses ``⌠`` for ``âŒ``. Everything else here
is exact byte arithmetic, and ftfy is imported only when a two-character span needs it.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Damage",
    "Repair",
    "find_damage",
    "rank_candidates",
    "repair",
    "repair_whole",
    "whole_file_encoding",
]

WINDOWS_1252 = "Windows-1252"
MAC_ROMAN = "Mac Roman"

# Bytes Windows-1252 leaves undefined; browsers (and the damaged files) map them to the
# C1 control with the same number, and editors often drop those invisible characters.
_CP1252_HOLES = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_STRAIGHTENED = {'"': (0x93, 0x94), "'": (0x91, 0x92)}  # ASCII quote: which curly ones it was
_NBSP = 0xA0


def _decoding_table(name: str) -> str:
    if name == WINDOWS_1252:
        return "".join(
            chr(b) if b < 0x80 or b in _CP1252_HOLES else bytes([b]).decode("cp1252")
            for b in range(256)
        )
    return "".join(bytes([b]).decode("mac_roman") for b in range(256))


@dataclass(frozen=True)
class _Codepage:
    """One wrong decoding: byte ↔ character tables and the regex that finds its spans."""

    name: str
    table: str
    encoding_map: Any
    byte_of: dict[str, int]
    span_re: re.Pattern[str]

    @classmethod
    def build(cls, name: str) -> _Codepage:
        table = _decoding_table(name)
        byte_of = {table[b]: b for b in range(0x80, 0x100)}
        leads = "".join(table[b] for b in range(0xC2, 0xF5))
        conts = "".join(table[b] for b in range(0x80, 0xC0))
        if name == WINDOWS_1252:
            conts += "\"'"  # straightened curly quotes stand where a continuation byte was
        pattern = f"[{re.escape(leads)}][{re.escape(conts)}]{{1,3}}"
        return cls(name, table, codecs.charmap_build(table), byte_of, re.compile(pattern))

    def encode(self, text: str) -> bytes | None:
        try:
            return codecs.charmap_encode(text, "strict", self.encoding_map)[0]
        except UnicodeEncodeError:
            return None


_CODEPAGES: dict[str, _Codepage] = {}


def _codepage(name: str) -> _Codepage:
    page = _CODEPAGES.get(name)
    if page is None:
        page = _CODEPAGES[name] = _Codepage.build(name)
    return page


@dataclass(frozen=True, slots=True)
class Damage:
    """A damaged span: where it is, what it says, and every original that fits it.

    Exactly one candidate means the span is repairable; several mean a person must choose.
    Candidates are ordered most plausible first (symbols and emoji before rare letters).
    """

    line: int
    column: int
    text: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    candidates: tuple[str, ...]
    encoding: str


@dataclass(frozen=True)
class Repair:
    """What :func:`repair` did to a text: the result and how it got there."""

    text: str
    encoding: str | None  # the code page reversed over the whole text, if that is how
    repaired: int  # damaged spans replaced
    ambiguous: tuple[Damage, ...]  # spans left alone because several originals fit

    @property
    def changed(self) -> bool:
        return self.repaired > 0


def whole_file_encoding(text: str) -> str | None:
    """The wrong code page *text* was decoded with throughout, if exactly one reverses exactly."""
    found = _whole(text)
    return found[0] if found else None


def repair_whole(text: str) -> str | None:
    """*text* with its whole-file damage reversed, or None when no exact reversal exists."""
    found = _whole(text)
    return found[1] if found else None


def _whole(text: str) -> tuple[str, str] | None:
    if text.isascii():
        return None
    if text.startswith("\ufeff"):  # a BOM written after the damage: keep it, judge the rest
        found = _whole(text[1:])
        return (found[0], "\ufeff" + found[1]) if found else None
    fits = []
    for name in (MAC_ROMAN, WINDOWS_1252):
        raw = _codepage(name).encode(text)
        if raw is None:
            continue
        try:
            original = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        new = set(original) - set(text)
        if original != text and _acceptable(new) and all(_plausible(ch) for ch in new):
            fits.append((name, original))
    if len({original for _, original in fits}) != 1:
        return None  # no exact reversal, or two code pages disagree: not "one way throughout"
    return fits[0]


def _acceptable(decoded: str | set[str]) -> bool:
    """A repaired character must be a real one: no controls, unassigned or private use."""
    return not any(
        unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\t\n\r\f"
        for ch in decoded
    )


_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "MICRO")


def _plausible(ch: str) -> bool:
    """A character a lessons file plausibly held before it was damaged: a symbol, a
    punctuation mark, an emoji, a space, a Latin, Greek or Cyrillic letter. An ideograph decoded out of
    ``é——`` (``闗``) is what reading ordinary accented text as damage would invent."""
    category = unicodedata.category(ch)
    if category[0] in "PSZN" or ch in "\t\n\r\ufe0f" or ord(ch) >= 0x1F000:
        return True
    return category[0] == "L" and unicodedata.name(ch, "").startswith(_SCRIPTS)


def _sequence_length(lead: int) -> int:
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _byte_options(page: _Codepage, ch: str) -> tuple[int, ...]:
    if page.name == WINDOWS_1252 and ch in _STRAIGHTENED:
        return _STRAIGHTENED[ch]
    return (page.byte_of[ch],)


def _decode_one(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if len(decoded) == 1 and _acceptable(decoded) else None


def _span_at(page: _Codepage, text: str, start: int, matched: str, exact: bool) -> _Span | None:
    """The damaged span starting at *start*, if the characters there encode one UTF-8 character.

    *exact*: the whole text is known to be this code page's damage, so every complete
    sequence is damage and no plausibility check applies.
    """
    lead = page.byte_of[matched[0]]
    need = _sequence_length(lead) - 1
    conts = matched[1 : 1 + need]
    symbol_lead = lead in (0xE2, 0xF0)  # punctuation, arrows, box drawing, emoji
    # Lossy forms (a straightened quote, a dropped byte) are only believed after the leads
    # that mojibake of symbols starts with; elsewhere they would flag ordinary accented text.
    if any(ch in _STRAIGHTENED for ch in conts) and not symbol_lead:
        return None
    if len(conts) < need and (not symbol_lead or all(ch in _STRAIGHTENED for ch in conts)):
        return None
    if len(conts) == need:
        options = [_byte_options(page, ch) for ch in conts]
        found = _decode_all(lead, options)
        if not found:
            return None
        if need == 1 and not exact and not _two_char_mojibake(page, matched[:2], found[0]):
            return None
        if not exact and not symbol_lead and not all(_plausible(c) for c in found):
            return None  # ``é——`` is text; read as damage it would be ``闗``
        return _Span(start, start + 1 + need, found, page.name)
    if page.name != WINDOWS_1252 or len(conts) != need - 1:
        return None
    return _lossy_span(page, text, start, lead, conts)


def _lossy_span(page: _Codepage, text: str, start: int, lead: int, conts: str) -> _Span | None:
    """One continuation byte is missing: a dropped invisible control, or an NBSP turned space."""
    options = [_byte_options(page, ch) for ch in conts]
    found: list[str] = []
    for at in range(len(options) + 1):
        found += _decode_all(lead, options[:at] + [_CP1252_HOLES] + options[at:])
    end = start + 1 + len(conts)
    if text[end : end + 1] == " ":
        found = [ch + " " for ch in found] + list(_decode_all(lead, options + [(_NBSP,)]))
        end += 1
    if not found:
        return None
    return _Span(start, end, _ordered(found), page.name)


def _decode_all(lead: int, options: list[tuple[int, ...]]) -> tuple[str, ...]:
    found = []
    for combo in itertools.product(*options):
        decoded = _decode_one(bytes((lead, *combo)))
        if decoded is not None:
            found.append(decoded)
    return _ordered(found)


def _two_char_mojibake(page: _Codepage, span: str, decoded: str) -> bool:
    """Is a two-character span damage, or ordinary accented text that happens to fit?"""
    if page.name == MAC_ROMAN:
        return span[0] in "¬√"  # C2/C3: Latin-1 symbols and letters; others are real text
    import ftfy

    return ftfy.fix_encoding(span) == decoded


_LIKELY = (
    (0x2010, 0x203A),
    (0x2190, 0x21FF),
    (0x2500, 0x257F),
    (0x2600, 0x27BF),
    (0x1F000, 0x1FAFF),
)


# Characters lesson files are full of: status emoji, box drawing, arrows, check marks.
_COMMON = frozenset("✅❌⚠🔴🟡🟢🟠🔵─│├└┘┐┌┬┴┼═║→←↑↓↔✓✔✗✘☐☑☒•…—–‘’“”")


def _plausibility(candidate: str) -> int:
    """Rank candidates: what knowledge bases are full of (emoji, arrows, dashes, box) first."""
    if candidate[0] in _COMMON:
        return -1
    code = ord(candidate[0])
    if any(low <= code <= high for low, high in _LIKELY):
        return 0
    if unicodedata.category(candidate[0]).startswith(("P", "S")):
        return 1
    return 2


def _rare(candidate: str) -> bool:
    """Neither what lessons are full of nor in the ranges they draw from: ``Ⓚ``, ``ⓜ``
    (circled letters), ``⁌``, ``⏌`` (technical symbols)."""
    if candidate[0] in _COMMON:
        return False
    code = ord(candidate[0])
    return not any(low <= code <= high for low, high in _LIKELY)


# A corner followed by a horizontal line has an arm to the right: ``└──`` (never ``┓──``).
_RIGHT_ARM = frozenset("└┌├┬┴┼╰╭")
_HORIZONTAL = ("─", 'â"€', "â”€")


def _decided(text: str, spans: list[_Span]) -> list[_Span]:
    """Ambiguous spans that one reading wins for sure become repairable: the only common
    candidate against rare ones (a straightened quote in ``â"€`` leaves ``─`` or the
    circled ``Ⓚ``; a dropped byte in ``âŒ`` leaves ``❌`` or ``⏌``), and a box corner
    that the line drawn after it fixes (``└──``, not ``┓──``). Arrows (``→``/``↑``),
    checks (``✓``/``✔``) and emoji pairs stay ambiguous: both readings are common."""
    decided = []
    for span in spans:
        candidates = span.candidates
        if len(candidates) > 1:
            common = [c for c in candidates if not _rare(c)]
            if len(common) == 1 and common[0][0] in _COMMON:
                candidates = (common[0],)
            elif text.startswith(_HORIZONTAL, span.end):
                corners = [c for c in common if c[0] in _RIGHT_ARM]
                boxes = [c for c in common if 0x2500 <= ord(c[0]) <= 0x257F]
                if len(corners) == 1 and len(boxes) == len(common):
                    candidates = (corners[0],)
        decided.append(
            span
            if candidates is span.candidates
            else _Span(span.start, span.end, candidates, span.encoding)
        )
    return decided


def _ordered(found: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unique = list(dict.fromkeys(found))
    return tuple(sorted(unique, key=_plausibility))


def _scan(text: str, names: tuple[str, ...], *, exact: bool = False) -> list[_Span]:
    """Spans of each code page in turn; a later page never claims what an earlier one found."""
    spans: list[_Span] = []
    for name in names:
        page = _codepage(name)
        earlier = sorted(spans, key=lambda s: s.start)
        starts = [s.start for s in earlier]
        for match in page.span_re.finditer(text):
            span = _span_at(page, text, match.start(), match.group(), exact)
            if span is not None and not _overlaps(span, earlier, starts):
                spans.append(span)
    spans.sort(key=lambda s: s.start)
    return _merge(spans)


def _overlaps(span: _Span, earlier: list[_Span], starts: list[int]) -> bool:
    at = bisect.bisect_left(starts, span.end)  # earlier spans starting before this one ends
    return at > 0 and earlier[at - 1].end > span.start


def _merge(spans: list[_Span]) -> list[_Span]:
    """Join adjacent unambiguous spans (``‚Üê‚Üí`` is one damage, ``←→``), never ambiguous ones."""
    merged: list[_Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.end == span.start
            and len(last.candidates) == 1
            and len(span.candidates) == 1
            and last.encoding == span.encoding
        ):
            merged[-1] = _Span(
                last.start, span.end, (last.candidates[0] + span.candidates[0],), last.encoding
            )
        else:
            merged.append(span)
    return merged


def _spans(text: str) -> tuple[str | None, list[_Span]]:
    if text.isascii():
        return None, []
    whole = whole_file_encoding(text)
    if whole is not None:
        return whole, _scan(text, (whole,), exact=True)
    return None, _decided(text, _with_selectors(text, _scan(text, (WINDOWS_1252, MAC_ROMAN))))


# The emoji variation selector U+FE0F is EF B8 8F: read as Windows-1252 it is ``ï¸`` and an
# invisible C1 control that editors drop. Left behind after an emoji (``⚠️`` became
# ``âš ï¸``), it is part of that emoji's damage; after an emoji already repaired, residue.
_SELECTOR = re.compile("\u00ef\u00b8\u008f?")


def _with_selectors(text: str, spans: list[_Span]) -> list[_Span]:
    """Join each ``ï¸`` to the damaged emoji it follows (which then reads as one emoji plus
    selector: a reading that put a real space between them is dropped), or report it alone
    after an intact emoji; ``ï¸`` after anything else is left to the ordinary scan."""
    if "\u00ef\u00b8" not in text:
        return spans
    by_end = {span.end: number for number, span in enumerate(spans)}
    result = list(spans)
    taken = {span.start for span in spans}
    for match in _SELECTOR.finditer(text):
        start, end = match.span()
        if start in taken:
            continue
        before = by_end.get(start)
        if before is not None:
            span = result[before]
            fits = [c for c in span.candidates if not c.endswith(" ")] or list(span.candidates)
            result[before] = _Span(
                span.start, end, tuple(c + "\ufe0f" for c in fits), span.encoding
            )
        elif start > 0 and _is_emoji(text[start - 1]):
            result.append(_Span(start, end, ("\ufe0f",), WINDOWS_1252))
    result.sort(key=lambda s: s.start)
    return result


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x1F000 or 0x2190 <= code <= 0x2BFF or unicodedata.category(ch) == "So"


def rank_candidates(
    damage: Sequence[Damage], in_file: Mapping[str, int], counts: Mapping[str, int]
) -> list[Damage]:
    """Ambiguous candidates ordered by how often each occurs in this file (``in_file``),
    then in the knowledge base (``counts``), then by plausibility: where arrows dominate,
    ``→`` comes before ``↑``."""
    ranked = []
    for found in damage:
        if len(found.candidates) > 1:
            order = {c: n for n, c in enumerate(found.candidates)}
            candidates = tuple(
                sorted(
                    found.candidates,
                    key=lambda c: (
                        -in_file.get(c.strip(), 0),
                        -counts.get(c.strip(), 0),
                        order[c],
                    ),
                )
            )
            found = Damage(found.line, found.column, found.text, candidates)
        ranked.append(found)
    return ranked


def _to_damage(text: str, line_starts: list[int], span: _Span) -> Damage:
    line = bisect.bisect_right(line_starts, span.start)
    return Damage(
        line, span.start - line_starts[line - 1] + 1, text[span.start : span.end], span.candidates
    )


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def lead_characters() -> frozenset[str]:
    """Every character a damaged span starts with (a UTF-8 lead byte read as Windows-1252 or
    Mac Roman): a text holding none of them has no damage, whatever else it holds."""
    return frozenset(
        _codepage(name).table[b] for name in (WINDOWS_1252, MAC_ROMAN) for b in range(0xC2, 0xF5)
    )


def find_damage(text: str) -> list[Damage]:
    """Every damaged span of *text*, in order; columns count characters, both 1-based."""
    _, spans = _spans(text)
    if not spans:
        return []
    starts = _line_starts(text)
    return [_to_damage(text, starts, span) for span in spans]


def _repair_once(text: str) -> tuple[str, str | None, int, list[_Span]]:
    found = _whole(text)
    if found is not None:
        return found[1], found[0], len(_scan(text, (found[0],), exact=True)), []
    _, spans = _spans(text)
    pieces: list[str] = []
    done, ambiguous, position = 0, [], 0
    for span in spans:
        if len(span.candidates) != 1:
            ambiguous.append(span)
            continue
        pieces += [text[position : span.start], span.candidates[0]]
        position = span.end
        done += 1
    pieces.append(text[position:])
    return "".join(pieces), None, done, ambiguous


def repair(text: str, *, rounds: int = 3) -> Repair:
    """Reverse every damage that has one original, repeatedly (mojibake of mojibake).

    Idempotent: it stops at a fixed point, so repairing its own output changes nothing.
    Never worse: a round that would raise ftfy's badness score is not applied.
    """
    current, encoding, total = text, None, 0
    ambiguous: list[_Span] = []
    for _ in range(rounds):
        result, whole, done, ambiguous = _repair_once(current)
        if result == current or _worse(current, result):
            break
        current, total = result, total + done
        encoding = encoding or whole
    else:
        ambiguous = _repair_once(current)[3]
    starts = _line_starts(current)
    return Repair(
        current, encoding, total, tuple(_to_damage(current, starts, s) for s in ambiguous)
    )


def _worse(before: str, after: str) -> bool:
    """Would ftfy's badness score rise? Only lines holding non-ASCII text can score."""
    from ftfy.badness import badness

    return badness(_non_ascii_lines(after)) > badness(_non_ascii_lines(before))


def _non_ascii_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.isascii())
