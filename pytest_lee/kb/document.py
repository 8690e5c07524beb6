"""markdown-it-py token stream → the document model (``pytest_lee.kb.model``).

Two steps. The walk (``_walk.py``) goes once over the tokens and collects what it meets.
Line numbers come from ``token.map``; a paragraph's inline content keeps one source line
per text line, so the seed's REF/PRIORITY/TAGS/RELATED lines — one paragraph — each get
their own line. A ```` ```markdown ```` fence is parsed again with its line offset (the
seed's deployment checklist lives in one); a plain fence is read line by line for ``✅``
checklists, cross-references and index routes; code fences (```` ```python ````,
```` ```bash ````) are code and never read. Then this module decides, with the whole file
in view, what the collected sections mean: which declare entries (a ``**REF:**`` line, or
a ``# LESS-09: Title`` heading), which are index routes (an ID heading with
``**File:**``/``**Location:**``), and which entry owns each checklist and mention.

Public: ``parse_document``, ``read_document``, ``markdown_parser`` and the model classes
re-exported from ``pytest_lee.kb.model``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from pathlib import Path

from pytest_lee.kb._text import _directives, _split_list, _split_ref
from pytest_lee.kb._walk import _Section, _Walker, markdown_parser
from pytest_lee.kb.ids import RefId, family_of_name, find_ids, parse_id
from pytest_lee.kb.model import (
    Checklist,
    ChecklistItem,
    Directive,
    Document,
    Entry,
    Field,
    Mention,
    Route,
    StatCount,
    StatsBlock,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Checklist",
    "ChecklistItem",
    "Directive",
    "Document",
    "Entry",
    "Field",
    "Mention",
    "Route",
    "StatCount",
    "StatsBlock",
    "markdown_parser",
    "parse_document",
    "read_document",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_ID_HEADING = re.compile(
    r"^[^\w\s]*\s*((?:NM\d{2}-)?[A-Z][A-Z]+(?:-[A-Z]{2,})?-\d{2,3}(?:-\d{2,3})*)\s*:"
)


def read_document(path: Path, display: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse one file; a file that cannot be read as UTF-8 markdown gives a
    ``Document`` with ``problem`` set (one line saying what is wrong) instead of raising."""
    family = family_of_name(path.name)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Document(
                path,
                display,
                family,
                problem=(
                    f"file is {size / 1048576:.1f} MB, over the {max_bytes / 1048576:g} MB limit "
                    "([tool.lee.kb] max_file_mb); split it or raise the limit"
                ),
            )
        data = path.read_bytes()
    except OSError as error:
        return Document(path, display, family, problem=f"cannot read: {error.strerror or error}")
    if b"\0" in data[:8192]:
        return Document(
            path,
            display,
            family,
            problem="binary file (NUL bytes), not markdown; remove it from [tool.lee.kb] paths",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Document(
            path,
            display,
            family,
            problem=(
                f"not UTF-8 (byte 0x{data[error.start]:02x} on line {line}); re-save the file as UTF-8"
            ),
        )
    try:
        return parse_document(text, path=path, display=display)
    except RecursionError:  # the walk nests bounded; this is the net for what it did not foresee
        return Document(
            path, display, family, problem="too deeply nested to parse; flatten its nesting"
        )


def parse_document(text: str, *, path: Path, display: str | None = None) -> Document:
    """Parse markdown ``text`` (the content of ``path``) into a ``Document``."""
    if "\r" in text:  # markdown-it breaks lines at \r\n and a lone \r too: count lines as it does
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    walker = _Walker(text, family_of_name(path.name))
    walker.walk(markdown_parser().parse(text), offset=0, outer=True)
    return _assemble(walker, path, display if display is not None else path.as_posix())


def _assemble(walker: _Walker, path: Path, display: str) -> Document:
    """The frozen model from what the walk collected."""
    routed_refs: list[tuple[RefId, str, int, str]] = []
    entries = _entries(walker, routed_refs)
    by_start = sorted(entries, key=lambda e: e.heading_line or e.line)
    starts = [e.heading_line or e.line for e in by_start]
    parents = _parents(by_start, starts)

    def owner(line: int) -> str | None:
        # the latest-starting entry whose section still holds the line: bisect, then up
        # the (short) chain of enclosing entries, so thousands of entries stay fast
        position = bisect.bisect_right(starts, line) - 1
        while position >= 0 and by_start[position].end_line < line:
            position = parents[position]
        return by_start[position].key if position >= 0 else None

    mentions = tuple(
        Mention(r, w, line, c, owner(line))
        for r, w, line, c in (*walker.raw_mentions, *routed_refs)
    )
    related: dict[str, list[Mention]] = {}
    for mention in mentions:
        if mention.owner and mention.context in ("related", "related-topics"):
            related.setdefault(mention.owner, []).append(mention)
    entries = [
        replace(e, related=tuple(related[e.key])) if e.key in related else e for e in entries
    ]
    checklists = tuple(
        Checklist(group.title, group.line, group.shape, tuple(group.items), owner(group.line))
        for group in walker.groups.values()
    )
    stats = list(walker.stats)
    if walker.items_field is not None:
        stats.append(
            StatsBlock("index", walker.items_field.line, (walker.items_field,), None, None)
        )
    directives = _directives(walker.text) if "lee-kb:" in walker.text else ()
    return Document(
        path=path,
        display=display,
        family=walker.family,
        text=walker.text,
        entries=tuple(entries),
        checklists=checklists,
        mentions=mentions,
        routes=tuple(walker.routes) + _file_routes(walker.sections),
        stats=tuple(stats),
        directives=directives,
        unclosed_fences=tuple(walker.unclosed),
    )


def _file_routes(sections: list[_Section]) -> tuple[Route, ...]:
    routes = []
    for section in sections:
        if section.file_route and section.title and (match := _ID_HEADING.match(section.title)):
            ids = tuple(ref for ref, _, _ in find_ids(match.group(1)))
            routes.append(
                Route(ids, section.file_route, section.file_line or section.line or 1, "file")
            )
    return tuple(routes)


def _entries(walker: _Walker, routed_refs: list[tuple[RefId, str, int, str]]) -> list[Entry]:
    """Every entry the sections declare; the IDs a routed heading's REF names go to
    ``routed_refs`` (they must resolve, but declare nothing)."""
    entries: list[Entry] = []
    family = walker.family
    ends = _section_ends(walker.sections, len(walker.lines))
    for section, end in zip(walker.sections, ends):
        refs = [f for f in section.fields if f.name == "REF"]
        heading_id = _ID_HEADING.match(section.title or "") if section.level else None
        if not refs and heading_id and not section.file_route:
            ids = [ref for ref, _, _ in find_ids(heading_id.group(1))]
            head = ids[0].with_family(ids[0].family or family)
            aliases = tuple(i.with_family(i.family or head.family) for i in ids[1:])
            entries.append(
                _entry(walker, section, head, heading_id.group(1), section.line or 1, end, aliases)
            )
        if section.file_route and heading_id:
            # a routed heading (``### ❌ AP-01: …`` + ``**Location:** x.md``): its REF
            # lists related IDs, it declares nothing here
            routed_refs += [
                (ref, written, f.line, "ref") for f in refs for ref, _, written in find_ids(f.value)
            ]
            refs = []
        for ref_field in refs:
            head_written, aliases = _split_ref(ref_field.value)
            parsed = parse_id(head_written)
            head = (
                parsed.with_family(parsed.family or family)
                if parsed
                else RefId(None, head_written, "")
            )
            aliases = tuple(a.with_family(a.family or head.family) for a in aliases)
            entries.append(
                _entry(walker, section, head, head_written, ref_field.line, end, aliases)
            )
    return entries


def _entry(
    walker: _Walker,
    section: _Section,
    ref: RefId,
    written: str,
    line: int,
    end: int,
    aliases: tuple[RefId, ...],
) -> Entry:
    values = {f.name: f.value for f in reversed(section.fields)}
    waiver = walker.waivers.get(line) or (
        walker.waivers.get(section.line) if section.line else None
    )
    return Entry(
        ref=ref,
        written=written,
        line=line,
        heading=section.title,
        heading_line=section.line,
        end_line=end,
        aliases=aliases,
        fields=tuple(section.fields),
        priority=values.get("PRIORITY"),
        tags=_split_list(values.get("TAGS")),
        keywords=_split_list(values.get("KEYWORDS")),
        waiver=waiver,
    )


def _section_ends(sections: list[_Section], total: int) -> list[int]:
    """Last line of each section: the line before the next heading of the same or a
    higher level (one pass with a stack, so a file of thousands of headings stays linear)."""
    ends = [total] * len(sections)
    open_: list[int] = []
    for position, section in enumerate(sections):
        while open_ and section.line is not None and sections[open_[-1]].level >= section.level:
            ends[open_.pop()] = section.line - 1
        open_.append(position)
    return ends


def _parents(entries: list[Entry], starts: list[int]) -> list[int]:
    """For each entry (sorted by start), the index of the nearest earlier entry whose
    section encloses it, or -1: sections nest, so one pass with a stack finds them."""
    parents = []
    stack: list[int] = []
    for position, start in enumerate(starts):
        while stack and entries[stack[-1]].end_line < start:
            stack.pop()
        parents.append(stack[-1] if stack else -1)
        stack.append(position)
    return parents
