"""The auto-collected package item and the lee_package fixture, run as users run them."""

from __future__ import annotations

import json

import pytest
from lee_helpers import APP

PYPROJECT = """
[tool.pytest.ini_options]
{ini}

[tool.lee]
source = "src"
handler = "app.handler"
required = ["app.py"]
min_lines = {min_lines}

[tool.lee.function]
runtime = "{runtime}"
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    return make_project(pytester)


def make_project(
    pytester: pytest.Pytester, *, ini: str = "", min_lines: int = 0, app: str = APP
) -> pytest.Pytester:
    import sys

    runtime = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    pytester.makefile(
        ".toml", pyproject=PYPROJECT.format(ini=ini, min_lines=min_lines, runtime=runtime)
    )
    pytester.mkdir("src")
    (pytester.path / "src" / "app.py").write_text(app)
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_app.py").write_text("def test_app():\n    pass\n")
    return pytester


def test_a_plain_run_verifies_the_package(project: pytest.Pytester):
    result = project.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "pyproject.toml::package PASSED*",
            "*= lee package =*",
            "src: 1 file, * zipped (* unzipped), CodeSha256 *=",
        ]
    )


def test_the_item_is_collected_when_testpaths_is_set(pytester: pytest.Pytester):
    make_project(pytester, ini='testpaths = ["tests"]')
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["pyproject.toml::package PASSED*"])


def test_the_item_is_collected_when_pytest_is_given_the_tests_folder(project: pytest.Pytester):
    result = project.runpytest("-v", "tests")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["pyproject.toml::package PASSED*", "tests/test_app.py::test_app PASSED*"]
    )


def test_the_item_is_not_added_when_pytest_is_given_one_file(project: pytest.Pytester):
    result = project.runpytest("-v", "tests/test_app.py")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*pyproject.toml::package*")


def test_the_item_is_selectable_by_name(project: pytest.Pytester):
    result = project.runpytest("-v", "-k", "package")
    result.assert_outcomes(passed=1, deselected=1)


def test_the_collection_count_includes_the_lee_items(project: pytest.Pytester):
    result = project.runpytest("-k", "test_app")
    result.stdout.fnmatch_lines(["collected 2 items / 1 deselected / 1 selected"])


def test_a_broken_package_fails_the_item_with_every_problem_and_no_traceback(
    pytester: pytest.Pytester,
):
    make_project(pytester, app="def handle(event, context):\n    return 1\n")
    (pytester.path / "src" / "lib.py").write_text("def f(:\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ package _*",
            "package verification failed (2 problems):",
            "  - app.py: does not define 'handler' (handler 'app.handler')",
            "  - lib.py:1: does not compile: SyntaxError: *",
            "*= lee package =*",
            "src: FAILED verification (2 problems)",
            "FAILED pyproject.toml::package*",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*def runtest*")


def test_a_package_that_cannot_be_built_says_so_not_verification(pytester: pytest.Pytester):
    import os

    make_project(pytester)
    os.mkfifo(pytester.path / "src" / "pipe")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "package build failed (1 problem):",
            "  - pipe: not a regular file or directory",
            "src: FAILED build (1 problem)",
        ]
    )
    result.stdout.no_fnmatch_line("*verification failed*")


def test_warnings_are_shown_in_the_summary_and_do_not_fail(pytester: pytest.Pytester):
    make_project(pytester, min_lines=50)
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["  warning: app.py: 5 lines, under min_lines = 50 (possibly truncated)"]
    )


def test_lee_json_has_a_package_entry(project: pytest.Pytester):
    result = project.runpytest("--lee-json", "lee.json")
    result.assert_outcomes(passed=2)
    entries = json.loads((project.path / "lee.json").read_text())["package"]
    assert len(entries) == 1
    assert (
        entries[0]["source"] == "src" and entries[0]["status"] == "ok" and entries[0]["files"] == 1
    )
    assert entries[0]["code_sha256"].endswith("=")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"nowhere"', "*pyproject.toml: tool.lee.source = 'nowhere': no such directory*"),
        ('"src/app.py"', "*pyproject.toml: tool.lee.source = 'src/app.py': no such directory*"),
        ("3", "*pyproject.toml: tool.lee.source: expected a non-empty string, got 3"),
    ],
)
def test_a_bad_source_is_one_usage_error_line(pytester: pytest.Pytester, value: str, message: str):
    make_project(pytester)
    pyproject = pytester.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('source = "src"', f"source = {value}"))
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])
    assert "Traceback" not in result.stderr.str()


def test_the_fixture_builds_verified_packages(project: pytest.Pytester):
    project.makepyfile(
        test_fixture="""
        import base64, hashlib
        import pytest
        from pytest_lee import PackageError

        def test_builds_the_configured_source(lee_package):
            first, second = lee_package(), lee_package()
            assert first.path != second.path
            assert first.code_sha256 == second.code_sha256
            digest = base64.b64encode(hashlib.sha256(first.path.read_bytes()).digest()).decode()
            assert first.code_sha256 == digest
            assert first.files == ("app.py", "extra.py")

        def test_omitting_a_required_file_fails_verification(lee_package):
            with pytest.raises(PackageError, match="app.py: required, but no file"):
                lee_package(omit=["app.py"])

        def test_verify_false_builds_it_anyway(lee_package):
            assert lee_package(omit=["app.py"], verify=False).files == ("extra.py",)

        def test_another_source_relative_to_the_rootdir(lee_package):
            with pytest.raises(PackageError, match="handler module missing"):
                lee_package("other")
        """
    )
    (project.path / "src" / "extra.py").write_text("X = 1\n")
    project.mkdir("other")
    (project.path / "other" / "x.py").write_text("X = 1\n")
    result = project.runpytest("test_fixture.py")
    result.assert_outcomes(passed=4)


def test_the_fixture_says_what_to_do_without_a_source(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest
        from pytest_lee import PackageError

        def test_no_source(lee_package):
            with pytest.raises(PackageError, match=r"no source directory: pass lee_package\\(source=...\\)"):
                lee_package()
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_under_xdist_the_package_entry_reaches_the_controller_once(project: pytest.Pytester):
    pytest.importorskip("xdist")
    result = project.runpytest_subprocess("-n", "2", "--lee-json", "lee.json")
    result.assert_outcomes(passed=2)
    entries = json.loads((project.path / "lee.json").read_text())["package"]
    assert [entry["status"] for entry in entries] == ["ok"]
    result.stdout.fnmatch_lines(["*= lee package =*", "src: 1 file, *CodeSha256 *"])
