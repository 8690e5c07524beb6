"""[tool.lee]'s tables (requirements, layers, aws, rehearsal, budgets), and the values no table
may hold (nan, absurd sizes), each refused in one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_lee.errors import LeeConfigError
from pytest_lee.settings import load_settings


def project(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.lee]\n" + body, encoding="utf-8")
    return tmp_path


def test_it_reads_every_table(tmp_path: Path):
    (tmp_path / "layer").mkdir()
    (tmp_path / "requirements.txt").write_text("requests\n")
    settings = load_settings(
        project(
            tmp_path,
            'requirements = "requirements.txt"\n'
            '[tool.lee.function]\narchitecture = "arm64"\npython = "python3.12"\n'
            '[[tool.lee.layer]]\nname = "deps"\nrequirements = ["urllib3"]\n'
            '[[tool.lee.layer]]\nname = "own"\nsource = "layer"\n'
            '[[tool.lee.contract]]\nregistry = "gw:ROUTERS"\noperation = false\n'
            '[tool.lee.aws]\nsetup = "tests.aws_state:seed"\nregion = "eu-west-1"\n'
            '[tool.lee.rehearsal]\nevent = { test_type = "health" }\nexpect = { statusCode = 200 }\n'
            'check = "tests.health:check"\n'
            '[tool.lee.budgets]\ncpu = "lambda"\n'
            "phase_patterns = ['\\[TIMING\\] (?P<name>.+?): \\+?(?P<value>\\d+(?:\\.\\d+)?) ?ms$']\n",
        )
    )
    assert settings.requirements == tmp_path / "requirements.txt"
    assert (settings.function.architecture, settings.function.python) == ("arm64", "python3.12")
    assert [layer.name for layer in settings.layers] == ["deps", "own"]
    assert settings.layers[0].requirements == ("urllib3",)
    assert settings.layers[1].source == tmp_path / "layer"
    assert settings.contracts[0].operation is None
    assert (settings.aws.setup, settings.aws.region) == ("tests.aws_state:seed", "eu-west-1")
    assert settings.rehearsal.expect == {"statusCode": 200}
    assert settings.cpu == "lambda" and len(settings.budgets.phase_patterns) == 1


def test_the_region_defaults_to_aws_region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    assert load_settings(project(tmp_path, "")).aws.region == "ap-south-1"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "[tool.lee.function]\ntimeout_s = nan\n",
            "tool.lee.function.timeout_s: expected a finite number > 0 up to 900, got nan",
        ),
        (
            "[tool.lee.function]\ntimeout_s = inf\n",
            "tool.lee.function.timeout_s: expected a finite number",
        ),
        (
            "[tool.lee.function]\nmemory_mb = 99999999999999999\n",
            "tool.lee.function.memory_mb: expected a whole number from 128 to 10240",
        ),
        (
            '[tool.lee.function]\nruntime = "python2.7"\n',
            "tool.lee.function.runtime: expected a Lambda Python runtime such as 'python3.12', got 'python2.7'",
        ),
        (
            '[tool.lee.function]\narchitecture = "amd64"\n',
            "tool.lee.function.architecture: expected one of 'x86_64', 'arm64'",
        ),
        (
            "[tool.lee.budgets]\ncold_start_ms = { acceptable = nan }\n",
            "tool.lee.budgets.cold_start_ms.acceptable: expected a finite number, got nan",
        ),
        (
            "[tool.lee.budgets]\ncold_start_ms = 1" + "0" * 400 + "\n",
            "tool.lee.budgets.cold_start_ms",
        ),
        (
            "[tool.lee.budgets]\nruns = 99999999999\n",
            "tool.lee.budgets.runs: expected a whole number from 1 to 10000",
        ),
        (
            '[tool.lee.budgets]\ncpu = "turbo"\n',
            "tool.lee.budgets.cpu: expected one of 'host', 'lambda'",
        ),
        (
            "[tool.lee.budgets]\nphase_patterns = ['(?P<name>x)']\n",
            "expected named groups (?P<name>...) and (?P<value>...)",
        ),
        ("[tool.lee.budgets]\nphase_patterns = ['(']\n", "not a regular expression"),
        ('[[tool.lee.layer]]\nsource = "x"\n', "tool.lee.layer[0]: 'name' is required"),
        ('[[tool.lee.layer]]\nname = "deps"\n', "give 'requirements', 'source' or both"),
        ('requirements = "missing.txt"\n', "tool.lee.requirements = 'missing.txt': no such file"),
        ('[tool.lee.aws]\nregion = "moon"\n', "tool.lee.aws.region: expected an AWS region"),
        ("[tool.lee.rehearsal]\nexpect = 200\n", "tool.lee.rehearsal.expect: expected a table"),
        (
            '[[tool.lee.contract]]\nregistry = "gw:R"\noperation = true\n',
            "tool.lee.contract[0].operation: expected a non-empty string",
        ),
    ],
)
def test_a_bad_value_is_one_line_naming_the_key(tmp_path: Path, body: str, message: str):
    with pytest.raises(LeeConfigError) as caught:
        load_settings(project(tmp_path, body))
    text = str(caught.value)
    assert message in text and "\n" not in text and str(tmp_path / "pyproject.toml") in text
