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
import os
import re
import stat
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_lee.kb._markup import _directives, _split_list
from pytest_lee.kb._walk import Section, Walker, markdown_parser
from pytest_lee.kb.config import DECLARE_FIELDS, DEFAULT_MAX_BYTES
from pytest_lee.kb.ids import DEFAULT_SYNTAX, IdSyntax, RefId, expand_ranges, family_of_name
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

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_lee.kb.encoding import Damage

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

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
DEFAULT_DECLARE_FIELDS = frozenset(DECLARE_FIELDS)  # [tool.lee.kb] declare_fields' default
# ``# LESS-09: Title``, ``### ❌ AP-01: …``, ``### 1. DEC-04: …``, ``### ARCH-01 to ARCH-06: …``,
# ``## LESS-34-38-42: …``: the ID(s) a heading starts with, before its colon.
_ID_HEADING = re.compile(
    r"^[^\w\s]*\s*(?:\d{1,3}[.)]\s+)?([A-Z][\w-]*?(?:\s*(?:to|through|thru|–|—)\s*[A-Z][\w-]*?)?)"
    r"\s*(?::|$|\s[-–—]\s)"
)
# The first token of a field or heading that tries to be an ID (``NM06-LESS-XX``,
# ``DEC-##``, ``LESS-[NEW]``, ``KEP-NNNN``) — ``Shared knowledge`` does not try.
_ID_ATTEMPT = re.compile(r"^[\[{<]?[A-Z0-9][\w\[\]{}<>#]*(?:-[\w\[\]{}<>#]+)+$")
_PLACEHOLDER = re.compile(r"X{2,}|N{2,}|#|\[|\{|<|NEW\b|TBD|TODO")
_TITLE_TOKEN = re.compile(r"^[^\w\s\[{<]*\s*(?:\d{1,3}[.)]\s+)?([^\s:]+)")
# A declaring field naming several IDs cites them (``**REF:** BUG-01, LESS-08``) unless
# it says they are one entry (``NM06-LESS-27 (combined with LESS-39)``).
_RANGE_WORD = re.compile(r"\s(?:to|through|thru|–|—)\s")  # ``ARCH-01 to ARCH-06``
_HEAD_END = re.compile(r"[\s,;(]")  # where the first ID of a declaring field ends
_COMBINED = re.compile(r"\bcombined\b|\bmerged\b|\balso\b", re.I)


def read_document(
    path: Path,
    display: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    syntax: IdSyntax = DEFAULT_SYNTAX,
    declare_fields: frozenset[str] = DEFAULT_DECLARE_FIELDS,
    keep_text: bool = True,
) -> Document:
    """Read and parse one file; a file that cannot be read as UTF-8 markdown gives a
    ``Document`` with ``problem`` set (one line saying what is wrong) instead of raising."""
    family = family_of_name(path.name)
    try:
        with open(path, "rb") as handle:  # one open and one fstat, not stat, stat, open
            status = os.fstat(handle.fileno())
            if stat.S_ISDIR(status.st_mode):  # a directory markdown_files could not list
                raise IsADirectoryError
            size = status.st_size
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
            data = handle.read()
    except OSError as error:
        if isinstance(error, IsADirectoryError) or path.is_dir():
            from pytest_lee.kb._paths import directory_problem

            reason = directory_problem(path) or "a directory, not a markdown file"
            return Document(path, display, family, problem=reason)
        return Document(path, display, family, problem=f"cannot read: {error.strerror or error}")
    if data.find(b"\0", 0, 8192) != -1:
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
        return parse_document(
            text,
            path=path,
            display=display,
            syntax=syntax,
            declare_fields=declare_fields,
            keep_text=keep_text,
        )
    except RecursionError:  # the walk nests bounded; this is the net for what it did not foresee
        return Document(
            path, display, family, problem="too deeply nested to parse; flatten its nesting"
        )


