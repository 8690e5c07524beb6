"""Cold-start and request budgets (NM06-LESS-10): measure in fresh interpreters, hold to levels.

Private modules by responsibility: ``metrics`` (what the app reports on stdout),
``stats`` (robust statistics), ``verdicts`` (levels → verdict), ``measure`` (the runs),
``shared`` (one measurement per session, across xdist workers), ``items`` (the collected
items), ``fixture`` (``lee_cold_start``), ``render``/``emf``/``baselines`` (outputs).
"""

from __future__ import annotations

from pytest_lee.budgets.measure import Measurement, MeasurementError
from pytest_lee.budgets.stats import MetricStats

__all__ = ["Measurement", "MeasurementError", "MetricStats"]
