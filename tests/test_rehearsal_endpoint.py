"""--lee-endpoint: the same rehearsal against a moto server on loopback; real AWS only by consent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rehearsal_project import rehearsal_project, run_test_module

from pytest_lee.errors import LeeConfigError, LeeError
from pytest_lee.rehearsal.target import resolve_target
from pytest_lee.settings import CommandLine

REAL_ENDPOINT = "https://lambda.us-east-1.amazonaws.com"


@pytest.mark.parametrize(
    "endpoint",
    ["http://127.0.0.1:5000", "http://127.9.9.9:1", "http://localhost:4566", "http://[::1]:5000/"],
)
def test_loopback_endpoints_are_local(endpoint):
    target = resolve_target(CommandLine(endpoint=endpoint))
    assert (target.mode, target.fake_credentials) == ("local", True)


def test_no_endpoint_means_moto_in_process_even_with_the_real_aws_flag():
    assert resolve_target(CommandLine(allow_real_aws=True)).mode == "moto"


@pytest.mark.parametrize("endpoint", [REAL_ENDPOINT, "http://10.0.0.5:4566", "http://example.test"])
def test_other_endpoints_are_refused_without_the_flag(endpoint):
    with pytest.raises(LeeConfigError, match=r"not a loopback address.*--lee-allow-real-aws"):
        resolve_target(CommandLine(endpoint=endpoint))


@pytest.mark.parametrize(
    "endpoint", ["lambda.amazonaws.com", "ftp://127.0.0.1/", "http://127.0.0.1:99999"]
)
def test_malformed_endpoints_are_refused(endpoint):
    with pytest.raises(LeeConfigError, match=r"^--lee-endpoint"):
        resolve_target(CommandLine(endpoint=endpoint))


def test_with_the_flag_real_aws_is_allowed_but_never_on_the_production_function():
    target = resolve_target(CommandLine(endpoint=REAL_ENDPOINT, allow_real_aws=True))
    assert (target.mode, target.fake_credentials) == ("real", False)
    with pytest.raises(LeeError, match=r"refusing to rehearse on 'LEE'.*production itself"):
        target.check_function("LEE", "LEE")
    target.check_function("LEE-rehearsal", "LEE")


@pytest.fixture
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    return rehearsal_project(pytester)


def test_a_rehearsal_runs_against_a_moto_server_on_loopback(project, moto_server):
    import boto3

    result = run_test_module(
        project,
        """
        import json

        def test_it(lee_rehearsal, lee_package):
            assert lee_rehearsal.target.mode == "local"
            assert lee_rehearsal.deploy(lee_package()).promoted
            assert lee_rehearsal.deploy(lee_package("raises")).rolled_back
            assert lee_rehearsal.deploy(lee_package("warm_fails"), canary_weight=0.5, canary_invocations=4).rolled_back
            assert lee_rehearsal.alias_version == "1"
            probe = lee_rehearsal.deploy(lee_package("env_probe"))  # the child's AWS calls go to the server too
            assert json.loads(probe.health.response["body"])["AWS_ENDPOINT_URL"] == "%s"
    """
        % moto_server,
        f"--lee-endpoint={moto_server}",
        subprocess=True,
    )
    result.assert_outcomes(passed=1)
    # The server, not an in-process mock, holds what the rehearsal did.
    client = boto3.client(
        "lambda",
        endpoint_url=moto_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    assert client.get_alias(FunctionName="demo", Name="production")["FunctionVersion"] == "4"
    versions = client.list_versions_by_function(FunctionName="demo")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2", "3", "4"]


def test_a_non_loopback_endpoint_is_refused_without_the_flag(project):
    result = run_test_module(
        project, "def test_it(lee_rehearsal):\n    pass\n", f"--lee-endpoint={REAL_ENDPOINT}"
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"--lee-endpoint {REAL_ENDPOINT}: not a loopback address, so possibly real AWS; rehearsals reach "
            "real AWS only with --lee-allow-real-aws (and never on the [[]tool.lee.function[]] name)",
        ]
    )


def test_with_the_flag_the_production_function_name_is_refused_before_any_call(project):
    # No network here: the refusal must come before the first request (a request would fail differently).
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            lee_rehearsal.client.meta.events.register("before-send", lambda **kwargs: 1 / 0)
            lee_rehearsal.deploy(lee_package())
    """,
        f"--lee-endpoint={REAL_ENDPOINT}",
        "--lee-allow-real-aws",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"E * refusing to rehearse on 'demo' at {REAL_ENDPOINT}: it is the [[]tool.lee.function[]] name, "
            "production itself; rehearse on a copy (lee_rehearsal.function_name = 'demo-rehearsal')",
        ]
    )
    assert "ZeroDivisionError" not in result.stdout.str()