def parse_document(
    text: str,
    *,
    path: Path,
    display: str | None = None,
    syntax: IdSyntax = DEFAULT_SYNTAX,
    declare_fields: frozenset[str] = DEFAULT_DECLARE_FIELDS,
    keep_text: bool = True,
) -> Document:
    """Parse markdown ``text`` (the content of ``path``) into a ``Document``; ``syntax`` says
    what an ID looks like, ``declare_fields`` which bold fields declare one. Without
    ``keep_text`` the document does not hold the text (the linter keeps thousands)."""
    if "\r" in text:  # markdown-it breaks lines at \r\n and a lone \r too: count lines as it does
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    walker = Walker(text, path.name, family_of_name(path.name), syntax, declare_fields)
    walker.walk(markdown_parser().parse(text))
    damage: tuple[Damage, ...] = ()
    symbols: Mapping[str, int] = {}
    if not text.isascii():
        symbols = Counter(_NON_ASCII.findall(text))
        if not _lead_characters().isdisjoint(symbols):  # no lead character, no damage
            from pytest_lee.kb.encoding import find_damage

            damage = tuple(find_damage(text))
    display = display if display is not None else path.as_posix()
    return _assemble(walker, path, display, (damage, symbols, text if keep_text else ""))


@lru_cache(maxsize=1)
def _lead_characters() -> frozenset[str]:
    from pytest_lee.kb.encoding import lead_characters

    return lead_characters()


def _assemble(
    walker: Walker,
    path: Path,
    display: str,
    found: tuple[tuple[Damage, ...], Mapping[str, int], str],
) -> Document:
    """The frozen model from what the walk collected, with what the text showed (its
    encoding damage, its non-ASCII symbols, the text itself or ``""``)."""
    damage, symbols, text = found
    routed_refs: list[tuple[RefId, str, int, str]] = []
    file_routes: list[Route] = []
    conflicts: list[tuple[int, str]] = []
    entries = _restated(_entries(walker, routed_refs, file_routes, conflicts), walker.name)
    by_start = sorted(entries, key=lambda e: e.heading_line or e.line)
    starts = [e.heading_line or e.line for e in by_start]
    parents = _parents(by_start, starts)
    ends = [e.end_line for e in by_start]
    keys = [e.key for e in by_start]

    def owner(line: int) -> str | None:
        # the latest-starting entry whose section still holds the line: bisect, then up
        # the (short) chain of enclosing entries, so thousands of entries stay fast
        position = bisect.bisect_right(starts, line) - 1
        while position >= 0 and ends[position] < line:
            position = parents[position]
        return keys[position] if position >= 0 else None

    mentions = tuple(
        Mention(r, w, line, c, owner(line))
        for r, w, line, c in (*walker.raw_mentions, *routed_refs)
    )
    related: dict[str, list[Mention]] = {}
    for mention in mentions:
        if mention.owner and mention.context in ("related", "related-topics"):
            related.setdefault(mention.owner, []).append(mention)
    if related:
        entries = [_with_related(e, related[e.key]) if e.key in related else e for e in entries]
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
        text=text,
        damage=damage,
        symbols=symbols,
        entries=tuple(entries),
        checklists=checklists,
        mentions=mentions,
        routes=(*walker.routes, *file_routes),
        stats=tuple(stats),
        directives=directives,
        unclosed_fences=tuple(walker.unclosed),
        conflicts=tuple(conflicts),
    )


def _with_related(e: Entry, related: list[Mention]) -> Entry:
    """``e`` with its related mentions (``dataclasses.replace`` costs ten times this)."""
    return Entry(
        e.ref,
        e.written,
        e.line,
        e.heading,
        e.heading_line,
        e.end_line,
        e.aliases,
        e.fields,
        e.priority,
        e.tags,
        e.keywords,
        tuple(related),
        e.waiver,
        e.valid,
    )


def _heading_ids(walker: Walker, section: Section) -> tuple[list[RefId], bool]:
    """The IDs a heading starts with (``### 1. DEC-04: …``, ``### ARCH-01 to ARCH-06: …``,
    ``# LESS-34-38-42: …``) and whether they are a range. An ID without a number counts in
    a heading only when the file is named after it (``…_CACHE-DEP.md``): headings such as
    ``## NM06-LESSONS: Deployment`` are titles."""
    match = _ID_HEADING.match(section.title or "") if section.level else None
    if match is None:
        return [], False
    written = match.group(1)
    if _RANGE_WORD.search(written):
        ids = expand_ranges(written)
        return (ids, True) if len(ids) > 1 else ([], False)
    single = walker.syntax.parse(written)
    if single is not None and walker.syntax.valid(written):
        if single.named and written not in walker.name:
            return [], False
        return [single], False
    found = list(walker.syntax.find(written))
    if found and all(w == written for _, _, w in found):  # LESS-34-38-42
        return [ref for ref, _, _ in found], False
    return [], False


