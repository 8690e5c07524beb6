"""``[tool.lee]`` and the command line, read once into frozen dataclasses.

Everything that configures pytest-lee passes through :func:`load_settings`, so a bad
value is reported once, as one line that names the file, the key and what is expected
(a ``LeeConfigError``, which the plugin turns into a pytest usage error). The classes
live in ``settings_model`` and the validation in ``settings_parse`` (imported only when
a project has a ``[tool.lee]`` table); this module is the one place callers import from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_lee.errors import LeeConfigError
from pytest_lee.settings_model import (
    ARCHITECTURES,
    BUILTIN_METRICS,
    CPU_MODELS,
    HIGHER_IS_BETTER_METRICS,
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

__all__ = [
    "ARCHITECTURES",
    "BUILTIN_METRICS",
    "CPU_MODELS",
    "HIGHER_IS_BETTER_METRICS",
    "LEVEL_NAMES",
    "MAX_RUNS",
    "MAX_TIMEOUT_S",
    "MEMORY_MB_RANGE",
    "AwsSettings",
    "BudgetSettings",
    "CommandLine",
    "ContractSettings",
    "FunctionSettings",
    "LayerSettings",
    "Levels",
    "RehearsalSettings",
    "Settings",
    "default_higher_is_better",
    "load_settings",
    "parse_levels",
    "read_tool_lee",
]


def parse_levels(raw: Any, metric: str, where: str) -> Levels:
    """Levels from a number (the ``acceptable`` level) or a table (see ``settings_parse``)."""
    from pytest_lee.settings_parse import parse_levels as parse

    return parse(raw, metric, where)


def read_tool_lee(pyproject: Path) -> dict[str, Any] | None:
    """The raw ``[tool.lee]`` table of *pyproject*, or None when it has none."""
    from pytest_lee._toml import load_pyproject, tool_table

    return tool_table(load_pyproject(pyproject), pyproject)


def load_settings(rootdir: Path, options: CommandLine | None = None) -> Settings:
    """Read ``[tool.lee]`` from ``rootdir/pyproject.toml`` and merge the command line."""
    from pytest_lee.settings_parse import parse_settings

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
