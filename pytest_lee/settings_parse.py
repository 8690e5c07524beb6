"""Validate a ``[tool.lee]`` table into :class:`~pytest_lee.settings.Settings`.

Imported only when a project has a ``[tool.lee]`` table or a ``--lee-*`` option is given,
so a pytest run of a project that does not use pytest-lee never pays for it. Every error
is one ``LeeConfigError`` line naming the file, the key and what is expected.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_lee._toml import Key, TableReader, closest, finite_float
from pytest_lee.errors import LeeConfigError
from pytest_lee.settings_keys import keys_of
from pytest_lee.settings_lambda import environment, function_name
from pytest_lee.settings_model import (
    BUILTIN_METRICS,
    LEVEL_NAMES,
    AwsSettings,
    BudgetSettings,
    CommandLine,
    ContractSettings,
    FunctionSettings,
    LayerSettings,
    Levels,
    RehearsalSettings,
    Settings,
    default_higher_is_better,
)

# Lambda's Python runtimes: python3.8 and later (older ones cannot parse today's code).
_RUNTIME = re.compile(r"python3\.(\d+)")
_OLDEST_MINOR = 8
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_PLAIN = frozenset(
    {"string", "strings", "boolean", "integer", "number", "choice", "reference", "table"}
)


def _names(table: str) -> tuple[str, ...]:
    return tuple(row.name for row in keys_of(table))


def parse_settings(
    raw: Mapping[str, Any], *, rootdir: Path, pyproject: Path, options: CommandLine | None = None
) -> Settings:
    """Validate a ``[tool.lee]`` table; every error names *pyproject* and the key."""
    read = TableReader(pyproject)
    values = read_keys(read, "tool.lee", raw, "tool.lee", rootdir)
    read.table(raw.get("kb", {}), "tool.lee.kb")  # lee-kb reads it; here only its type
    template = values.pop("template", None)  # applied last, under the rest (settings_template)
    settings = Settings(
        rootdir=rootdir,
        pyproject=pyproject,
        **values,
        function=_parse_function(read, raw.get("function", {}), rootdir),
        layers=_parse_layers(read, rootdir, raw.get("layer", [])),
        contracts=_parse_contracts(read, rootdir, raw.get("contract", [])),
        budgets=_parse_budgets(read, raw["budgets"], rootdir) if "budgets" in raw else None,
        aws=_parse_aws(read, raw.get("aws", {}), rootdir),
        rehearsal=_parse_rehearsal(read, raw.get("rehearsal", {}), rootdir),
        options=options or CommandLine(),
    )
    from pytest_lee.settings_template import apply_template, default_template

    template = template or default_template(raw, pyproject)
    if template is None:
        if settings.function.logical_id is not None:
            raise LeeConfigError(
                f"{pyproject}: tool.lee.function.logical_id: names a template's function, "
                "but there is no template (set [tool.lee] template)"
            )
        return settings
    return apply_template(settings, raw, template)


def read_keys(
    read: TableReader,
    table: str,
    raw: Mapping[str, Any],
    where: str,
    rootdir: Path,
    *,
    what: str = "key",
) -> dict[str, Any]:
    """field → value for every key of *table* that *raw* gives, each read by its kind.

    Unknown keys are refused first; keys not given are left to the model's defaults, and
    ``section``/``tables``/``levels`` keys to the caller (they are tables of their own).
    """
    read.known_keys(raw, _names(table), where, what=what)
    values: dict[str, Any] = {}
    for row in keys_of(table):
        if row.name not in raw or row.kind in ("section", "tables", "levels"):
            continue
        key = f"{where}.{row.name}"
        value = raw[row.name]
        if row.kind in _PLAIN:
            values[row.field] = read.value(row, value, key)
        else:
            values[row.field] = READERS[row.kind](read, row, value, key, rootdir)
    return values


def _existing(
    read: TableReader, value: Any, key: str, rootdir: Path, *, directory: bool, expected: str
) -> Path:
    """*value* as a path under *rootdir* that exists (one line naming the key when not)."""
    path = rootdir / read.string(value, key)
    if not (path.is_dir() if directory else path.is_file()):
        raise LeeConfigError(
            f"{read.path}: {key} = {value!r}: no such {'directory' if directory else 'file'} "
            f"(expected {expected})"
        )
    return path


def _directory(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> Path:
    return _existing(
        read, value, key, rootdir, directory=True, expected=f"a directory relative to {rootdir}"
    )


def _requirements(
    read: TableReader, row: Key, value: Any, key: str, rootdir: Path
) -> Path | tuple[str, ...]:
    """A requirements file (relative to the rootdir) or a list of requirement strings."""
    if isinstance(value, list):
        return read.strings(value, key)
    expected = f"a requirements file relative to {rootdir}, or a list of requirements"
    return _existing(read, value, key, rootdir, directory=False, expected=expected)


def _handler(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> str:
    handler = read.string(value, key)
    module, _, function = handler.rpartition(".")
    if not function.isidentifier() or not all(module.replace("/", ".").split(".")):
        raise LeeConfigError(
            f"{read.path}: {key} = {handler!r}: expected 'module.function', "
            "as in the Lambda console"
        )
    return handler


def _runtime(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> str:
    runtime = read.string(value, key)
    match = _RUNTIME.fullmatch(runtime)
    if match is None or int(match.group(1)) < _OLDEST_MINOR:
        raise read.fail(key, "a Lambda Python runtime such as 'python3.12'", runtime)
    return runtime


def _operation(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> str | None:
    return None if value is False else read.string(value, key)


def _phases(
    read: TableReader, row: Key, value: Any, key: str, rootdir: Path
) -> Mapping[str, Levels]:
    phases_table = read.table(value, key)
    return MappingProxyType(
        {
            name: parse_levels(item, name, f"{read.path}: {key}.{name}")
            for name, item in phases_table.items()
        }
    )


def _template(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> Path:
    expected = f"a SAM template relative to {rootdir}"
    return _existing(read, value, key, rootdir, directory=False, expected=expected)


def _event(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> Mapping[str, Any]:
    """An inline table, or the JSON object in a file (as SAM users keep events)."""
    if not isinstance(value, str):
        return MappingProxyType(dict(read.table(value, key)))
    import json

    try:
        event = json.loads((rootdir / value).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LeeConfigError(
            f"{read.path}: {key} = {value!r}: no such file (expected a JSON event file "
            f"relative to {rootdir}, or an inline table)"
        ) from None
    except (OSError, ValueError) as error:
        raise LeeConfigError(f"{read.path}: {key} = {value!r}: not a JSON file: {error}") from None
    if not isinstance(event, dict):
        raise LeeConfigError(
            f"{read.path}: {key} = {value!r}: expected a JSON object, got {type(event).__name__}"
        )
    return MappingProxyType(event)


def _region(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> str:
    if not _REGION.fullmatch(read.string(value, key)):
        raise read.fail(key, "an AWS region such as 'us-east-1'", value)
    return str(value)


def _patterns(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> tuple[str, ...]:
    return _phase_patterns(read, value, key)


# kind → reader, for the kinds TableReader.value does not read (settings_keys names them).
def _boolean(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> bool:
    if not isinstance(value, bool):
        raise read.fail(key, "true or false", value)
    return value


READERS: dict[str, Callable[[TableReader, Key, Any, str, Path], Any]] = {
    "boolean": _boolean,
    "directory": _directory,
    "requirements": _requirements,
    "handler": _handler,
    "runtime": _runtime,
    "environment": environment,
    "function_name": function_name,
    "operation": _operation,
    "phases": _phases,
    "patterns": _patterns,
    "region": _region,
    "template": _template,
    "event": _event,
}


def _parse_function(read: TableReader, raw: Any, rootdir: Path) -> FunctionSettings:
    key = "tool.lee.function"
    return FunctionSettings(**read_keys(read, key, read.table(raw, key), key, rootdir))


def _parse_layers(read: TableReader, rootdir: Path, raw: Any) -> tuple[LayerSettings, ...]:
    layers = []
    names: set[str] = set()
    for index, table in enumerate(read.tables(raw, "tool.lee.layer")):
        key = f"tool.lee.layer[{index}]"
        read.known_keys(table, _names("tool.lee.layer"), key)
        if "name" not in table:
            raise LeeConfigError(f"{read.path}: {key}: 'name' is required")
        values = read_keys(read, "tool.lee.layer", table, key, rootdir)
        if values["name"] in names:
            raise LeeConfigError(f"{read.path}: {key}.name: {values['name']!r} names two layers")
        names.add(values["name"])
        if "requirements" not in table and "source" not in table:
            raise LeeConfigError(
                f"{read.path}: {key}: give 'requirements', 'source' or both (what the layer holds)"
            )
        layers.append(LayerSettings(**values))
    return tuple(layers)


def _parse_contracts(read: TableReader, rootdir: Path, raw: Any) -> tuple[ContractSettings, ...]:
    contracts = []
    for index, table in enumerate(read.tables(raw, "tool.lee.contract")):
        key = f"tool.lee.contract[{index}]"
        read.known_keys(table, _names("tool.lee.contract"), key)
        if "registry" not in table:
            raise LeeConfigError(
                f"{read.path}: {key}: 'registry' is required (\"module:attribute\")"
            )
        contracts.append(
            ContractSettings(**read_keys(read, "tool.lee.contract", table, key, rootdir))
        )
    return tuple(contracts)


def _parse_budgets(read: TableReader, raw: Any, rootdir: Path) -> BudgetSettings:
    key = "tool.lee.budgets"
    table = read.table(raw, key)
    read.known_keys(table, _names(key), key, what="budget key or metric")
    if "event" in table and "events" in table:
        raise LeeConfigError(f"{read.path}: {key}: give 'event' or 'events', not both")
    values = read_keys(read, key, table, key, rootdir, what="budget key or metric")
    metrics = {
        name: parse_levels(table[name], name, f"{read.path}: {key}.{name}")
        for name in BUILTIN_METRICS
        if name in table
    }
    return BudgetSettings(**values, metrics=MappingProxyType(metrics))


def _phase_patterns(read: TableReader, value: Any, key: str) -> tuple[str, ...]:
    patterns = read.strings(value, key)
    for index, pattern in enumerate(patterns):
        try:
            groups = re.compile(pattern).groupindex
        except re.error as error:
            raise LeeConfigError(
                f"{read.path}: {key}[{index}] = {pattern!r}: not a regular expression: {error}"
            ) from None
        if "name" not in groups or "value" not in groups:
            raise LeeConfigError(
                f"{read.path}: {key}[{index}] = {pattern!r}: expected named groups "
                "(?P<name>...) and (?P<value>...)"
            )
    return patterns


def _parse_aws(read: TableReader, raw: Any, rootdir: Path) -> AwsSettings:
    key = "tool.lee.aws"
    values = read_keys(read, key, read.table(raw, key), key, rootdir)
    values.setdefault("region", _default_region())
    return AwsSettings(**values)


def _default_region() -> str:
    import os

    return os.environ.get("AWS_REGION") or "us-east-1"


def _parse_rehearsal(read: TableReader, raw: Any, rootdir: Path) -> RehearsalSettings:
    key = "tool.lee.rehearsal"
    return RehearsalSettings(**read_keys(read, key, read.table(raw, key), key, rootdir))


def parse_levels(raw: Any, metric: str, where: str) -> Levels:
    """Levels from a number (the ``acceptable`` level) or a table; direction resolved here.

    Levels that ascend mean lower is better, levels that descend mean higher is better;
    with fewer than two distinct levels the metric's own direction decides. Levels must
    be finite: a ``nan`` level would let every value pass.
    """
    if isinstance(raw, bool) or not isinstance(raw, (int, float, dict)):
        raise LeeConfigError(f"{where}: expected a number or a table of {', '.join(LEVEL_NAMES)}")
    if not isinstance(raw, dict):
        raw = {"acceptable": raw}
    known = _names("tool.lee.budgets.<metric>")
    unknown = [key for key in raw if key not in known]
    if unknown:
        raise LeeConfigError(f"{where}: unknown key {unknown[0]!r}{closest(unknown[0], known)}")
    values: dict[str, float] = {}
    for name in LEVEL_NAMES:
        if name in raw:
            value = raw[name]
            number = finite_float(value)
            if number is None:
                raise LeeConfigError(f"{where}.{name}: expected a finite number, got {value!r}")
            values[name] = number
    if not values:
        raise LeeConfigError(f"{where}: give at least one of {', '.join(LEVEL_NAMES)}")
    explicit = raw.get("higher_is_better")
    if explicit is not None and not isinstance(explicit, bool):
        raise LeeConfigError(f"{where}.higher_is_better: expected true or false, got {explicit!r}")
    ordered = [values[name] for name in LEVEL_NAMES if name in values]
    ascending = all(a <= b for a, b in itertools.pairwise(ordered))
    descending = all(a >= b for a, b in itertools.pairwise(ordered))
    if not ascending and not descending:
        shown = ", ".join(f"{name} = {values[name]:g}" for name in LEVEL_NAMES if name in values)
        raise LeeConfigError(
            f"{where}: levels ({shown}) neither ascend (lower is better) nor descend "
            "(higher is better)"
        )
    if len(set(ordered)) < 2:
        direction = default_higher_is_better(metric) if explicit is None else explicit
    else:
        direction = descending
        if explicit is not None and explicit != direction:
            order = "descend" if explicit else "ascend"
            raise LeeConfigError(
                f"{where}: higher_is_better = {str(explicit).lower()} but the levels do not {order}"
            )
    return Levels(
        target=values.get("target"),
        acceptable=values.get("acceptable"),
        critical=values.get("critical"),
        higher_is_better=direction,
    )
