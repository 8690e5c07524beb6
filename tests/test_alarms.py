"""``--lee-alarms``: the budgets' acceptable levels as CloudWatch alarms that cfn-lint accepts."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml
from budgets_project import budgets_project

EMF_APP = """
import json

def handler(event, context):
    print(json.dumps({"_aws": {"Timestamp": 0, "CloudWatchMetrics": [{"Namespace": "Orders",
        "Dimensions": [["Service"]], "Metrics": [{"Name": "db_connect_ms", "Unit": "Milliseconds"}]}]},
        "Service": "orders", "db_connect_ms": 12}))
    print(json.dumps({"level": "METRIC", "metrics": {"config_ms": 3}}))
    return {"statusCode": 200}
"""

BUDGETS = """runs = 1
error_rate = { acceptable = 0.01 }
request_ms = { target = 50, acceptable = 200 }
cold_start_ms = { acceptable = 1000 }
phases = { db_connect_ms = { acceptable = 40 }, config_ms = { acceptable = 10 } }
"""


def _alarms(pytester: pytest.Pytester) -> dict:
    budgets_project(pytester, EMF_APP, BUDGETS)
    result = pytester.runpytest_inprocess(
        "--lee-budgets", "-k", "budget", "-p", "no:cacheprovider", "--lee-alarms", "alarms.yaml"
    )
    result.assert_outcomes(passed=5)
    return yaml.safe_load((pytester.path / "alarms.yaml").read_text())


def test_each_budget_cloudwatch_can_see_becomes_an_alarm_at_its_acceptable_level(
    pytester: pytest.Pytester,
) -> None:
    resources = _alarms(pytester)["Resources"]
    assert sorted(resources) == [
        "LeeErrorRateAlarm",
        "LeePhaseDbConnectMsAlarm",
        "LeeRequestP95Alarm",
    ]
    errors = resources["LeeErrorRateAlarm"]["Properties"]
    assert errors["Threshold"] == 0.01
    assert [m["Id"] for m in errors["Metrics"]] == ["errors", "invocations", "rate"]
    duration = resources["LeeRequestP95Alarm"]["Properties"]
    assert (duration["MetricName"], duration["ExtendedStatistic"], duration["Threshold"]) == (
        "Duration",
        "p95",
        200,
    )
    assert {"Name": "Resource", "Value": "probe:production"} in duration["Dimensions"]
    phase = resources["LeePhaseDbConnectMsAlarm"]["Properties"]
    assert (phase["Namespace"], phase["Dimensions"], phase["Threshold"]) == (
        "Orders",
        [{"Name": "Service", "Value": "orders"}],
        40,
    )
    text = (pytester.path / "alarms.yaml").read_text()
    assert "Not alarmed: config_ms: not emitted as Embedded Metric Format" in text
    assert "Not alarmed: cold_start_ms: CloudWatch has no metric for it" in text


def test_the_alarms_file_passes_cfn_lint(pytester: pytest.Pytester) -> None:
    _alarms(pytester)
    lint = shutil.which("cfn-lint") or pytest.fail("cfn-lint is in the test extra")
    done = subprocess.run(
        [lint, str(pytester.path / "alarms.yaml")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_without_budgets_the_option_is_one_line_and_exit_4(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.lee]\nhandler = "app.handler"\n')
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--lee-alarms", "a.yaml")
    assert result.ret == 4
    result.stdout.fnmatch_lines(
        ["ERROR: --lee-alarms */a.yaml: no [[]tool.lee.budgets[]] table: no levels to alarm on"]
    )
    assert not (pytester.path / "a.yaml").exists()
