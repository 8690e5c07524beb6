"""Hostile command lines (cases 1 and 2 of the hardening issue): an option value that
moves pytest's rootdir away from the project, and spellings of the production function
that walked past the never-production guard."""

from __future__ import annotations

import pytest

from pytest_lee.errors import LeeError
from pytest_lee.rehearsal.target import bare_function_name, resolve_target
from pytest_lee.settings import CommandLine

# --- case 1: a --lee-* value after a space that names a path outside the project -------


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    """proj/ with [tool.lee] and one test, beside reports/lee.json and prod.zip; cwd proj/."""
    proj = pytester.mkdir("proj")
    (proj / "pyproject.toml").write_text('[tool.lee]\nhandler = "app.handler"\n')
    (proj / "test_a.py").write_text("def test_a():\n    pass\n")
    (pytester.mkdir("reports") / "lee.json").write_text("{}")
    (pytester.path / "prod.zip").write_bytes(b"")
    monkeypatch.chdir(proj)
    return proj


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--lee-json", "../reports/lee.json"),
        ("--lee-baseline", "ABSOLUTE/prod.zip"),
        ("--lee-emf", "../reports"),
    ],
    ids=["json-relative", "baseline-absolute", "emf-directory"],
)
def test_a_value_after_a_space_that_moved_the_rootdir_is_a_usage_error_saying_to_write_equals(
    pytester, project, flag, value
):
    value = value.replace("ABSOLUTE", str(pytester.path))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", flag, value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: {flag} {value}: pytest took this value for a test path before pytest-lee's "
            f"options were known, and moved its rootdir to {pytester.path}, away from the project "
            f"at {project} (its [tool.lee] was not read); write {flag}={value}, as one argument"
        ]
    )


def test_the_equals_form_keeps_the_project_rootdir(pytester, project):
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--lee-json=../reports/lee.json"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"rootdir: {project}*"])


def test_a_value_after_a_space_inside_the_project_is_fine(pytester, project):
    (project / "reports").mkdir()
    (project / "reports" / "old.json").write_text("{}")
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--lee-json", "reports/old.json"
    )
    assert result.ret == pytest.ExitCode.OK


def test_an_explicit_rootdir_is_the_users_choice(pytester, project):
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", f"--rootdir={project}", "--lee-json", "../reports/lee.json"
    )
    assert result.ret == pytest.ExitCode.OK


# --- case 2: the never-production guard compares functions, not spellings ---------------

REAL = CommandLine(endpoint="https://lambda.us-east-1.amazonaws.com", allow_real_aws=True)


@pytest.mark.parametrize(
    "spelling",
    [
        "LEE",
        "arn:aws:lambda:us-east-1:123456789012:function:LEE",
        "arn:aws:lambda:us-east-1:123456789012:function:LEE:production",
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:LEE:7",
        "123456789012:function:LEE",
        "123456789012:function:LEE:$LATEST",
        "us-east-1:123456789012:function:LEE",
        "function:LEE",
        "LEE:production",
        " LEE ",
        "lee",
    ],
)
def test_every_spelling_of_the_production_function_is_refused_on_real_aws(spelling):
    target = resolve_target(REAL)
    with pytest.raises(
        LeeError,
        match=r"production itself; rehearse on a copy \(lee_rehearsal.function_name = 'LEE-rehearsal'\)",
    ):
        target.check_function(spelling, "LEE")
    with pytest.raises(LeeError, match="production itself"):
        target.check_function("LEE", spelling)  # production itself spelled as an ARN


@pytest.mark.parametrize(
    "copy", ["LEE-rehearsal", "arn:aws:lambda:us-east-1:1:function:LEE-copy", "LEEX:production"]
)
def test_a_copy_is_allowed_whatever_its_spelling(copy):
    resolve_target(REAL).check_function(copy, "LEE")


@pytest.mark.parametrize(
    ("identifier", "name"),
    [
        ("LEE", "LEE"),
        ("LEE:1", "LEE"),
        ("123456789012:function:LEE", "LEE"),
        ("function:LEE", "LEE"),
        ("us-east-1:123456789012:function:LEE", "LEE"),
        ("us-east-1:123456789012:function:LEE:production", "LEE"),
        ("arn:aws:lambda:eu-west-1:123456789012:function:LEE:prod", "LEE"),
        ("arn:aws:lambda", "arn"),
    ],
)
def test_the_bare_name_of_each_form_lambda_accepts(identifier, name):
    assert bare_function_name(identifier) == name
