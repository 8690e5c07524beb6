"""Validate a ``[tool.lee]`` table into :class:`~pytest_lee.settings.Settings`.

Imported only when a project has a ``[tool.lee]`` table or a ``--lee-*`` option is given,
so a pytest run of a project that does not use pytest-lee never pays for it. Every error
is one ``LeeConfigError`` line naming the file, the key and what is expected.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_lee._toml import TableReader, closest, finite_float
from pytest_lee.errors import LeeConfigError
from pytest_lee.settings_model import (
    ARCHITECTURES,
    BUILTIN_METRICS,
    CPU_MODELS,
    LEVEL_NAMES,
    MAX_RUNS,
    MAX_TIMEOUT_S,
    MEMORY_MB_RANGE,
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

_TOP_KEYS = (
    "template",
    "source",
    "handler",
    "required",
    "min_lines",
    "exclude",
    "requirements",
    "function",
    "layer",
    "contract",
    "budgets",
    "aws",
    "rehearsal",
    "kb",
)
_FUNCTION_KEYS = (
    "name",
    "runtime",
    "memory_mb",
    "timeout_s",
    "environment",
    "runtime_provides",
    "architecture",
    "python",
    "logical_id",
)
_LAYER_KEYS = ("name", "requirements", "source")
_CONTRACT_KEYS = ("registry", "dispatcher", "operation", "kwargs", "leaves")
_BUDGET_KEYS = ("runs", "event", "events", "phases", "cpu", "phase_patterns", *BUILTIN_METRICS)
_AWS_KEYS = ("setup", "region")
_REHEARSAL_KEYS = ("event", "expect", "check")
_LEVEL_KEYS = (*LEVEL_NAMES, "higher_is_better")
# Lambda's Python runtimes: python3.8 and later (older ones cannot parse today's code).
_RUNTIME = re.compile(r"python3\.(\d+)")
_OLDEST_MINOR = 8
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


def parse_settings(
    raw: Mapping[str, Any], *, rootdir: Path, pyproject: Path, options: CommandLine | None = None
) -> Settings:
    """Validate a ``[tool.lee]`` table; every error names *pyproject* and the key."""
    read = TableReader(pyproject)
    read.known_keys(raw, _TOP_KEYS, "tool.lee")
    source = None
    if "source" in raw:
        source = _directory(read, rootdir, raw["source"], "tool.lee.source")
    handler = read.string(raw.get("handler", Settings.handler), "tool.lee.handler")
    module, _, function = handler.rpartition(".")
    if not function.isidentifier() or not all(module.replace("/", ".").split(".")):
        raise LeeConfigError(
            f"{pyproject}: tool.lee.handler = {handler!r}: expected 'module.function', "
            "as in the Lambda console"
        )
    read.table(raw.get("kb", {}), "tool.lee.kb")  # lee-kb reads it; here only its type
    settings = Settings(
        rootdir=rootdir,
        pyproject=pyproject,
        source=source,
        handler=handler,
        required=read.strings(raw.get("required", []), "tool.lee.required"),
        min_lines=read.integer(raw.get("min_lines", 50), "tool.lee.min_lines", minimum=0),
        exclude=read.strings(raw.get("exclude", []), "tool.lee.exclude"),
        requirements=_requirements(read, rootdir, raw.get("requirements"), "tool.lee.requirements"),
        function=_parse_function(read, raw.get("function", {})),
        layers=_parse_layers(read, rootdir, raw.get("layer", [])),
        contracts=_parse_contracts(read, raw.get("contract", [])),
        budgets=_parse_budgets(read, raw["budgets"]) if "budgets" in raw else None,
        aws=_parse_aws(read, raw.get("aws", {})),
        rehearsal=_parse_rehearsal(read, rootdir, raw.get("rehearsal", {})),
        options=options or CommandLine(),
    )
    from pytest_lee.settings_template import apply_template, find_template

    template = find_template(raw, rootdir, pyproject)
    if template is None:
        if settings.function.logical_id is not None:
            raise LeeConfigError(
                f"{pyproject}: tool.lee.function.logical_id: names a template's function, "
                "but there is no template (set [tool.lee] template)"
            )
        return settings
    return apply_template(settings, raw, template)


def _directory(read: TableReader, rootdir: Path, value: Any, key: str) -> Path:
    path = rootdir / read.string(value, key)
    if not path.is_dir():
        raise LeeConfigError(
            f"{read.path}: {key} = {value!r}: no such directory "
            f"(expected a directory relative to {rootdir})"
        )
    return path


def _requirements(
    read: TableReader, rootdir: Path, value: Any, key: str
) -> Path | tuple[str, ...] | None:
    """A requirements file (relative to the rootdir) or a list of requirement strings."""
    if value is None:
        return None
    if isinstance(value, list):
        return read.strings(value, key)
    path = rootdir / read.string(value, key)
    if not path.is_file():
        raise LeeConfigError(
            f"{read.path}: {key} = {value!r}: no such file "
            f"(expected a requirements file relative to {rootdir}, or a list of requirements)"
        )
    return path


def _parse_function(read: TableReader, raw: Any) -> FunctionSettings:
    table = read.table(raw, "tool.lee.function")
    read.known_keys(table, _FUNCTION_KEYS, "tool.lee.function")
    defaults = FunctionSettings()
    environment = read.table(table.get("environment", {}), "tool.lee.function.environment")
    for name, value in environment.items():
        if not isinstance(value, str):  # Lambda's environment holds strings, "" included
            raise read.fail(f"tool.lee.function.environment.{name}", "a string", value)
    runtime = read.string(table.get("runtime", defaults.runtime), "tool.lee.function.runtime")
    match = _RUNTIME.fullmatch(runtime)
    if match is None or int(match.group(1)) < _OLDEST_MINOR:
        raise read.fail(
            "tool.lee.function.runtime", "a Lambda Python runtime such as 'python3.12'", runtime
        )
    python = table.get("python")
    return FunctionSettings(
        name=read.string(table.get("name", defaults.name), "tool.lee.function.name"),
        runtime=runtime,
        memory_mb=read.integer(
            table.get("memory_mb", defaults.memory_mb),
            "tool.lee.function.memory_mb",
            minimum=MEMORY_MB_RANGE[0],
            maximum=MEMORY_MB_RANGE[1],
        ),
        timeout_s=read.number(
            table.get("timeout_s", defaults.timeout_s),
            "tool.lee.function.timeout_s",
            positive=True,
            maximum=MAX_TIMEOUT_S,
        ),
        environment=MappingProxyType(dict(environment)),
        runtime_provides=read.strings(
            table.get("runtime_provides", list(defaults.runtime_provides)),
            "tool.lee.function.runtime_provides",
        ),
        architecture=read.choice(
            table.get("architecture", defaults.architecture),
            "tool.lee.function.architecture",
            ARCHITECTURES,
        ),
        python=None if python is None else read.string(python, "tool.lee.function.python"),
        logical_id=None
        if "logical_id" not in table
        else read.string(table["logical_id"], "tool.lee.function.logical_id"),
    )


def _parse_layers(read: TableReader, rootdir: Path, raw: Any) -> tuple[LayerSettings, ...]:
    layers = []
    names: set[str] = set()
    for index, table in enumerate(read.tables(raw, "tool.lee.layer")):
        key = f"tool.lee.layer[{index}]"
        read.known_keys(table, _LAYER_KEYS, key)
        if "name" not in table:
            raise LeeConfigError(f"{read.path}: {key}: 'name' is required")
        name = read.string(table["name"], f"{key}.name")
        if name in names:
            raise LeeConfigError(f"{read.path}: {key}.name: {name!r} names two layers")
        names.add(name)
        if "requirements" not in table and "source" not in table:
            raise LeeConfigError(
                f"{read.path}: {key}: give 'requirements', 'source' or both (what the layer holds)"
            )
        layers.append(
            LayerSettings(
                name=name,
                requirements=_requirements(
                    read, rootdir, table.get("requirements"), f"{key}.requirements"
                ),
                source=None
                if "source" not in table
                else _directory(read, rootdir, table["source"], f"{key}.source"),
            )
        )
    return tuple(layers)


def _parse_contracts(read: TableReader, raw: Any) -> tuple[ContractSettings, ...]:
    contracts = []
    for index, table in enumerate(read.tables(raw, "tool.lee.contract")):
        key = f"tool.lee.contract[{index}]"
        read.known_keys(table, _CONTRACT_KEYS, key)
        if "registry" not in table:
            raise LeeConfigError(
                f"{read.path}: {key}: 'registry' is required (\"module:attribute\")"
            )
        dispatcher = table.get("dispatcher")
        operation = table.get("operation", "test_operation")
        if operation is not False:
            operation = read.string(operation, f"{key}.operation")
        contracts.append(
            ContractSettings(
                registry=read.reference(table["registry"], f"{key}.registry"),
                dispatcher=None
                if dispatcher is None
                else read.reference(dispatcher, f"{key}.dispatcher"),
                operation=None if operation is False else operation,
                kwargs=MappingProxyType(dict(read.table(table.get("kwargs", {}), f"{key}.kwargs"))),
                leaves=read.strings(table.get("leaves", []), f"{key}.leaves"),
            )
        )
    return tuple(contracts)


def _parse_budgets(read: TableReader, raw: Any) -> BudgetSettings:
    table = read.table(raw, "tool.lee.budgets")
    read.known_keys(table, _BUDGET_KEYS, "tool.lee.budgets", what="budget key or metric")
    if "event" in table and "events" in table:
        raise LeeConfigError(f"{read.path}: tool.lee.budgets: give 'event' or 'events', not both")
    event = table.get("event")
    if event is not None:
        event = MappingProxyType(dict(read.table(event, "tool.lee.budgets.event")))
    events = table.get("events")
    if events is not None:
        events = read.string(events, "tool.lee.budgets.events")
    metrics = {
        name: parse_levels(table[name], name, f"{read.path}: tool.lee.budgets.{name}")
        for name in BUILTIN_METRICS
        if name in table
    }
    phases_table = read.table(table.get("phases", {}), "tool.lee.budgets.phases")
    phases = {
        name: parse_levels(value, name, f"{read.path}: tool.lee.budgets.phases.{name}")
        for name, value in phases_table.items()
    }
    return BudgetSettings(
        runs=read.integer(
            table.get("runs", 5), "tool.lee.budgets.runs", minimum=1, maximum=MAX_RUNS
        ),
        event=event,
        events=events,
        metrics=MappingProxyType(metrics),
        phases=MappingProxyType(phases),
        cpu=read.choice(table.get("cpu", "host"), "tool.lee.budgets.cpu", CPU_MODELS),
        phase_patterns=_phase_patterns(read, table.get("phase_patterns", [])),
    )


def _phase_patterns(read: TableReader, value: Any) -> tuple[str, ...]:
    key = "tool.lee.budgets.phase_patterns"
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


def _parse_aws(read: TableReader, raw: Any) -> AwsSettings:
    table = read.table(raw, "tool.lee.aws")
    read.known_keys(table, _AWS_KEYS, "tool.lee.aws")
    setup = table.get("setup")
    region = table.get("region")
    if region is not None and not _REGION.fullmatch(read.string(region, "tool.lee.aws.region")):
        raise read.fail("tool.lee.aws.region", "an AWS region such as 'us-east-1'", region)
    return AwsSettings(
        setup=None if setup is None else read.reference(setup, "tool.lee.aws.setup"),
        region=region if region is not None else _default_region(),
    )


def _default_region() -> str:
    import os

    return os.environ.get("AWS_REGION") or "us-east-1"


def _parse_rehearsal(read: TableReader, rootdir: Path, raw: Any) -> RehearsalSettings:
    table = read.table(raw, "tool.lee.rehearsal")
    read.known_keys(table, _REHEARSAL_KEYS, "tool.lee.rehearsal")
    event = table.get("event")
    if isinstance(event, str):  # a JSON file, as SAM users keep events (sam local invoke -e)
        event = event_file(read, rootdir, event, "tool.lee.rehearsal.event")
    expect = table.get("expect")
    check = table.get("check")
    return RehearsalSettings(
        event=None
        if event is None
        else MappingProxyType(dict(read.table(event, "tool.lee.rehearsal.event"))),
        expect=None
        if expect is None
        else MappingProxyType(dict(read.table(expect, "tool.lee.rehearsal.expect"))),
        check=None if check is None else read.reference(check, "tool.lee.rehearsal.check"),
    )


def event_file(read: TableReader, rootdir: Path, value: str, key: str) -> Any:
    """The JSON object in the event file *value* (relative to the rootdir)."""
    import json

    path = rootdir / value
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
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
    return event


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
    unknown = [key for key in raw if key not in _LEVEL_KEYS]
    if unknown:
        raise LeeConfigError(
            f"{where}: unknown key {unknown[0]!r}{closest(unknown[0], _LEVEL_KEYS)}"
        )
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
