"""The ``lee_budget(**metrics)`` marker, parsed in exactly one place.

``lee_budget(cold_start_ms=600)`` sets ``acceptable`` and keeps the configured
``target``/``critical``; ``lee_budget(cold_start_ms={"target": 300, "acceptable": 600})``
replaces the levels. Names must be built-in metrics or phases listed in
``[tool.lee.budgets] phases``; positional arguments and unknown names are errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from pytest_lee.errors import LeeConfigError
from pytest_lee.settings import BUILTIN_METRICS, Levels, Settings
from pytest_lee.settings_parse import parse_levels


def configured_levels(settings: Settings) -> dict[str, Levels]:
    """Every budgeted metric's levels from ``[tool.lee.budgets]`` (metrics, then phases)."""
    if settings.budgets is None:
        return {}
    return {**settings.budgets.metrics, **settings.budgets.phases}


def budget_overrides(item: pytest.Item, settings: Settings) -> dict[str, Levels]:
    """The levels the closest ``lee_budget`` marker on *item* sets; {} without one."""
    marker = item.get_closest_marker("lee_budget")
    if marker is None:
        return {}
    return parse_budget_marker(
        marker.args, marker.kwargs, settings, where=f"lee_budget on {item.nodeid}"
    )


def parse_budget_marker(
    args: tuple[Any, ...], kwargs: Mapping[str, Any], settings: Settings, *, where: str
) -> dict[str, Levels]:
    if args:
        raise LeeConfigError(f"{where}: takes keyword arguments only (metric=levels), got {args!r}")
    configured = configured_levels(settings)
    phases = tuple(settings.budgets.phases) if settings.budgets is not None else ()
    known = (*BUILTIN_METRICS, *phases)
    overrides = {}
    for metric, value in kwargs.items():
        if metric not in known:
            raise LeeConfigError(
                f"{where}: unknown metric {metric!r} (known: {', '.join(known)}; "
                "app phases must be listed in [tool.lee.budgets] phases)"
            )
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            base = configured.get(metric)
            raw: Any = {
                key: level
                for key, level in (base.as_dict() if base else {}).items()
                if level is not None
            }
            raw["acceptable"] = value
        else:
            raw = value
        overrides[metric] = parse_levels(raw, metric, f"{where}: {metric}")
    return overrides
