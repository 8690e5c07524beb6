"""The frozen dataclasses ``[tool.lee]`` and the command line are read into.

Everything that configures pytest-lee passes through :func:`load_settings`, so a
bad value is reported once, as one line that names the file, the key and what is
expected (a ``LeeConfigError``, which the plugin turns into a pytest usage error).
Every key is optional; nothing here falls back to an implicit example project. Each
field's default, and every constant below, comes from the key's one declaration in
:mod:`pytest_lee.settings_keys`.

Imported by every pytest run: the configuration classes are frozen dataclasses with
``eq=False`` (nobody compares two sessions' settings, and each generated ``__eq__``
and ``__hash__`` costs import time), and ``tomllib``/``difflib`` load only when used.
``Levels`` keeps its equality: levels are values, compared as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pytest_lee.settings_keys import bounds, choices, default, keys_of

if TYPE_CHECKING:
    from pytest_lee.template.model import CloudResource


def declared(path: str) -> Any:
    """A dataclass field defaulting to *path*'s declared default (a table: a fresh copy)."""
    value = default(path)
    if isinstance(value, MappingProxyType):
        return field(default_factory=lambda: MappingProxyType(dict(value)))
    return field(default=value)


# Computed from the key table (settings_keys), never written twice.
BUILTIN_METRICS = tuple(row.name for row in keys_of("tool.lee.budgets") if row.kind == "levels")
HIGHER_IS_BETTER_METRICS = frozenset({"cache_hit_rate"})
LEVEL_NAMES = tuple(row.name for row in keys_of("tool.lee.budgets.<metric>") if row.kind == "level")
ARCHITECTURES = choices("function.architecture")
CPU_MODELS = choices("budgets.cpu")
MEMORY_MB_RANGE = tuple(int(limit or 0) for limit in bounds("function.memory_mb"))
MAX_TIMEOUT_S = float(bounds("function.timeout_s")[1] or 0)
MAX_RUNS = int(bounds("budgets.runs")[1] or 0)


@dataclass(frozen=True, eq=False)
class FunctionSettings:
    """What Lambda would run the package as (``[tool.lee.function]``)."""

    name: str = declared("function.name")
    runtime: str = declared("function.runtime")
    memory_mb: int = declared("function.memory_mb")
    timeout_s: float = declared("function.timeout_s")
    environment: Mapping[str, str] = declared("function.environment")
    runtime_provides: tuple[str, ...] = declared("function.runtime_provides")
    architecture: str = declared("function.architecture")
    python: str | None = declared("function.python")  # None: the running interpreter
    logical_id: str | None = declared("function.logical_id")  # the template's function
    # From the template (never keys of their own): the function's Api/HttpApi routes as
    # (METHOD, "/path/{x}"), layer ARNs children run without, and where values came from.
    api_events: tuple[tuple[str, str], ...] = ()
    unavailable_layers: tuple[str, ...] = ()
    origin: str | None = None  # "template.yaml OrdersFunction: handler, code, …"


@dataclass(frozen=True, eq=False)
class ContractSettings:
    """One ``[[tool.lee.contract]]`` table."""

    registry: str
    dispatcher: str | None = declared("contract.dispatcher")
    # None: `operation = false`, no configured probe
    operation: str | None = declared("contract.operation")
    kwargs: Mapping[str, Any] = declared("contract.kwargs")
    leaves: tuple[str, ...] = declared("contract.leaves")


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

    runs: int = declared("budgets.runs")
    event: Mapping[str, Any] | None = declared("budgets.event")
    events: str | None = declared("budgets.events")
    # the `levels` keys given (BUILTIN_METRICS), by name
    metrics: Mapping[str, Levels] = field(default_factory=lambda: MappingProxyType({}))
    phases: Mapping[str, Levels] = declared("budgets.phases")
    cpu: str = declared("budgets.cpu")
    init_cpu: float = declared("budgets.init_cpu")
    runtime_init_ms: int | None = declared("budgets.runtime_init_ms")
    phase_patterns: tuple[str, ...] = declared("budgets.phase_patterns")  # `name`, `value` groups


@dataclass(frozen=True, eq=False)
class LayerSettings:
    """One ``[[tool.lee.layer]]``: a zip of its own under ``python/``, attached in order."""

    name: str
    requirements: Path | tuple[str, ...] | None = declared("layer.requirements")  # file or list
    source: Path | None = declared("layer.source")


@dataclass(frozen=True, eq=False)
class AwsSettings:
    """``[tool.lee.aws]``: the moto state children see, and the region they use."""

    setup: str | None = declared("aws.setup")  # "module:function", called inside moto first
    region: str = declared("aws.region")
    resources: tuple[CloudResource, ...] = ()  # the template's, created in moto before setup


@dataclass(frozen=True, eq=False)
class RehearsalSettings:
    """``[tool.lee.rehearsal]``: what a health check sends and what it must get back."""

    event: Mapping[str, Any] | None = declared("rehearsal.event")  # None: the budgets' event
    expect: Mapping[str, Any] | None = declared("rehearsal.expect")  # a subset of the response
    check: str | None = declared("rehearsal.check")  # "module:function"; raises to fail
    # From the template: AutoPublishAlias, and DeploymentPreference.Type's first traffic
    # shift (0.0 for AllAtOnce: no canary).
    alias: str = "production"
    canary_weight: float = 0.1
    deployment: str | None = None


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
    alarms_path: Path | None = None
    calibrate: Path | None = None


@dataclass(frozen=True, eq=False)
class Settings:
    """Everything pytest-lee knows about this session, resolved once."""

    rootdir: Path
    pyproject: Path | None = None
    source: Path | None = declared("source")
    handler: str = declared("handler")
    required: tuple[str, ...] = declared("required")
    min_lines: int = declared("min_lines")
    exclude: tuple[str, ...] = declared("exclude")
    requirements: Path | tuple[str, ...] | None = declared("requirements")  # file or list
    compile: bool = declared("compile")  # ship the runtime's bytecode in the zip
    template: Path | None = declared("template")  # a SAM template the function comes from
    function: FunctionSettings = field(default_factory=FunctionSettings)
    layers: tuple[LayerSettings, ...] = ()
    contracts: tuple[ContractSettings, ...] = ()
    budgets: BudgetSettings | None = None
    aws: AwsSettings = field(default_factory=AwsSettings)
    rehearsal: RehearsalSettings = field(default_factory=RehearsalSettings)
    options: CommandLine = field(default_factory=CommandLine)

    @property
    def configured(self) -> bool:
        """True when the project has a ``[tool.lee]`` table at all."""
        return self.pyproject is not None

    @property
    def code_root(self) -> Path:
        """Where the function's code is: ``[tool.lee] source``, else the rootdir."""
        return self.source if self.source is not None else self.rootdir

    @property
    def cpu(self) -> str:
        """The CPU model of budget children: ``--lee-cpu``, else ``[tool.lee.budgets] cpu``."""
        if self.options.cpu is not None:
            return self.options.cpu
        return self.budgets.cpu if self.budgets is not None else str(default("budgets.cpu"))

    @property
    def runs(self) -> int:
        if self.options.runs is not None:
            return self.options.runs
        return self.budgets.runs if self.budgets is not None else int(default("budgets.runs"))


def default_higher_is_better(metric: str) -> bool:
    return metric in HIGHER_IS_BETTER_METRICS
