"""`pytest --lee-budgets` as users run it, on handlers whose behaviour is deterministic.

No test here asserts a duration: verdicts are driven by metric lines the handlers print.
"""

from __future__ import annotations

import json

import pytest
from budgets_project import budgets_project

# One phase per verdict, in both directions; the handler reports the value after the name.
LEVELS = """\
phases = { t_low = { target = 20, acceptable = 50, critical = 100 }, a_low = { target = 20, acceptable = 50, critical = 100 }, o_low = { target = 20, acceptable = 50, critical = 100 }, c_low = { target = 20, acceptable = 50, critical = 100 }, t_hi = { target = 0.9, acceptable = 0.8, critical = 0.5 }, a_hi = { target = 0.9, acceptable = 0.8, critical = 0.5 }, o_hi = { target = 0.9, acceptable = 0.8, critical = 0.5 }, c_hi = { target = 0.9, acceptable = 0.8, critical = 0.5 } }
"""
VALUES = {
    "t_low": 10,
    "a_low": 30,
    "o_low": 70,
    "c_low": 200,
    "t_hi": 0.95,
    "a_hi": 0.85,
    "o_hi": 0.6,
    "c_hi": 0.2,
}

METRIC_APP = """
import json, os
with open(os.environ["COUNT_FILE"], "a") as stream:
    stream.write("import\\n")

def handler(event, context):
    print(json.dumps({"level": "METRIC", "metrics": %r}))
    return {"statusCode": 200}
""" % (VALUES,)

EMF_APP = """
import json
UNITS = {"t_low": "Milliseconds", "a_low": "Milliseconds", "o_low": "Milliseconds", "c_low": "Milliseconds"}
VALUES = %r

def handler(event, context):
    metrics = [{"Name": name, "Unit": UNITS.get(name, "Percent")} for name in VALUES]
    print(json.dumps({"_aws": {"Timestamp": 0, "CloudWatchMetrics": [
        {"Namespace": "probe", "Dimensions": [["Service"]], "Metrics": metrics}]},
        "Service": "probe", **VALUES}))
    return {"statusCode": 200}
""" % (VALUES,)


def make_project(
    pytester: pytest.Pytester, app: str, budgets: str = LEVELS, *, timeout: float = 10
) -> pytest.Pytester:
    return budgets_project(
        pytester,
        app,
        "runs = 2\n" + budgets,
        timeout=timeout,
        environment={"COUNT_FILE": pytester.path / "imports.log"},
    )


def test_budgets_are_skipped_without_the_flag(pytester):
    make_project(pytester, METRIC_APP)
    result = pytester.runpytest_inprocess("-k", "budget", "-rs")
    result.assert_outcomes(skipped=8)
    result.stdout.fnmatch_lines(["SKIPPED [[]8[]] pyproject.toml*budgets run with --lee-budgets"])
    assert not (pytester.path / "imports.log").exists()


@pytest.mark.parametrize("app", [METRIC_APP, EMF_APP], ids=["metric-lines", "emf-lines"])
def test_each_verdict_in_both_directions_from_app_reported_phases(pytester, app):
    make_project(pytester, app)
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget", "--lee-json", "out.json")
    result.assert_outcomes(passed=4, failed=4)
    result.stdout.fnmatch_lines_random(
        [
            "t_low *10 *10 *≤20 / ≤50 / ≤100 *✓ target",
            "a_low *30 *30 *≤20 / ≤50 / ≤100 *~ acceptable",
            "o_low *70 *70 *≤20 / ≤50 / ≤100 *✗ over",
            "c_low *200 *200 *≤20 / ≤50 / ≤100 *‼ critical",
            "t_hi *0.95 *0.95 *≥0.9 / ≥0.8 / ≥0.5 *✓ target",
            "a_hi *0.85 *0.85 *≥0.9 / ≥0.8 / ≥0.5 *~ acceptable",
            "o_hi *0.6 *0.6 *≥0.9 / ≥0.8 / ≥0.5 *✗ over",
            "c_hi *0.2 *0.2 *≥0.9 / ≥0.8 / ≥0.5 *‼ critical",
            # The failure sections, not the short summary: pytest 8 gives an item's own
            # failure no message there, pytest 9 the first line (cut to the terminal's width).
            "FAILED pyproject.toml::budget[[]o_hi[]]*",
            "*o_hi: median 0.6 is OVER — below acceptable 0.8 *",
            "*c_low: median 200 is CRITICAL — over critical 100 *",
        ]
    )
    entries = {
        entry["name"]: entry
        for entry in json.loads((pytester.path / "out.json").read_text())["budgets"]
    }
    assert {name: entry["verdict"] for name, entry in entries.items()} == {
        "t_low": "target",
        "a_low": "acceptable",
        "o_low": "over",
        "c_low": "critical",
        "t_hi": "target",
        "a_hi": "acceptable",
        "o_hi": "over",
        "c_hi": "critical",
    }
    assert set(entries["c_low"]) >= {
        "name",
        "median",
        "p95",
        "samples",
        "target",
        "acceptable",
        "critical",
        "verdict",
    }
    assert entries["c_low"]["samples"] == [200.0, 200.0]
    assert (
        entries["c_low"]["target"],
        entries["c_low"]["acceptable"],
        entries["c_low"]["critical"],
    ) == (20, 50, 100)


