"""A failure shows its cause: the response body, the function's own log, an extension module
built for another Python — and not the moto server's request log."""

from __future__ import annotations

import json

import pytest
from budgets_project import budgets_project
from rehearsal_project import rehearsal_project, run_test_module

from pytest_lee.lambda_runtime.evidence import body_excerpt, extension_hint, log_tail

PYDANTIC = [
    "pydantic_core/__init__.py",
    "pydantic_core/_pydantic_core.cpython-312-x86_64-linux-gnu.so",
]
MISSING = "ModuleNotFoundError: No module named 'pydantic_core._pydantic_core'"


def test_the_body_is_cut_at_500_bytes_and_says_how_long_it_was() -> None:
    assert body_excerpt({"body": "short"}) == "short"
    long = body_excerpt({"body": "é" * 400})  # 800 bytes
    assert long.startswith("é" * 250) and long.endswith("… (800 bytes)")
    assert body_excerpt({"body": {"a": 1}}) == '{"a": 1}'
    assert body_excerpt({"statusCode": 500}) == ""


def test_the_log_tail_is_the_last_20_lines_stdout_then_stderr() -> None:
    tail = log_tail([f"out {n}" for n in range(30)], "err 1\n\nerr 2\n")
    assert tail == [*(f"out {n}" for n in range(12, 30)), "err 1", "err 2"]


def test_an_extension_built_for_another_python_is_named_with_the_setting() -> None:
    assert extension_hint(MISSING, PYDANTIC, (3, 11)) == (
        " (pydantic_core._pydantic_core is a compiled extension built for Python 3.12; the "
        "child runs Python 3.11: set [tool.lee.function] python = 'python3.12')"
    )
    in_a_layer = [f"python/{name}" for name in PYDANTIC]
    assert extension_hint(MISSING, in_a_layer, (3, 11)).startswith(" (pydantic_core._pydantic_core")


@pytest.mark.parametrize(
    ("error", "files", "version"),
    [
        (MISSING, PYDANTIC, (3, 12)),  # built for the child's Python: another cause
        (MISSING, ["pydantic_core/__init__.py"], (3, 11)),  # not there at all
        ("ValueError: bad", PYDANTIC, (3, 11)),  # not an import failure
    ],
)
def test_no_extension_hint_where_it_would_mislead(
    error: str, files: list[str], version: tuple[int, int]
) -> None:
    assert extension_hint(error, files, version) == ""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """The rehearsal project, with boto3 provided as Lambda's runtime does (the failing
    version calls DynamoDB through the loopback moto server)."""
    project = rehearsal_project(pytester)
    pyproject = project.path / "pyproject.toml"
    text = pyproject.read_text().replace("runtime_provides = []", 'runtime_provides = ["boto3"]')
    # Importing boto3 takes seconds at load 10: the project's 2 s limit is not 10x that.
    pyproject.write_text(text.replace("timeout_s = 2", "timeout_s = 60"))
    return project


def test_a_failing_health_check_shows_the_body_and_the_function_log_not_moto_requests(
    project: pytest.Pytester,
) -> None:
    result = run_test_module(
        project,
        """
def test_it(lee_rehearsal, lee_package):
    assert lee_rehearsal.deploy(lee_package()).promoted
    loud = lee_rehearsal.deploy(lee_package("fails_loudly"))
    assert loud.rolled_back
    assert loud.health.error.startswith('statusCode 500: {"error": "orders table missing"')
    assert loud.health.error.endswith("bytes)")
    assert len(loud.health.log_tail) == 20
    assert loud.health.log_tail[-1] == "orders table missing: ResourceNotFoundException"
    raise AssertionError("show me the failure")
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  function log (last 20 lines):",
            "    | step 11: loading orders",
            "*",
            "    | orders table missing: ResourceNotFoundException",
        ]
    )
    assert 'HTTP/1.1" ' not in result.stdout.str()  # the moto server's request log stays out


def test_the_moto_request_log_is_shown_under_verbose(project: pytest.Pytester) -> None:
    result = run_test_module(
        project,
        """
def test_it(lee_rehearsal, lee_package):
    assert lee_rehearsal.deploy(lee_package()).promoted
    assert lee_rehearsal.deploy(lee_package("fails_loudly")).rolled_back
""",
        "-v",
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*lee moto server log (-v)*", '*"POST / HTTP/1.1" 400*'])


def test_a_failing_error_rate_shows_the_first_failing_body_and_the_log_up_to_it(
    pytester: pytest.Pytester,
) -> None:
    budgets_project(
        pytester,
        """
        import json
        import sys

        def handler(event, context):
            for step in range(25):
                print(f"event {event['n']} step {step}")
            if event["n"] == 2:
                print("orders table missing", file=sys.stderr)
                return {"statusCode": 500, "body": json.dumps({"error": "x" * 600})}
            return {"statusCode": 200}
        """,
        'runs = 1\nevents = "events/*.json"\nerror_rate = { acceptable = 0 }\n',
    )
    for number in (1, 2, 3):
        pytester.makefile(".json", **{f"events/{number}": json.dumps({"n": number})})
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "error_rate")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "error_rate: median * is OVER*",
            '  first failing invocation: run 1, invocation 3: statusCode 500: {"error": "xxx*… (613 bytes)',
            "  function stdout up to it (last 20 lines):",
            "    | event 2 step 5",
            "*",
            "    | event 2 step 24",
            "  function stderr of the run (last 5 lines):",
            "    | orders table missing",
        ]
    )
    assert "event 3 step" not in result.stdout.str()  # the log stops at the failing event
