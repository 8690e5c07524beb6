"""``lee_cold_start``: measure any handler from a hand-written test.

``lee_cold_start(handler=None, source=None, *, event=None, events=None, runs=None,
timeout_s=None, environment=None)`` copies *source* (default ``[tool.lee] source``;
relative to the rootdir) without bytecode caches to a temporary directory, measures
*handler* (default ``[tool.lee] handler``) there like the budget items do, and
returns a :class:`ColdStart`:

- ``result["cold_start_ms"]`` → :class:`~pytest_lee.budgets.stats.MetricStats`
  (``.median``, ``.p95``, ``.samples``, ``.spread_pct``); ``result.median(name)``;
  ``result.metrics`` (every metric measured, harness and app);
- ``result.phases`` (app-reported cold-start phases, median ms),
  ``result.slowest_imports``, ``result.notes``;
- ``result.verdict(name)`` against ``[tool.lee.budgets]`` levels overridden by the
  test's ``lee_budget`` marker; ``result.check()`` fails the test (no traceback) when a
  metric with levels is ``over`` or ``critical``.

A handler that does not import, crashes or hangs fails the test with the child's
error and stderr tail. Under xdist the measurement holds the session's measurement lock.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from pytest_lee.budgets.marker import budget_overrides, configured_levels
from pytest_lee.budgets.measure import Measurement, measure
from pytest_lee.budgets.shared import measurement_lock
from pytest_lee.budgets.stats import MetricStats
from pytest_lee.budgets.verdicts import (
    FAILING,
    budget_entry,
    failure_message,
    measurement_entry,
    verdict,
)
from pytest_lee.errors import LeeError
from pytest_lee.settings import Levels, Settings

_T = TypeVar("_T")


@dataclass(frozen=True)
class ColdStart:
    """The result of one ``lee_cold_start(...)`` call."""

    measurement: Measurement
    levels: Mapping[str, Levels]

    @property
    def metrics(self) -> dict[str, MetricStats]:
        found = {}
        for name in self.measurement.samples:
            stats = self.measurement.stats(name)
            if stats is not None:
                found[name] = stats
        return found

    def __getitem__(self, metric: str) -> MetricStats:
        stats = self.measurement.stats(metric)
        if stats is None:
            known = ", ".join(self.measurement.samples)
            raise KeyError(f"{metric!r} was not measured (measured: {known})")
        return stats

    def __contains__(self, metric: object) -> bool:
        return metric in self.measurement.samples

    def median(self, metric: str) -> float:
        return self[metric].median

    @property
    def phases(self) -> dict[str, float]:
        return dict(measurement_entry(self.measurement)["phases"])

    @property
    def slowest_imports(self) -> list[dict[str, Any]]:
        return list(self.measurement.slowest_imports)

    @property
    def notes(self) -> list[str]:
        return list(self.measurement.notes)

    def verdict(self, metric: str) -> str | None:
        """``target``/``acceptable``/``over``/``critical``; None for a metric without levels."""
        levels = self.levels.get(metric)
        return None if levels is None else verdict(self.median(metric), levels)

    def check(self) -> None:
        """Fail the test when any metric with levels is over budget."""
        problems = []
        for metric, levels in self.levels.items():
            if metric not in self:
                problems.append(
                    f"{metric}: not measured (measured: {', '.join(self.measurement.samples)})"
                )
                continue
            entry = budget_entry(metric, self[metric], levels, runs=self.measurement.runs)
            if entry["verdict"] in FAILING:
                problems.append(failure_message(entry, self.measurement))
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)


def cold_start_factory(
    request: pytest.FixtureRequest, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., ColdStart]:
    levels = _or_fail(
        lambda: {**configured_levels(settings), **budget_overrides(request.node, settings)}
    )

    def lee_cold_start(
        handler: str | None = None,
        source: str | Path | None = None,
        *,
        event: Any = None,
        events: Sequence[Any] | None = None,
        runs: int | None = None,
        timeout_s: float | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> ColdStart:
        if event is not None and events is not None:
            pytest.fail("lee_cold_start: give event or events, not both", pytrace=False)
        if runs is not None and (isinstance(runs, bool) or not isinstance(runs, int) or runs < 1):
            pytest.fail(
                f"lee_cold_start: runs: expected a whole number >= 1, got {runs!r}", pytrace=False
            )
        plan = [event] if event is not None else (list(events) if events is not None else None)
        function = settings.function
        if environment is not None:
            function = replace(function, environment={**function.environment, **environment})
        code_dir = _copy_source(settings, source, tmp_path_factory.mktemp("lee-cold-start"))

        def measured() -> Measurement:
            with measurement_lock(request.config):
                return measure(
                    settings,
                    runs=settings.runs if runs is None else runs,
                    handler=handler,
                    code_dir=code_dir,
                    events=plan,
                    function=function,
                    timeout_s=timeout_s,
                )

        return ColdStart(_or_fail(measured), levels)

    return lee_cold_start


def _or_fail(produce: Callable[[], _T]) -> _T:
    """*produce()*, or fail the test with the ``LeeError``'s message alone.

    ``pytest.fail`` is called outside the ``except`` block: inside it, the report would
    repeat the message under "During handling of the above exception".
    """
    try:
        return produce()
    except LeeError as error:
        problem = str(error)
    pytest.fail(problem, pytrace=False)


def _copy_source(settings: Settings, source: str | Path | None, target: Path) -> Path:
    if source is None:
        if settings.source is None:
            pytest.fail("lee_cold_start: pass source=... or set [tool.lee] source", pytrace=False)
        path = settings.source
    else:
        path = Path(source)
        if not path.is_absolute():
            path = settings.rootdir / path
    if not path.is_dir():
        pytest.fail(f"lee_cold_start: source {path}: no such directory", pytrace=False)
    destination = target / "task"
    shutil.copytree(path, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return destination