COUNTER_BUDGETS = """\
event = { n = 1 }
cache_hit_rate = { target = 0.9, acceptable = 0.8, critical = 0.5 }
phases = { cache_misses = { acceptable = 100 }, cache_hits = { acceptable = 100 } }
"""
# The cold start warms the cache (3 misses); then every 5th warm request misses: 16 hits, 4 misses.
CUMULATIVE_APP = """
import json
STATS = {"cache_hits": 0, "cache_misses": 0}
REQUESTS = [0]

def handler(event, context):
    REQUESTS[0] += 1
    if REQUESTS[0] == 1:
        STATS["cache_misses"] += 3
    elif (REQUESTS[0] - 1) % 5 == 0:
        STATS["cache_misses"] += 1
    else:
        STATS["cache_hits"] += 1
    print(json.dumps({"level": "METRIC", "metrics": dict(STATS)}))
    return {"statusCode": 200}
"""
PER_REQUEST_APP = """
import json
REQUESTS = [0]

def handler(event, context):
    REQUESTS[0] += 1
    hits, misses = 0, 0
    if REQUESTS[0] == 1:
        misses = 3
    elif (REQUESTS[0] - 1) % 5 == 0:
        misses = 1
    else:
        hits = 1
    print(json.dumps({"_aws": {"Timestamp": 0, "CloudWatchMetrics": [{"Namespace": "p", "Dimensions": [[]],
        "Metrics": [{"Name": "cache_hits", "Unit": "Count"}, {"Name": "cache_misses", "Unit": "Count"}]}]},
        "cache_hits": hits, "cache_misses": misses}))
    return {"statusCode": 200}
"""


@pytest.mark.parametrize(
    "app", [CUMULATIVE_APP, PER_REQUEST_APP], ids=["cumulative-per-process", "per-request"]
)
def test_both_counter_styles_give_the_same_counts_and_hit_rate(pytester, app):
    make_project(pytester, app, COUNTER_BUDGETS)
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget", "--lee-json", "out.json")
    result.assert_outcomes(passed=3)
    entries = {
        entry["name"]: entry
        for entry in json.loads((pytester.path / "out.json").read_text())["budgets"]
    }
    assert entries["cache_misses"]["samples"] == [7.0, 7.0]
    assert entries["cache_hits"]["samples"] == [16.0, 16.0]
    # over the warm replay: 16 / (16 + 4)
    assert entries["cache_hit_rate"]["samples"] == [0.8, 0.8]
    assert entries["cache_hit_rate"]["verdict"] == "acceptable"


def test_a_module_only_the_dev_venv_has_fails_every_budget(pytester):
    pytest.importorskip("requests")
    make_project(
        pytester,
        "import requests\n\ndef handler(event, context):\n    return 1\n",
        "cold_start_ms = { acceptable = 5000 }\nimport_ms = { acceptable = 5000 }\n",
    )
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["app.handler: ModuleNotFoundError: No module named 'requests' (nothing logged)"]
    )
    assert (pytester.path / "imports.log").exists() is False