def _entries(
    walker: Walker,
    routed_refs: list[tuple[RefId, str, int, str]],
    routes: list[Route],
    conflicts: list[tuple[int, str]],
) -> list[Entry]:
    """Every entry the sections declare, by the conventions ``walker.syntax.id_from`` names:
    an ID field (it wins), a title heading (the file's first heading, the one after a
    heading that is the file's name, or any H1 that starts with an ID), the file name. A
    field naming several IDs cites them (they go to ``routed_refs``); a heading with a
    ``**File:**``/``**Location:**`` field is an index entry and routes (to ``routes``);
    where the conventions disagree, ``conflicts`` says so."""
    entries: list[Entry] = []
    family = walker.family
    sources = walker.syntax.id_from
    ends = _section_ends(walker.sections, walker.line_count)
    titles = _title_sections(walker)
    for position, (section, end) in enumerate(zip(walker.sections, ends)):
        ids, is_range = _heading_ids(walker, section)
        declaring = [
            f
            for f in section.fields
            if "field" in sources
            and f.name in walker.declare_fields
            and f.value
            and _ID_ATTEMPT.match(_HEAD_END.split(f.value.strip(), maxsplit=1)[0].strip("`*"))
        ]
        target = section.file_route
        if target and target.rsplit("/", 1)[-1] == walker.name:
            target = None  # the file naming itself (a footer's ``**File:**``) routes nowhere
        if target:
            line = section.file_line or section.line or 1
            routes.append(Route(tuple(ids), target, line, "file" if ids else "field", is_range))
        if ids and (target or section.indexed):
            # an index entry (``### ❌ AP-01: …`` + ``**Location:** x.md``): its REF lists
            # related IDs, it declares nothing here
            routed_refs += [
                (ref, written, f.line, "ref")
                for f in declaring
                for ref, _, written in walker.syntax.find(f.value, named=True)
            ]
            continue
        cited = False
        for ref_field in declaring:
            head_written, head, aliases, citation = _declared(walker, ref_field.value)
            if citation:
                cited = True
                routed_refs += [(ref, w, ref_field.line, "ref") for ref, w in aliases]
                continue
            if head is not None:
                head = head.with_family(head.family or family)
            fallback = RefId(None, head_written, "")
            alias_ids = tuple(
                a.with_family(a.family or (head or fallback).family) for a, _ in aliases
            )
            entries.append(
                _entry(
                    walker,
                    section,
                    (head or fallback, head_written, head is not None),
                    (ref_field.line, end),
                    alias_ids,
                )
            )
        # an entry's heading: the file's title, an H1, or a heading whose section has
        # sections of its own (``## FLOW-02: …`` with Summary/Related) — an index's or a
        # summary's ``### AP-08: Threading Locks`` with a few lines under it is neither
        titled = "heading" in sources and (
            position in titles or section.level == 1 or _has_subsections(walker.sections, position)
        )
        if not titled:
            continue
        if ids and not is_range and (not declaring or cited):
            head = ids[0].with_family(ids[0].family or family)
            aliases_h = tuple(i.with_family(i.family or head.family) for i in ids[1:])
            written = _heading_written(section.title or "")
            entries.append(
                _entry(walker, section, (head, written, True), (section.line or 1, end), aliases_h)
            )
        elif ids and declaring and not cited and entries and entries[-1].valid:
            if ids[0].short != entries[-1].ref.short:
                conflicts.append(
                    (
                        section.line or 1,
                        f"the heading says {ids[0].full} but the ID field declares "
                        f"{entries[-1].written} (the field wins); make them agree",
                    )
                )
        elif not ids and not declaring and position in titles:
            token = _TITLE_TOKEN.match(section.title or "")
            written = token.group(1) if token else ""
            if _ID_ATTEMPT.match(written) and _PLACEHOLDER.search(written):
                # ``# KEP-NNNN: Title``: a placeholder where the ID goes (ref-format)
                entries.append(
                    _entry(
                        walker,
                        section,
                        (RefId(None, written, ""), written, False),
                        (section.line or 1, end),
                        (),
                    )
                )
    _filename_entry(walker, entries, ends, conflicts)
    return entries


