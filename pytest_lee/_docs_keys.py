"""The ``[tool.lee]`` key reference of ``docs/configuration.md``, rendered from the keys.

Nothing is written here about a key: each row of the page is one ``Key`` declared in
:mod:`pytest_lee.settings_keys` (``[tool.lee.kb]``: in ``pytest_lee/kb/config.py``), the
same object its parser reads, found by its dotted name. The type and default columns
are derived from the row's kind, bounds, choices and default unless the row says
otherwise (``type=``, ``shown=``); the meaning is its ``help``. A row with an empty help
renders as "not documented yet", which ``tests/test_docs_reference.py`` refuses.

Not imported by the plugin: only the documentation generator reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pytest_lee._toml import Key

__all__ = [
    "UNDOCUMENTED",
    "all_keys",
    "key_default",
    "key_type",
    "render_keys",
    "undocumented_keys",
]

UNDOCUMENTED = "*not documented yet*"
# How each table is written in TOML (arrays of tables with double brackets).
_HEADINGS = {
    "tool.lee.layer": "[[tool.lee.layer]]",
    "tool.lee.contract": "[[tool.lee.contract]]",
    "tool.lee.kb.waiver": "[[tool.lee.kb.waiver]]",
    "tool.lee.budgets.<metric>": "a metric's levels: [tool.lee.budgets] <metric> = { ... }",
}
_TYPES = {
    "string": "string",
    "strings": "list of strings",
    "reference": '`"module:attribute"`',
    "table": "table",
    "section": "table",
    "tables": "array of tables",
    "levels": "number or levels table",
    "level": "number",
    "directory": "string (directory)",
    "requirements": "string (file) or list of strings",
}


def all_keys() -> tuple[Key, ...]:
    """Every declared key: ``[tool.lee]``'s, then lee-kb's."""
    from pytest_lee import settings_keys
    from pytest_lee.kb import config

    return (*settings_keys.KEYS, *config.KEYS)


def undocumented_keys() -> list[str]:
    """Keys declared without a meaning (``help``)."""
    return [row.path for row in all_keys() if not row.help.strip()]


def key_type(row: Key) -> str:
    """The type column: the row's own words, else its kind with its bounds or choices."""
    if row.type is not None:
        return row.type
    if row.kind == "choice":
        return " or ".join(f'`"{choice}"`' for choice in row.choices)
    if row.kind in ("integer", "number") and row.bounds is not None:
        low, high = row.bounds
        if row.kind == "number":
            return f"number, > {low:g}" + ("" if high is None else f", ≤ {high:g}")
        return f"integer ≥ {low:g}" if high is None else f"integer, {low:g}–{high:g}"
    return _TYPES.get(row.kind, row.kind)


def key_default(row: Key) -> str:
    """The default column: the row's own words, else its default as TOML would write it."""
    if row.shown is not None:
        return row.shown
    value = row.default
    if row.kind == "section":
        return ""
    if row.kind == "levels":
        return "not budgeted"
    if value is None:
        return "none"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (int, float)):
        return f"`{value:g}`"
    if isinstance(value, Mapping):
        return "`{}`" if not value else f"`{dict(value)}`"
    items = ", ".join(f'"{item}"' for item in value)
    return f"`[{items}]`"


def _cell(text: str) -> str:
    """A markdown table cell: pipes escaped, no line breaks."""
    return " ".join(text.split()).replace("|", "\\|")


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A markdown table."""
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render_keys() -> str:
    """One markdown table per TOML table, in declaration order."""
    keys = all_keys()
    parts = []
    for name in dict.fromkeys(row.table for row in keys):
        rows = [
            (f"`{row.name}`", key_type(row), key_default(row), row.help or UNDOCUMENTED)
            for row in keys
            if row.table == name
        ]
        heading = _HEADINGS.get(name, f"[{name}]")
        parts.append(f"**`{heading}`**\n\n" + table(("key", "type", "default", "meaning"), rows))
    return "\n".join(parts)