CRASH_APP = """
import os, sys
def handler(event, context):
    print("cache backend unreachable", file=sys.stderr, flush=True)
    os.kill(os.getpid(), 9)
"""
HANG_APP = """
import sys, time
def handler(event, context):
    print("waiting for a lock", file=sys.stderr, flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize(
    ("app", "cause", "tail"),
    [
        (CRASH_APP, "exited with signal 9 (invocation 1 of 1)", "cache backend unreachable"),
        (HANG_APP, "timed out after 1 s (invocation 1 of 1)", "waiting for a lock"),
    ],
    ids=["crash", "hang"],
)
def test_a_child_that_crashes_or_hangs_fails_the_items_with_its_stderr_tail(
    pytester, app, cause, tail
):
    make_project(
        pytester,
        app,
        "cold_start_ms = { acceptable = 5000 }\nrequest_ms = { acceptable = 5000 }\n",
        timeout=1,
    )
    # -rN: no short summary, whose length depends on the terminal and on $CI.
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget", "-rN")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [f"app.handler: {cause}", "--- function log (last * lines: stdout, then stderr) ---", tail]
    )
    assert result.stdout.str().count(cause) == 2  # measured once, reported by both items


def test_an_event_file_that_is_not_json_is_named(pytester):
    make_project(
        pytester,
        METRIC_APP.replace("%", "%%"),
        'events = "events/*.json"\ncold_start_ms = { acceptable = 5000 }\n',
    )
    pytester.mkdir("events")
    (pytester.path / "events" / "bad.json").write_text("{not json")
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*events/bad.json: event file is not JSON: *line 1 column 2*"])


def test_a_phase_the_app_never_reports_fails_with_what_it_did_report(pytester):
    make_project(pytester, METRIC_APP, "phases = { cache_warm_ms = { acceptable = 20 } }\n")
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "cache_warm_ms: not reported by the handler app.handler in any of 2 runs "
            "(app metrics reported: t_low, a_low, *)"
        ]
    )


def test_garbage_on_stdout_is_ignored(pytester):
    app = METRIC_APP.replace(
        "print(json.dumps",
        'print("\\x00\\x01{garbage"); print("{\\"level\\": \\"METRIC\\"}"); print(json.dumps',
    )
    make_project(pytester, app, "phases = { t_low = { acceptable = 20 } }\n")
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget")
    result.assert_outcomes(passed=1)


def test_levels_that_neither_ascend_nor_descend_stop_the_run_with_one_line(pytester):
    make_project(
        pytester, METRIC_APP, "request_ms = { target = 100, acceptable = 500, critical = 200 }\n"
    )
    result = pytester.runpytest_inprocess("--lee-budgets")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: *pyproject.toml: tool.lee.budgets.request_ms: levels "
            "(target = 100, acceptable = 500, critical = 200) neither ascend*"
        ]
    )
    assert "Traceback" not in result.stderr.str()


ERRORS_APP = """
def handler(event, context):
    if event["kind"] == "raise":
        raise RuntimeError("cache.get failed")
    return {"statusCode": {"ok": 200, "client": 400, "server": 503}[event["kind"]]}
"""


def test_error_rate_counts_exceptions_and_5xx_but_not_4xx(pytester):
    make_project(
        pytester,
        ERRORS_APP,
        'events = "events/*.json"\nerror_rate = { target = 0, acceptable = 0.01, critical = 0.05 }\n',
    )
    pytester.mkdir("events")
    for index, kind in enumerate(["ok", "raise", "client", "server"]):
        (pytester.path / "events" / f"{index}.json").write_text(json.dumps({"kind": kind}))
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget", "--lee-json", "out.json")
    result.assert_outcomes(failed=1)
    (entry,) = json.loads((pytester.path / "out.json").read_text())["budgets"]
    assert entry["name"] == "error_rate" and entry["verdict"] == "critical"
    # Per run: the cold invocation (event 0, ok) and 5 warm rounds of the 4 events; the raise
    # and the 503 count, the 400 is the client's error: 10 of 21 invocations.
    assert entry["samples"] == [pytest.approx(10 / 21, abs=1e-4)] * 2
    result.stdout.fnmatch_lines(["*error_rate: median 0.476* is CRITICAL*"])
