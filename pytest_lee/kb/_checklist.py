"""Which lines are checklist items, whatever container they sit in (private: the walk's).

Authors write a checklist item in every shape markdown allows, and in every container —
a list, a paragraph, a plain fenced block, a table:

- ``task``: ``- [ ] item`` / ``- [x] item`` (``*``/``+`` bullets too);
- ``numbered``: ``9. [ ] item``;
- ``bare``: ``[ ] item`` with no list marker (a paragraph line, a fenced line);
- ``list``: ``- ✅ item`` (``✓``, ``✔``, ``☑``, ``☐``, ``⬜`` too; numbered as well);
- ``block``: ``✅ item`` with no list marker (paragraph lines, fenced lines);
- ``table``: a row with a cell holding only a check box (``⬜``, ``✅``, ``[ ]``…).

A check mark is an item's marker only at the start of its line: inside a sentence (``When
to regenerate: ✅ public release``) it is an icon. A marked line that introduces a list
(``✅ Use it when:``) or gives a verdict label (``✅ CORRECT:``, ``✅ GOOD - one purpose``,
``✅ **INSTEAD:** use get_x()``) is a heading of sorts, not an item. Check marks whose
UTF-8 was read as Windows-1252 or Mac Roman (``âœ…``, ``‚úÖ``) are still check marks:
``mojibake`` reports the damage, the checklist is counted all the same.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "BOX_CELL",
    "BOX_SHAPES",
    "MARK_SHAPES",
    "SHAPES",
    "is_checklist_title",
    "is_status_header",
    "item_of_line",
]

SHAPES = ("task", "numbered", "bare", "list", "block", "table", "rule")
# A box (``- [ ]``, ``[ ]``, ``9. [ ]``) is a task wherever it stands, fences included; a
# check mark (``✅``, ``☐``, ``✓``) marks an item only inside a checklist block or table —
# elsewhere the same mark lists features, inventories, outcomes and do's.
BOX_SHAPES = frozenset({"task", "numbered", "bare"})
MARK_SHAPES = frozenset({"list", "block"})
# What a heading or a bold label says when the lines under it are a checklist.
_CHECKLIST_TITLE = re.compile(
    r"check\s*-?\s*list|verif|readiness|\bready\b.*\bwhen\b|\byou'?re ready"
    r"|\b(?:success|acceptance|exit|done) criteria"
    r"|\b(?:pre|post)[- ]?(?:deploy|flight|commit|merge|release|launch|check|change)",
    re.I,
)
# What a heading says when it reports outcomes, not tasks: ``Verification Results``, ``If
# Verification PASS``, ``Completion Report``, ``Success Criteria Met``, ``END OF … CHECKLIST``.
_REPORT_TITLE = re.compile(
    r"^\W*(?:if|when|after|end of)\b|\bresults?\b|\breport\b|\bsummary\b|\bstatus\b"
    r"|\b(?:met|achieved|passed)\W*$|\ball met\b",
    re.I,
)
# A table column whose cells say whether a row is done: the table is a checklist. (A bare
# ``Status`` column of ✅ is a report of outcomes — ``| SIMA compliance | 100% | ✅ |`` —
# unless the table sits in a checklist block or the cell is a box.)
_STATUS_HEADER = re.compile(r"done|check|✓|✔|✅|☐|⬜|\[ \]", re.I)
# ``[X] Never …`` / ``[OK] …``: a rule pair (a don't and its do), not a task.
_RULE = re.compile(r"^\s*(?:[-*+]\s+|\d{1,3}[.)]\s+)?\[(?:OK|X)\]\s+(?P<text>\S.*?)\s*$")
_DONT = re.compile(r"^(?:never|don'?t|do not|no|not|avoid|stop)\b", re.I)

_MARKS = (
    "✅",
    "✔️",
    "✔",
    "✓",
    "☑️",
    "☑",
    "☐",
    "⬜",
    "🔲",
    "âœ…",  # ✅ read as Windows-1252
    "âœ“",  # ✓
    "âœ”",  # ✔
    "‚úÖ",  # ✅ read as Mac Roman
    "‚úì",  # ✓
)
_MARK = "|".join(re.escape(m) for m in _MARKS)
_UNCHECKED = frozenset({"☐", "⬜", "🔲"})
_LINE = re.compile(
    rf"^\s*(?:(?P<bullet>[-*+])\s+|(?P<number>\d{{1,3}})[.)]\s+)?"
    rf"(?:\[(?P<box>[ xX✓✔])\](?=\s)|(?P<mark>{_MARK})\ufe0f?)\s*(?P<text>.*?)\s*$"
)
# ``CORRECT``, ``GOOD - …``, ``**INSTEAD:** …``, ``Correct: …``: a verdict (a word in
# capitals, or a known verdict word), then a colon, a dash or nothing
_VERDICT = re.compile(
    r"^\**(?:[A-Z][A-Z'’ ]*[A-Z]|(?i:correct|incorrect|good|bad|better|best|right|wrong|do|"
    r"don'?t|instead|yes|no|ok|okay|acceptable|complete|pass|fail))\**\s*(?::|\*\*:|[-–—]\s|$)"
)
BOX_CELL = re.compile(rf"^\s*(?:\[[ xX✓✔]\]|{_MARK})\ufe0f?\s*$")


@lru_cache(maxsize=4096)  # labels and headings repeat across a knowledge base
def is_checklist_title(text: str | None) -> bool:
    """True if a heading or label says the lines under it are a checklist (``Pre-Deployment``,
    ``Verification Checklist``, ``Ready for Project Mode When:``, ``Success Criteria``)."""
    return (
        bool(text)
        and _CHECKLIST_TITLE.search(text or "") is not None
        and _REPORT_TITLE.search(text or "") is None
    )


def is_status_header(text: str) -> bool:
    """True if a table header cell names a status/done/check column."""
    return _STATUS_HEADER.search(text) is not None


def item_of_line(line: str, list_kind: str | None = None) -> tuple[str, str, bool | None] | None:
    """``(shape, text, checked)`` if ``line`` is a checklist item, else None.

    ``list_kind`` is ``"bullet"`` or ``"ordered"`` when ``line`` is the first line of a list
    item's content (markdown took the marker off); None for any other line, which may still
    carry its own marker (a fenced ``- [ ] item``).
    """
    stripped = line.lstrip()
    if not stripped or (stripped[0] not in "[-*+0123456789" and not stripped.startswith(_MARKS)):
        return None
    if "[OK]" in line or "[X]" in line:
        rule = _RULE.match(line)
        if rule is not None and ("[OK]" in line or _DONT.match(rule.group("text"))):
            return "rule", rule.group("text"), None
    match = _LINE.match(line)
    if match is None:
        return None
    text = match.group("text")
    if not text or not any(ch.isalnum() for ch in text):
        return None  # ``1. [ ] ______``: a blank for the reader to fill in, no item yet
    ordered = match.group("number") is not None or (
        list_kind == "ordered" and match.group("bullet") is None
    )
    listed = ordered or match.group("bullet") is not None or list_kind is not None
    box = match.group("box")
    if box is not None:
        shape = "numbered" if ordered else "task" if listed else "bare"
        return shape, text, box != " "
    if text.endswith(":") or _VERDICT.match(text):
        return None
    mark = match.group("mark")
    return ("list" if listed else "block"), text, (False if mark in _UNCHECKED else None)
