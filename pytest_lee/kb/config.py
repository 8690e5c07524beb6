"""``[tool.lee.kb]``: read once from the nearest ``pyproject.toml`` upward from the cwd.

```toml
[tool.lee.kb]
paths = ["kb"]                       # markdown files or directories (default ["kb"])
tests = ["tests"]                    # where lee_ref marks are looked for (default ["tests"])
external = ["NM04-DEC-*", "NM06-BUG-0[1-4]"]   # IDs that live outside these paths
max_file_mb = 5                      # larger files are reported, not parsed
severity = { stats-mismatch = "error", ref-unenforced = "off" }
id_pattern = '^[A-Z]+-\\d{3}$'      # what a valid ID looks like (default: every SIMA generation)
declare_fields = ["REF", "REF-ID"]   # bold fields whose value declares the entry's ID (default)

[[tool.lee.kb.waiver]]               # an item (or, without items, a lesson) no test can enforce
ref = "NM06-LESS-09"
items = ["Team notified of deployment"]
reason = "a people process: the release checklist in the runbook covers it"
```

Every key is optional. A bad value is one ``LeeConfigError`` line naming the file and key.
Paths are relative to the directory of that pyproject.toml; without one, to the cwd.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_lee._toml import Key, TableReader, closest, load_pyproject
from pytest_lee.errors import LeeConfigError

__all__ = ["KEYS", "SEVERITIES", "KbConfig", "Waiver", "find_pyproject", "load_kb_config"]

SEVERITIES = ("error", "warning", "info", "off")
DECLARE_FIELDS = ("REF", "REF-ID")
_KB = "tool.lee.kb"
_WAIVER = "tool.lee.kb.waiver"
# Each key of [tool.lee.kb] declared once: this parser and docs/configuration.md read it
# (pytest_lee/settings_keys.py says how a row reads; the reading below is lee-kb's own).
KEYS: tuple[Key, ...] = (
    Key(
        _KB,
        "paths",
        "strings",
        ["kb"],
        "Markdown files or directories of lessons.",
        type="list of paths",
    ),
    Key(
        _KB,
        "tests",
        "strings",
        ["tests"],
        "Where `lee_ref` marks are looked for (by `ast`).",
        type="list of paths",
    ),
    Key(
        _KB,
        "external",
        "strings",
        (),
        "fnmatch patterns of IDs that live outside these paths: known, not reported.",
        type="list of ID patterns",
    ),
    Key(
        _KB,
        "max_file_mb",
        "number",
        5,
        "Larger files are reported (`input-error`), not parsed.",
        type="number > 0",
    ),
    Key(
        _KB,
        "severity",
        "severity",
        {},
        'Per-rule severity: `"error"`, `"warning"`, `"info"` or `"off"`.',
        type="table rule → level",
    ),
    Key(
        _KB,
        "waiver",
        "tables",
        (),
        "Items or lessons no test can enforce, each with its reason.",
        type="array of tables",
    ),
    Key(
        _KB,
        "id_pattern",
        "pattern",
        None,
        "What a valid ID looks like, for knowledge bases with IDs of their own.",
        type="string (regular expression)",
        shown="SIMA's ID forms",
    ),
    Key(
        _KB,
        "declare_fields",
        "strings",
        DECLARE_FIELDS,
        "The bold fields that declare an entry's ID (`**REF:** NM06-LESS-09`).",
    ),
    Key(
        _WAIVER,
        "ref",
        "string",
        None,
        "The lesson's ID, or a lessons file's stem for its checklist.",
        shown="required",
    ),
    Key(
        _WAIVER,
        "items",
        "strings",
        (),
        "The checklist items waived; empty: the lesson itself.",
    ),
    Key(
        _WAIVER,
        "reason",
        "string",
        None,
        "Why no test can enforce it (shown in the matrix).",
        shown="required",
    ),
)
_KEYS = tuple(row.name for row in KEYS if row.table == _KB)
_WAIVER_KEYS = tuple(row.name for row in KEYS if row.table == _WAIVER)
_DEFAULTS = {row.name: row.default for row in KEYS if row.table == _KB}


@dataclass(frozen=True)
class Waiver:
    """A waiver from ``[[tool.lee.kb.waiver]]``: ``ref`` (an ID or a file stem), the
    ``items`` it waives (empty: the lesson itself), why, and where it is written
    (``path``: the pyproject.toml, absolute)."""

    ref: str
    items: tuple[str, ...]
    reason: str
    path: str
    line: int


@dataclass(frozen=True)
class KbConfig:
    """The lee-kb configuration. ``paths``/``tests`` are absolute; ``severity`` maps a rule
    to ``error``/``warning``/``info``/``off`` (rules not named keep their default)."""

    root: Path
    pyproject: Path | None = None
    paths: tuple[Path, ...] = ()
    tests: tuple[Path, ...] = ()
    tests_configured: bool = False
    external: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    waivers: tuple[Waiver, ...] = ()
    max_bytes: int = 5 * 1024 * 1024
    id_pattern: str | None = None  # None: the built-in SIMA forms (``pytest_lee.kb.ids``)
    declare_fields: tuple[str, ...] = DECLARE_FIELDS


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_kb_config(start: Path, *, known_rules: tuple[str, ...] | None = None) -> KbConfig:
    """Read ``[tool.lee.kb]`` of the nearest pyproject.toml upward from ``start``."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        root = start.resolve()
        return KbConfig(root=root, paths=(root / "kb",), tests=(root / "tests",))
    root = pyproject.parent
    data = load_pyproject(pyproject) or {}
    try:
        text = pyproject.read_text(encoding="utf-8")  # for the line of each waiver
    except (OSError, UnicodeDecodeError) as error:
        raise LeeConfigError(f"{pyproject}: cannot read: {error}") from None
    read = TableReader(pyproject)
    key = "tool.lee.kb"
    tool = data.get("tool", {})
    lee = tool.get("lee", {}) if isinstance(tool, dict) else {}
    raw = read.table(lee.get("kb", {}) if isinstance(lee, dict) else {}, key)
    read.known_keys(raw, _KEYS, key)
    paths = read.strings(raw.get("paths", list(_DEFAULTS["paths"])), f"{key}.paths")
    tests = read.strings(raw.get("tests", list(_DEFAULTS["tests"])), f"{key}.tests")
    external = read.strings(raw.get("external", list(_DEFAULTS["external"])), f"{key}.external")
    max_mb = raw.get("max_file_mb", _DEFAULTS["max_file_mb"])
    # The chained comparison also refuses nan and inf (int() of either was a traceback).
    if isinstance(max_mb, bool) or not isinstance(max_mb, (int, float)) or not 0 < max_mb < 1e9:
        raise LeeConfigError(
            f"{pyproject}: {key}.max_file_mb: expected a positive number of megabytes, got {max_mb!r}"
        )
    return KbConfig(
        root=root,
        pyproject=pyproject,
        paths=tuple(root / p for p in paths),
        tests=tuple(root / p for p in tests),
        tests_configured="tests" in raw,
        external=external,
        severity=MappingProxyType(_severity(pyproject, raw.get("severity", {}), known_rules)),
        waivers=_waivers(pyproject, text, raw.get("waiver", [])),
        max_bytes=int(max_mb * 1024 * 1024),
        id_pattern=_pattern(pyproject, raw.get("id_pattern"), f"{key}.id_pattern"),
        declare_fields=tuple(
            name.upper()
            for name in read.strings(
                raw.get("declare_fields", list(_DEFAULTS["declare_fields"])),
                f"{key}.declare_fields",
            )
        ),
    )


