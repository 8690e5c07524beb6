"""The ``lee budgets`` block of the terminal summary.

A table (metric, median, p95, levels, the CPU model the figure was measured under —
``host``, ``lambda 0.0724 vCPU``, or ``unthrottled`` when Lambda's share was asked for
and could not be applied, the reason on a line below the table — and the verdict with
one of four marks), then the cold start broken down: the harness's import and first invocation, and the app's own phases
with their share of the cold start and the largest one pointed at — so a 535 ms first
``cache_get`` stands out at a glance — then the five slowest imports, the comparison
with a saved baseline (``--lee-compare``) and any notes.
"""

from __future__ import annotations

from typing import Any

from pytest_lee._text import count
from pytest_lee.budgets.imports import advisor_lines
from pytest_lee.budgets.stats import format_value
from pytest_lee.budgets.verdicts import MARKS, describe_levels, largest_phase
from pytest_lee.settings import Levels

LEGEND = "marks: ✓ target  ~ acceptable (passes, above target)  ✗ over  ‼ critical  (? = unreliable: runs straddle a level)"


def render_budget_summary(report: Any, settings: Any) -> list[str]:
    entries = _in_configured_order(report.entries("budgets"), settings)
    lines = _table(entries) if entries else []
    details = report.entries("budget_measurement")
    if details:
        lines.extend(_breakdown(details[0], {entry["name"]: entry for entry in entries}))
    lines.extend(_comparison(entries, settings))
    return lines


def _in_configured_order(entries: list[dict[str, Any]], settings: Any) -> list[dict[str, Any]]:
    """xdist workers report in any order; the table follows ``[tool.lee.budgets]``."""
    from pytest_lee.budgets.marker import configured_levels

    order = {name: index for index, name in enumerate(configured_levels(settings))}
    return sorted(entries, key=lambda entry: order.get(entry["name"], len(order)))


