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

from pytest_lee.kb._text import _clean, _plain, _strip_comment, _waivers
from pytest_lee.kb.ids import RefId, expand_ranges, find_ids
from pytest_lee.kb.model import ChecklistItem, Field, Route, StatCount, StatsBlock

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_PLAIN_FENCES = frozenset({"", "text", "txt", "plain", "plaintext"})
_MARKDOWN_FENCES = frozenset({"markdown", "md"})
_FIELD = re.compile(r"^\*\*([A-Za-z][A-Za-z0-9 _/-]{0,40}?):\*\*\s*(.*?)\s*$")
_TASK = re.compile(r"^\[([ xX])\]\s+(.*)$", re.S)
_CHECK_MARKS = ("✅", "✔️", "✔", "☑️", "☑", "☐", "⬜")
_CHECK_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:✅|✔️|✔|☑️|☑|☐|⬜)\s*(.+?)\s*$")
_LABEL_LINE = re.compile(r"^\s*([^\s✅✔☑☐⬜❌#][^:]{0,60}):\s*$")
_ARROW = re.compile(r"\s(?:→|->|⇒)\s")
_MD_FILE = re.compile(r"([\w][\w .,&()'+-]*?\.md)\b")
_LEADING_WORDS = re.compile(r"^(?:search|see|read|check|open|load|in|from)\s+(?=\S)", re.I)
_BOLD_LABEL = re.compile(r"^\*\*[^*\n]+\*\*:?$")
_CROSS_REF = re.compile(r"cross[- ]?ref", re.I)
_RELATED_TOPICS = re.compile(r"^related\b", re.I)
_STATS = re.compile(r"^\W*FILE STATISTICS\W*$", re.I)
_COUNT = re.compile(r"^\s*([A-Za-z][A-Za-z /-]*?count)\s*:\s*(\d+)\b", re.I)
_REF_IDS = re.compile(r"^\s*(?:reference ids|ref ids|ref-ids)\s*:\s*(.+)$", re.I)
_CONTINUED = frozenset({"RELATED", "TAGS", "KEYWORDS"})
_MAX_FENCE_DEPTH = 8  # ```markdown fences nested deeper are not read (real lessons nest one)


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
class _Section:
    level: int
    title: str | None
    line: int | None
    fields: list[Field] = field(default_factory=list)
    file_route: str | None = None
    file_line: int | None = None


@dataclass
class _Pending:
    """An item group being filled: one per (container, section)."""

    title: str | None
    line: int
    shape: str
    items: list[ChecklistItem] = field(default_factory=list)


