"""Building the package: the same tree gives the same bytes, junk never ships, failures leave nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from lee_helpers import APP, write_tree
from lee_helpers import package_settings as settings_for

from pytest_lee.errors import PackageError
from pytest_lee.package import Package, build_package
from pytest_lee.settings import Settings


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "src",
        {
            "app.py": APP,
            "lib/__init__.py": "",
            "lib/util.py": "VALUE = 1\n",
            "data/table.csv": "a,b\n1,2\n",
        },
    )


def test_two_builds_of_the_same_tree_have_the_same_code_sha256(source: Path, tmp_path: Path):
    first = build_package(settings_for(source), out_dir=tmp_path / "one")
    second = build_package(settings_for(source), out_dir=tmp_path / "two")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.code_sha256 == second.code_sha256


def test_code_sha256_is_base64_of_the_sha256_of_the_zip_bytes(source: Path, tmp_path: Path):
    package = build_package(settings_for(source), out_dir=tmp_path / "out")
    expected = base64.b64encode(hashlib.sha256(package.path.read_bytes()).digest()).decode()
    assert package.code_sha256 == expected


def test_a_copy_with_other_timestamps_and_read_modes_builds_the_same_zip(
    source: Path, tmp_path: Path
):
    copy = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(source, copy)
    for path in copy.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
        if path.is_file():
            path.chmod(0o600)  # a stricter umask on the other machine
    original = build_package(settings_for(source), out_dir=tmp_path / "a")
    rebuilt = build_package(settings_for(copy), out_dir=tmp_path / "b")
    assert rebuilt.code_sha256 == original.code_sha256


def test_entries_are_sorted_files_with_fixed_dates_and_modes(source: Path, tmp_path: Path):
    (source / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (source / "run.sh").chmod(0o700)
    package = build_package(settings_for(source), out_dir=tmp_path / "out")
    with zipfile.ZipFile(package.path) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names) == list(package.files)
    assert names == ["app.py", "data/table.csv", "lib/__init__.py", "lib/util.py", "run.sh"]
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    modes = {info.filename: stat.S_IMODE(info.external_attr >> 16) for info in infos}
    assert modes == {name: 0o755 if name == "run.sh" else 0o644 for name in names}
    assert all(stat.S_ISREG(info.external_attr >> 16) for info in infos)


def test_manifest_maps_each_file_to_its_sha256_and_is_written_beside_the_zip(
    source: Path, tmp_path: Path
):
    package = build_package(settings_for(source), out_dir=tmp_path / "out")
    assert package.manifest == {
        name: hashlib.sha256((source / name).read_bytes()).hexdigest() for name in package.files
    }
    written = json.loads(package.manifest_path.read_text())
    assert package.manifest_path.parent == package.path.parent
    assert written["code_sha256"] == package.code_sha256
    assert written["files"] == dict(package.manifest)


JUNK = {
    "__pycache__/app.cpython-311.pyc": b"\0",
    "lib/__pycache__/util.cpython-311.pyc": b"\0",
    "stray.pyc": b"\0",
    ".git/config": "[core]\n",
    ".env": "SECRET=1\n",
    "lib/.env.production": "SECRET=2\n",
    "cert.pem": "pem\n",
    "server.key": "key\n",
    "id_rsa": "rsa\n",
    "deploy/id_rsa.pub": "ssh-rsa\n",
    "tests/test_app.py": "def test(): pass\n",
    "README.md": "# app\n",
}


def test_junk_secrets_and_configured_excludes_never_ship(source: Path, tmp_path: Path):
    write_tree(source, JUNK)
    package = build_package(
        settings_for(source, exclude=("tests/**", "*.md")), out_dir=tmp_path / "out"
    )
    assert package.files == ("app.py", "data/table.csv", "lib/__init__.py", "lib/util.py")


def test_omit_leaves_files_out_and_rejects_a_pattern_that_matches_nothing(
    source: Path, tmp_path: Path
):
    package = build_package(settings_for(source), omit=("lib/util.py",), out_dir=tmp_path / "out")
    assert "lib/util.py" not in package.files and "app.py" in package.files
    single = build_package(settings_for(source), omit="lib/*.py", out_dir=tmp_path / "glob")
    assert single.files == ("app.py", "data/table.csv")
    with pytest.raises(PackageError, match=r"lib/utils\.py: omit matches no file of the source"):
        build_package(settings_for(source), omit=("lib/utils.py",), out_dir=tmp_path / "typo")


def test_a_symlink_inside_the_source_ships_as_the_file_it_points_to(source: Path, tmp_path: Path):
    (source / "alias.py").symlink_to("lib/util.py")
    package = build_package(settings_for(source), out_dir=tmp_path / "out")
    with zipfile.ZipFile(package.path) as archive:
        info = archive.getinfo("alias.py")
        assert archive.read(info) == b"VALUE = 1\n"
    assert stat.S_ISREG(info.external_attr >> 16)


def test_an_output_directory_inside_the_source_is_not_packaged_again(source: Path):
    settings = settings_for(source)
    first = build_package(settings, out_dir=source / "dist")
    second = build_package(settings, out_dir=source / "dist")
    assert not any(name.startswith("dist/") for name in second.files)
    assert second.code_sha256 == first.code_sha256


def test_package_is_a_frozen_value(source: Path, tmp_path: Path):
    package = build_package(settings_for(source), out_dir=tmp_path / "out")
    assert isinstance(package, Package)
    with pytest.raises(AttributeError):
        package.code_sha256 = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        package.manifest["app.py"] = "x"  # type: ignore[index]


# --- atomicity -----------------------------------------------------------------------


def leftovers(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def test_a_failed_build_leaves_no_zip_and_no_temporary_file(source: Path, tmp_path: Path):
    (source / "broken.py").write_text("def broken(:\n")
    out = tmp_path / "out"
    with pytest.raises(PackageError, match=r"broken\.py:1: does not compile"):
        build_package(settings_for(source), out_dir=out)
    assert leftovers(out) == []


def test_a_failed_build_leaves_the_previous_zip_and_manifest_untouched(
    source: Path, tmp_path: Path
):
    out = tmp_path / "out"
    good = build_package(settings_for(source), out_dir=out)
    before = good.path.read_bytes(), good.manifest_path.read_bytes()
    (source / "app.py").write_text("def handler(:\n")
    with pytest.raises(PackageError):
        build_package(settings_for(source), out_dir=out)
    assert (good.path.read_bytes(), good.manifest_path.read_bytes()) == before
    assert leftovers(out) == ["src.manifest.json", "src.zip"]


def test_an_interrupted_write_leaves_the_previous_zip_untouched(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "out"
    good = build_package(settings_for(source), out_dir=out)
    before = good.path.read_bytes()
    (source / "new.py").write_text("X = 2\n")
    original = zipfile.ZipFile.writestr

    def interrupted(self, info, data, *args, **kwargs):
        if getattr(info, "filename", info) == "lib/util.py":
            raise KeyboardInterrupt
        return original(self, info, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_package(settings_for(source), out_dir=out)
    assert good.path.read_bytes() == before
    assert leftovers(out) == ["src.manifest.json", "src.zip"]


def test_a_successful_rebuild_replaces_the_zip(source: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = build_package(settings_for(source), out_dir=out)
    (source / "new.py").write_text("X = 2\n")
    second = build_package(settings_for(source), out_dir=out)
    assert second.path == first.path and "new.py" in second.files
    assert second.code_sha256 != first.code_sha256
    assert json.loads(second.manifest_path.read_text())["code_sha256"] == second.code_sha256


def test_an_output_directory_that_cannot_be_written_is_one_clear_error(
    source: Path, tmp_path: Path
):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output directory should be\n")
    with pytest.raises(
        PackageError,
        match=r"^package build failed \(1 problem\):\n  - .*out/src.zip: cannot write the package: File exists",
    ):
        build_package(settings_for(source), out_dir=blocker)


def test_a_special_file_in_the_source_stops_the_build_naming_it(source: Path, tmp_path: Path):
    os.mkfifo(source / "pipe")
    with pytest.raises(PackageError, match="pipe: not a regular file or directory"):
        build_package(settings_for(source), out_dir=tmp_path / "out")
    assert leftovers(tmp_path / "out") == []


def test_an_unreadable_file_stops_the_build_naming_it(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "util.py":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(PackageError, match=r"lib/util\.py: cannot read: Permission denied"):
        build_package(settings_for(source), verify=False, out_dir=tmp_path / "out")
    assert leftovers(tmp_path / "out") == []


def test_source_is_relative_to_the_rootdir_and_must_be_a_directory(source: Path, tmp_path: Path):
    settings = Settings(rootdir=tmp_path, handler="app.handler", min_lines=0)
    assert build_package(settings, "src", out_dir=tmp_path / "out").files[0] == "app.py"
    with pytest.raises(PackageError, match="nowhere: no such directory"):
        build_package(settings, "nowhere", out_dir=tmp_path / "out")
    with pytest.raises(
        PackageError,
        match=r"^package build failed \(1 problem\):\n  - no source directory: pass lee_package\(source=...\) or set \[tool.lee\] source",
    ):
        build_package(settings, out_dir=tmp_path / "out")
