"""``[tool.lee.budgets]`` as collected items: ``pyproject.toml::budget[<metric>]``.

One item per configured metric and phase. Without ``--lee-budgets`` each is skipped
("budgets run with --lee-budgets"), so everyday runs stay fast. With it, the first item
to run triggers the session's single measurement (see ``shared``); each item then
judges its own metric, adds its entry to the ``budgets`` report section and its
figures to the JUnit XML properties, and fails on ``over``/``critical`` (or on a
regression beyond ``--lee-compare-fail``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytest_lee._item import LeeItem
from pytest_lee.budgets.baselines import load_baseline, regression_pct, unlike
from pytest_lee.budgets.calibration import CALIBRATED_METRICS
from pytest_lee.budgets.marker import budget_overrides, configured_levels
from pytest_lee.budgets.measure import Measurement
from pytest_lee.budgets.shared import session_measurement
from pytest_lee.budgets.verdicts import FAILING, budget_entry, failure_message, measurement_entry
from pytest_lee.errors import LeeError
from pytest_lee.settings import Levels, Settings

SKIP_REASON = "budgets run with --lee-budgets"


class BudgetFailure(LeeError):
    """A budget item failed; the message is the whole report (no traceback)."""


def budget_items(node: pytest.Collector, settings: Settings) -> list[pytest.Item]:
    items: list[pytest.Item] = []
    for metric, levels in configured_levels(settings).items():
        item = BudgetItem.from_parent(node, name=f"budget[{metric}]", metric=metric, levels=levels)
        if not settings.options.budgets:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
        items.append(item)
    return items


class BudgetItem(LeeItem):
    """Holds one metric to its levels, from the session's shared measurement."""

    def __init__(self, *, metric: str, levels: Levels, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metric = metric
        self.levels = levels

    def runtest(self) -> None:
        from pytest_lee._stash import lee_report, lee_settings

        settings = lee_settings(self.config)
        try:
            levels = budget_overrides(self, settings).get(self.metric, self.levels)
            measurement = session_measurement(self.config, settings)
        except LeeError as error:
            raise BudgetFailure(str(error)) from None
        stats = measurement.stats(self.metric)
        if stats is None:
            raise BudgetFailure(_not_reported(self.metric, measurement))
        entry = budget_entry(
            self.metric,
            stats,
            levels,
            runs=measurement.runs,
            cpu=measurement.cpu_kind,
            scaled=self.metric in measurement.scaled,
            calibrated=bool(measurement.calibration) and self.metric in CALIBRATED_METRICS,
        )
        regression = self._compare(settings, entry)
        problems = []
        if entry["verdict"] in FAILING:
            problems.append(failure_message(entry, measurement))
        if regression:
            problems.append(regression)
            entry["regression"] = regression
        # The one verdict the terminal, --lee-json, JUnit and the HTML report all read: a
        # regression beyond --lee-compare-fail fails an item whose level verdict passes.
        entry["passed"] = not problems
        report = lee_report(self.config)
        report.add("budgets", entry)
        detail = measurement_entry(measurement)
        if detail not in report.entries("budget_measurement"):  # one per session, not per item
            report.add("budget_measurement", detail)
        self._add_properties(entry)
        if problems:
            raise BudgetFailure("\n".join(problems))

    def _add_properties(self, entry: dict[str, Any]) -> None:
        for key in (
            "median",
            "p95",
            "spread_pct",
            "verdict",
            "passed",
            "target",
            "acceptable",
            "critical",
        ):
            if entry.get(key) is not None:
                self.user_properties.append((f"lee.{self.metric}.{key}", entry[key]))

    def _compare(self, settings: Settings, entry: dict[str, Any]) -> str | None:
        """With ``--lee-compare``: record the baseline's median in *entry* (the summary's
        comparison reads it from there: by then ``--lee-save`` of the same name may have
        replaced the file); return the regression beyond ``--lee-compare-fail``, if any."""
        options = settings.options
        if options.compare is None:
            return None
        try:
            previous = load_baseline(settings, options.compare).get(self.metric)
        except LeeError as error:
            entry["baseline"] = {"name": options.compare, "error": str(error)}
            return str(error) if options.compare_fail is not None else None
        refused = None if previous is None else unlike(options.compare, previous, entry["cpu"])
        if refused is not None:
            entry["baseline"] = {"name": options.compare, "error": refused}
            return refused if options.compare_fail is not None else None
        entry["baseline"] = {
            "name": options.compare,
            "median": None if previous is None else previous["median"],
        }
        if previous is None or options.compare_fail is None:
            return None
        worse = regression_pct(entry["median"], previous["median"], entry["higher_is_better"])
        if worse > options.compare_fail:
            return (
                f"{self.metric} regressed {worse:.0f} % against baseline {options.compare!r} "
                f"({previous['median']:g} → {entry['median']:g}), beyond --lee-compare-fail {options.compare_fail:g} %"
            )
        return None

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, _line_of(self.path, self.metric), f"budget[{self.metric}]"


def _line_of(path: Any, metric: str) -> int:
    """0-based line of *metric* in the pyproject (so skip reports point at its levels)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    pattern = re.compile(rf"(^|[\s{{,]){re.escape(metric)}\s*=")
    return next((number for number, line in enumerate(lines) if pattern.search(line)), 0)


def _not_reported(metric: str, measurement: Measurement) -> str:
    reported = ", ".join(measurement.app_metrics) or "none"
    runs = "its only run" if measurement.runs == 1 else f"any of {measurement.runs} runs"
    return f"{metric}: not reported by the handler {measurement.handler} in {runs} (app metrics reported: {reported})"
