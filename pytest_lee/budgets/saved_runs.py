"""Saved runs: ``--lee-save NAME`` and ``--lee-compare NAME`` [``--lee-compare-fail PCT``].

A saved run is ``.lee/baselines/NAME.json`` (the directory keeps its public name; *baseline*
in this project means ``--lee-baseline``, the deploy groups' git ref) under the rootdir (meant to be committed),
written atomically: ``{"metrics": {"cold_start_ms": {"median": 320.1, "p95": 340.2,
"higher_is_better": false}, ...}, "recorded": {"machine": ..., "python": "3.12.1",
"commit": "fa7e120", "date": "2026-11-29T14:30:00+00:00"}}`` — where and when, so a trend
over several saved runs (the HTML report's) reads right. A comparison shows each metric's median change,
``cold_start_ms 320 → 285 (−11 %)``; a regression is a change in the worse direction
(up for lower-is-better, down for higher-is-better), and with ``--lee-compare-fail PCT``
a budget item whose metric regressed by more than PCT percent fails.

Like with like: each saved metric records what its figure was (``cpu``: ``host``,
``lambda`` or ``lambda-throttled``; a file from before the key is ``host``). A host wall
time and a modelled Lambda time are different quantities, so :func:`unlike` refuses the
comparison with one line instead of reporting a "regression" of 1,300 %.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pytest_lee._atomic import write_atomic
from pytest_lee.budgets.stats import format_value
from pytest_lee.errors import LeeConfigError
from pytest_lee.options import saved_run_file
from pytest_lee.settings import Settings


def save_run(settings: Settings, name: str, entries: Iterable[dict[str, Any]]) -> Path:
    path = saved_run_file(settings.rootdir, name)
    metrics = {
        entry["name"]: {
            "median": entry["median"],
            "p95": entry["p95"],
            "higher_is_better": entry.get("higher_is_better", False),
            "cpu": entry.get("cpu", "host"),
        }
        for entry in entries
    }
    document = {"metrics": dict(sorted(metrics.items())), "recorded": recorded(settings.rootdir)}
    write_atomic(path, json.dumps(document, indent=2) + "\n")
    return path


def recorded(rootdir: Path) -> dict[str, Any]:
    """Where and when a saved run was measured: machine, Python, commit (None outside git), date."""
    import datetime
    import os
    import platform
    import subprocess

    try:
        # git rev-parse for the saved run's commit: no user code, so not through the sandbox.
        commit: str | None = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=rootdir,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {
        "machine": f"{platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs)",
        "python": platform.python_version(),
        "commit": commit or None,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def load_saved_run(settings: Settings, name: str) -> dict[str, dict[str, Any]]:
    path = saved_run_file(settings.rootdir, name)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LeeConfigError(
            f"--lee-compare {name}: no saved run {path} (save one with --lee-save {name})"
        ) from None
    except (OSError, ValueError) as error:
        raise LeeConfigError(f"{path}: not a readable saved run: {error}") from None
    metrics = document.get("metrics") if isinstance(document, dict) else None
    if not isinstance(metrics, dict):
        raise LeeConfigError(f"{path}: not a saved run (expected a 'metrics' table)")
    for metric, figures in metrics.items():  # committed files get hand-edited and merged
        median = figures.get("median") if isinstance(figures, dict) else None
        if not isinstance(median, (int, float)) or isinstance(median, bool):
            raise LeeConfigError(
                f"{path}: metrics.{metric}: expected a table with a numeric 'median', got {figures!r}"
            )
    return metrics


def change_pct(current: float, previous: float) -> float | None:
    if previous == 0:
        return None
    return (current - previous) / abs(previous) * 100


def regression_pct(current: float, previous: float, higher_is_better: bool) -> float:
    """How much worse, in percent of the saved run (negative: better)."""
    change = change_pct(current, previous)
    if change is None:
        return 0.0
    return -change if higher_is_better else change


def describe_change(name: str, current: float, previous: float) -> str:
    """``cold_start_ms 320 → 285 (−11 %)``."""
    change = change_pct(current, previous)
    if change is None:
        shown = "n/a"
    else:
        rounded = round(change)
        shown = ("+" if rounded > 0 else "−" if rounded < 0 else "±") + f"{abs(rounded)} %"
    return f"{name} {format_value(previous)} → {format_value(current)} ({shown})"


FIGURE_KINDS = {
    "host": "host wall times",
    "lambda": "modelled Lambda times",
    "lambda-throttled": "throttled wall times",
}


def unlike(name: str, saved: dict[str, Any], current_cpu: str) -> str | None:
    """One line refusing to compare figures of two kinds, or None when they match."""
    before = str(saved.get("cpu", "host"))
    if before == current_cpu:
        return None
    return (
        f"--lee-compare {name}: the saved run holds {FIGURE_KINDS.get(before, before)} "
        f"(cpu = {before!r}), this run {FIGURE_KINDS.get(current_cpu, current_cpu)} "
        f"(cpu = {current_cpu!r}): not compared (save a run under the same --lee-cpu)"
    )
