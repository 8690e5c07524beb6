"""``--lee-calibrate PATH``: real REPORT lines → ``.lee/calibration.json``, applied by later runs."""

from __future__ import annotations

import json

import pytest
from budgets_project import budgets_project

from pytest_lee.budgets.calibration import (
    Calibration,
    apply_calibration,
    factors,
    load_calibration,
    read_log_lines,
    refusal,
)
from pytest_lee.errors import LeeConfigError

COLD = (
    "REPORT RequestId: 3f1c Duration: 20.50 ms Billed Duration: 21 ms Memory Size: 128 MB "
    "Max Memory Used: 70 MB Init Duration: {init} ms"
)
WARM = (
    "2024-05-01T10:00:00.000Z REPORT RequestId: 9a2b Duration: {duration} ms "
    "Billed Duration: 3 ms Memory Size: 128 MB Max Memory Used: 71 MB"
)
LOGS = [
    "START RequestId: 3f1c Version: $LATEST",
    '{"level": "INFO", "message": "REPORTING for duty"}',  # the app's own line: ignored
    COLD.format(init="300.00"),
    COLD.format(init="340.00"),
    WARM.format(duration="2.00"),
    WARM.format(duration="4.00"),
    WARM.format(duration="3.00"),
    "INIT_REPORT Init Duration: 10000.00 ms Phase: init Status: timeout",
    "REPORT RequestId: cut-off Duration:",  # malformed: skipped and counted
    "REPORT RequestId: 77 Duration: 5.0 ms Memory Size: 128 MB Init Duration: ?? ms",
    '{"time": "2024-05-01T10:00:01Z", "type": "platform.report", "record": {"requestId": "x", '
    '"metrics": {"durationMs": 3.5, "billedDurationMs": 4, "memorySizeMB": 128, '
    '"maxMemoryUsedMB": 70}}}',
    '{"type": "platform.report", "record": {"metrics": {"durationMs": "fast"}}}',
    WARM.format(duration="9.00").replace("128 MB", "512 MB"),
]


def test_report_lines_become_durations_per_memory_size_and_bad_ones_are_counted():
    logs = read_log_lines(LOGS)
    assert logs.init_durations == {128: [300.0, 340.0]}
    assert logs.durations == {128: [2.0, 4.0, 3.0, 3.5], 512: [9.0]}
    assert logs.failed_inits == 1
    assert (logs.malformed, logs.first_malformed) == (3, 9)


def test_factors_rest_on_the_function_memory_size_only():
    logs = read_log_lines(LOGS)
    modelled = dict(
        modelled_init_ms=160.0,
        modelled_request_ms=2.0,
        runtime="python3.12",
        architecture="x86_64",
        model="lambda",
        date="2026-12-07",
    )
    calibration = factors(logs, memory_mb=128, **modelled)
    assert (calibration.init_factor, calibration.invoke_factor) == (2.0, 1.625)
    assert (calibration.cold_starts, calibration.requests) == (2, 4)
    with pytest.raises(LeeConfigError) as refused:
        factors(logs, memory_mb=1024, **modelled)
    message = str(refused.value)
    assert "\n" not in message
    assert "REPORT lines at 128 MB, 512 MB, none at this function's 1024 MB" in message
    assert "3 malformed platform lines skipped, the first at line 9" in message


def test_a_calibration_scales_the_harness_timings_and_keeps_the_cold_start_a_sum():
    saved = Calibration("python3.12", "x86_64", 128, 2.0, 0.5, 10, 100, "2026-12-07", "lambda")
    samples = {
        "import_ms": [100.0],
        "first_invoke_ms": [40.0],
        "cold_start_ms": [230.0],  # 90 ms bootstrap + 100 + 40
        "request_ms": [4.0, 6.0],
        "max_memory_mb": [50.0],
    }
    applied = apply_calibration(samples, saved, bootstrap_ms=90.0)
    assert applied["import_ms"] == [200.0]
    assert applied["first_invoke_ms"] == [20.0]
    assert applied["cold_start_ms"] == [(90.0 + 100.0) * 2.0 + 20.0]
    assert applied["request_ms"] == [2.0, 3.0]
    assert applied["max_memory_mb"] == [50.0]


def test_a_factor_does_not_carry_to_another_memory_size_or_model():
    saved = Calibration("python3.12", "x86_64", 512, 2.0, 0.5, 10, 100, "2026-12-07", "lambda")
    same = dict(runtime="python3.12", architecture="x86_64", model="lambda")
    assert refusal(saved, memory_mb=512, **same) is None
    refused = refusal(saved, memory_mb=128, **same)
    assert refused is not None and "memory_mb 512 there, 128 here" in refused
    assert refusal(saved, memory_mb=512, **{**same, "model": "lambda-throttled"}) is not None


