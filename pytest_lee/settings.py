"""``[tool.lee]`` and the command line, read once into frozen dataclasses.

Everything that configures pytest-lee passes through :func:`load_settings`, so a
bad value is reported once, as one line that names the file, the key and what is
expected (a ``LeeConfigError``, which the plugin turns into a pytest usage error).
Every key is optional; nothing here falls back to an implicit example project.

Imported by every pytest run: the configuration classes are frozen dataclasses with
``eq=False`` (nobody compares two sessions' settings, and each generated ``__eq__``
and ``__hash__`` costs import time), and ``tomllib``/``difflib`` load only when used.
``Levels`` keeps its equality: levels are values, compared as such.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_lee.errors import LeeConfigError

BUILTIN_METRICS = (
    "cold_start_ms",
    "import_ms",
    "first_invoke_ms",
    "request_ms",
    "max_memory_mb",
    "error_rate",
    "cache_hit_rate",
)
HIGHER_IS_BETTER_METRICS = frozenset({"cache_hit_rate"})
LEVEL_NAMES = ("target", "acceptable", "critical")

_TOP_KEYS = (
    "source",
    "handler",
    "required",
    "min_lines",
    "exclude",
    "function",
    "contract",
    "budgets",
    "kb",
)
_FUNCTION_KEYS = ("name", "runtime", "memory_mb", "timeout_s", "environment", "runtime_provides")
_CONTRACT_KEYS = ("registry", "dispatcher", "operation", "kwargs", "leaves")
_BUDGET_KEYS = ("runs", "event", "events", "phases", *BUILTIN_METRICS)
_LEVEL_KEYS = (*LEVEL_NAMES, "higher_is_better")


@dataclass(frozen=True, eq=False)
class FunctionSettings:
    """What Lambda would run the package as (``[tool.lee.function]``)."""

    name: str = "lee-function"
    runtime: str = "python3.12"
    memory_mb: int = 128
    timeout_s: float = 3.0
    environment: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    runtime_provides: tuple[str, ...] = ("boto3", "botocore")


@dataclass(frozen=True, eq=False)
class ContractSettings:
    """One ``[[tool.lee.contract]]`` table."""

    registry: str
    dispatcher: str | None = None
    operation: str = "test_operation"
    kwargs: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    leaves: tuple[str, ...] = ()


@dataclass(frozen=True)
class Levels:
    """target / acceptable / critical for one metric, with its direction resolved."""

    target: float | None = None
    acceptable: float | None = None
    critical: float | None = None
    higher_is_better: bool = False

    def as_dict(self) -> dict[str, float | None]:
        return {"target": self.target, "acceptable": self.acceptable, "critical": self.critical}


@dataclass(frozen=True, eq=False)
class BudgetSettings:
    """``[tool.lee.budgets]``: measurement plan and the levels of every budgeted metric."""

    runs: int = 5
    event: Mapping[str, Any] | None = None
    events: str | None = None
    metrics: Mapping[str, Levels] = field(default_factory=lambda: MappingProxyType({}))
    phases: Mapping[str, Levels] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, eq=False)
class CommandLine:
    """The ``--lee-*`` options, as given."""

    budgets: bool = False
    runs: int | None = None
    json_path: Path | None = None
    baseline: str | None = None
    require_compatible: bool = False
    emf_path: Path | None = None
    save: str | None = None
    compare: str | None = None
    compare_fail: float | None = None
    endpoint: str | None = None
    allow_real_aws: bool = False
    html_path: Path | None = None
    cpu: str | None = None


@dataclass(frozen=True, eq=False)
class Settings:
    """Everything pytest-lee knows about this session, resolved once."""

    rootdir: Path
    pyproject: Path | None = None
    source: Path | None = None
    handler: str = "lambda_function.lambda_handler"
    required: tuple[str, ...] = ()
    min_lines: int = 50
    exclude: tuple[str, ...] = ()
    function: FunctionSettings = field(default_factory=FunctionSettings)
    contracts: tuple[ContractSettings, ...] = ()
    budgets: BudgetSettings | None = None
    kb: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    options: CommandLine = field(default_factory=CommandLine)

    @property
    def configured(self) -> bool:
        """True when the project has a ``[tool.lee]`` table at all."""
        return self.pyproject is not None

    @property
    def runs(self) -> int:
        if self.options.runs is not None:
            return self.options.runs
        return self.budgets.runs if self.budgets is not None else 5


def read_tool_lee(pyproject: Path) -> dict[str, Any] | None:
    """The raw ``[tool.lee]`` table of *pyproject*, or None when it has none."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        with pyproject.open("rb") as stream:
            document = tomllib.load(stream)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise LeeConfigError(f"{pyproject}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise LeeConfigError(f"{pyproject}: not valid TOML: {error}") from None
    tool = document.get("tool", {})
    table = tool.get("lee") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise LeeConfigError(f"{pyproject}: [tool.lee] must be a table")
    return table


def load_settings(rootdir: Path, options: CommandLine | None = None) -> Settings:
    """Read ``[tool.lee]`` from ``rootdir/pyproject.toml`` and merge the command line."""
    options = options or CommandLine()
    pyproject = rootdir / "pyproject.toml"
    raw = read_tool_lee(pyproject)
    if raw is None:
        settings = Settings(rootdir=rootdir, options=options)
    else:
        settings = parse_settings(raw, rootdir=rootdir, pyproject=pyproject, options=options)
    if (options.baseline or options.require_compatible) and not settings.contracts:
        # Silently checking nothing would let a CI gate pass without a single contract.
        flag = "--lee-baseline" if options.baseline else "--lee-require-compatible"
        raise LeeConfigError(
            f"{flag}: no [[tool.lee.contract]] table in {pyproject}, so there is no contract to check"
        )
    return settings


def parse_settings(
    raw: Mapping[str, Any], *, rootdir: Path, pyproject: Path, options: CommandLine | None = None
) -> Settings:
    """Validate a ``[tool.lee]`` table; every error names *pyproject* and the key."""
    where = _Where(pyproject)
    where.known_keys(raw, _TOP_KEYS, "tool.lee")
    source = None
    if "source" in raw:
        source = rootdir / where.string(raw["source"], "tool.lee.source")
        if not source.is_dir():
            raise LeeConfigError(
                f"{pyproject}: tool.lee.source = {raw['source']!r}: no such directory "
                f"(expected a directory relative to {rootdir})"
            )
    handler = where.string(raw.get("handler", Settings.handler), "tool.lee.handler")
    module, _, function = handler.rpartition(".")
    if not function.isidentifier() or not all(module.replace("/", ".").split(".")):
        raise LeeConfigError(
            f"{pyproject}: tool.lee.handler = {handler!r}: expected 'module.function', "
            "as in the Lambda console"
        )
    min_lines = where.integer(raw.get("min_lines", 50), "tool.lee.min_lines", minimum=0)
    return Settings(
        rootdir=rootdir,
        pyproject=pyproject,
        source=source,
        handler=handler,
        required=where.strings(raw.get("required", []), "tool.lee.required"),
        min_lines=min_lines,
        exclude=where.strings(raw.get("exclude", []), "tool.lee.exclude"),
        function=_parse_function(where, raw.get("function", {})),
        contracts=_parse_contracts(where, raw.get("contract", [])),
        budgets=_parse_budgets(where, raw["budgets"]) if "budgets" in raw else None,
        kb=MappingProxyType(where.table(raw.get("kb", {}), "tool.lee.kb")),
        options=options or CommandLine(),
    )


def _parse_function(where: _Where, raw: Any) -> FunctionSettings:
    table = where.table(raw, "tool.lee.function")
    where.known_keys(table, _FUNCTION_KEYS, "tool.lee.function")
    defaults = FunctionSettings()
    environment = where.table(table.get("environment", {}), "tool.lee.function.environment")
    for name, value in environment.items():
        where.string(value, f"tool.lee.function.environment.{name}")
    return FunctionSettings(
        name=where.string(table.get("name", defaults.name), "tool.lee.function.name"),
        runtime=where.string(table.get("runtime", defaults.runtime), "tool.lee.function.runtime"),
        memory_mb=where.integer(
            table.get("memory_mb", defaults.memory_mb), "tool.lee.function.memory_mb", minimum=128
        ),
        timeout_s=where.number(
            table.get("timeout_s", defaults.timeout_s), "tool.lee.function.timeout_s", positive=True
        ),
        environment=MappingProxyType(dict(environment)),
        runtime_provides=where.strings(
            table.get("runtime_provides", list(defaults.runtime_provides)),
            "tool.lee.function.runtime_provides",
        ),
    )


def _parse_contracts(where: _Where, raw: Any) -> tuple[ContractSettings, ...]:
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise LeeConfigError(
            f"{where.path}: tool.lee.contract: expected [[tool.lee.contract]] tables"
        )
    contracts = []
    for index, table in enumerate(raw):
        key = f"tool.lee.contract[{index}]"
        table = where.table(table, key)
        where.known_keys(table, _CONTRACT_KEYS, key)
        if "registry" not in table:
            raise LeeConfigError(
                f"{where.path}: {key}: 'registry' is required (\"module:attribute\")"
            )
        registry = where.reference(table["registry"], f"{key}.registry")
        dispatcher = table.get("dispatcher")
        contracts.append(
            ContractSettings(
                registry=registry,
                dispatcher=None
                if dispatcher is None
                else where.reference(dispatcher, f"{key}.dispatcher"),
                operation=where.string(
                    table.get("operation", "test_operation"), f"{key}.operation"
                ),
                kwargs=MappingProxyType(
                    dict(where.table(table.get("kwargs", {}), f"{key}.kwargs"))
                ),
                leaves=where.strings(table.get("leaves", []), f"{key}.leaves"),
            )
        )
    return tuple(contracts)


def _parse_budgets(where: _Where, raw: Any) -> BudgetSettings:
    table = where.table(raw, "tool.lee.budgets")
    where.known_keys(table, _BUDGET_KEYS, "tool.lee.budgets", what="budget key or metric")
    if "event" in table and "events" in table:
        raise LeeConfigError(f"{where.path}: tool.lee.budgets: give 'event' or 'events', not both")
    event = table.get("event")
    if event is not None:
        event = MappingProxyType(dict(where.table(event, "tool.lee.budgets.event")))
    events = table.get("events")
    if events is not None:
        events = where.string(events, "tool.lee.budgets.events")
    metrics = {
        name: parse_levels(table[name], name, f"{where.path}: tool.lee.budgets.{name}")
        for name in BUILTIN_METRICS
        if name in table
    }
    phases_table = where.table(table.get("phases", {}), "tool.lee.budgets.phases")
    phases = {
        name: parse_levels(value, name, f"{where.path}: tool.lee.budgets.phases.{name}")
        for name, value in phases_table.items()
    }
    return BudgetSettings(
        runs=where.integer(table.get("runs", 5), "tool.lee.budgets.runs", minimum=1),
        event=event,
        events=events,
        metrics=MappingProxyType(metrics),
        phases=MappingProxyType(phases),
    )


def default_higher_is_better(metric: str) -> bool:
    return metric in HIGHER_IS_BETTER_METRICS


def parse_levels(raw: Any, metric: str, where: str) -> Levels:
    """Levels from a number (the ``acceptable`` level) or a table; direction resolved here.

    Levels that ascend mean lower is better, levels that descend mean higher is better;
    with fewer than two distinct levels the metric's own direction decides.
    """
    if isinstance(raw, bool) or not isinstance(raw, (int, float, dict)):
        raise LeeConfigError(f"{where}: expected a number or a table of {', '.join(LEVEL_NAMES)}")
    if not isinstance(raw, dict):
        raw = {"acceptable": raw}
    unknown = [key for key in raw if key not in _LEVEL_KEYS]
    if unknown:
        raise LeeConfigError(
            f"{where}: unknown key {unknown[0]!r}{_closest(unknown[0], _LEVEL_KEYS)}"
        )
    values: dict[str, float] = {}
    for name in LEVEL_NAMES:
        if name in raw:
            value = raw[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise LeeConfigError(f"{where}.{name}: expected a number, got {value!r}")
            values[name] = float(value)
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


def _closest(name: str, known: tuple[str, ...] | list[str]) -> str:
    import difflib  # only on the way to a usage error

    matches = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


class _Where:
    """Type checks that name the file and key of the value they reject."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, expected: str, value: Any) -> LeeConfigError:
        return LeeConfigError(f"{self.path}: {key}: expected {expected}, got {value!r}")

    def known_keys(
        self, table: Mapping[str, Any], known: tuple[str, ...], key: str, what: str = "key"
    ) -> None:
        for name in table:
            if name not in known:
                raise LeeConfigError(
                    f"{self.path}: {key}: unknown {what} {name!r}{_closest(name, known)}"
                )

    def table(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "a table", value)
        return value

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(key, "a non-empty string", value)
        return value

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise self.fail(key, "a list of strings", value)
        return tuple(value)

    def integer(self, value: Any, key: str, *, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"a whole number >= {minimum}", value)
        return value

    def number(self, value: Any, key: str, *, positive: bool) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (positive and value <= 0)
        ):
            raise self.fail(key, "a positive number", value)
        return float(value)

    def reference(self, value: Any, key: str) -> str:
        text = self.string(value, key)
        module, _, attribute = text.partition(":")
        if not module or not attribute:
            raise self.fail(key, "'module:attribute'", value)
        return text