def _pattern(pyproject: Path, value: Any, key: str) -> str | None:
    """A regular expression that must compile (it is matched against whole IDs)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise LeeConfigError(f"{pyproject}: {key}: expected a regular expression, got {value!r}")
    try:
        re.compile(value)
    except re.error as error:
        raise LeeConfigError(
            f"{pyproject}: {key}: not a regular expression ({error}): {value!r}"
        ) from None
    return value


def _severity(pyproject: Path, value: Any, known_rules: tuple[str, ...] | None) -> dict[str, str]:
    key = "tool.lee.kb.severity"
    if not isinstance(value, dict):
        raise LeeConfigError(
            f'{pyproject}: {key}: expected a table rule = "error"|"warning"|"info"|"off", got {value!r}'
        )
    if known_rules is None:
        from pytest_lee.kb.catalog import RULE_NAMES

        known_rules = RULE_NAMES
    result = {}
    for rule, level in value.items():
        if rule not in known_rules:
            raise LeeConfigError(
                f"{pyproject}: {key}: unknown rule {rule!r}{closest(rule, known_rules)}"
            )
        if level not in SEVERITIES:
            raise LeeConfigError(
                f"{pyproject}: {key}.{rule}: expected one of {', '.join(SEVERITIES)}, got {level!r}"
            )
        result[rule] = level
    return result


def _waivers(pyproject: Path, text: str, value: Any) -> tuple[Waiver, ...]:
    key = "tool.lee.kb.waiver"
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise LeeConfigError(f"{pyproject}: {key}: expected [[{key}]] tables, got {value!r}")
    waivers = []
    for number, table in enumerate(value):
        where = f"{key}[{number}]"
        if not isinstance(table, dict):
            raise LeeConfigError(f"{pyproject}: {where}: expected a table, got {table!r}")
        TableReader(pyproject).known_keys(table, _WAIVER_KEYS, where)
        ref = table.get("ref")
        reason = table.get("reason")
        if not isinstance(ref, str) or not ref.strip():
            raise LeeConfigError(
                f"{pyproject}: {where}.ref: expected the lesson's ID (or the file stem), got {ref!r}"
            )
        if not isinstance(reason, str) or not reason.strip():
            raise LeeConfigError(
                f"{pyproject}: {where}.reason: a waiver needs a reason: say why no test can enforce it"
            )
        items = TableReader(pyproject).strings(table.get("items", []), f"{where}.items")
        waivers.append(
            Waiver(ref.strip(), items, reason.strip(), str(pyproject), _line_of(text, ref, number))
        )
    return tuple(waivers)


def _line_of(text: str, ref: str, number: int) -> int:
    """Line of the ``ref = "…"`` of the number-th waiver table (for findings about it)."""
    pattern = re.compile(r"^\s*ref\s*=\s*[\"']" + re.escape(ref) + r"[\"']", re.M)
    tables = [
        m.start() for m in re.finditer(r"^\s*\[\[\s*tool\.lee\.kb\.waiver\s*\]\]", text, re.M)
    ]
    start = tables[number] if number < len(tables) else 0
    match = pattern.search(text, start) or pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1
