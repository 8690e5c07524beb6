"""The document model of one lessons file: what ``document.parse_document`` returns.

Frozen dataclasses only, so rules, ``lee-kb matrix`` and tests share one vocabulary and
nothing downstream can change what the parser saw. Every position is a 1-based line of
the file as it is on disk (lines inside multi-line paragraphs and inside re-parsed
```` ```markdown ```` fences included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pytest_lee.kb.encoding import Damage
from pytest_lee.kb.ids import RefId

__all__ = [
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
]


@dataclass(frozen=True, slots=True)
class Field:
    """A ``**NAME:** value`` line: ``name`` upper-cased (``REF``, ``PRIORITY``, ``FILE``…),
    ``value`` without HTML comments and trailing spaces."""

    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Mention:
    """An ID named where it must resolve: a ``**RELATED:**`` field (``context="related"``),
    a ``## Related Topics`` section (``"related-topics"``), a cross-reference section,
    fenced blocks included (``"cross-reference"``), or the ``**REF:**`` of a routed heading
    (``### AP-01: …`` + ``**Location:**``), which lists IDs it relates to (``"ref"``).
    ``owner`` is the key of the enclosing entry (see ``Entry.key``) or None."""

    ref: RefId
    written: str
    line: int
    context: str
    owner: str | None


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One checklist item. ``text`` is as written minus its marker and any HTML comment;
    ``shape`` is ``"task"`` (``- [ ]``/``- [x]``, also inside ```` ```markdown ````),
    ``"block"`` (``✅ item`` lines in a plain fenced block) or ``"list"`` (``- ✅ item``);
    ``checked`` is the task box (None for ✅ shapes); ``section`` the nearest sub-heading or
    ``Label:`` line; ``waiver`` the reason of an inline ``<!-- lee-kb: waive: … -->``."""

    text: str
    line: int
    shape: str
    checked: bool | None
    section: str | None
    waiver: str | None = None


@dataclass(frozen=True, slots=True)
class Checklist:
    """Items grouped under one title. ``owner`` is the key of the REF'd entry the checklist
    sits in, or None — then tests name its items by the file's stem (``Document.stem``)."""

    title: str | None
    line: int
    shape: str
    items: tuple[ChecklistItem, ...]
    owner: str | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One declared lesson/bug/decision. ``ref`` has its family filled in (from the file
    name for a short ID, when the name starts with ``NMdd``); ``written`` is the ID as the
    file spells it; ``line`` is the line that declares it (the ``**REF:**`` line, or the
    ``# LESS-09: Title`` heading in a single-entry file); ``end_line`` the last line of its
    section. ``aliases`` are further IDs the same entry declares (``(combined with
    LESS-39)``). ``related`` holds its RELATED field and Related Topics mentions."""

    ref: RefId
    written: str
    line: int
    heading: str | None
    heading_line: int | None
    end_line: int
    aliases: tuple[RefId, ...] = ()
    fields: tuple[Field, ...] = ()
    priority: str | None = None
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[Mention, ...] = ()
    waiver: str | None = None
    valid: bool = True  # False: the ID field holds no valid ID (``ref-format`` says what to write)

    @property
    def key(self) -> str:
        """The name tests use: the full ID (``NM06-LESS-09``)."""
        return self.ref.full


@dataclass(frozen=True, slots=True)
class Route:
    """An index line routing IDs to a file: ``NM06-BUG-01 → NM06-BUGS-Critical.md``, a
    ``### LESS-09: …`` heading with ``- **File:** `x.md```, or a table cell naming a
    ``.md`` file. ``ids`` may be empty (``Bug queries → NM06-BUGS-Critical.md``);
    ``kind`` is ``"arrow"``, ``"file"`` (an ID heading's field), ``"field"`` (a
    ``**File:**``/``**Index:**`` field under any other heading) or ``"table"``."""

    ids: tuple[RefId, ...]
    target: str
    line: int
    kind: str = "arrow"
    span: bool = False  # the ids are a range (``### ARCH-01 to ARCH-06:``): one entry each


@dataclass(frozen=True, slots=True)
class StatCount:
    """``- Lesson Count: 2 deployment lessons`` → (``Lesson Count``, 2, line)."""

    label: str
    value: int
    line: int


@dataclass(frozen=True, slots=True)
class StatsBlock:
    """A ``**FILE STATISTICS:**`` block (``kind="file"``: counts and ``Reference IDs``
    compared with the file's entries) or an index's ``**Items:** N`` (``kind="index"``:
    compared with the IDs its ``**File:**`` routes name). ``ids`` is None when the block
    lists no IDs; ranges (``NM06-BUG-01 through NM06-BUG-04``) are spelled out."""

    kind: str
    line: int
    counts: tuple[StatCount, ...]
    ids: tuple[RefId, ...] | None
    ids_line: int | None


@dataclass(frozen=True, slots=True)
class Directive:
    """An HTML comment addressed to lee-kb: ``disable`` (rules off on this line and the
    next), ``disable-file`` (rules off in the whole file) or ``waive`` (``reason``)."""

    kind: str
    rules: tuple[str, ...]
    reason: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed file. ``display`` is the path as findings print it; ``family`` the
    ``NMdd`` its name starts with; ``problem`` a one-line reason the file could not be
    read (then everything else is empty); ``unclosed_fences`` lines of fences never closed.
    ``damage`` is the file's encoding damage and ``symbols`` how often each non-ASCII
    character occurs (to rank ambiguous repairs), both found while the text is at hand:
    ``lee-kb lint`` keeps this compact model, not the text (``text`` is then empty)."""

    path: Path
    display: str
    family: str | None
    text: str = ""
    damage: tuple[Damage, ...] = ()
    symbols: Mapping[str, int] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()
    checklists: tuple[Checklist, ...] = ()
    mentions: tuple[Mention, ...] = ()
    routes: tuple[Route, ...] = ()
    stats: tuple[StatsBlock, ...] = ()
    directives: tuple[Directive, ...] = ()
    unclosed_fences: tuple[int, ...] = ()
    problem: str | None = None
    conflicts: tuple[
        tuple[int, str], ...
    ] = ()  # (line, why): the file name, heading and field disagree

    @property
    def stem(self) -> str:
        """The name tests use for checklists outside any entry: the file name without
        ``.md`` (``NM06-LESSONS-Deployment_and_Operations``)."""
        return self.path.stem
