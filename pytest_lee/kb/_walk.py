"""The token walk behind ``document.parse_document`` (private: the API is document.py).

One pass over markdown-it-py's block tokens collects, as it meets them, sections (headings
with their ``**FIELD:**`` lines), checklist items, mentions, routes and statistics.
Deciding what they mean — which sections are entries, which entry owns a line — needs the
whole file, so it happens afterwards, in ``document.py``. See there for what is read where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pytest_lee.kb._checklist import (
    BOX_CELL,
    MARK_SHAPES,
    is_checklist_title,
    is_status_header,
    item_of_line,
)
from pytest_lee.kb._fences import MARKDOWN_FENCES, PLAIN_FENCES, scan_fence
from pytest_lee.kb._markup import _clean, _plain, _strip_comment, _waivers, is_planned
from pytest_lee.kb._routes import field_target, is_file_cell, leading_target, link_targets
from pytest_lee.kb.ids import DEFAULT_SYNTAX, IdSyntax, RefId, expand_ranges
from pytest_lee.kb.model import ChecklistItem, Field, Route, StatCount, StatsBlock

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_FIELD = re.compile(r"^\*\*([A-Za-z][A-Za-z0-9 _/-]{0,40}?):\*\*\s*(.*?)\s*$")
_LABEL_LINE = re.compile(r"^\s*([^\s✅✔✓☑☐⬜❌#\[][^:]{0,60}):\s*$")
_ARROW = re.compile(r"\s(?:→|->|⇒)\s")
_QUOTED = re.compile(r"^(?:>\s?)+")
_BOLD_LABEL = re.compile(r"^\*\*[^*\n]+\*\*:?$")
# A heading's meaning, whatever emoji, numbering or case leads it: ``## 🔗 RELATED
# PATTERNS``, ``### 5. See also``, ``## Cross-References (NM06)``. A section *about*
# cross-references (``### Cross-Reference Accuracy``) lists examples, not claims.
_HEADING_LEAD = re.compile(r"^[\W\d_]*(?:\d+[.)]\s*)?")
_CROSS_REF = re.compile(
    r"^cross[- ]?ref(?:erence)?s?(?:\s*$|\s*[(:]|\s+(?:with|to|by|for)\b)", re.I
)
_RELATED_TOPICS = re.compile(r"^(?:related\b|see also\b|further reading\b)", re.I)
# Words a heading with a meaning holds (case folded: a superset of what ``re.I`` matches)
_MEANING_WORDS = ("cross", "related", "see also", "further reading")
_STATS = re.compile(r"^\W*FILE STATISTICS\W*$", re.I)
_COUNT = re.compile(r"^\s*([A-Za-z][A-Za-z /-]*?count)\s*:\s*(\d+)\b", re.I)
_REF_IDS = re.compile(r"^\s*(?:reference ids|ref ids|ref-ids)\s*:\s*(.+)$", re.I)
# ``Reference IDs: 20`` / ``~150`` / ``12 (AWS-LESS-01 to AWS-LESS-12)``: a count first
_REF_COUNT = re.compile(r"^[~≈]?\s*(\d+)\+?(?:\s|$)")
_FILE_COLUMN = re.compile(r"file|location|route|path|target|document|where|see", re.I)
_ROUTE_FIELDS = frozenset({"FILE", "LOCATION", "INDEX", "PATH"})
_CONTINUED = frozenset({"RELATED", "TAGS", "KEYWORDS"})
# fields whose IDs are recorded where the field is read (``_field``), not again
_CITING_FIELDS = frozenset({"RELATED"}) | _ROUTE_FIELDS
# What the walk does per token type, one dict look-up instead of a chain of comparisons;
# every other type (paragraph_open/close, heading_close, hr, code_block, html_block,
# blockquotes, tbody, tr_open) changes nothing the walk tracks and is skipped.
(
    _INLINE,
    _CELL_OPEN,
    _CELL_CLOSE,
    _ITEM_OPEN,
    _ITEM_CLOSE,
    _HEADING,
    _LIST_OPEN,
    _LIST_CLOSE,
    _FENCE,
    _TABLE_OPEN,
    _TABLE_CLOSE,
    _ROW_CLOSE,
    _HEAD_OPEN,
    _HEAD_CLOSE,
) = range(14)
_CODES = {
    "inline": _INLINE,
    "td_open": _CELL_OPEN,
    "th_open": _CELL_OPEN,
    "td_close": _CELL_CLOSE,
    "th_close": _CELL_CLOSE,
    "list_item_open": _ITEM_OPEN,
    "list_item_close": _ITEM_CLOSE,
    "heading_open": _HEADING,
    "bullet_list_open": _LIST_OPEN,
    "ordered_list_open": _LIST_OPEN,
    "bullet_list_close": _LIST_CLOSE,
    "ordered_list_close": _LIST_CLOSE,
    "fence": _FENCE,
    "table_open": _TABLE_OPEN,
    "table_close": _TABLE_CLOSE,
    "tr_close": _ROW_CLOSE,
    "thead_open": _HEAD_OPEN,
    "thead_close": _HEAD_CLOSE,
}


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The parser lee-kb uses: CommonMark plus tables, block level only.

    The model needs the block structure and each block's raw text (``token.content``),
    never the inline children (emphasis, links), so the core ``inline`` rule — about half
    of markdown-it-py's time — is switched off. Inline tokens keep their ``content``.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable("inline")


@dataclass
class Section:
    level: int
    title: str | None
    line: int | None
    fields: list[Field] = field(default_factory=list)
    file_route: str | None = None
    file_line: int | None = None
    indexed: bool = False  # a **File:**/**Location:** field names another file (an index entry)
    meaning: str | None = None  # "cross-reference", "related-topics" or None (see _meaning)
    checklist: bool = False  # the heading says its section is a checklist (is_checklist_title)


@dataclass
class _Pending:
    """An item group being filled: one per (container, section)."""

    title: str | None
    line: int
    shape: str
    items: list[ChecklistItem] = field(default_factory=list)


@dataclass
class _Table:
    """The table being walked: header cells, and the current row's cells with lines."""

    header: list[str] = field(default_factory=list)
    row: list[tuple[str, int]] = field(default_factory=list)
    in_head: bool = False


