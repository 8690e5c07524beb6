"""Hostile configuration (cases 6, 7 and 9 of the hardening issue): non-finite and absurd
numbers, a runtime ast.parse cannot take, output targets that cannot be written. Each is
one line naming the key or the option — a usage error, never a traceback or a silent pass.
"""

from __future__ import annotations

import math
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_lee.errors import LeeConfigError
from pytest_lee.kb.cli import main as lee_kb
from pytest_lee.package import build_package, verify_zip
from pytest_lee.settings import FunctionSettings, Settings, load_settings

APP = "def handler(event, context):\n    return {'statusCode': 200}\n"


# --- case 6: non-finite and absurd numbers ------------------------------------------


def project(pytester: pytest.Pytester, function: str = "", budgets: str = "runs = 1\n") -> None:
    """A one-handler project; *function* and *budgets* are lines of those tables."""
    pytester.makefile(
        ".toml",
        pyproject='[tool.lee]\nsource = "src"\nhandler = "app.handler"\nmin_lines = 0\n'
        f"[tool.lee.function]\nruntime_provides = []\n{function}"
        f"[tool.lee.budgets]\n{budgets}",
    )
    pytester.mkdir("src")
    (pytester.path / "src" / "app.py").write_text(APP)


@pytest.mark.parametrize(
    ("function", "budgets", "args", "message"),
    [
        ("timeout_s = nan\n", "", (), "tool.lee.function.timeout_s: expected a finite number"),
        (
            "",
            "cold_start_ms = { acceptable = nan }\n",
            (),
            "tool.lee.budgets.cold_start_ms.acceptable: expected a finite number, got nan",
        ),
        (
            "memory_mb = 99999999999999999\n",
            "",
            (),
            "tool.lee.function.memory_mb: expected a whole number from 128 to 10240",
        ),
        (
            "",
            "",
            ("--lee-compare", "main", "--lee-compare-fail=nan"),
            "--lee-compare-fail nan: expected a finite percentage >= 0",
        ),
        (
            "",
            "",
            ("--lee-runs", "99999999999999999999"),
            "--lee-runs 99999999999999999999: expected a whole number from 1 to 10000",
        ),
    ],
    ids=["timeout-nan", "level-nan", "memory-absurd", "compare-fail-nan", "runs-absurd"],
)
def test_non_finite_and_absurd_numbers_are_usage_errors(pytester, function, budgets, args, message):
    project(pytester, function, budgets)
    result = pytester.runpytest_inprocess("--lee-budgets", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "1e300"])
def test_lee_kb_max_file_mb_must_be_a_finite_positive_size(tmp_path, monkeypatch, capsys, value):
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "a.md").write_text("# A\n")
    (tmp_path / "pyproject.toml").write_text(f"[tool.lee.kb]\nmax_file_mb = {value}\n")
    monkeypatch.chdir(tmp_path)
    assert lee_kb(["lint"]) == 2
    err = capsys.readouterr().err
    assert "tool.lee.kb.max_file_mb: expected a positive number of megabytes, got " in err
    assert "Traceback" not in err


# --- case 7: a runtime ast.parse cannot take ------------------------------------------


def test_python2_runtime_is_a_usage_error_naming_the_key(pytester):
    project(pytester, 'runtime = "python2.7"\n')
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*tool.lee.function.runtime: expected a Lambda Python runtime*python2.7*"]
    )


