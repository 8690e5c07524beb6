"""Levels → verdict, in either direction (docs/budgets.md, "Statistics and verdicts").

For a lower-is-better metric: worse than ``critical`` → ``critical``; else worse than
``acceptable`` → ``over``; else worse than ``target`` → ``acceptable``; else ``target``.
"Worse" is ``>`` for lower-is-better and ``<`` for higher-is-better, so a value exactly
at a level gets that level's verdict. A level left out is simply not checked: with no
``target`` a value within ``acceptable`` is ``target``; with only a ``target`` a value
above it is ``acceptable`` (it passes). ``over`` and ``critical`` fail the item.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from pytest_lee._text import count
from pytest_lee.budgets.stats import MetricStats, format_value
from pytest_lee.settings import Levels

if TYPE_CHECKING:
    from pytest_lee.budgets.measure import Measurement

FAILING = frozenset({"over", "critical"})
# Four distinct marks for the terminal table, best to worst.
MARKS = {"target": "✓", "acceptable": "~", "over": "✗", "critical": "‼"}


def _worse(value: float, level: float | None, higher_is_better: bool) -> bool:
    if level is None:
        return False
    return value < level if higher_is_better else value > level


def verdict(value: float, levels: Levels) -> str:
    """The verdict for *value* against *levels*."""
    up = levels.higher_is_better
    if _worse(value, levels.critical, up):
        return "critical"
    if _worse(value, levels.acceptable, up):
        return "over"
    if _worse(value, levels.target, up):
        return "acceptable"
    return "target"


def unreliable(stats: MetricStats, levels: Levels) -> bool:
    """True when the middle half of the runs does not agree on the verdict."""
    return verdict(stats.q1, levels) != verdict(stats.q3, levels)


def describe_levels(levels: Levels) -> str:
    """``≤320 / ≤500 / ≤1000`` (or ``≥0.9 / ≥0.8 / ≥0.5``); ``-`` for a level left out."""
    sign = "≥" if levels.higher_is_better else "≤"
    parts = [
        f"{sign}{format_value(level)}" if level is not None else "-"
        for level in (levels.target, levels.acceptable, levels.critical)
    ]
    return " / ".join(parts)


def figure_label(cpu: str, *, scaled: bool = False, calibrated: bool = False) -> str:
    """The table's ``cpu`` cell: what kind of figure it is (``modelled (scaled)`` for an app
    timing that the model scaled, ``host`` for a wall time on this machine)."""
    label = {"lambda": "modelled", "lambda-throttled": "throttled"}.get(cpu, "host")
    if cpu == "lambda" and scaled:
        label = "modelled (scaled)"
    return f"{label}, calibrated" if calibrated else label


def budget_entry(
    metric: str,
    stats: MetricStats,
    levels: Levels,
    *,
    runs: int,
    cpu: str = "host",
    scaled: bool = False,
    calibrated: bool = False,
) -> dict[str, Any]:
    """One ``budgets`` entry of ``--lee-json`` (the shape docs/outputs.md documents, plus a few keys).

    ``cpu`` is what the figure is: ``host`` (wall time here), ``lambda`` (modelled) or
    ``lambda-throttled``; ``calibrated`` whether ``.lee/calibration.json`` scaled it;
    ``passed`` the one verdict every output reads (the item may still fail on a
    regression against a saved run: it then turns false)."""
    judged = verdict(stats.median, levels)
    return {
        "name": metric,
        "median": round(stats.median, 4),
        "p95": round(stats.p95, 4),
        "samples": [round(sample, 4) for sample in stats.samples],
        **levels.as_dict(),
        "verdict": judged,
        "passed": judged not in FAILING,
        "higher_is_better": levels.higher_is_better,
        "spread_pct": round(stats.spread_pct, 1),
        "unreliable": unreliable(stats, levels),
        "runs": runs,
        "cpu": cpu,
        "calibrated": calibrated,
        # A rate, count or size (max_memory_mb, error_rate) is no CPU model's figure.
        "cpu_label": (
            figure_label(cpu, scaled=scaled, calibrated=calibrated)
            if metric.endswith("_ms")
            else "-"
        ),
    }


def measurement_entry(measurement: Measurement) -> dict[str, Any]:
    """What explains the figures: phases of the cold start, slowest imports, notes."""
    phases = {}
    for name in measurement.phases:
        stats = measurement.stats(name)
        if stats is not None:
            phases[name] = round(stats.median, 4)
    cold = measurement.stats("cold_start_ms")
    return {
        "handler": measurement.handler,
        "runs": measurement.runs,
        "cold_start_ms": round(cold.median, 4) if cold else None,
        "import_ms": _median(measurement, "import_ms"),
        "first_invoke_ms": _median(measurement, "first_invoke_ms"),
        "phases": phases,
        "slowest_imports": measurement.slowest_imports,
        "import_chains": measurement.import_chains,
        "import_tree": measurement.import_tree,
        "notes": measurement.notes,
        "warm_phases": {
            name: round(statistics.median(values), 4)
            for name, values in measurement.warm_phases.items()
            if values
        },
        "cpu": measurement.cpu,
        "cpu_kind": measurement.cpu_kind,
        "scaled": measurement.scaled,
        "runtime_init_ms": measurement.runtime_init_ms,
        "calibration": measurement.calibration,
        "emf_metrics": measurement.emf_metrics,
        "memory_limit": measurement.memory_limit,
        "python": measurement.python,
        "function_from": measurement.origin or None,
    }


def _median(measurement: Measurement, name: str) -> float | None:
    stats = measurement.stats(name)
    return round(stats.median, 4) if stats else None


def largest_phase(phases: dict[str, float]) -> tuple[str, float] | None:
    """The app phase that costs most, leaving out totals (which sum the others)."""
    candidates = [(name, value) for name, value in phases.items() if "total" not in name]
    return max(candidates, key=lambda pair: pair[1]) if candidates else None


def failure_message(entry: dict[str, Any], measurement: Measurement) -> str:
    """``cache_warm_ms: median 502 is over (levels ≤- / ≤20 / ≤-), p95 510, 5 runs`` + why."""
    levels = Levels(
        entry["target"], entry["acceptable"], entry["critical"], entry["higher_is_better"]
    )
    bound = entry["critical"] if entry["verdict"] == "critical" else entry["acceptable"]
    word = "below" if entry["higher_is_better"] else "over"
    lines = [
        f"{entry['name']}: median {format_value(entry['median'])} is {entry['verdict'].upper()} — "
        f"{word} {'critical' if entry['verdict'] == 'critical' else 'acceptable'} {format_value(bound)} "
        f"(levels {describe_levels(levels)}; p95 {format_value(entry['p95'])}, {count(entry['runs'], 'run')}, "
        f"spread {entry['spread_pct']:.0f} %{', unreliable' if entry['unreliable'] else ''})"
    ]
    summary = measurement_entry(measurement)
    if (
        entry["name"] in ("cold_start_ms", "first_invoke_ms", "import_ms")
        or entry["name"] in summary["phases"]
    ):
        biggest = largest_phase(summary["phases"])
        cold = summary["cold_start_ms"]
        if biggest is not None and cold:
            lines.append(
                f"  largest cold-start phase: {biggest[0]} {format_value(biggest[1])} ms "
                f"({biggest[1] / cold * 100:.0f} % of the {format_value(cold)} ms cold start)"
            )
    if entry["name"] == "error_rate" and measurement.failure_evidence:
        lines.append(measurement.failure_evidence)
    return "\n".join(lines)
