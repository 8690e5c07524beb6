"""``phase_patterns``: phases from plain log lines, named, budgeted and pictured like METRIC phases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import MappingProxyType

import pytest
from budgets_project import budgets_project

from pytest_lee.budgets.measure import measure
from pytest_lee.budgets.phases import line_phases, phase_name, split_phases
from pytest_lee.settings import BudgetSettings, FunctionSettings, Settings

# The example pattern docs/budgets.md gives for the real engine's [TIMING] lines.
TIMING = r"\[TIMING\] (?P<name>.+?): \+?(?P<value>\d+(?:\.\d+)?) ?ms$"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Gateway imports complete", "gateway_imports_complete_ms"),
        ("Mode selection (normal)", "mode_selection_normal_ms"),
        ("HA-SUGA loaded", "ha_suga_loaded_ms"),
        ("config_load", "config_load_ms"),
        ("cache_warm_ms", "cache_warm_ms"),
        ("cacheWarm", "cache_warm_ms"),
        ("import", "app.import_ms"),  # a harness metric's name is kept apart, as for METRIC lines
        ("  ", "phase_ms"),
    ],
)
def test_phase_names_are_snake_case_with_ms(raw, expected):
    assert phase_name(raw) == expected


def test_the_real_engine_timing_lines_become_phases_and_the_others_are_ignored():
    lines = [
        "[TIMING] Starting gateway imports at module level...",
        "[TIMING] Gateway imports complete: 12.34ms",
        "[TIMING] HA-SUGA loaded: 45.10ms",
        "[TIMING] HA-SUGA import failed after 12.00ms: No module named 'x'",
        "2024-01-01T00:00:00Z\tabc\tINFO\t[TIMING] Mode selection (normal): +0.05ms",
        "[TIMING] *** TOTAL HANDLER TIME: 3.00ms ***",
        "[TIMING] Memory: 128MB",
        "[TIMING] nan: NaNms",
    ]
    assert line_phases(lines, [TIMING]) == [
        ("gateway_imports_complete_ms", 12.34),
        ("ha_suga_loaded_ms", 45.1),
        ("mode_selection_normal_ms", 0.05),
    ]
    assert line_phases(lines, []) == []


def test_the_cold_start_sums_its_lines_and_each_warm_line_is_a_sample():
    lines = [
        "[TIMING] load: 2ms",
        "[TIMING] load: 3ms",
        "[TIMING] load: 1ms",
        "[TIMING] load: 1.5ms",
    ]
    assert split_phases(lines, 2, [TIMING]) == ({"load_ms": 5.0}, {"load_ms": [1.0, 1.5]})
    assert split_phases(lines, None, [TIMING]) == ({"load_ms": 7.5}, {})


APP = """
import os

def handler(event, context):
    print("[TIMING] Mode selection (normal): +0.05ms")
    print("[TIMING] config_load: 12.5ms")
    return {"statusCode": 200}
"""

BUDGETS = r"""
runs = 2
phase_patterns = ['\[TIMING\] (?P<name>.+?): \+?(?P<value>\d+(?:\.\d+)?) ?ms$']
phases = { config_load_ms = { target = 10, acceptable = 20 } }
"""


def test_a_handler_printing_timing_lines_has_those_phases_budgeted_and_pictured(pytester):
    budgets_project(pytester, APP, BUDGETS)
    result = pytester.runpytest_inprocess(
        "--lee-budgets", "--lee-cpu", "host", "-k", "budget", "--lee-json", "out.json"
    )
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "out.json").read_text())
    (entry,) = report["budgets"]
    assert (entry["name"], entry["median"], entry["verdict"]) == (
        "config_load_ms",
        12.5,
        "acceptable",
    )
    (detail,) = report["budget_measurement"]
    assert detail["phases"] == {"mode_selection_normal_ms": 0.05, "config_load_ms": 12.5}
    assert detail["warm_phases"]["config_load_ms"] == 12.5
    assert (entry["cpu"], entry["cpu_label"], detail["cpu"]) == ("host", "host", "host")
    result.stdout.fnmatch_lines(
        [
            "config_load_ms *12.5 *12.5 *≤10 / ≤20 / - *host *~ acceptable",
            "*ran under: cpu host; memory limit 128 MB (*",
            "*phases the app reported*",
            "*config_load_ms *12.5*",
            "*warm requests, same phases (median ms): *config_load_ms 12.5",
        ]
    )


SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL_ENGINE = SHARED / "realworld" / "engine" / "snapshot-fa7e120" / "src"


@pytest.mark.realworld
def test_the_real_engine_timing_lines_are_phases_with_the_documented_pattern(tmp_path):
    code = tmp_path / "task"
    shutil.copytree(REAL_ENGINE, code, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    settings = Settings(
        rootdir=tmp_path,
        handler="lambda_function.lambda_handler",
        function=FunctionSettings(
            name="LEE",
            timeout_s=60,
            environment=MappingProxyType({"DEBUG_MODE": "true", "HOME_ASSISTANT_ENABLE": "true"}),
        ),
        budgets=BudgetSettings(phase_patterns=(TIMING,)),
    )
    measured = measure(settings, runs=1, code_dir=code, events=[{"test": "true"}])
    assert {"gateway_imports_complete_ms", "ha_suga_loaded_ms", "mode_selection_normal_ms"} <= set(
        measured.phases
    )
    assert "mode_selection_normal_ms" in measured.warm_phases


def test_an_unthrottled_lambda_model_is_named_in_the_table_and_explained_below_it():
    from pytest_lee.budgets.render import render_budget_summary
    from pytest_lee.findings import SessionReport
    from pytest_lee.settings import Levels

    report = SessionReport()
    why = "unthrottled (cgroup v1 cpu: not writable by this user; systemd-run --user --scope: not installed)"
    report.add(
        "budgets",
        {
            "name": "cold_start_ms",
            "median": 90.0,
            "p95": 95.0,
            "samples": [90.0],
            **Levels(320, 500, 1000).as_dict(),
            "verdict": "target",
            "runs": 1,
            "cpu": why,
        },
    )
    settings = Settings(rootdir=Path("."), budgets=BudgetSettings())
    lines = render_budget_summary(report, settings)
    assert lines[1].split()[-3:] == ["unthrottled", "✓", "target"]
    assert f"cpu: lambda asked for, {why}" in lines
