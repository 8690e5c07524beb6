"""markdown-it-py token stream → the document model (``pytest_lee.kb.model``).

One walk over the tokens of the file. Line numbers come from ``token.map``; a paragraph's
inline content keeps one source line per text line, so the seed's REF/PRIORITY/TAGS/
RELATED lines — one paragraph — each get their own line. A ```` ```markdown ```` fence is
parsed again with its line offset (the seed's deployment checklist lives in one); a plain
fence is read line by line for ``✅`` checklists, cross-references and index routes; code
fences (```` ```python ````, ```` ```bash ````) are code and never read.

Public: ``parse_document``, ``read_document``, ``markdown_parser`` and the model classes
re-exported from ``pytest_lee.kb.model``.
"""

from __future__ import annotations

from pathlib import Path

from pytest_lee.kb._walk import _Walker, markdown_parser
from pytest_lee.kb.ids import family_of_name
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
    "Checklist", "ChecklistItem", "Directive", "Document", "Entry", "Field", "Mention",
    "Route", "StatCount", "StatsBlock", "parse_document", "read_document", "markdown_parser",
    "DEFAULT_MAX_BYTES",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def read_document(path: Path, display: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse one file; a file that cannot be read as UTF-8 markdown gives a
    ``Document`` with ``problem`` set (one line saying what is wrong) instead of raising."""
    family = family_of_name(path.name)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Document(path, display, family, problem=(
                f"file is {size / 1048576:.1f} MB, over the {max_bytes / 1048576:g} MB limit "
                "([tool.lee.kb] max_file_mb); split it or raise the limit"))
        data = path.read_bytes()
    except OSError as error:
        return Document(path, display, family, problem=f"cannot read: {error.strerror or error}")
    if b"\0" in data[:8192]:
        return Document(path, display, family, problem="binary file (NUL bytes), not markdown; remove it from [tool.lee.kb] paths")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Document(path, display, family, problem=(
            f"not UTF-8 (byte 0x{data[error.start]:02x} on line {line}); re-save the file as UTF-8"))
    try:
        return parse_document(text, path=path, display=display)
    except RecursionError:  # the walk nests bounded; this is the net for what it did not foresee
        return Document(path, display, family, problem="too deeply nested to parse; flatten its nesting")


def parse_document(text: str, *, path: Path, display: str | None = None) -> Document:
    """Parse markdown ``text`` (the content of ``path``) into a ``Document``."""
    walker = _Walker(text, family_of_name(path.name))
    walker.walk(markdown_parser().parse(text), offset=0, outer=True)
    return walker.document(path, display if display is not None else path.as_posix())

