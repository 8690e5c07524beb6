"""``verify_zip``: the builder's verification applied to a finished zip's own bytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lee_helpers import APP, package_settings, write_tree

from pytest_lee.package import build_package, verify_zip


def make_zip(path: Path, entries: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return path


def test_a_verified_package_passes_with_and_without_its_manifest(tmp_path: Path):
    settings = package_settings(write_tree(tmp_path / "src", {"app.py": APP}))
    package = build_package(settings, out_dir=tmp_path / "out")
    assert verify_zip(settings, package.path).problems == ()
    assert verify_zip(settings, package.path, manifest=package.manifest).problems == ()


def test_every_problem_of_a_zip_the_builder_never_checked_is_listed(tmp_path: Path):
    settings = package_settings(tmp_path / "src", required=("gateway*.py",))
    bad = make_zip(
        tmp_path / "bad.zip",
        {
            "app.py": "def handle(event, context):\n    pass\n",
            "util.py": "def f(:\n",
            "__pycache__/app.cpython-311.pyc": "x",
            ".env": "A=1\n",
        },
    )
    problems = verify_zip(settings, bad).problems
    assert ".env: junk or excluded file in the package (never shipped)" in problems
    assert (
        "__pycache__/app.cpython-311.pyc: junk or excluded file in the package (never shipped)"
        in problems
    )
    assert "gateway*.py: required, but no file in the package matches it" in problems
    assert "app.py: does not define 'handler' (handler 'app.handler')" in problems
    assert any(problem.startswith("util.py:1: does not compile") for problem in problems)
    assert len(problems) == 5


def test_entries_that_differ_from_the_manifest_are_named(tmp_path: Path):
    settings = package_settings(
        write_tree(tmp_path / "src", {"app.py": APP, "extra.py": "X = 1\n"})
    )
    package = build_package(settings, out_dir=tmp_path / "out")
    tampered = make_zip(
        tmp_path / "tampered.zip", {"app.py": APP + "# changed\n", "new.py": "Y = 2\n"}
    )
    assert verify_zip(settings, tampered, manifest=package.manifest).problems == (
        "app.py: content differs from the manifest",
        "new.py: not in the manifest",
    )


def test_an_unsafe_or_empty_zip_is_a_problem_naming_the_zip_not_an_exception(tmp_path: Path):
    settings = package_settings(tmp_path / "src")
    slip = make_zip(tmp_path / "slip.zip", {"../escaped.py": "X = 1\n"})
    assert verify_zip(settings, slip).problems == (
        f"{slip}: ../escaped.py: path escapes the destination with '..', refused",
    )
    empty = make_zip(tmp_path / "empty.zip", {})
    problems = verify_zip(settings, empty).problems
    assert f"{empty}: no files to package" in problems
    assert all("lee-verify-zip-" not in problem for problem in problems)
    not_a_zip = tmp_path / "notes.zip"
    not_a_zip.write_text("hello\n")
    assert verify_zip(settings, not_a_zip).problems[0].startswith(f"{not_a_zip}: not a zip file")
