"""Small text helpers of the markdown walk: HTML comments, lee-kb directives, REF values."""

from __future__ import annotations

import re

from pytest_lee.kb.model import Directive

_DIRECTIVE = re.compile(
    r"<!--\s*lee-kb:\s*(disable-file|disable|waive)\s*(?:[=:]\s*)?(.*?)\s*-->", re.S
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


# ``- NMP01-LEE-18: Alexa integration (planned)``: the author knows it does not exist yet
_PLANNED = re.compile(r"\((?:[^)]*\b)?(?:planned|future|not yet (?:written|created)|tbd)\b", re.I)


def is_planned(text: str) -> bool:
    """A related line that says its entry is planned, not written yet (no claim it exists)."""
    return "(" in text and _PLANNED.search(text) is not None


def _split_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _plain(text: str) -> str:
    return text.replace("**", "").replace("`", "").strip()


def _strip_comment(text: str) -> str:
    return _COMMENT.sub("", text).strip() if "<!--" in text else text


def _clean(text: str) -> str:
    return " ".join(_strip_comment(text).split())


def _directives(text: str) -> tuple[Directive, ...]:
    found = []
    for match in _DIRECTIVE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        kind, rest = match.group(1), match.group(2).strip()
        if kind == "waive":
            found.append(Directive(kind, (), rest or None, line))
        else:
            rules = tuple(r.strip() for r in re.split(r"[,\s]+", rest) if r.strip())
            found.append(Directive(kind, rules, None, line))
    return tuple(found)


def _waivers(text: str) -> dict[int, str]:
    """Line → reason for every inline ``<!-- lee-kb: waive: reason -->`` (empty reason
    kept as ``""`` so the linter can say a reason is missing)."""
    return {d.line: d.reason or "" for d in _directives(text) if d.kind == "waive"}