def test_a_hand_edited_calibration_file_is_one_line(tmp_path):
    path = tmp_path / "calibration.json"
    assert load_calibration(path) is None
    path.write_text('{"runtime": "python3.12"}')
    with pytest.raises(LeeConfigError, match=r"missing architecture, memory_mb"):
        load_calibration(path)
    good = Calibration("python3.12", "x86_64", 128, 2.0, 0.5, 10, 100, "2026-12-07", "lambda")
    path.write_text(json.dumps({**good.as_dict(), "init_factor": -1}))
    with pytest.raises(LeeConfigError, match=r"init_factor: expected a positive number"):
        load_calibration(path)


APP = """
def _burn():
    total = 0
    for number in range(100_000):
        total += number * number % 7

_burn()

def handler(event, context):
    _burn()
    return {"statusCode": 200}
"""

BUDGETS = (
    "runs = 2\ncold_start_ms = { acceptable = 1000000 }\nimport_ms = { acceptable = 1000000 }\n"
)


def test_calibration_is_written_then_applied_then_refused_at_another_size(pytester):
    project = budgets_project(pytester, APP, BUDGETS)
    (project.path / "cloudwatch.log").write_text("\n".join(LOGS) + "\n")
    written = pytester.runpytest_inprocess(
        "--lee-budgets",
        "--lee-cpu",
        "lambda",
        "-k",
        "budget",
        "--lee-calibrate",
        "cloudwatch.log",
        "--lee-json",
        "first.json",
    )
    detail = json.loads((project.path / "first.json").read_text())["budget_measurement"][0]
    if detail["cpu_kind"] != "lambda":
        pytest.skip("no schedstat here: nothing modelled to calibrate")
    written.assert_outcomes(passed=2)
    written.stdout.fnmatch_lines(
        [
            "*note: calibration written to *calibration.json: init × * (from 2 real cold starts), "
            "invoke × * (from 4 requests), at 128 MB, python3.12 x86_64",
            "*note: calibration: 1 INIT_REPORT line(s) of inits that failed or timed out were left out",
            "*note: calibration: 3 malformed platform lines skipped, the first at line 9",
        ]
    )
    saved = json.loads((project.path / ".lee" / "calibration.json").read_text())
    assert set(saved) == {
        "runtime",
        "architecture",
        "memory_mb",
        "init_factor",
        "invoke_factor",
        "cold_starts",
        "requests",
        "date",
        "model",
    }
    assert (saved["memory_mb"], saved["cold_starts"], saved["model"]) == (128, 2, "lambda")

    applied = pytester.runpytest_inprocess(
        "--lee-budgets", "--lee-cpu", "lambda", "-k", "budget", "--lee-json", "second.json"
    )
    applied.assert_outcomes(passed=2)
    report = json.loads((project.path / "second.json").read_text())
    assert {entry["calibrated"] for entry in report["budgets"]} == {True}
    assert {entry["cpu_label"] for entry in report["budgets"]} == {"modelled, calibrated"}
    applied.stdout.fnmatch_lines([f"*calibrated to 2 real cold starts ({saved['date']})*"])

    (project.path / ".lee" / "calibration.json").write_text(json.dumps({**saved, "memory_mb": 512}))
    refused = pytester.runpytest_inprocess(
        "--lee-budgets", "--lee-cpu", "lambda", "-k", "budget", "--lee-json", "third.json"
    )
    refused.assert_outcomes(passed=2)
    report = json.loads((project.path / "third.json").read_text())
    assert {entry["calibrated"] for entry in report["budgets"]} == {False}
    refused.stdout.fnmatch_lines(
        ["*note: .lee/calibration.json not applied: memory_mb 512 there, 128 here*"]
    )


def test_calibrating_host_wall_times_is_refused_with_one_line(pytester):
    project = budgets_project(pytester, APP, BUDGETS)
    (project.path / "cloudwatch.log").write_text("\n".join(LOGS) + "\n")
    result = pytester.runpytest_inprocess(
        "--lee-budgets", "--lee-cpu", "host", "-k", "budget", "--lee-calibrate", "cloudwatch.log"
    )
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*--lee-calibrate *cloudwatch.log: the figures are host wall times (host); calibrate a Lambda model (--lee-cpu lambda)*"
        ]
    )
    assert not (project.path / ".lee" / "calibration.json").exists()


def test_a_missing_log_file_is_a_usage_error(pytester):
    budgets_project(pytester, APP, BUDGETS)
    result = pytester.runpytest_inprocess("--lee-budgets", "--lee-calibrate", "nowhere.log")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*--lee-calibrate *nowhere.log: no such file*"])