@pytest.mark.parametrize(
    "runtime", ["python2.7", "python3.99999999999999999999", "python3.0", "nodejs20.x"]
)
def test_the_package_build_and_the_pre_upload_check_never_crash_on_the_runtime(tmp_path, runtime):
    """Settings refuse these; the builder and deploy()'s re-verification must not rely on it
    (ast.parse(feature_version=(2, 7)) is a bare AssertionError)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(APP)
    settings = Settings(
        rootdir=tmp_path,
        source=tmp_path / "src",
        handler="app.handler",
        min_lines=0,
        function=FunctionSettings(runtime=runtime),
    )
    package = build_package(settings, out_dir=tmp_path / "out")
    assert any("runtime" in warning for warning in package.warnings)
    verdict = verify_zip(settings, package.path, manifest=package.manifest)
    assert verdict.problems == ()


def test_deploy_re_verification_with_a_python2_runtime_reports_no_assertion_error(tmp_path):
    from pytest_lee.rehearsal.reverify import Candidate, reverify

    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("app.py", APP)
    settings = Settings(
        rootdir=tmp_path,
        handler="app.handler",
        min_lines=0,
        function=FunctionSettings(runtime="python2.7"),
    )
    problems, _ = reverify(settings, Candidate(archive), tmp_path / "work")
    assert problems == []


# --- case 9: output targets that cannot be written --------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--lee-emf", "blocker/emf.json"),
            "--lee-emf */blocker/emf.json: cannot write there: */blocker is a file, not a directory",
        ),
        (
            ("--lee-json", "blocker/out.json"),
            "--lee-json */blocker/out.json: cannot write there: */blocker is a file*",
        ),
        (
            ("--lee-save", "main"),
            "--lee-save */.lee/baselines/main.json: cannot write there: */.lee is a file*",
        ),
    ],
    ids=["emf", "json", "save"],
)
def test_unwritable_output_targets_are_usage_errors_before_anything_runs(pytester, args, message):
    project(pytester)
    (pytester.path / "blocker").write_text("")  # root ignores chmod: a file on the way does not
    (pytester.path / ".lee").write_text("")
    result = pytester.runpytest_inprocess("--lee-budgets", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


@pytest.mark.parametrize("flag", ["--lee-emf", "--lee-save"])
def test_an_output_that_becomes_unwritable_during_the_session_is_one_line_at_the_end(
    pytester, flag
):
    project(pytester, budgets="runs = 1\ncold_start_ms = { acceptable = 60000 }\n")
    blocker = ".lee" if flag == "--lee-save" else "out"
    pytester.makepyfile(
        test_block=f"def test_block():\n    open({blocker!r}, 'w').close()  # a file where a directory must go\n"
    )
    value = "main" if flag == "--lee-save" else "out/emf.json"
    result = pytester.runpytest_inprocess("--lee-budgets", "-p", "no:randomly", flag, value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines([f"ERROR: {flag} *: cannot write: *"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


# --- property: the settings validator says yes, or one LeeConfigError -------------------

TOML_VALUES = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda f: (
            repr(f)
            if math.isfinite(f)
            else ("nan" if math.isnan(f) else ("inf" if f > 0 else "-inf"))
        )
    ),
    st.text(alphabet="abcpython3.12_-", max_size=12).map(lambda s: '"' + s + '"'),
    st.sampled_from(["true", "[]", "{}", "[1, 2]", "{ target = 1 }", '{ acceptable = "x" }']),
)
KEYS = st.sampled_from(
    [
        ("tool.lee.function", "timeout_s"),
        ("tool.lee.function", "memory_mb"),
        ("tool.lee.function", "runtime"),
        ("tool.lee", "min_lines"),
        ("tool.lee.budgets", "runs"),
        ("tool.lee.budgets", "cold_start_ms"),
        ("tool.lee.budgets", "cache_hit_rate"),
        ("tool.lee.budgets", "phases"),
    ]
)


@given(entries=st.lists(st.tuples(KEYS, TOML_VALUES), min_size=1, max_size=4))
def test_any_value_of_any_key_loads_or_is_one_line_naming_the_key(tmp_path_factory, entries):
    root = tmp_path_factory.mktemp("settings")
    tables: dict[str, dict[str, str]] = {}
    for (table, key), value in entries:
        tables.setdefault(table, {})[key] = value
    text = "".join(
        f"[{table}]\n" + "".join(f"{key} = {value}\n" for key, value in keys.items())
        for table, keys in sorted(tables.items())
    )
    (root / "pyproject.toml").write_text(text)
    try:
        settings = load_settings(root)
    except LeeConfigError as error:
        message = str(error)
        assert "\n" not in message and "pyproject.toml" in message
        return
    assert math.isfinite(settings.function.timeout_s) and 0 < settings.function.timeout_s <= 900
    assert 128 <= settings.function.memory_mb <= 10240


@pytest.mark.parametrize("value", [math.nan, math.inf, 10**400])
def test_a_lee_budget_marker_level_that_is_not_finite_is_one_line(tmp_path, value):
    from pytest_lee.budgets.marker import parse_budget_marker

    settings = Settings(rootdir=tmp_path)
    with pytest.raises(
        LeeConfigError,
        match=r"^test_x: lee_budget: cold_start_ms\.acceptable: expected a finite number",
    ):
        parse_budget_marker((), {"cold_start_ms": value}, settings, where="test_x: lee_budget")


# --- environment and function names Lambda would refuse ---------------------------------


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (
            'environment = { "A=B" = "x" }\n',
            "tool.lee.function.environment: 'A=B': expected a variable name Lambda accepts "
            "(a letter, then letters, digits or '_'; no '=' and no NUL)",
        ),
        (
            'environment = { "A\\u0000B" = "x" }\n',
            "tool.lee.function.environment: 'A\\x00B': expected a variable name Lambda accepts",
        ),
        (
            'environment = { STAGE = "a\\u0000b" }\n',
            "tool.lee.function.environment.STAGE: the value holds a NUL character, which no "
            "process environment can carry",
        ),
        (
            f'environment = {{ SMALL = "x", BIG = "{"x" * 5000}" }}\n',
            "tool.lee.function.environment: 5,009 bytes of names and values, over Lambda's 4 KB "
            "(4,096 bytes) for a function's environment; largest: BIG",
        ),
        (
            'name = "my function"\n',
            "tool.lee.function.name = 'my function': expected a Lambda function name (1 to 64 "
            "letters, digits, '-' or '_')",
        ),
        (
            f'name = "{"f" * 10_000_000}"\n',
            "tool.lee.function.name = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'"
            "... (10,000,000 characters): expected a Lambda function name",
        ),
    ],
    ids=[
        "name-with-equals",
        "name-with-nul",
        "value-with-nul",
        "over-4-kb",
        "name-space",
        "name-10-mb",
    ],
)
def test_names_and_values_lambda_would_refuse_are_usage_errors_at_configure_time(
    pytester, function, message
):
    project(pytester, function)
    result = pytester.runpytest_inprocess("--lee-json", "out.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    error = result.stderr.str()
    assert message in error
    assert "Traceback" not in result.stdout.str() + error
    assert max(len(line) for line in error.splitlines()) < 500  # one line, not the 10 MB name
    assert not (pytester.path / "out.json").exists()  # nothing ran, nothing was written
