"""Baselines, EMF, JUnit properties, the phase breakdown and xdist, run as users run them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest
from budgets_project import budgets_project

BUDGETS = """\
runs = 2
phases = { load_ms = { target = 100, acceptable = 200, critical = 400 }, hit_ratio = { target = 0.9, acceptable = 0.8 } }
"""
# The handler reports what the test wrote to VALUE_FILE, so a test can make it regress.
APP = """
import json, os
with open(os.environ["COUNT_FILE"], "a") as stream:
    stream.write("import\\n")
with open(os.environ["VALUE_FILE"]) as stream:
    LOAD_MS, HIT_RATIO = json.load(stream)
FIRST = [True]

def handler(event, context):
    if FIRST:
        FIRST.clear()
        print(json.dumps({"level": "METRIC", "metrics": {"warmup_ms": 5.0, "stall_ms": 40.0}}))
    print(json.dumps({"level": "METRIC", "metrics": {"load_ms": LOAD_MS, "hit_ratio": HIT_RATIO}}))
    return {"statusCode": 200}
"""


def make_project(
    pytester: pytest.Pytester, load_ms: float = 100.0, hit_ratio: float = 0.9
) -> pytest.Pytester:
    budgets_project(
        pytester,
        APP,
        BUDGETS,
        environment={
            "COUNT_FILE": pytester.path / "imports.log",
            "VALUE_FILE": pytester.path / "values.json",
        },
    )
    set_values(pytester, load_ms, hit_ratio)
    return pytester


def set_values(pytester: pytest.Pytester, load_ms: float, hit_ratio: float) -> None:
    (pytester.path / "values.json").write_text(json.dumps([load_ms, hit_ratio]))


def test_save_then_compare_prints_the_change_per_metric(pytester):
    make_project(pytester, load_ms=100.0, hit_ratio=0.9)
    saved = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget", "--lee-save", "main")
    saved.assert_outcomes(passed=2)
    baseline = json.loads((pytester.path / ".lee" / "baselines" / "main.json").read_text())
    assert baseline["metrics"]["load_ms"]["median"] == 100.0
    set_values(pytester, load_ms=89.0, hit_ratio=0.95)
    compared = pytester.runpytest_inprocess(
        "--lee-budgets", "-k", "budget", "--lee-compare", "main"
    )
    compared.assert_outcomes(passed=2)
    compared.stdout.fnmatch_lines(
        [
            "compared with baseline 'main':",
            "  load_ms 100 → 89 (−11 %)",
            "  hit_ratio 0.9 → 0.95 (+6 %)",
        ]
    )


def test_compare_and_save_under_one_name_compare_with_the_old_baseline_then_replace_it(pytester):
    make_project(pytester, load_ms=100.0, hit_ratio=0.9)
    pytester.runpytest_inprocess(
        "--lee-budgets", "-k", "budget", "--lee-save", "main"
    ).assert_outcomes(passed=2)
    set_values(pytester, load_ms=89.0, hit_ratio=0.95)
    result = pytester.runpytest_inprocess(
        "--lee-budgets", "-k", "budget", "--lee-compare", "main", "--lee-save", "main"
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "compared with baseline 'main':",
            "  load_ms 100 → 89 (−11 %)",
            "  hit_ratio 0.9 → 0.95 (+6 %)",
        ]
    )
    baseline = json.loads((pytester.path / ".lee" / "baselines" / "main.json").read_text())
    assert baseline["metrics"]["load_ms"]["median"] == 89.0


def test_compare_fail_fails_a_regression_beyond_the_percentage_only(pytester):
    make_project(pytester, load_ms=100.0, hit_ratio=0.9)
    pytester.runpytest_inprocess(
        "--lee-budgets", "-k", "budget", "--lee-save", "main"
    ).assert_outcomes(passed=2)
    set_values(pytester, load_ms=125.0, hit_ratio=0.85)  # +25 % slower, hit ratio 5.6 % worse
    result = pytester.runpytest_inprocess(
        "--lee-budgets", "-k", "budget", "--lee-compare", "main", "--lee-compare-fail", "10"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "load_ms regressed 25 % against baseline 'main' (100 → 125), "
            "beyond --lee-compare-fail 10 %"
        ]
    )
    lenient = pytester.runpytest_inprocess(
        "--lee-budgets", "-k", "budget", "--lee-compare", "main", "--lee-compare-fail", "30"
    )
    lenient.assert_outcomes(passed=2)


def test_compare_with_a_missing_baseline_says_how_to_make_one(pytester):
    make_project(pytester)
    result = pytester.runpytest_inprocess(
        "--lee-budgets", "-k", "budget", "--lee-compare", "nope", "--lee-compare-fail", "5"
    )
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["*--lee-compare nope: no baseline *nope.json (save one with --lee-save nope)"]
    )


@pytest.mark.parametrize(
    ("args", "cause"),
    [
        (
            ("--lee-save", "../main"),
            "--lee-save '../main': expected a name of letters, digits, '.', '_' or '-'",
        ),
        (
            ("--lee-compare", "a/b"),
            "--lee-compare 'a/b': expected a name of letters, digits, '.', '_' or '-'",
        ),
        (
            ("--lee-compare-fail", "10"),
            "--lee-compare-fail 10: needs --lee-compare NAME, the saved baseline to compare with",
        ),
        (
            ("--lee-emf", "src"),
            "--lee-emf */src: is a directory; expected the path of a file to write",
        ),
    ],
    ids=["save-path", "compare-path", "compare-fail-alone", "emf-directory"],
)
def test_output_flags_that_cannot_work_are_usage_errors_before_measuring(pytester, args, cause):
    make_project(pytester)
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {cause}"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert not (pytester.path / "imports.log").exists()  # nothing measured
    assert not (pytester.path / ".lee").exists()


def test_emf_json_and_junit_carry_the_same_figures(pytester):
    make_project(pytester, load_ms=150.0)
    result = pytester.runpytest_inprocess(
        "--lee-budgets",
        "-k",
        "budget",
        "--lee-emf",
        "out.emf",
        "--lee-json",
        "out.json",
        "--junitxml",
        "out.xml",
    )
    result.assert_outcomes(passed=2)
    emf = [json.loads(line) for line in (pytester.path / "out.emf").read_text().splitlines()]
    load = next(document for document in emf if "load_ms" in document)
    assert load["load_ms"] == 150.0 and load["FunctionName"] == "probe"
    assert load["_aws"]["CloudWatchMetrics"][0]["Metrics"][0] == {
        "Name": "load_ms",
        "Unit": "Milliseconds",
    }
    entries = json.loads((pytester.path / "out.json").read_text())["budgets"]
    assert [(entry["name"], entry["median"], entry["verdict"]) for entry in entries] == [
        ("load_ms", 150.0, "acceptable"),
        ("hit_ratio", 0.9, "target"),
    ]
    properties = {
        prop.get("name"): prop.get("value")
        for prop in ElementTree.parse(pytester.path / "out.xml").iter("property")
    }
    assert properties["lee.load_ms.median"] == "150.0"
    assert properties["lee.load_ms.verdict"] == "acceptable"
    assert properties["lee.hit_ratio.target"] == "0.9"


def test_the_breakdown_points_at_the_largest_cold_start_phase(pytester):
    make_project(pytester)
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget")
    result.stdout.fnmatch_lines(
        [
            "cold start * ms (median of 2 runs) = import * ms + first invocation * ms",
            "  phases the app reported (median ms, share of the cold start):",
            "    warmup_ms * 5 *",
            "    stall_ms * 40 *◀ largest",
            "  slowest imports (own ms, -X importtime):",
        ]
    )


def test_under_xdist_budgets_are_measured_once_and_reported_once(pytester):
    make_project(pytester)
    (pytester.path / "test_other.py").write_text(
        "def test_a():\n    pass\n\ndef test_b():\n    pass\n"
    )
    result = pytester.runpytest_subprocess(
        "-n",
        "2",
        "--lee-budgets",
        "-k",
        "budget or test_",
        "--lee-json",
        "out.json",
        "-p",
        "no:randomly",
    )
    result.assert_outcomes(passed=4)
    # one importtime run + 2 timed runs, whichever worker measured
    assert (pytester.path / "imports.log").read_text().count("import") == 3
    entries = json.loads((pytester.path / "out.json").read_text())["budgets"]
    assert sorted(entry["name"] for entry in entries) == ["hit_ratio", "load_ms"]
    assert result.stdout.str().count("= lee budgets =") == 1
    # The workers' shared lock and result live in the run's basetemp, which pytest cleans up,
    # not in a directory of the system temp dir that nothing removes.
    shared = sorted(path.name for path in pytester.path.glob("runpytest-[0-9]*/lee-budgets/*"))
    assert shared == ["budgets.json", "measure.lock"]


def test_a_failed_comparison_is_failed_in_the_terminal_json_junit_and_html(pytester):
    """One verdict per item: --lee-compare-fail fails load_ms although its level says
    acceptable, and every output says failed (the HTML report and --lee-json said
    "acceptable")."""
    make_project(pytester, load_ms=100.0, hit_ratio=0.9)
    pytester.runpytest_inprocess(
        "--lee-budgets", "-k", "budget", "--lee-save", "main"
    ).assert_outcomes(passed=2)
    set_values(pytester, load_ms=125.0, hit_ratio=0.9)
    result = pytester.runpytest_inprocess(
        *("--lee-budgets", "-k", "budget", "--lee-compare", "main", "--lee-compare-fail", "10"),
        *("--lee-json", "out.json", "--lee-html", "out.html", "--junitxml", "junit.xml"),
    )
    result.assert_outcomes(passed=1, failed=1)
    budgets = {
        b["name"]: b for b in json.loads((pytester.path / "out.json").read_text())["budgets"]
    }
    assert (budgets["load_ms"]["passed"], budgets["hit_ratio"]["passed"]) == (False, True)
    assert budgets["load_ms"]["verdict"] in ("target", "acceptable")  # the level alone passes
    cases = {
        case.get("name"): case.find("failure") is not None
        for case in ElementTree.parse(pytester.path / "junit.xml").iter("testcase")
    }
    assert cases == {"budget[load_ms]": True, "budget[hit_ratio]": False}
    result.stdout.fnmatch_lines(["load_ms * ✗ regressed (* level)"])
    html = (pytester.path / "out.html").read_text()
    assert "✗ Budgets failed" in html and ">regressed</span>" in html