def _table(entries: list[dict[str, Any]]) -> list[str]:
    rows = [
        ("metric", "median", "p95", "levels (target / acceptable / critical)", "cpu", "verdict")
    ]
    for entry in entries:
        levels = Levels(
            entry["target"],
            entry["acceptable"],
            entry["critical"],
            entry.get("higher_is_better", False),
        )
        verdict = f"{MARKS[entry['verdict']]} {entry['verdict']}" + (
            " ?" if entry.get("unreliable") else ""
        )
        if entry.get("passed") is False and entry["verdict"] not in ("over", "critical"):
            # failed on --lee-compare-fail: a regression, or a comparison refused (another
            # kind of figure, no such baseline), which is not a regression
            why = "not compared" if (entry.get("baseline") or {}).get("error") else "regressed"
            verdict = f"{MARKS['over']} {why} ({entry['verdict']} level)"
        rows.append(
            (
                entry["name"],
                format_value(entry["median"]),
                format_value(entry["p95"]),
                describe_levels(levels),
                entry.get("cpu_label") or cpu_label(entry.get("cpu", "host")),
                verdict,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(6)]
    lines = []
    for row in rows:
        cells = [
            row[0].ljust(widths[0]),
            row[1].rjust(widths[1]),
            row[2].rjust(widths[2]),
            row[3].ljust(widths[3]),
            row[4].ljust(widths[4]),
            row[5],
        ]
        lines.append("  ".join(cells).rstrip())
    lines.append(LEGEND)
    unthrottled = sorted(  # saved JSON from before the cpu key named the figure's kind
        {entry["cpu"] for entry in entries if entry.get("cpu", "").startswith("unthrottled")}
    )
    lines.extend(f"cpu: lambda asked for, {model}" for model in unthrottled)
    return lines


def ran_under_line(detail: dict[str, Any]) -> str:
    """``ran under: cpu …; memory limit …; Python …`` and what the figures are."""
    cpu = str(detail.get("cpu") or "")
    kind = detail.get("cpu_kind", "host")
    parts = [f"cpu {cpu}"]
    if cpu.startswith("lambda (modelled") and kind != "lambda":
        parts = [f"cpu {cpu}, but no schedstat here: wall times of this machine, not modelled"]
    elif kind == "lambda":
        parts.append("Lambda time from the child's CPU time and run-queue wait")
    if cpu.startswith("unthrottled"):
        parts = [f"cpu lambda-throttled asked for, {cpu}: wall times of this machine"]
    if detail.get("runtime_init_ms") is not None and kind != "host":
        parts.append(
            f"runtime bootstrap {format_value(detail['runtime_init_ms'])} ms in cold_start_ms"
        )
    parts.append(f"memory limit {detail.get('memory_limit') or '-'}")
    if detail.get("python"):
        parts.append(str(detail["python"]))
    line = "  ran under: " + "; ".join(parts)
    calibration = detail.get("calibration") or {}
    if calibration.get("cold_starts"):
        line += (
            f"\n  calibrated to {count(int(calibration['cold_starts']), 'real cold start')} "
            f"({calibration.get('date', '?')}): init × {calibration.get('init_factor')}, "
            f"invoke × {calibration.get('invoke_factor')}"
        )
    return line


def cpu_label(model: str) -> str:
    """The table's short form: ``lambda 0.0724 vCPU (systemd-run)`` → ``lambda 0.0724 vCPU``."""
    return model.partition(" (")[0]


def _breakdown(detail: dict[str, Any], judged: dict[str, dict[str, Any]]) -> list[str]:
    cold = detail.get("cold_start_ms")
    if not cold:
        return []
    bootstrap = detail.get("runtime_init_ms")
    shown_bootstrap = (
        f"runtime bootstrap {format_value(bootstrap)} ms + "
        if bootstrap is not None and detail.get("cpu_kind", "host") != "host"
        else ""
    )
    lines = [
        f"cold start {format_value(cold)} ms (median of {count(detail['runs'], 'run')}) = "
        f"{shown_bootstrap}import {format_value(detail.get('import_ms'))} ms + first invocation "
        f"{format_value(detail.get('first_invoke_ms'))} ms"
    ]
    if detail.get("cpu"):
        lines.extend(ran_under_line(detail).split("\n"))
    if detail.get("function_from"):
        lines.append(f"  function from {detail['function_from']}")
    phases: dict[str, float] = detail.get("phases") or {}
    if phases:
        biggest = largest_phase(phases)
        width = max(len(name) for name in phases)
        lines.append("  phases the app reported (median ms, share of the cold start):")
        for name, value in phases.items():
            share = value / cold * 100
            cells = [
                f"    {name.ljust(width)}",
                f"{format_value(value):>8}",
                f"{share:5.1f} %",
                _bar(share),
            ]
            if biggest is not None and name == biggest[0]:
                cells.append("◀ largest")
            if name in judged:
                cells.append(f"{MARKS[judged[name]['verdict']]} {judged[name]['verdict']}")
            if "total" in name:
                cells.append("(total)")
            if name in (detail.get("scaled") or ()):
                cells.append("modelled (scaled)")
            lines.append("  ".join(cell for cell in cells if cell))
    warm: dict[str, float] = detail.get("warm_phases") or {}
    if warm:
        lines.append(
            "  warm requests, same phases (median ms): "
            + ", ".join(f"{name} {format_value(value)}" for name, value in warm.items())
        )
    lines.extend(advisor_lines(detail.get("import_chains") or []))
    imports = detail.get("slowest_imports") or []
    if imports:
        lines.append("  slowest imports (own ms, -X importtime):")
        for timing in imports:
            lines.append(
                f"    {timing['module']:<32} {format_value(timing['self_ms']):>8}  "
                f"(cumulative {format_value(timing['cumulative_ms'])}, {timing['phase']})"
            )
    for note in detail.get("notes") or []:
        lines.append(f"  note: {note}")
    return lines


def _bar(share: float) -> str:
    if not share < 100:  # also NaN: no app figure may crash the summary (round(inf) would)
        return "█" * 20
    return "█" * round(share / 5)


def _comparison(entries: list[dict[str, Any]], settings: Any) -> list[str]:
    """From what the items recorded when they ran, never from the file: ``--lee-save`` of
    the same name has replaced it by the time the summary is written."""
    name = settings.options.compare
    if not name or not entries:
        return []
    from pytest_lee.budgets.baselines import describe_change

    baselines = [entry.get("baseline") or {} for entry in entries]
    errors = sorted({baseline["error"] for baseline in baselines if baseline.get("error")})
    if errors:
        return [f"baseline: {errors[0]}"]
    lines = [f"compared with baseline {name!r}:"]
    for entry, baseline in zip(entries, baselines):
        if baseline.get("median") is None:
            lines.append(f"  {entry['name']}: not in the baseline")
        else:
            lines.append("  " + describe_change(entry["name"], entry["median"], baseline["median"]))
    return lines
