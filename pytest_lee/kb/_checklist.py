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

__all__ = ["BOX_CELL", "SHAPES", "item_of_line"]

SHAPES = ("task", "numbered", "bare", "list", "block", "table")

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


def item_of_line(line: str, list_kind: str | None = None) -> tuple[str, str, bool | None] | None:
    """``(shape, text, checked)`` if ``line`` is a checklist item, else None.

    ``list_kind`` is ``"bullet"`` or ``"ordered"`` when ``line`` is the first line of a list
    item's content (markdown took the marker off); None for any other line, which may still
    carry its own marker (a fenced ``- [ ] item``).
    """
    stripped = line.lstrip()
    if not stripped or (stripped[0] not in "[-*+0123456789" and not stripped.startswith(_MARKS)):
        return None
    match = _LINE.match(line)
    if match is None:
        return None
    text = match.group("text")
    if not text:
        return None
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