class Walker:
    def __init__(
        self,
        text: str,
        name: str,
        family: str | None,
        syntax: IdSyntax = DEFAULT_SYNTAX,
        declare_fields: frozenset[str] = frozenset({"REF", "REF-ID"}),
    ) -> None:
        self.text = text
        self.family = family
        self.name = name
        self.syntax = syntax
        self.declare_fields = declare_fields
        self.line_count = text.count("\n") + 1
        self._lines: list[str] | None = None  # split on demand: only fences need them
        self.sections: list[Section] = [Section(0, None, None)]
        self.stack: list[Section] = [self.sections[0]]
        self.raw_mentions: list[tuple[RefId, str, int, str]] = []
        self.routes: list[Route] = []
        self.groups: dict[tuple[Any, ...], _Pending] = {}
        self.stats: list[StatsBlock] = []
        self.unclosed: list[int] = []
        self.stats_pending: int | None = None
        self.items_field: StatCount | None = None
        self.waivers = _waivers(text) if "lee-kb:" in text else {}
        self.label: str | None = None
        self.context: str | None = None  # the meaning of the enclosing sections
        # Under a heading that says checklist/verification/readiness (its section) or a
        # label that does (up to the next label or heading): check-mark lines there are
        # items; elsewhere the same marks list features, outcomes and do's.
        self.heading_block = False
        self.label_block = False

    # -- the walk -------------------------------------------------------------------
    def walk(self, tokens: list[Token]) -> None:
        """Walk the file's block tokens once, in order (fences are read by ``_fences``)."""
        in_item = in_cell = heading_level = 0
        lists: list[str] = []  # "bullet"/"ordered", innermost last
        fresh_item = pending_heading = False
        table: _Table | None = None
        for token in tokens:
            code = _CODES.get(token.type)
            if code is None:  # tokens that change nothing the walk tracks (most of them)
                continue
            if code == _INLINE:
                if token.map is None:
                    continue
                line = token.map[0] + 1
                content = token.content
                if pending_heading:
                    pending_heading = False
                    title = _plain(_strip_comment(content))
                    self._open_section(heading_level, title, line)
                    self.label = None
                    # the section and its subsections, up to a heading of the same level —
                    # but a file's title (``# NM01 Routing Verification``) names the file,
                    # not a checklist over all its sections
                    self.heading_block = any(
                        sec.checklist for sec in self.stack if sec.level > 1
                    ) or bool(self.stack[-1].checklist)
                    self.label_block = False
                    self.stats_pending = line if _STATS.match(title) else None
                elif in_cell and table is not None:
                    table.row.append((content, line))
                else:
                    list_kind = lists[-1] if fresh_item and lists else None
                    fresh_item = False
                    self._inline(content, line, in_item > 0, list_kind)
                    if not in_item and content[:2] == "**" and _BOLD_LABEL.match(content):
                        self.label = _plain(content).rstrip(":")
                        self.label_block = is_checklist_title(self.label)
            elif code == _CELL_OPEN:
                in_cell += 1
            elif code == _CELL_CLOSE:
                in_cell -= 1
            elif code == _ITEM_OPEN:
                in_item += 1
                fresh_item = True
            elif code == _ITEM_CLOSE:
                in_item -= 1
                fresh_item = False
            elif code == _HEADING:
                pending_heading, heading_level = True, int(token.tag[1])
            elif code == _LIST_OPEN:
                lists.append("bullet" if token.type[0] == "b" else "ordered")
            elif code == _LIST_CLOSE:
                lists.pop()
            elif code == _FENCE:
                self._fence(token)
            elif code == _TABLE_OPEN:
                table = _Table()
            elif code == _TABLE_CLOSE:
                table = None
            elif table is not None:
                if code == _ROW_CLOSE:
                    self._row(table)
                    table.row = []
                else:
                    table.in_head = code == _HEAD_OPEN

    @property
    def in_block(self) -> bool:
        return self.heading_block or self.label_block

    def _open_section(self, level: int, title: str, line: int) -> None:
        while self.stack and self.stack[-1].level >= level and len(self.stack) > 1:
            self.stack.pop()
        section = Section(
            level, title, line, meaning=_meaning(title), checklist=is_checklist_title(title)
        )
        self.sections.append(section)
        self.stack.append(section)
        meanings = [s.meaning for s in self.stack if s.meaning]
        self.context = (
            "cross-reference"
            if "cross-reference" in meanings
            else (meanings[0] if meanings else None)
        )

    # -- inline content (paragraphs, list items) --------------------------------------
    def _group(self) -> tuple[Any, str | None, str | None]:
        """Where an item found now goes: (container, checklist title, section)."""
        section = self.stack[-1]
        return section.line, self.label or section.title, section.title

    def _inline(self, content: str, line: int, in_item: bool, list_kind: str | None) -> None:
        """A paragraph or list item, line by line: checklist items, ``**FIELD:**`` lines,
        mentions in related sections, arrow routes."""
        if self.stats_pending is not None and in_item:
            self._stat_line(content, line)
        context = self.context
        field_name: str | None = None
        for number, text in enumerate(content.split("\n")):
            here = line + number
            if "<!--" in text:
                text = _strip_comment(text)
            found = item_of_line(text, list_kind if number == 0 else None)
            if found is None and number == 0 and _is_label(text):
                # ``**Verification:**``/``Success Criteria:`` opening the items below it
                self.label_block = is_checklist_title(text)
            if found is not None:
                # a check mark outside a checklist block lists a feature, an outcome, a do
                if self.in_block or found[0] not in MARK_SHAPES or found[2] is False:
                    shape, item, checked = found
                    self.add_item(self._group(), shape, _clean(item), here, checked)
            elif text.startswith("**"):
                match = _FIELD.match(text)
                # ``- **DEC-02:** text`` names an ID, it is no field: read on as a citation
                if match and not (context and self.syntax.parse(match.group(1)) is not None):
                    field_name = match.group(1).upper()
                    self._field(Field(field_name, _strip_comment(match.group(2)), here))
                    if not match.group(2) and _STATS.match(match.group(1) + ":"):
                        self.stats_pending = here
                    if context and field_name not in self.declare_fields | _CITING_FIELDS:
                        # ``**Problem:** WISD-06`` in a Related list cites WISD-06
                        for ref, _, written in self.syntax.find(match.group(2), named=True):
                            self.raw_mentions.append((ref, written, here, context))
                    continue
                if _STATS.match(text):
                    self.stats_pending = here
                    continue
            if field_name in _CONTINUED:
                # the field goes on on this line (``**RELATED:** A-01,`` / ``B-02``)
                self._continue_field(field_name, _strip_comment(text), here)
                continue
            field_name = None
            if context and not is_planned(text):
                for ref, _, written in self.syntax.find(text, named=True):
                    self.raw_mentions.append((ref, written, here, context))
                if "](" in text:
                    self._links(text, here)
            if "→" in text or "->" in text or "⇒" in text:
                self.add_arrow(text, here)
        if not in_item and self.stats_pending is not None and not _STATS.match(_plain(content)):
            self.stats_pending = None

    def _links(self, text: str, line: int) -> None:
        """A Related list's links to knowledge-base files (``- [ADR-0002](0002-x.md)``) are
        routes: the file must exist and declare the IDs the link text names."""
        for target, label in link_targets(text):
            ids = tuple(ref for ref, _, _ in self.syntax.find(label))
            self.routes.append(Route(ids, target, line, "link"))

    def _field(self, found: Field) -> None:
        current = self.stack[-1]
        if found.name in ("FILE", "LOCATION") and found.value and self.name not in found.value:
            current.indexed = True
        if found.name in _ROUTE_FIELDS and current.file_route is None:
            current.file_route = field_target(found.value)
            current.file_line = found.line if current.file_route else None
        elif found.name == "ITEMS" and self.items_field is None:
            number = re.match(r"\d+", found.value)
            if number:
                self.items_field = StatCount("Items", int(number.group(0)), found.line)
        elif found.name == "RELATED":
            for ref, _, written in self.syntax.find(found.value, named=True):
                self.raw_mentions.append((ref, written, found.line, "related"))
        current.fields.append(found)

    def _continue_field(self, name: str, text: str, line: int) -> None:
        fields = self.stack[-1].fields
        last = next((i for i in range(len(fields) - 1, -1, -1) if fields[i].name == name), None)
        if last is not None:
            fields[last] = Field(
                name, f"{fields[last].value} {text.strip()}".strip(), fields[last].line
            )
        if name == "RELATED":
            for ref, _, written in self.syntax.find(text, named=True):
                self.raw_mentions.append((ref, written, line, "related"))

    def add_arrow(self, text: str, line: int, *, fenced: bool = False) -> None:
        """An arrow line: a route (``NM06-BUG-01 → NM06-BUGS-Critical.md``) or, without a
        target, a cross-reference. In a fence only a route naming an ID counts (``BUG-01 →
        x.md``, ``"sentinel" → x.md (BUG-07)``): a fenced ``→ Search X.md`` is a how-to
        or a transcript, not the index's claim."""
        parts = _ARROW.split(" " + _plain(text) + " ", maxsplit=1)
        if len(parts) != 2:
            return
        left, right = parts
        left_ids = tuple(ref for ref, _, _ in self.syntax.find(left))
        targets = []
        for segment in right.split(" + "):
            found = leading_target(segment)
            if found:
                # without IDs on the left, each target's own "(BUG-01)" names what it routes
                target, rest = found
                ids = left_ids or tuple(ref for ref, _, _ in self.syntax.find(rest))
                targets.append((target, ids))
        for target, ids in targets:
            if fenced and not ids:
                continue  # a fenced ``→ Search X.md`` names no ID: a how-to, not a route
            self.routes.append(Route(ids, target, line))
        if not targets and self.context is None:
            # a cross-reference line outside a cross-reference section is still a claim
            # that the ID on its left exists
            mentioned = list(self.syntax.find(left))
            if mentioned and left.strip() == mentioned[0][2]:
                ref, _, written = mentioned[0]
                self.raw_mentions.append((ref, written, line, "cross-reference"))

    def _row(self, table: _Table) -> None:
        """One table row: the header names the columns; a body row may route (a file
        cell, with the IDs of its first cell) and may be a checklist item (a check-box cell)."""
        cells = [(_plain(_strip_comment(content)), line) for content, line in table.row]
        if table.in_head:
            table.header = [text for text, _ in cells]
            return
        first = next((text for text, _ in cells if text and not BOX_CELL.match(text)), None)
        item_line = None
        for column, (text, line) in enumerate(cells):
            if not text:
                continue
            if first is not None and item_line is None and BOX_CELL.match(text):
                header = table.header[column] if column < len(table.header) else ""
                if self.in_block or is_status_header(header) or _is_box(text):
                    item_line = line
                    checked = not any(box in text for box in ("[ ]", "⬜", "☐"))
                continue
            if ".md" not in text.lower():
                continue
            header = table.header[column] if column < len(table.header) else ""
            target = is_file_cell(text, bool(_FILE_COLUMN.search(header)))
            if target is not None:
                ids = tuple(ref for ref, _, _ in self.syntax.find(cells[0][0])) if column else ()
                self.routes.append(Route(ids, target, line, "table"))
        if first is not None and item_line is not None and not any("❌" in t for t, _ in cells):
            # (a row with a ❌ beside the ✅ compares options: its marks are verdicts)
            self.add_item(self._group(), "table", _clean(first), item_line, checked)

    def _stat_line(self, content: str, line: int) -> None:
        block = self.stats[-1] if self.stats and self.stats[-1].line == self.stats_pending else None
        if block is None:
            block = StatsBlock("file", self.stats_pending or line, (), None, None)
            self.stats.append(block)
        text = _plain(_strip_comment(content))
        count = _COUNT.match(text)
        ref_ids = _REF_IDS.match(text)
        if ref_ids and _REF_COUNT.match(ref_ids.group(1).strip()):
            # ``Reference IDs: 20`` is a count (of entries), not an empty list
            number = _REF_COUNT.match(ref_ids.group(1).strip())
            assert number is not None
            count, ref_ids = None, None
            block = StatsBlock(
                block.kind,
                block.line,
                (*block.counts, StatCount("Reference IDs", int(number.group(1)), line)),
                block.ids,
                block.ids_line,
            )
        if count:
            block = StatsBlock(
                block.kind,
                block.line,
                (*block.counts, StatCount(count.group(1), int(count.group(2)), line)),
                block.ids,
                block.ids_line,
            )
        elif ref_ids:
            block = StatsBlock(
                block.kind, block.line, block.counts, tuple(expand_ranges(ref_ids.group(1))), line
            )
        self.stats[-1] = block

    # -- fences ---------------------------------------------------------------------
    def _fence(self, token: Token) -> None:
        assert token.map is not None
        start = token.map[0]
        info = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
        if self._unclosed(token):
            self.unclosed.append(start + 1)
        markdown = info in MARKDOWN_FENCES
        if markdown or info in PLAIN_FENCES:  # code fences are code: never read
            scan_fence(self, token.content, start, self.label or self.stack[-1].title, markdown)

    def _unclosed(self, token: Token) -> bool:
        assert token.map is not None
        first, end = token.map
        if self._lines is None:
            self._lines = self.text.split("\n")
        last = self._lines[end - 1].strip() if end - 1 < len(self._lines) else ""
        if last[:1] == ">":  # a fence inside a blockquote closes with ``> ```''
            last = _QUOTED.sub("", last).strip()
        marker = token.markup
        closed = (
            end - 1 > first
            and last.startswith(marker[0] * len(marker))
            and not last.strip(marker[0])
        )
        return not closed

    def add_item(
        self,
        group: tuple[Any, str | None, str | None],
        shape: str,
        text: str,
        line: int,
        checked: bool | None,
    ) -> None:
        container, title, section = group
        key = (container, title, shape)
        pending = self.groups.get(key)
        if pending is None:
            pending = self.groups[key] = _Pending(title, line, shape)
        pending.items.append(
            ChecklistItem(text, line, shape, checked, section, self.waivers.get(line))
        )


def _is_box(cell: str) -> bool:
    """A box (``[ ]``, ``[x]``, ``⬜``, ``☐``): a task cell wherever its table stands."""
    return "[" in cell or "⬜" in cell or "☐" in cell


def _is_label(text: str) -> bool:
    """``**Verification:**``, ``Success Criteria:``: a short line ending with a colon."""
    stripped = text.strip().rstrip("*").rstrip()
    return stripped.endswith(":") and len(stripped) <= 80


def _meaning(title: str) -> str | None:
    """What a heading says its content is: a cross-reference list, a related section, or
    neither (then IDs in it are prose, not claims). A cross-reference heading anywhere up
    the stack wins over a related one."""
    folded = title.casefold() if title else ""
    if not any(word in folded for word in _MEANING_WORDS):  # what the patterns below need
        return None
    stripped = _HEADING_LEAD.sub("", title)
    if not stripped:
        return None
    if _CROSS_REF.match(stripped):
        return "cross-reference"
    if _RELATED_TOPICS.match(stripped):
        return "related-topics"
    return None
