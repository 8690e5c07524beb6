"""Credentials: no child ever sees the developer's AWS identity, profile, proxy or endpoint.

Attacked through the public entry points: a plain ``pytest`` whose contract registry
calls boto3 at import, and a budget run (``lee_cold_start``'s runner) whose handler
does. The developer's shell has a real-looking key pair, a profile whose
``credential_process`` would leave a marker file if it ran, proxies in both cases and
service endpoints; the child must see only the fakes.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from sandbox_helpers import shared_dir

from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.sandbox.environment import DEAD_ENDPOINT, child_environment
from pytest_lee.settings import FunctionSettings

pytest.importorskip("boto3", reason="needs boto3 (the aws extra)")

# What boto3 sees, in one line the contract item's failure (or the response) carries.
REPORT = """
import json, os
import boto3

session = boto3.Session()
credentials = session.get_credentials()
SEEN = {
    "key": credentials.access_key if credentials else None,
    "method": credentials.method if credentials else None,
    "profile": os.environ.get("AWS_PROFILE"),
    "proxies": sorted(k for k in os.environ if k.lower().endswith("_proxy")),
    "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
    "lambda_endpoint": os.environ.get("AWS_ENDPOINT_URL_LAMBDA"),
    "home": os.path.expanduser("~"),
}
"""


@pytest.fixture
def developer_shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The environment of a developer logged in to a real account (the attack)."""
    with shared_dir() as shared:
        marker = shared / "credential_process_ran"
        home = tmp_path / "home"
        (home / ".aws").mkdir(parents=True)
        (home / ".aws" / "config").write_text(
            "[profile dev]\nregion = eu-west-1\n"
            f"credential_process = /bin/sh -c 'touch {marker}; echo nope'\n"
        )
        (home / ".aws" / "credentials").write_text(
            "[default]\naws_access_key_id = AKIAFROMTHEFILE0000\naws_secret_access_key = x\n"
        )
        monkeypatch.setenv("HOME", str(home))
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALREALREAL0000")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
        monkeypatch.setenv("AWS_PROFILE", "dev")
        monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "https://lambda.eu-west-1.amazonaws.com")
        for name in ("HTTPS_PROXY", "http_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, "http://10.9.9.9:3128")
        yield marker


def _assert_only_fakes(seen: dict[str, object], marker: Path) -> None:
    assert seen["key"] == "testing" and seen["method"] == "env"
    assert (seen["profile"], seen["proxies"], seen["lambda_endpoint"]) == (None, [], None)
    assert seen["home"] != os.environ["HOME"]
    assert not marker.exists(), "the developer's credential_process ran"


def test_a_contract_registry_calling_boto3_at_import_sees_only_fakes(
    pytester: pytest.Pytester, developer_shell: Path
):
    engine = pytester.path / "engine"
    engine.mkdir()
    (engine / "gw.py").write_text(
        REPORT + "raise RuntimeError('SEEN=' + json.dumps(SEEN))\nROUTES = {}\n"
    )
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "engine"\n\n[tool.lee.function]\ntimeout_s = 30\n\n'
        '[[tool.lee.contract]]\nregistry = "gw:ROUTES"\noperation = "get"\n'
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    text = result.stdout.str()
    assert "SEEN=" in text, text
    seen = json.loads(text.split("SEEN=", 1)[1].split("}", 1)[0] + "}")
    _assert_only_fakes(seen, developer_shell)
    assert seen["endpoint"] == DEAD_ENDPOINT


def test_a_budget_handler_calling_boto3_sees_only_fakes(tmp_path: Path, developer_shell: Path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text(REPORT + "\ndef handler(event, context):\n    return SEEN\n")
    run = run_handler(code, "app.handler", [{}], FunctionSettings(), timeout_s=60)
    assert run.ok, run.error
    _assert_only_fakes(run.responses[0], developer_shell)


def test_the_function_environment_cannot_bring_back_a_proxy_or_a_profile():
    named = {"HTTPS_PROXY": "http://10.0.0.1:3128", "AWS_PROFILE": "dev", "STAGE": "test"}
    env = child_environment(named, home=Path("/nonexistent"), tmpdir="/tmp")
    assert env["STAGE"] == "test"
    assert "HTTPS_PROXY" not in env and "AWS_PROFILE" not in env
    assert env["AWS_CONFIG_FILE"] == env["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull


def test_only_the_allowlist_comes_from_pytest_s_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("LANG", "C.UTF-8")
    env = child_environment({}, home=Path("/h"), tmpdir="/t")
    assert "GITHUB_TOKEN" not in env and env["LANG"] == "C.UTF-8"
    assert textwrap.dedent(env["PATH"]) == os.environ["PATH"]
