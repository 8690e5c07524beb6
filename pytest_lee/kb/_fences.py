"""Fenced blocks, read line by line (private: the walk's).

A plain fence (```` ``` ````, ```` ```text ````) holds checklists drawn as text, labels
(``Deployment:``), cross-references and index arrows. A ```` ```markdown ```` fence holds
markdown shown as an example — the seed's deployment checklist lives in one: its headings
name checklist sections, its items and table rows count, but its ``**FIELD:**`` lines are
an example, never a declaration. Reading it line by line instead of parsing it again
costs nothing extra and cannot recurse: fences inside it are tracked on a stack (code
fences skipped, ```` ```markdown ```` ones read through, up to ``MAX_DEPTH`` deep).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

from pytest_lee.kb._checklist import BOX_CELL, item_of_line
from pytest_lee.kb._text import _clean, _plain, _strip_comment

if TYPE_CHECKING:
    from pytest_lee.kb.ids import IdSyntax, RefId


class Walker(Protocol):
    """What a fence reports to (``_walk.Walker``), named here: the walk imports this
    module, so this module does not import the walk."""

    context: str | None
    syntax: IdSyntax
    raw_mentions: list[tuple[RefId, str, int, str]]

    def add_item(
        self,
        group: tuple[Any, str | None, str | None],
        shape: str,
        text: str,
        line: int,
        checked: bool | None,
    ) -> None: ...
    def add_arrow(self, text: str, line: int) -> None: ...


__all__ = ["MARKDOWN_FENCES", "MAX_DEPTH", "PLAIN_FENCES", "scan_fence"]

PLAIN_FENCES = frozenset({"", "text", "txt", "plain", "plaintext"})
MARKDOWN_FENCES = frozenset({"markdown", "md"})
MAX_DEPTH = 8  # ```markdown fences nested deeper are not read (real lessons nest one)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s+(.*?))?\s*#*\s*$")
_LABEL_LINE = re.compile(r"^\s*([^\s✅✔✓☑☐⬜❌#\[|][^:]{0,60}):\s*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")


def scan_fence(walker: Walker, content: str, start: int, title: str | None, markdown: bool) -> None:
    """Read the ``content`` of a fence whose opening line is file line ``start + 1``;
    ``title`` names its checklists (the label or heading above it)."""
    container = start + 1
    label: str | None = None
    inner: list[tuple[str, int, bool]] = []  # open fences inside: (char, length, readable)
    context = walker.context
    for number, text in enumerate(content.split("\n")):
        here = start + 2 + number
        if "<!--" in text:
            text = _strip_comment(text)
        if markdown:
            fence = _FENCE.match(text)
            if fence:
                marker, info = fence.group(1), fence.group(2).lower()
                top = inner[-1] if inner else None
                if top and marker[0] == top[0] and len(marker) >= top[1] and not info:
                    inner.pop()
                else:
                    readable = info in MARKDOWN_FENCES or info in PLAIN_FENCES
                    inner.append((marker[0], len(marker), readable))
                continue
            if inner and (not all(r for _, _, r in inner) or len(inner) >= MAX_DEPTH):
                continue
            if ">" in text[:4]:
                text = _QUOTE.sub("", text, count=1)
            heading = _HEADING.match(text) if text.lstrip().startswith("#") else None
            if heading:
                label = _plain(heading.group(1) or "") or None
                continue
            if text.lstrip().startswith("|"):
                _row(walker, text, (container, title, label), here)
                continue
        found = item_of_line(text)
        if found is not None:
            shape, item, checked = found
            walker.add_item((container, title, label), shape, _clean(item), here, checked)
        elif not markdown:
            labelled = _LABEL_LINE.match(text)
            if labelled:
                label = labelled.group(1).strip()
        if context:
            for ref, _, written in walker.syntax.find(text, named=True):
                walker.raw_mentions.append((ref, written, here, context))
        if "→" in text or "->" in text or "⇒" in text:
            walker.add_arrow(text, here)


def _row(walker: Walker, text: str, group: tuple[int, str | None, str | None], line: int) -> None:
    """A table row of a ```` ```markdown ```` fence: an item if a cell holds only a box."""
    cells = [_plain(cell) for cell in text.strip().strip("|").split("|")]
    first = next((cell for cell in cells if cell and not BOX_CELL.match(cell)), None)
    box = next((cell for cell in cells if cell and BOX_CELL.match(cell)), None)
    if first is not None and box is not None and not set(first) <= set("-: "):
        checked = not any(mark in box for mark in ("[ ]", "⬜", "☐"))
        walker.add_item(group, "table", _clean(first), line, checked)