def _has_subsections(sections: list[Section], position: int) -> bool:
    following = sections[position + 1] if position + 1 < len(sections) else None
    return following is not None and following.level > sections[position].level


def _title_sections(walker: Walker) -> set[int]:
    """Positions of the sections whose heading may declare the file's entry: the first
    heading, and the next one when the first is only the file's name (``# LESS-09.md``,
    ``# File: DEC-02.md``)."""
    sections = walker.sections
    if len(sections) < 2:
        return set()
    first = (sections[1].title or "").removeprefix("File:").strip()
    if len(sections) > 2 and first in (walker.name, walker.name.rsplit(".", 1)[0]):
        return {1, 2}
    return {1}


def _filename_entry(
    walker: Walker, entries: list[Entry], ends: list[int], conflicts: list[tuple[int, str]]
) -> None:
    """A file whose name is an ID (``AP-05-Flat-File-Structure.md``, ``0001-use-x.md``)
    declares it when nothing in the file does; when the file declares other IDs, the name
    disagrees with them (a finding: the field or heading wins)."""
    written = walker.syntax.from_filename(walker.name)
    if written is None:
        return
    ref = walker.syntax.parse(written)
    if ref is None:
        return
    ref = ref.with_family(ref.family or walker.family)
    valid = [e for e in entries if e.valid]
    keys = {k for e in valid for k in (e.ref.short, *(a.short for a in e.aliases))}
    if ref.short in keys:
        return
    if valid:
        first = valid[0]
        conflicts.append(
            (
                first.line,
                f"the file name says {written} but the file declares {first.written} "
                f"(the {'field' if first.line != first.heading_line else 'heading'} wins); "
                "rename the file or fix the ID",
            )
        )
        return
    if any(not e.valid for e in entries):
        return  # a placeholder heading or field: ref-format says what to write
    section = walker.sections[1] if len(walker.sections) > 1 else walker.sections[0]
    line = section.line or 1
    entries.append(_entry(walker, section, (ref, written, True), (line, walker.line_count), ()))


def _restated(entries: list[Entry], name: str) -> list[Entry]:
    """One entry per ID where the file only says it again: a single-entry file whose footer
    repeats its header's ``**REF-ID:**``, or an ID heading with the same ID's field within
    a few lines (``# INT-07: …`` / ``# File: …`` / ``**REF-ID:** INT-07``). A real second
    declaration elsewhere in a combined file is still two entries (ref-duplicate)."""
    kept: list[Entry] = []
    first: dict[str, Entry] = {}
    for entry in entries:
        earlier = first.get(entry.key)
        if (
            earlier is not None
            and entry.valid
            and (
                entry.ref.short in name
                or (earlier.line == earlier.heading_line and entry.line - earlier.line <= 5)
                # no other entry between, and not the opening line of a section of its
                # own: the same entry's footer (``**REF-ID:** E2E-01`` again at the end)
                or (kept[-1].key == entry.key and entry.line - (entry.heading_line or 0) > 3)
            )
        ):
            continue
        first.setdefault(entry.key, entry)
        kept.append(entry)
    return kept


def _heading_written(title: str) -> str:
    match = _ID_HEADING.match(title)
    return match.group(1) if match else title


def _declared(
    walker: Walker, value: str
) -> tuple[str, RefId | None, list[tuple[RefId, str]], bool]:
    """Read a declaring field: (the ID as written, the ID if it is a valid one, the other
    IDs it names, whether the field is a citation rather than a declaration)."""
    value = value.strip()
    head_written = _HEAD_END.split(value, maxsplit=1)[0].strip("`*")
    rest = value[len(head_written) :] if value.startswith(head_written) else value
    others = [(ref, written) for ref, _, written in walker.syntax.find(rest)]
    parsed = walker.syntax.parse(head_written)
    if parsed is not None and others and not _COMBINED.search(value):
        return head_written, parsed, [(parsed, head_written), *others], True
    valid = parsed is not None and walker.syntax.valid(head_written)
    return head_written, parsed if valid else None, others, False


def _entry(
    walker: Walker,
    section: Section,
    declared: tuple[RefId, str, bool],
    lines: tuple[int, int],
    aliases: tuple[RefId, ...],
) -> Entry:
    ref, written, valid = declared
    line, end = lines
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
        valid=valid,
    )


def _section_ends(sections: list[Section], total: int) -> list[int]:
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
