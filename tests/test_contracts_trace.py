"""``--lee-trace``: contract call sites marked live by one traced cold start and the events."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from test_contracts_sideways import FILES

from pytest_lee.contracts.trace import Trace, run_trace

HANDLER = """
    from gateway import cache_get


    def lambda_handler(event, context):
        return cache_get(event["key"])
"""
UNUSED = """
    from gateway_core import execute


    def warm():
        return execute("CACHE", "get", key="k", extra=1)
"""
PYPROJECT = """
[tool.lee]
source = "src"
handler = "lambda_function.lambda_handler"
min_lines = 0

[tool.lee.budgets]
event = { key = "user-1" }

[[tool.lee.contract]]
registry = "gateway_core:ROUTERS"
dispatcher = "gateway_core:execute"
operation = false
leaves = ["*_core"]
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    source = pytester.path / "src"
    source.mkdir()
    files = {**FILES, "lambda_function.py": HANDLER, "unused_wrappers.py": UNUSED}
    for name, text in files.items():
        (source / name).write_text(textwrap.dedent(text).lstrip())
    pytester.makepyprojecttoml(PYPROJECT)
    return pytester


def test_sites_are_live_when_traced_and_null_otherwise(project: pytest.Pytester) -> None:
    out = project.path / "lee.json"
    result = project.runpytest_inprocess(
        "-p", "no:cacheprovider", "-k", "contract", "--lee-trace", f"--lee-json={out}"
    )
    result.assert_outcomes(failed=2)
    entries = {e["key"]: e for e in json.loads(out.read_text())["contracts"]}
    cache = {
        s["origin"]: (s["status"], s["live"], s["imported"]) for s in entries["CACHE"]["sites"]
    }
    assert cache["gateway_wrappers_cache.py:5"] == ("ok", True, True)
    assert cache["cache_core.py:5"] == ("fail", True, True)  # the cold start's path: an outage
    assert cache["unused_wrappers.py:5"] == ("fail", False, False)  # never imported
    log = {s["origin"]: (s["status"], s["live"]) for s in entries["LOG"]["sites"]}
    assert log["log_core.py:7"] == ("fail", False)  # latent: no event logs an error
    lines = result.stdout.lines
    summary = lines[lines.index(next(line for line in lines if "lee contracts" in line)) :]
    failing = [line for line in summary if line.startswith("  ✗")]
    assert failing[0].startswith("  ✗ CACHE") and "live]" in failing[0]  # live failures first
    assert any(
        "1 of 5 failing call sites ran in the cold start and the events; 2 are in modules the handler "
        "never imports" in line
        for line in summary
    )

    project.runpytest_inprocess("-p", "no:cacheprovider", "-k", "contract", f"--lee-json={out}")
    entries = {e["key"]: e for e in json.loads(out.read_text())["contracts"]}
    assert {s["live"] for e in entries.values() for s in e["sites"]} == {None}


def test_a_handler_that_fails_still_gives_what_ran(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import os\n\n\ndef handler(event, context):\n    x = 1\n    raise RuntimeError(x)\n"
        "\n\ndef never():\n    return 2\n"
    )
    trace = run_trace(tmp_path, "app.handler", [{}, {}], timeout_s=5)
    assert trace.error is None
    assert trace.live("app.py:5") is True and trace.live("app.py:10") is False
    assert trace.steps == ("cold start: ok", "event 1: RuntimeError: 1", "event 2: RuntimeError: 1")
    assert Trace().live("app.py:5") is False and Trace(error="x").live("app.py:5") is None
