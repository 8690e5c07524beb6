"""Health checks that mean it: the default rules and [tool.lee.rehearsal] expect/check."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from pytest_lee.rehearsal.health import health_event, judge, subset_mismatch
from pytest_lee.settings import BudgetSettings, RehearsalSettings, Settings


def settings(tmp_path: Path, **rehearsal: object) -> Settings:
    frozen = {
        key: MappingProxyType(value) if isinstance(value, dict) else value
        for key, value in rehearsal.items()
    }
    return Settings(rootdir=tmp_path, rehearsal=RehearsalSettings(**frozen))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (
            {"statusCode": 400, "body": "Unknown request type"},
            "statusCode 400: Unknown request type",
        ),
        ({"statusCode": 503}, "statusCode 503"),
        (
            {"payload": "x" * (6 * 1024 * 1024)},
            "response is 6.0 MB, over Lambda's 6 MB limit for a synchronous invocation",
        ),
    ],
)
def test_a_response_lambda_would_call_an_error_fails_the_check(tmp_path, response, reason):
    assert judge(settings(tmp_path), response, None) == reason


def test_a_function_error_and_a_refused_connection_fail_the_check(tmp_path):
    assert judge(settings(tmp_path), None, "ValueError: boom") == "ValueError: boom"
    assert judge(settings(tmp_path), {"statusCode": 200}, None, ("api.example.com:443",)) == (
        "the handler tried to reach api.example.com:443: refused, children never reach the "
        "internet (AWS calls go to the loopback moto server)"
    )


def test_a_healthy_response_passes(tmp_path):
    assert judge(settings(tmp_path), {"statusCode": 200, "body": "{}"}, None) is None
    assert judge(settings(tmp_path), "plain string", None) is None


def test_expect_is_a_subset_the_response_must_contain(tmp_path):
    rules = settings(tmp_path, expect={"statusCode": 200, "headers": {"x": "1"}})
    assert judge(rules, {"statusCode": 200, "headers": {"x": "1", "y": "2"}}, None) is None
    assert judge(rules, {"statusCode": 200, "headers": {}}, None) == (
        '[tool.lee.rehearsal] expect: headers.x is missing (expected "1")'
    )
    assert subset_mismatch(
        {"response": {"outputSpeech": 1}}, {"response": {"outputSpeech": 2}}, ""
    ) == ("response.outputSpeech is 1, expected 2")


def test_check_is_called_with_the_response_and_fails_by_raising(tmp_path, monkeypatch):
    (tmp_path / "health_rules_probe.py").write_text(
        "def check(response):\n"
        "    if response.get('header', {}).get('name') == 'ErrorResponse':\n"
        "        raise AssertionError('Alexa answered ErrorResponse')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    rules = settings(tmp_path, check="health_rules_probe:check")
    assert judge(rules, {"header": {"name": "Response"}}, None) is None
    assert judge(rules, {"header": {"name": "ErrorResponse"}}, None) == (
        "[tool.lee.rehearsal] check health_rules_probe:check: AssertionError: Alexa answered ErrorResponse"
    )


def test_the_health_event_falls_back_to_the_budgets_event(tmp_path):
    assert health_event(Settings(rootdir=tmp_path)) == {"test": "true"}
    budgets = BudgetSettings(event=MappingProxyType({"id": "1"}))
    assert health_event(Settings(rootdir=tmp_path, budgets=budgets)) == {"id": "1"}
    assert health_event(settings(tmp_path, event={"ping": True})) == {"ping": True}
