"""The frozen dataclasses ``[tool.lee]`` and the command line are read into.

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

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

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

ARCHITECTURES = ("x86_64", "arm64")
CPU_MODELS = ("host", "lambda")
# Lambda's own bounds: a value outside them is a typo, and would make a run misbehave
# (a timeout of 1e18 s never fires, 1e17 MB of memory is no limit at all).
MEMORY_MB_RANGE = (128, 10_240)
MAX_TIMEOUT_S = 900.0
MAX_RUNS = 10_000


@dataclass(frozen=True, eq=False)
class FunctionSettings:
    """What Lambda would run the package as (``[tool.lee.function]``)."""

    name: str = "lee-function"
    runtime: str = "python3.12"
    memory_mb: int = 128
    timeout_s: float = 3.0
    environment: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    runtime_provides: tuple[str, ...] = ("boto3", "botocore")
    architecture: str = "x86_64"
    python: str | None = None  # the interpreter children run with (default: the running one)


@dataclass(frozen=True, eq=False)
class ContractSettings:
    """One ``[[tool.lee.contract]]`` table."""

    registry: str
    dispatcher: str | None = None
    operation: str | None = "test_operation"  # None: `operation = false`, no configured probe
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
    cpu: str = "host"
    phase_patterns: tuple[str, ...] = ()  # regexes with `name` and `value` groups


@dataclass(frozen=True, eq=False)
class LayerSettings:
    """One ``[[tool.lee.layer]]``: a zip of its own under ``python/``, attached in order."""

    name: str
    requirements: Path | tuple[str, ...] | None = None  # a file, or requirement strings
    source: Path | None = None


@dataclass(frozen=True, eq=False)
class AwsSettings:
    """``[tool.lee.aws]``: the moto state children see, and the region they use."""

    setup: str | None = None  # "module:function", called inside moto before any child
    region: str = "us-east-1"


@dataclass(frozen=True, eq=False)
class RehearsalSettings:
    """``[tool.lee.rehearsal]``: what a health check sends and what it must get back."""

    event: Mapping[str, Any] | None = None  # default: the budgets' event
    expect: Mapping[str, Any] | None = None  # a subset the response must contain
    check: str | None = None  # "module:function" called with the response; raises to fail


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
    trace: bool = False  # --lee-trace


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
    requirements: Path | tuple[str, ...] | None = None  # a file, or requirement strings
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
        return self.budgets.cpu if self.budgets is not None else "host"

    @property
    def runs(self) -> int:
        if self.options.runs is not None:
            return self.options.runs
        return self.budgets.runs if self.budgets is not None else 5


def default_higher_is_better(metric: str) -> bool:
    return metric in HIGHER_IS_BETTER_METRICS
