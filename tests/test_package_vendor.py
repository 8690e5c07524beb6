"""[tool.lee] requirements vendored by pip for Lambda's runtime and architecture, cached."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lee_helpers import APP, write_tree
from lee_helpers import package_settings as settings_for
from wheels import make_wheel, use_wheels

from pytest_lee.errors import PackageError
from pytest_lee.package import build_package
from pytest_lee.package.vendor import platform_tags
from pytest_lee.settings import FunctionSettings


@pytest.fixture
def wheels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "wheels"
    make_wheel(
        directory,
        "tinydep",
        "1.0",
        files={"tinydep/__init__.py": "", "tinydep/cacert.pem": "CERTS"},
    )
    # The newest release targets a newer glibc: one manylinux2014 tag would pick 0.9.
    make_wheel(
        directory, "fastlib", "0.9", tag="cp312-cp312-manylinux2014_x86_64", requires=["tinydep"]
    )
    make_wheel(
        directory, "fastlib", "1.0", tag="cp312-cp312-manylinux_2_28_x86_64", requires=["tinydep"]
    )
    make_wheel(directory, "armonly", "1.0", tag="cp312-cp312-manylinux_2_17_aarch64")
    use_wheels(monkeypatch, directory, tmp_path / "cache")
    return directory


def app_settings(tmp_path: Path, requirements: tuple[str, ...], **function: str):
    source = write_tree(tmp_path / "src", {"app.py": APP})
    return settings_for(
        source,
        requirements=requirements,
        min_lines=5,
        function=FunctionSettings(runtime_provides=(), **function),
    )


def test_every_manylinux_tag_up_to_the_runtimes_glibc_is_offered_newest_first():
    tags = platform_tags("python3.12", "x86_64")
    assert tags[:2] == ["manylinux_2_34_x86_64", "manylinux_2_33_x86_64"]
    assert "manylinux_2_5_x86_64" in tags and "manylinux2014_x86_64" in tags
    assert platform_tags("python3.11", "arm64")[0] == "manylinux_2_26_aarch64"
    assert platform_tags("python3.11", "arm64")[-2:] == [
        "manylinux_2_17_aarch64",
        "manylinux2014_aarch64",
    ]


def test_requirements_are_vendored_at_the_packages_root_newest_wheel_first(tmp_path, wheels):
    settings = app_settings(tmp_path, ("fastlib",), runtime="python3.12")
    package = build_package(settings, out_dir=tmp_path / "out")
    with zipfile.ZipFile(package.path) as archive:
        assert archive.read("fastlib/__init__.py") == b"VERSION = '1.0'\n"
        assert "tinydep/cacert.pem" in archive.namelist()  # a dependency's .pem ships
        assert not [name for name in archive.namelist() if "__pycache__" in name]
    # min_lines is for the project's own code: vendored one-liners are not "truncated".
    assert not [w for w in package.warnings if w.startswith(("fastlib", "tinydep"))]


def test_a_warm_cache_builds_offline_and_gives_the_same_code_sha256(tmp_path, wheels):
    settings = app_settings(tmp_path, ("fastlib",), runtime="python3.12")
    first = build_package(settings, out_dir=tmp_path / "one")
    shutil.rmtree(wheels)  # pip would fail now: a warm build must not run it
    second = build_package(settings, out_dir=tmp_path / "two")
    assert second.code_sha256 == first.code_sha256


def test_a_requirement_with_no_wheel_for_the_target_is_one_line(tmp_path, wheels):
    settings = app_settings(tmp_path, ("armonly",), runtime="python3.12", architecture="x86_64")
    with pytest.raises(PackageError) as caught:
        build_package(settings, out_dir=tmp_path / "out")
    assert caught.value.problems == (
        "armonly: no wheel for python3.12 on x86_64 (cp312, manylinux up to glibc 2.34) "
        "([tool.lee] requirements)",
    )


def test_arm64_gets_the_aarch64_wheels(tmp_path, wheels):
    settings = app_settings(tmp_path, ("armonly",), runtime="python3.12", architecture="arm64")
    package = build_package(settings, out_dir=tmp_path / "out")
    assert "armonly/__init__.py" in package.files


@pytest.mark.network
def test_requests_is_vendored_from_the_registry(tmp_path, monkeypatch):
    """The one test that reaches PyPI (LEE_NETWORK=1): what a new user's app really needs."""
    monkeypatch.setenv("LEE_CACHE_DIR", str(tmp_path / "cache"))
    settings = app_settings(tmp_path, ("requests",), runtime="python3.12")
    package = build_package(settings, out_dir=tmp_path / "out")
    assert "certifi/cacert.pem" in package.files
    assert "requests/__init__.py" in package.files


def test_the_note_judges_extension_modules_by_the_childs_python_not_pytests(tmp_path, monkeypatch):
    import sys

    from pytest_lee import _interpreter as interpreter
    from pytest_lee.budgets.measure import runtime_notes

    other = 12 if sys.version_info[1] != 12 else 11
    child = interpreter.Interpreter(f"/usr/bin/python3.{other}", (3, other))
    monkeypatch.setattr(interpreter, "resolve", lambda python: child)
    write_tree(tmp_path, {f"charset_normalizer/md.cpython-3{other}-x86_64-linux-gnu.so": b"\0"})
    function = FunctionSettings(runtime=f"python3.{other}", python=f"python3.{other}")
    assert runtime_notes(tmp_path, function) == []


def test_budgets_say_when_vendored_extension_modules_target_another_python(tmp_path):
    import sys

    from pytest_lee.budgets.measure import runtime_notes

    other = 12 if sys.version_info[1] != 12 else 11
    write_tree(
        tmp_path,
        {
            f"charset_normalizer/md.cpython-3{other}-x86_64-linux-gnu.so": b"\0",
            f"ok/fast.cpython-3{sys.version_info[1]}-x86_64-linux-gnu.so": b"\0",
        },
    )
    notes = runtime_notes(tmp_path, FunctionSettings(runtime=f"python3.{other}"))
    assert notes == [
        f"the child runs Python 3.{sys.version_info[1]}, the runtime is python3.{other}: 1 vendored "
        f"extension module built for another Python is ignored (charset_normalizer/md.cpython-3"
        f"{other}-x86_64-linux-gnu.so); their pure-Python fallbacks were measured"
    ]
