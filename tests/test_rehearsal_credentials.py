"""While a rehearsal runs, no credential source of the environment is reachable; after, all is back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rehearsal_project import rehearsal_project, run_test_module

from pytest_lee.sandbox.credentials import masked_credentials

REAL = {
    "AWS_ACCESS_KEY_ID": "AKIAREALREALREALREAL",
    "AWS_SECRET_ACCESS_KEY": "real-secret",
    "AWS_SESSION_TOKEN": "real-session",
    "AWS_PROFILE": "prod",
    "AWS_DEFAULT_PROFILE": "prod",
    "AWS_CONFIG_FILE": "/home/ops/.aws/config",
    "AWS_SHARED_CREDENTIALS_FILE": "/home/ops/.aws/credentials",
    "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/token",
    "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/deployer",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token",
    "AWS_ENDPOINT_URL_LAMBDA": "http://127.0.0.1:9",
}
REMOVED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_ENDPOINT_URL_LAMBDA",
)


def test_every_source_is_faked_or_removed_and_restored_exactly(monkeypatch, tmp_path):
    for name, value in REAL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    before = dict(os.environ)
    with masked_credentials(tmp_path / "empty"):
        for name in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
        ):
            assert os.environ[name] == "testing"
        for name in REMOVED:
            assert name not in os.environ, name
        for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
            assert Path(os.environ[name]).read_text() == ""
        assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    assert dict(os.environ) == before


def test_the_environment_is_restored_when_the_block_raises(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_PROFILE", "prod")
    before = dict(os.environ)
    with pytest.raises(RuntimeError), masked_credentials(tmp_path):
        raise RuntimeError("boom")
    assert dict(os.environ) == before


def test_inside_the_fixture_boto3_finds_only_fakes_and_after_it_everything_is_back(
    pytester, monkeypatch
):
    rehearsal_project(pytester)
    home = pytester.path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAHOMEHOMEHOMEHOME\naws_secret_access_key = x\n"
    )
    monkeypatch.setenv("HOME", str(home))
    for name, value in REAL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    result = run_test_module(
        pytester,
        f"""
        import os
        REAL = {REAL!r}

        def test_masked(lee_rehearsal, lee_package):
            import boto3
            credentials = boto3.session.Session().get_credentials()
            assert credentials.method == "env"  # fakes (ours, or moto's own on top of ours)
            assert credentials.access_key not in (REAL["AWS_ACCESS_KEY_ID"], "AKIAHOMEHOMEHOMEHOME")
            assert os.environ["AWS_SECURITY_TOKEN"] == "testing"
            assert "AWS_PROFILE" not in os.environ and "AWS_CONTAINER_CREDENTIALS_FULL_URI" not in os.environ
            # AWS_ENDPOINT_URL_LAMBDA pointed at a dead loopback port: stripped, so moto still answers
            assert lee_rehearsal.deploy(lee_package()).promoted

        def test_restored():
            for name, value in REAL.items():
                assert os.environ[name] == value, name
            assert "AWS_SECURITY_TOKEN" not in os.environ
    """,
    )
    result.assert_outcomes(passed=2)


def test_the_health_checks_child_sees_only_fakes_no_metadata_and_a_loopback_moto_endpoint(
    pytester, monkeypatch
):
    rehearsal_project(pytester)
    for name, value in REAL.items():
        monkeypatch.setenv(name, value)
    result = run_test_module(
        pytester,
        """
        import json

        def test_it(lee_rehearsal, lee_package):
            deployment = lee_rehearsal.deploy(lee_package("env_probe"))
            assert deployment.promoted
            seen = json.loads(deployment.health.response["body"])
            assert seen["AWS_ACCESS_KEY_ID"] == seen["AWS_SECRET_ACCESS_KEY"] == "testing"
            assert seen["AWS_PROFILE"] is None
            assert seen["AWS_EC2_METADATA_DISABLED"] == "true"
            assert seen["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")  # the moto server
            assert seen["AWS_CONFIG_FILE_content"] == seen["AWS_SHARED_CREDENTIALS_FILE_content"] == ""
            assert seen["STAGE"] == "rehearsal"  # [tool.lee.function] environment still applies
    """,
    )
    result.assert_outcomes(passed=1)
