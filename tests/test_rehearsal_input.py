"""Bad input to a rehearsal: refused (or killed at its timeout) and reported in one line each."""

from __future__ import annotations

import pytest
from rehearsal_project import rehearsal_project, run_test_module


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    return rehearsal_project(pytester)


def test_zips_that_are_not_zips_corrupt_or_escape_are_refused_before_upload(project):
    result = run_test_module(
        project,
        """
        import stat, zipfile

        def make(path, entries):
            with zipfile.ZipFile(path, "w") as archive:
                for name, data, mode in entries:
                    info = zipfile.ZipInfo(name)
                    info.create_system = 3
                    info.external_attr = mode << 16
                    archive.writestr(info, data)
            return path

        HANDLER = ("handler.py", "def handler(event, context):\\n    return {}\\n", stat.S_IFREG | 0o644)

        def test_it(lee_rehearsal, lee_package, tmp_path):
            good = lee_rehearsal.deploy(lee_package())
            text = tmp_path / "notes.zip"
            text.write_text("not a zip at all")
            corrupt = tmp_path / "corrupt.zip"
            data = bytearray(good_bytes := open(lee_package().path, "rb").read())
            data[40:60] = b"\\xff" * 20  # inside the first entry's compressed data
            corrupt.write_bytes(bytes(data))
            slip = make(tmp_path / "slip.zip", [HANDLER, ("../escaped.py", "x = 1\\n", stat.S_IFREG | 0o644)])
            absolute = make(tmp_path / "absolute.zip", [HANDLER, ("/tmp/absolute.py", "x = 1\\n", stat.S_IFREG | 0o644)])
            link = make(tmp_path / "link.zip", [HANDLER, ("creds", "/root/.aws/credentials", stat.S_IFLNK | 0o777)])

            reasons = {}
            for path in (text, corrupt, slip, absolute, link, tmp_path / "missing.zip", 42):
                deployment = lee_rehearsal.deploy(path)
                assert deployment.refused and deployment.version is None, path
                assert "\\n" not in deployment.reason
                reasons[getattr(path, "name", path)] = deployment.reason
            assert "not a zip file" in reasons["notes.zip"]
            assert "corrupt" in reasons["corrupt.zip"]
            assert "../escaped.py: path escapes the destination with '..', refused" in reasons["slip.zip"]
            assert "absolute path refused" in reasons["absolute.zip"]
            assert "creds: symbolic link entry refused" in reasons["link.zip"]
            assert "missing.zip: no such file" in reasons["missing.zip"]
            assert "expected a Package (lee_package) or the path of a zip" in reasons[42]
            assert not (tmp_path.parent / "escaped.py").exists()
            assert lee_rehearsal.versions() == ["1"] and lee_rehearsal.alias_version == "1"
    """,
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*7 refused*; production never left on a failed version"])


def test_a_partial_package_built_without_verification_is_refused_on_reverification(project):
    project.path.joinpath("good", "helper.py").write_text("VALUE = 1\n")
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            partial = lee_package(omit=["handler.py"], verify=False)
            refused = lee_rehearsal.deploy(partial)
            assert refused.refused
            assert refused.reason.startswith("handler.py: required, but no file in the package matches it")
            assert lee_rehearsal.alias_version is None and lee_rehearsal.versions() == []
    """,
    )
    result.assert_outcomes(passed=1)


def test_a_handler_naming_a_missing_module_is_refused_in_one_line(project):
    pyproject = project.path / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('handler = "handler.handler"', 'handler = "nosuch.handler"')
    )
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            refused = lee_rehearsal.deploy(lee_package(verify=False))
            assert refused.refused
            assert refused.reason == "nosuch.py or nosuch/__init__.py: handler module missing from the package (handler 'nosuch.handler')"
    """,
    )
    result.assert_outcomes(passed=1)


def test_a_health_check_that_hangs_is_killed_at_the_function_timeout_and_rolled_back(project):
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            lee_rehearsal.deploy(lee_package())
            hung = lee_rehearsal.deploy(lee_package("hangs"))
            assert hung.rolled_back and hung.health.outcome == "failed"
            assert hung.health.error.startswith("timed out after 2 s")
            assert lee_rehearsal.alias_version == "1"
    """,
    )
    result.assert_outcomes(passed=1)


def test_bad_canary_arguments_fail_the_test_in_one_line(project):
    result = run_test_module(
        project,
        """
        import pytest

        @pytest.mark.parametrize("kwargs", [{"canary_weight": 1.5}, {"canary_invocations": -1}, {"canary_events": []}])
        def test_it(lee_rehearsal, lee_package, kwargs):
            lee_rehearsal.deploy(lee_package(), **kwargs)
    """,
    )
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*LeeError: canary_weight: expected a number between 0 and 1 (exclusive), got 1.5",
            "*LeeError: canary_invocations: expected a whole number >= 0, got -1",
            "*LeeError: canary_events: expected at least one event, got none",
        ]
    )
    output = result.stdout.str()
    assert (
        "session.py" not in output and "canary.py" not in output
    )  # the plugin's frames are hidden


def test_without_the_aws_extra_a_rehearsal_fails_with_what_to_install(project):
    project.makeconftest("import sys\nsys.modules['boto3'] = None\n")
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal):
            pass

        def test_other():
            pass
    """,
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["a rehearsal needs boto3, which is not installed: pip install 'pytest-lee[aws]'"]
    )
    assert "Traceback" not in result.stdout.str() and "During handling" not in result.stdout.str()