class _Walker:
    def __init__(self, text: str, family: str | None) -> None:
        self.text = text
        self.family = family
        self.lines = text.split("\n")
        self.sections: list[_Section] = [_Section(0, None, None)]
        self.stack: list[_Section] = [self.sections[0]]
        self.raw_mentions: list[tuple[RefId, str, int, str]] = []
        self.routes: list[Route] = []
        self.groups: dict[tuple[Any, ...], _Pending] = {}
        self.stats: list[StatsBlock] = []
        self.unclosed: list[int] = []
        self.stats_pending: int | None = None
        self.items_field: StatCount | None = None
        self.waivers = _waivers(text) if "lee-kb:" in text else {}
        self.label: str | None = None
        self.depth = 0  # ```markdown fences being re-parsed, one inside the other

    # -- the walk -------------------------------------------------------------------
    def walk(
        self,
        tokens: list[Token],
        offset: int,
        outer: bool,
        fence: tuple[int, str | None] | None = None,
    ) -> None:
        """Walk ``tokens`` whose line 0 is file line ``offset``; ``outer`` is False inside a
        re-parsed ```` ```markdown ```` fence, whose headings name checklist sections but
        never end an entry; ``fence`` is then (fence line, checklist title)."""
        local_heading: str | None = None
        in_item = in_cell = heading_level = 0
        pending_heading = False
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "inline" and token.map is not None:
                line = token.map[0] + offset + 1
                content = token.content
                if pending_heading:
                    pending_heading = False
                    title = _plain(_strip_comment(content))
                    if outer:
                        self._open_section(heading_level, title, line)
                        self.label = None
                    else:
                        local_heading = title
                    self.stats_pending = line if _STATS.match(title) else None
                elif in_cell:
                    self._cell(content, line)
                else:
                    if fence is not None:
                        container, title, section = fence[0], fence[1], local_heading
                    else:
                        container, section = self.stack[-1].line, self.stack[-1].title
                        title = self.label or section
                    self._inline(
                        content,
                        line,
                        in_item > 0,
                        container,
                        title,
                        section,
                        tokens,
                        index,
                        fence is None,
                    )
                    if outer and not in_item and _BOLD_LABEL.match(content):
                        self.label = _plain(content).rstrip(":")
            elif kind == "heading_open":
                pending_heading, heading_level = True, int(token.tag[1])
            elif kind == "list_item_open":
                in_item += 1
            elif kind == "list_item_close":
                in_item -= 1
            elif kind in ("td_open", "th_open"):
                in_cell += 1
            elif kind in ("td_close", "th_close"):
                in_cell -= 1
            elif kind == "fence":
                self._fence(token, offset, outer)

    def _open_section(self, level: int, title: str, line: int) -> None:
        while self.stack and self.stack[-1].level >= level and len(self.stack) > 1:
            self.stack.pop()
        section = _Section(level, title, line)
        self.sections.append(section)
        self.stack.append(section)

    def _context(self) -> str | None:
        for section in self.stack:
            if section.title and _CROSS_REF.search(section.title):
                return "cross-reference"
        for section in self.stack:
            if section.title and _RELATED_TOPICS.match(section.title):
                return "related-topics"
        return None

    # -- inline content (paragraphs, list items) --------------------------------------
    def _inline(
        self,
        content: str,
        line: int,
        in_item: bool,
        container: Any,
        title: str | None,
        section: str | None,
        tokens: list[Token],
        index: int,
        outer: bool = True,
    ) -> None:
        """A paragraph or list item. Inside a ```` ```markdown ```` fence (``outer`` False)
        ``**FIELD:**`` lines are an example, not a declaration (the NM04 decision template
        holds ``**REF:** NM04-DEC-##``): only checklist items and mentions are taken."""
        if in_item:
            if content.startswith("["):
                task = _TASK.match(content)
                if task:
                    self._item(
                        container,
                        title,
                        section,
                        "task",
                        _clean(task.group(2)),
                        line,
                        task.group(1) != " ",
                    )
                    return
            elif content.startswith(_CHECK_MARKS):
                mark = next(m for m in _CHECK_MARKS if content.startswith(m))
                self._item(
                    container, title, section, "list", _clean(content[len(mark) :]), line, None
                )
                return
        if self.stats_pending is not None and in_item:
            self._stat_line(content, line)
        context = self._context()
        field_name: str | None = None
        for number, text in enumerate(content.split("\n")):
            here = line + number
            if "<!--" in text:
                text = _strip_comment(text)
            if outer and text.startswith("**"):
                match = _FIELD.match(text)
                if match:
                    field_name = match.group(1).upper()
                    self._field(Field(field_name, _strip_comment(match.group(2)), here), in_item)
                    if _STATS.match(match.group(1) + ":") and not match.group(2):
                        self.stats_pending = here
                    continue
                if _STATS.match(text):
                    self.stats_pending = here
                    continue
            if field_name in _CONTINUED:
                # the field goes on on this line (``**RELATED:** A-01,`` / ``B-02``)
                self._continue_field(field_name, _strip_comment(text), here)
                continue
            field_name = None
            if context:
                for ref, _, written in find_ids(text):
                    self.raw_mentions.append((ref, written, here, context))
            if "→" in text or "->" in text:
                self._arrow(text, here)
        if (
            not in_item
            and self.stats_pending is not None
            and tokens[index - 1].type == "paragraph_open"
        ) and not _STATS.match(_plain(content)):
            self.stats_pending = None

    def _field(self, found: Field, in_item: bool) -> None:
        current = self.stack[-1]
        if found.name in ("FILE", "LOCATION") and current.file_route is None:
            target = _MD_FILE.search(found.value.replace("`", ""))
            current.file_route = _target_name(target.group(1)) if target else None
            current.file_line = found.line
        elif found.name == "ITEMS" and self.items_field is None:
            number = re.match(r"\d+", found.value)
            if number:
                self.items_field = StatCount("Items", int(number.group(0)), found.line)
        elif found.name == "RELATED":
            for ref, _, written in find_ids(found.value):
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
            for ref, _, written in find_ids(text):
                self.raw_mentions.append((ref, written, line, "related"))

    def _arrow(self, text: str, line: int) -> None:
        parts = _ARROW.split(" " + _plain(text) + " ", maxsplit=1)
        if len(parts) != 2:
            return
        left, right = parts
        left_ids = tuple(ref for ref, _, _ in find_ids(left))
        targets = []
        for segment in right.split(" + "):
            found = _MD_FILE.search(segment)
            if found:
                # without IDs on the left, each target's own "(BUG-01)" names what it routes
                ids = left_ids or tuple(ref for ref, _, _ in find_ids(segment[found.end() :]))
                targets.append((_target_name(found.group(1)), ids))
        for target, ids in targets:
            self.routes.append(Route(ids, target, line))
        if not targets and self._context() is None:
            # a cross-reference line outside a cross-reference section is still a claim
            # that the ID on its left exists
            mentioned = list(find_ids(left))
            if mentioned and left.strip() == mentioned[0][2]:
                ref, _, written = mentioned[0]
                self.raw_mentions.append((ref, written, line, "cross-reference"))

    def _cell(self, content: str, line: int) -> None:
        text = _plain(content).strip()
        if text.endswith(".md") and _MD_FILE.fullmatch(text):
            self.routes.append(Route((), text, line, "table"))

    def _stat_line(self, content: str, line: int) -> None:
        block = self.stats[-1] if self.stats and self.stats[-1].line == self.stats_pending else None
        if block is None:
            block = StatsBlock("file", self.stats_pending or line, (), None, None)
            self.stats.append(block)
        text = _plain(_strip_comment(content))
        count = _COUNT.match(text)
        ref_ids = _REF_IDS.match(text)
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
    def _fence(self, token: Token, offset: int, outer: bool) -> None:
        assert token.map is not None
        start = token.map[0] + offset
        info = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
        if outer and self._unclosed(token):
            self.unclosed.append(start + 1)
        title = self.label or self.stack[-1].title
        if info in _MARKDOWN_FENCES:
            if self.depth < _MAX_FENCE_DEPTH:  # a fence in a fence in a fence…: re-parsing recurses
                self.depth += 1
                self.walk(
                    markdown_parser().parse(token.content),
                    offset=start + 1,
                    outer=False,
                    fence=(start + 1, title),
                )
                self.depth -= 1
            return
        if info not in _PLAIN_FENCES:
            return
        context = self._context()
        label: str | None = None
        for number, text in enumerate(token.content.split("\n")):
            here = start + 2 + number
            if "<!--" in text:
                text = _strip_comment(text)
            check = _CHECK_LINE.match(text) if text.lstrip().startswith(_CHECK_MARKS) else None
            if check:
                self._item(start + 1, title, label, "block", _clean(check.group(1)), here, None)
                continue
            labelled = _LABEL_LINE.match(text)
            if labelled:
                label = labelled.group(1).strip()
            if context:
                for ref, _, written in find_ids(text):
                    self.raw_mentions.append((ref, written, here, context))
            if "→" in text or "->" in text:
                self._arrow(text, here)

    def _unclosed(self, token: Token) -> bool:
        assert token.map is not None
        first, end = token.map
        last = self.lines[end - 1].strip() if end - 1 < len(self.lines) else ""
        marker = token.markup
        closed = (
            end - 1 > first
            and last.startswith(marker[0] * len(marker))
            and not last.strip(marker[0])
        )
        return not closed

    def _item(
        self,
        container: Any,
        title: str | None,
        section: str | None,
        shape: str,
        text: str,
        line: int,
        checked: bool | None,
    ) -> None:
        key = (container, title, shape)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Pending(title, line, shape)
        group.items.append(
            ChecklistItem(text, line, shape, checked, section, self.waivers.get(line))
        )


def _target_name(text: str) -> str:
    """The file name in ``Search NM04-TECHNICAL-Decisions.md`` or ``LESS-15 (NM06-x.md``:
    names may hold spaces (``NM06-BUGS-Critical Bugs Fixed.md``), so only an opening
    parenthesis or a leading verb before an ``NMdd-`` name is cut off."""
    text = text.strip()
    if "(" in text:
        text = text.rsplit("(", 1)[1].strip()
    leading = _LEADING_WORDS.match(text)
    return text[leading.end() :] if leading else text
