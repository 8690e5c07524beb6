"""Cold-start and request budgets (NM06-LESS-10): measure in fresh interpreters, hold to levels.

Private modules by responsibility: ``metrics`` (what the app reports on stdout),
``stats`` (robust statistics), ``verdicts`` (levels → verdict), ``measure`` (the runs),
``shared`` (one measurement per session, across xdist workers), ``items`` (the collected
items), ``marker`` (``lee_budget``), ``fixture`` (``lee_cold_start``), ``imports`` (the
import tree and the cold-start advisor), and the outputs ``render``, ``emf``, ``saved_runs``.

Nothing is re-exported here: the HTML report imports ``stats`` and ``imports`` alone, and
re-exports would load the fixture, the runner and the settings parser with them. The
public names live in their modules (``fixture.ColdStart``, ``measure.Measurement``,
``stats.MetricStats``).
"""

from __future__ import annotations

__all__: list[str] = []
