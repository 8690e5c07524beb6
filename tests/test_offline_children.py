"""Offline children on a SAM-style app: the test's moto state is the handler's, nothing else is reachable."""

from __future__ import annotations

import pytest
from anyapp_project import write_app

pytest.importorskip("moto.server", reason="needs moto[server] (the aws extra)")

FAILURES = """\
def test_a_400_response_fails_the_health_check(lee_package, lee_rehearsal):
    deployment = lee_rehearsal.deploy(lee_package(), event={"other": "event"})
    assert deployment.rolled_back
    assert deployment.reason == (
        'health check of v1 failed: statusCode 400: {\\"error\\": \\"Unknown request type\\"}'
    )


def test_a_public_address_is_refused_by_name(lee_package, lee_rehearsal):
    deployment = lee_rehearsal.deploy(lee_package(), event={"id": "remote"})
    assert deployment.rolled_back
    assert "api.example.com:443 is not a loopback address" in deployment.reason


def test_a_file_the_excludes_left_out_is_named_when_the_import_fails(lee_package, lee_rehearsal):
    deployment = lee_rehearsal.deploy(lee_package("broken"))
    assert deployment.rolled_back
    assert "FileNotFoundError" in deployment.reason
    assert "the package left out config/ca.pem" in deployment.reason


def test_state_a_test_creates_in_process_is_there_for_the_child(lee_package, lee_rehearsal):
    import boto3

    boto3.resource("dynamodb").Table("items").put_item(Item={"id": "2", "name": "second"})
    deployment = lee_rehearsal.deploy(lee_package(), event={"id": "2"})
    assert deployment.promoted, deployment.reason
"""


def test_health_checks_run_offline_against_the_seeded_table(pytester):
    """(Budgets on the same app, offline: tests/test_your_own_app.py.)"""
    broken = "import ssl\n\nssl.create_default_context().load_verify_locations('config/ca.pem')\n"
    extra = {
        "tests/test_failures.py": FAILURES,
        "broken/app.py": broken + "\n\ndef handler(event, context):\n    return {}\n",
        "broken/config/ca.pem": "CERT",
    }
    write_app(pytester.path, extra=extra)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, skipped=2)  # package, 5 rehearsals; budgets skipped


def test_the_moto_server_follows_a_reimported_flask(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytester's in-process runs drop the modules first imported inside them: a server
    started on the old flask answered each request with 'Working outside of request context'
    (a flaky failure of the -v server-log test under xdist). A fresh flask gets a fresh
    server. (The server may live in the children's network namespace, out of this process's
    reach: its requests are the offline children's tests' business.)"""
    import sys

    from pytest_lee.lambda_runtime import offline

    pytest.importorskip("moto.server")
    first_url = offline.moto_server_url()
    first = offline._SERVER["server"]
    assert offline.moto_server_url() == first_url and offline._SERVER["server"] is first
    stack = ("flask", "moto.server", "moto.moto_server")  # what a pytester run re-imports
    for name in [name for name in sys.modules if name.startswith(stack)]:
        monkeypatch.delitem(sys.modules, name)
    import flask  # noqa: F401  (a fresh flask, as the next pytester run imports it)

    assert offline.moto_server_url() is not None
    assert offline._SERVER["server"] is not first
    assert offline._SERVER["flask"] is sys.modules["flask"]
