"""Excludes with .gitignore semantics, secret names in any case, keys in UTF-16, vendored files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lee_helpers import APP, write_tree
from lee_helpers import package_settings as settings_for

from pytest_lee.errors import PackageError
from pytest_lee.package import build_package, verify_zip
from pytest_lee.package.select import select_files


def names(source: Path, exclude: tuple[str, ...] = (), *, vendored: bool = False) -> list[str]:
    return [item.name for item in select_files(source, exclude, vendored=vendored).files]


@pytest.mark.parametrize(
    "secret",
    [".ENV", ".env.local", "ID_RSA", "keys/Server.PEM", "a.KEY", ".netrc", ".aws/credentials"],
)
def test_secret_names_are_left_out_in_any_case(tmp_path: Path, secret: str):
    source = write_tree(tmp_path / "src", {"app.py": APP, secret: "s3cr3t"})
    assert names(source) == ["app.py"]


def test_a_bang_line_re_includes_a_file_a_built_in_exclude_left_out(tmp_path: Path):
    source = write_tree(
        tmp_path / "src", {"app.py": APP, "config/ca.pem": "CERT", "other.pem": "CERT"}
    )
    assert names(source, ("!config/ca.pem",)) == ["app.py", "config/ca.pem"]


def test_excludes_follow_gitignore_anchoring_and_directory_rules(tmp_path: Path):
    source = write_tree(
        tmp_path / "src",
        {
            "app.py": APP,
            "tests/test_app.py": "",
            "lib/tests/keep.py": "",
            "docs/a.md": "",
            "lib/docs/b.md": "",
        },
    )
    # `/tests/` is anchored to the source; `docs/` (no leading slash) matches at any depth.
    assert names(source, ("/tests/", "docs/")) == ["app.py", "lib/tests/keep.py"]


def test_a_vendored_tree_keeps_its_secret_looking_files_but_not_its_junk(tmp_path: Path):
    tree = write_tree(
        tmp_path / "deps",
        {
            "certifi/__init__.py": "",
            "certifi/cacert.pem": "CERTS",
            "certifi/__pycache__/x.cpython-311.pyc": b"\0",
        },
    )
    assert names(tree, vendored=True) == ["certifi/__init__.py", "certifi/cacert.pem"]
    assert names(tree) == ["certifi/__init__.py"]


def test_an_aws_key_in_a_utf16_file_fails_the_build(tmp_path: Path):
    text = "# settings\nKEY = 'AKIAABCDEFGHIJKLMNOP'\n"
    source = write_tree(tmp_path / "src", {"app.py": APP, "notes.txt": text.encode("utf-16")})
    with pytest.raises(PackageError) as caught:
        build_package(settings_for(source), out_dir=tmp_path / "out")
    assert caught.value.problems == (
        "notes.txt:2: contains an AWS long-term access key id (AKIA..., UTF-16); keys belong in "
        "the function's role, not the package",
    )


def test_aws_documented_example_keys_are_not_secrets(tmp_path: Path):
    docs = "example: AKIAIOSFODNN7EXAMPLE and ASIAIOSFODNN7EXAMPLE\n"
    source = write_tree(
        tmp_path / "src", {"app.py": APP, "a.txt": docs, "b.txt": docs.encode("utf-16-be")}
    )
    package = build_package(settings_for(source), out_dir=tmp_path / "out")
    # Built and verified (a key finding would have raised), with both files shipped as they were.
    with zipfile.ZipFile(package.path) as archive:
        assert archive.read("a.txt") == docs.encode()
        assert archive.read("b.txt") == docs.encode("utf-16-be")


def test_a_real_looking_key_beside_the_example_keys_is_still_refused(tmp_path: Path):
    docs = "example: AKIAIOSFODNN7EXAMPLE and AKIAZ7QXW4K2M3N5P6R8\n"
    source = write_tree(tmp_path / "src", {"app.py": APP, "a.txt": docs})
    with pytest.raises(PackageError, match=r"a\.txt"):
        build_package(settings_for(source), out_dir=tmp_path / "out")


def record_zip(path: Path, files: dict[str, bytes]) -> Path:
    """A zip holding *files* plus a dist-info RECORD listing the vendored ones (under deps/)."""
    record = "".join(f"{name},,\n" for name in files if name.startswith("dep/"))
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("dep-1.0.dist-info/RECORD", record + "dep-1.0.dist-info/RECORD,,\n")
    return path


def test_verify_zip_exempts_files_a_record_lists_from_project_only_checks(tmp_path: Path):
    key = b"KEY = 'AKIAABCDEFGHIJKLMNOP'\n"
    archive = record_zip(
        tmp_path / "p.zip",
        {"app.py": APP.encode(), "dep/__init__.py": key, "dep/cacert.pem": b"CERTS"},
    )
    settings = settings_for(tmp_path, min_lines=50)
    verdict = verify_zip(settings, archive)
    assert verdict.problems == ()
    assert [w for w in verdict.warnings if "min_lines" in w] == [
        "app.py: 5 lines, under min_lines = 50 (possibly truncated)"
    ]


def test_verify_zip_still_refuses_the_projects_own_secret_files(tmp_path: Path):
    archive = record_zip(tmp_path / "p.zip", {"app.py": APP.encode(), "Server.PEM": b"x"})
    verdict = verify_zip(settings_for(tmp_path), archive)
    assert verdict.problems == ("Server.PEM: junk or excluded file in the package (never shipped)",)


def test_a_handler_failing_to_open_an_excluded_file_at_import_names_it(tmp_path: Path):
    from pytest_lee.budgets.measure import MeasurementError, measure
    from pytest_lee.settings import FunctionSettings

    app = "import ssl\n\nssl.create_default_context().load_verify_locations('config/ca.pem')\n\n\ndef handler(event, context):\n    return {}\n"
    source = write_tree(tmp_path / "src", {"app.py": app, "config/ca.pem": "CERT"})
    settings = settings_for(source, function=FunctionSettings(runtime_provides=()))
    with pytest.raises(MeasurementError) as caught:
        measure(settings, runs=1)
    message = str(caught.value).splitlines()[0]
    # ssl's FileNotFoundError names no file; the budget error names the excluded one.
    assert message.startswith("app.handler: FileNotFoundError: [Errno 2] No such file or directory")
    assert (
        "; the package left out config/ca.pem (a secret name or an exclude line: re-include one "
        "with '!config/ca.pem' in [tool.lee] exclude)"
    ) in message
