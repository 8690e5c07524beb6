"""Cold-start and request budgets (NM06-LESS-10): measure in fresh interpreters, hold to levels.

Private modules by responsibility: ``metrics`` (what the app reports on stdout),
``stats`` (robust statistics), ``verdicts`` (levels → verdict), ``measure`` (the runs),
``shared`` (one measurement per session, across xdist workers), ``items`` (the collected
items), ``marker`` (``lee_budget``), ``fixture`` (``lee_cold_start``), ``imports`` (the
import tree and the cold-start advisor), and the outputs ``render``, ``emf``, ``baselines``.

The public names load on first access (PEP 562), so a module that needs one helper of
this package (the HTML report needs ``imports`` and ``verdicts``) does not pay for the
fixture, the runner and the settings parser.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_lee.budgets.fixture import ColdStart
    from pytest_lee.budgets.measure import Measurement, MeasurementError
    from pytest_lee.budgets.stats import MetricStats

__all__ = ["ColdStart", "Measurement", "MeasurementError", "MetricStats"]

_HOMES = {
    "ColdStart": "pytest_lee.budgets.fixture",
    "Measurement": "pytest_lee.budgets.measure",
    "MeasurementError": "pytest_lee.budgets.measure",
    "MetricStats": "pytest_lee.budgets.stats",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
