"""[tool.lee] is read once; bad values stop the run with one line naming file and key."""

from __future__ import annotations

import pytest

from pytest_lee.errors import LeeConfigError
from pytest_lee.settings import load_settings
from pytest_lee.settings_parse import parse_levels


def write_pyproject(pytester: pytest.Pytester, body: str) -> None:
    pytester.makefile(".toml", pyproject="[tool.lee]\n" + body)


def test_a_project_without_tool_lee_is_not_configured(tmp_path):
    settings = load_settings(tmp_path)
    assert not settings.configured
    assert settings.contracts == () and settings.budgets is None


def test_it_reads_every_documented_table(pytester: pytest.Pytester):
    pytester.mkdir("src")
    write_pyproject(
        pytester,
        'source = "src"\nhandler = "app.handler"\nrequired = ["app.py"]\nmin_lines = 0\n'
        '[tool.lee.function]\nname = "F"\nmemory_mb = 256\ntimeout_s = 10\n'
        'environment = { LOG_LEVEL = "DEBUG" }\nruntime_provides = []\n'
        '[[tool.lee.contract]]\nregistry = "gw:ROUTERS"\ndispatcher = "gw:run"\nkwargs = { timeout = 30 }\n'
        "[tool.lee.budgets]\nruns = 3\ncold_start_ms = { target = 320, acceptable = 500, critical = 1000 }\n"
        "cache_hit_rate = { target = 0.9, acceptable = 0.8 }\nphases = { cache_warm_ms = 20 }\n",
    )
    settings = load_settings(pytester.path)
    assert settings.source == pytester.path / "src"
    assert settings.function.memory_mb == 256 and settings.function.timeout_s == 10.0
    assert settings.function.runtime_provides == ()
    assert settings.contracts[0].kwargs == {"timeout": 30}
    assert settings.budgets.runs == 3
    assert settings.budgets.metrics["cold_start_ms"].critical == 1000
    assert settings.budgets.metrics["cache_hit_rate"].higher_is_better
    assert settings.budgets.phases["cache_warm_ms"].acceptable == 20


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('sorce = "src"', "tool.lee: unknown key 'sorce' (did you mean 'source'?)"),
        ('source = "nowhere"', "tool.lee.source = 'nowhere': no such directory"),
        ("min_lines = -1", "tool.lee.min_lines: expected a whole number >= 0, got -1"),
        ('handler = "nodot"', "expected 'module.function'"),
        ('handler = "app."', "tool.lee.handler = 'app.': expected 'module.function'"),
        ('handler = ".handler"', "tool.lee.handler = '.handler': expected 'module.function'"),
        (
            'handler = "app.handler-x"',
            "tool.lee.handler = 'app.handler-x': expected 'module.function'",
        ),
        ('required = "a.py"', "tool.lee.required: expected a list of strings, got 'a.py'"),
        (
            "[tool.lee.function]\nmemory_mb = 'big'",
            "tool.lee.function.memory_mb: expected a whole number",
        ),
        ("[[tool.lee.contract]]\ndispatcher = 'a:b'", "'registry' is required"),
        ("[[tool.lee.contract]]\nregistry = 'nocolon'", "expected 'module:attribute'"),
        (
            "[tool.lee.budgets]\ncold_start = 5",
            "unknown budget key or metric 'cold_start' (did you mean 'cold_start_ms'?)",
        ),
        (
            "[tool.lee.budgets]\nrequest_ms = { target = 100, acceptable = 500, critical = 200 }",
            "neither ascend (lower is better) nor descend",
        ),
    ],
)
def test_bad_values_are_one_line_usage_errors(pytester: pytest.Pytester, body: str, message: str):
    write_pyproject(pytester, body)
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: *pyproject.toml: *{message}*"])
    assert "Traceback" not in result.stderr.str()


def test_invalid_toml_names_the_file(pytester: pytest.Pytester):
    pytester.makefile(".toml", pyproject="[tool.lee\n")
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: *pyproject.toml: *"])


@pytest.mark.parametrize(
    ("raw", "higher", "acceptable"),
    [
        (500, False, 500.0),
        ({"target": 0.9, "acceptable": 0.8, "critical": 0.5}, True, 0.8),
        ({"target": 320, "acceptable": 500, "critical": 1000}, False, 500.0),
        ({"acceptable": 5, "higher_is_better": True}, True, 5.0),
    ],
)
def test_levels_resolve_their_direction(raw, higher, acceptable):
    levels = parse_levels(raw, "some_metric", "here")
    assert levels.higher_is_better is higher
    assert levels.acceptable == acceptable


def test_a_single_level_takes_the_metric_direction():
    assert parse_levels(0.8, "cache_hit_rate", "here").higher_is_better
    assert not parse_levels(100, "request_ms", "here").higher_is_better


def test_explicit_direction_must_agree_with_the_levels():
    with pytest.raises(
        LeeConfigError, match="higher_is_better = true but the levels do not descend"
    ):
        parse_levels({"target": 1, "acceptable": 2, "higher_is_better": True}, "m", "here")


def test_lee_json_naming_a_directory_is_a_usage_error(pytester: pytest.Pytester):
    pytester.mkdir("reports")
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--lee-json", "reports")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --lee-json */reports: is a directory; expected the path of a file to write"]
    )


@pytest.mark.parametrize("flag", ["--lee-json", "--lee-emf", "--lee-html"])
def test_an_output_path_that_cannot_be_written_is_a_usage_error_before_anything_runs(
    pytester: pytest.Pytester, flag: str
):
    pytester.makefile(".txt", blocker="a file where a directory should be\n")
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest_inprocess(f"{flag}=blocker.txt/out")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: {flag} */blocker.txt/out: cannot write there: */blocker.txt is a file*"]
    )
    assert "passed" not in result.stdout.str()
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_lee_save_under_a_regular_file_is_a_usage_error(pytester: pytest.Pytester):
    (pytester.path / ".lee").write_text("")  # a file, so .lee/baselines/NAME.json cannot be
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest_inprocess("--lee-save=main")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --lee-save */.lee/baselines/main.json: cannot write there*"]
    )
