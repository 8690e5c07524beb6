"""The lee_cold_start fixture and the lee_budget marker, from hand-written tests."""

from __future__ import annotations

import pytest
from budgets_project import budgets_project

BUDGETS = """\
runs = 1
cold_start_ms = { acceptable = 60000 }
phases = { setup_ms = { target = 20, acceptable = 50, critical = 100 } }
"""
APP = """
import json, os
def handler(event, context):
    print(json.dumps({"level": "METRIC", "metrics": {"setup_ms": float(os.environ.get("SETUP_MS", "70"))}}))
    return {"statusCode": 200, "body": json.dumps(event)}
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    return budgets_project(pytester, APP, BUDGETS)


def test_the_fixture_measures_and_the_marker_overrides_levels_for_one_test(project):
    project.makepyfile(
        test_cold="""
        import pytest

        def test_default_levels_fail(lee_cold_start):
            result = lee_cold_start(runs=2, event={"n": 1})
            assert result.median("setup_ms") == 70
            assert result["setup_ms"].samples == (70.0, 70.0)
            assert result.verdict("setup_ms") == "over"
            assert "cold_start_ms" in result and result["cold_start_ms"].median > 0
            result.check()

        @pytest.mark.lee_budget(setup_ms=80)
        def test_a_number_sets_acceptable(lee_cold_start):
            result = lee_cold_start(runs=1)
            assert result.verdict("setup_ms") == "acceptable"
            result.check()

        @pytest.mark.lee_budget(setup_ms={"target": 75})
        def test_a_dict_sets_the_levels(lee_cold_start):
            assert lee_cold_start(runs=1).verdict("setup_ms") == "target"

        def test_another_handler_and_environment(lee_cold_start):
            result = lee_cold_start("app.handler", "src", environment={"SETUP_MS": "10"}, runs=1)
            assert result.verdict("setup_ms") == "target"
    """
    )
    result = project.runpytest_inprocess("test_cold.py", "-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_default_levels_fail*",
            "setup_ms: median 70 is OVER — over acceptable 50 (levels ≤20 / ≤50 / ≤100; p95 70, 2 runs, spread 0 %)",
        ]
    )


def test_a_marker_with_an_unknown_metric_fails_the_test_with_one_line(project):
    project.makepyfile(
        test_cold="""
        import pytest

        @pytest.mark.lee_budget(setup=80)
        def test_typo(lee_cold_start):
            pass
    """
    )
    # -rN: no short summary, whose length depends on the terminal and on $CI.
    result = project.runpytest_inprocess("test_cold.py", "-rN")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["lee_budget on test_cold.py::test_typo: unknown metric 'setup' (known: *)"]
    )
    assert (
        result.stdout.str().count("unknown metric 'setup'") == 1
    )  # not repeated under "During handling"
    assert "During handling" not in result.stdout.str()


def test_a_run_count_below_one_fails_the_test_with_one_line(project):
    project.makepyfile(
        test_cold="""
        import pytest

        @pytest.mark.parametrize("runs", [0, -1, 2.5])
        def test_runs(lee_cold_start, runs):
            lee_cold_start(runs=runs)
    """
    )
    result = project.runpytest_inprocess("test_cold.py")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines_random(
        [
            f"lee_cold_start: runs: expected a whole number >= 1, got {runs}"
            for runs in ("0", "-1", "2.5")
        ]
    )


def test_a_handler_that_does_not_import_fails_the_test_with_the_cause(project):
    project.makepyfile(
        test_cold="""
        def test_missing(lee_cold_start):
            lee_cold_start("nothere.handler")
    """
    )
    result = project.runpytest_inprocess("test_cold.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["nothere.handler: ModuleNotFoundError: No module named 'nothere' (nothing logged)"]
    )
    assert "During handling" not in result.stdout.str()
