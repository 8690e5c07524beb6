"""Where an index line routes to (private: the walk's).

A route target is what the author pointed at: the target of a markdown link
(``[LESS-09](NM06/NM06-Lessons-Operations_LESS-09.md)``), a back-ticked name, or a file-name
token that *is* the text after the arrow or in the field (``→ NM06-BUGS-Critical Bugs
Fixed.md (BUG-01)``) — never a name that prose happens to contain (``→ if
File-Server-URLs.md exists``). Targets are URL-decoded (``File%20Server%20URLs.md``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["field_target", "is_file_cell", "leading_target", "link_targets"]

_LINK = re.compile(
    r"^\[[^\]]*\]\(\s*<?([^)>\s]+\.(?:md|markdown))(?:#[^)\s]*)?>?(?:\s+\"[^\"]*\")?\s*\)", re.I
)
_ANY_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)>\s]+\.(?:md|markdown))(?:#[^)\s]*)?>?\s*\)", re.I)
_TICKED = re.compile(r"^`([^`\n]+?\.(?:md|markdown))`", re.I)
# A name without spaces; or one with spaces whose words each start with a capital, a digit
# or a symbol (``NM06-BUGS-Critical Bugs Fixed.md``, ``REF-ID Complete Directory.md``).
_TOKEN = re.compile(r"^([\w./%&+-]+\.(?:md|markdown))(?![\w.])", re.I)
_SPACED = re.compile(
    r"^((?:[A-Z0-9][\w.%&+'()-]*|[&+-])(?: (?:[A-Z0-9(&+-][\w.%&+'()-]*|and|of|the|for|to|in|vs))*\.(?:md|markdown))(?![\w.])"
)
_VERB = re.compile(r"^(?:search|see|read|check|open|load|in|from|file:?)\s+(?=\S)", re.I)
_DECORATION = re.compile(r"^[\s*_>~\-–—:•·]+")


def leading_target(text: str) -> tuple[str, str] | None:
    """The target ``text`` starts with (after a leading verb such as ``See``), and what
    follows it; None when ``text`` does not start by naming a file."""
    text = _DECORATION.sub("", text)
    text = _VERB.sub("", text, count=1)
    for pattern in (_LINK, _TICKED, _TOKEN, _SPACED):
        match = pattern.match(text)
        if match:
            target = _usable(_decoded(match.group(1)))
            return (target, text[match.end() :]) if target else None
    bold = text.startswith("**") and text.find("**", 2)
    if bold:
        inner = leading_target(text[2:bold])
        if inner:
            return inner[0], text[bold + 2 :]
    return None


_LABELLED_LINK = re.compile(
    r"\[([^\]]*)\]\(\s*<?([^)>\s]+\.(?:md|markdown))(?:#[^)\s]*)?>?(?:\s+\"[^\"]*\")?\s*\)", re.I
)


def link_targets(text: str) -> list[tuple[str, str]]:
    """(target, link text) of every link to a markdown file in ``text`` that is a path of
    this knowledge base (not a URL, not a placeholder)."""
    found = []
    for match in _LABELLED_LINK.finditer(text):
        target = _usable(_decoded(match.group(2)))
        if target and "://" not in target and not target.startswith("mailto:"):
            found.append((target, match.group(1)))
    return found


def field_target(value: str) -> str | None:
    """The file a ``**File:**``/``**Index:**``/``**Location:**`` field names: its first
    link target, else the name it starts with."""
    link = _ANY_LINK.search(value)
    if link:
        return _usable(_decoded(link.group(1)))
    found = leading_target(value)
    return _usable(found[0]) if found else None


def is_file_cell(text: str, file_column: bool) -> str | None:
    """A table cell that is a route target: a link or back-ticked name anywhere, a bare
    name without spaces, or — in a column headed File/Location/Path — any name."""
    text = text.strip().strip("*").strip()
    link = _ANY_LINK.search(text)
    if link:
        return _usable(_decoded(link.group(1)))
    ticked = _TICKED.fullmatch(text) or re.fullmatch(r"`([^`\n]+?\.(?:md|markdown))`", text, re.I)
    if ticked:
        return _usable(_decoded(ticked.group(1)))
    token = _TOKEN.fullmatch(text)
    if token:
        return _usable(_decoded(token.group(1)))
    if file_column and (spaced := _SPACED.fullmatch(text)):
        return _usable(_decoded(spaced.group(1)))
    return None


_PLACEHOLDER = re.compile(r"[{}<>\[\]*]|\.\.\.|…")


def _usable(target: str | None) -> str | None:
    """``NM05/.../x.md`` is an abbreviation, ``/projects/{PROJECT}/x.md``, ``<name>.md`` and
    ``[file].md`` are placeholders: not paths, no route."""
    return None if target is None or _PLACEHOLDER.search(target) else target


def _decoded(target: str) -> str:
    target = target.strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    return unquote(target) if "%" in target else target
