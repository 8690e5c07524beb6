"""On the real engine (../shared, skipped when absent): a bad event's 400 fails the health check,
and a `check` refuses the Alexa ErrorResponse the default rules cannot know about."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ENGINE = SHARED / "realworld" / "engine" / "snapshot-fa7e120" / "src"

PYPROJECT = """\
[tool.lee]
source = "src"
handler = "lambda_function.lambda_handler"
min_lines = 0
exclude = ["test_*.py", "*.yml", "*.md"]

[tool.lee.function]
name = "LEE"
timeout_s = 30

[tool.lee.rehearsal]
event = { test_type = "health" }
check = "health:no_alexa_error"
"""

HEALTH = """\
def no_alexa_error(response):
    header = (response.get("event") or {}).get("header") or {}
    if header.get("name") == "ErrorResponse":
        raise AssertionError(response["event"]["payload"]["type"])
"""

TESTS = """\
def test_a_bad_event_answered_400_is_rolled_back(lee_package, lee_rehearsal):
    deployment = lee_rehearsal.deploy(lee_package(), event={"unexpected": "event"})
    assert deployment.rolled_back
    assert deployment.reason.startswith("health check of v1 failed: statusCode 400")


def test_an_alexa_error_response_fails_the_configured_check(lee_package, lee_rehearsal):
    directive = {"directive": {"header": {"namespace": "Alexa.Discovery", "name": "Discover"}}}
    deployment = lee_rehearsal.deploy(lee_package(), event=directive)
    assert deployment.rolled_back
    assert deployment.reason == (
        "health check of v1 failed: [tool.lee.rehearsal] check health:no_alexa_error: "
        "AssertionError: BRIDGE_UNREACHABLE"
    )


def test_the_health_event_passes(lee_package, lee_rehearsal):
    assert lee_rehearsal.deploy(lee_package()).promoted
"""


@pytest.mark.realworld
def test_health_checks_on_the_real_engine(pytester):
    pytest.importorskip("moto")
    shutil.copytree(ENGINE, pytester.path / "src")
    for path in (pytester.path / "src").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # the shared copy is read-only
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.makepyfile(health=HEALTH, test_engine=TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_engine.py")
    result.assert_outcomes(passed=3)
