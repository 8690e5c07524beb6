"""Cold-start and request budgets (NM06-LESS-10): measure in fresh interpreters, hold to levels.

Private modules by responsibility: ``metrics`` (what the app reports on stdout),
``stats`` (robust statistics), ``verdicts`` (levels → verdict), ``measure`` (the runs),
``shared`` (one measurement per session, across xdist workers), ``items`` (the collected
items), ``marker`` (``lee_budget``), ``fixture`` (``lee_cold_start``), and the outputs
``render``, ``emf``, ``baselines``.
"""

from __future__ import annotations

from pytest_lee.budgets.fixture import ColdStart
from pytest_lee.budgets.measure import Measurement, MeasurementError
from pytest_lee.budgets.stats import MetricStats

__all__ = ["ColdStart", "Measurement", "MeasurementError", "MetricStats"]
