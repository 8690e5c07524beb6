"""extract_package unzips exactly what was zipped and refuses archives that would escape."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from pytest_lee.errors import PackageError
from pytest_lee.package import build_package, extract_package
from pytest_lee.settings import Settings


def make_zip(path: Path, entries: list[tuple[str, bytes, int]]) -> Path:
    """entries: (name, data, unix mode including file type bits)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return path


REGULAR = stat.S_IFREG | 0o644


def test_a_built_package_extracts_to_the_same_files_and_modes(tmp_path: Path):
    source = tmp_path / "src"
    (source / "lib").mkdir(parents=True)
    (source / "app.py").write_text("def handler(e, c):\n    return 1\n")
    (source / "lib" / "util.py").write_text("X = 1\n")
    (source / "run.sh").write_text("#!/bin/sh\n")
    (source / "run.sh").chmod(0o755)
    package = build_package(
        Settings(rootdir=tmp_path, source=source, handler="app.handler", min_lines=0),
        out_dir=tmp_path / "out",
    )
    dest = extract_package(package.path, tmp_path / "unzipped")
    assert dest == tmp_path / "unzipped"
    for name in package.files:
        assert (dest / name).read_bytes() == (source / name).read_bytes()
    assert stat.S_IMODE((dest / "run.sh").stat().st_mode) == 0o755
    assert stat.S_IMODE((dest / "app.py").stat().st_mode) == 0o644


def test_zip_slip_absolute_and_symlink_entries_are_all_refused_before_anything_is_written(
    tmp_path: Path,
):
    archive = make_zip(
        tmp_path / "evil.zip",
        [
            ("ok.py", b"X = 1\n", REGULAR),
            ("../outside.py", b"boom\n", REGULAR),
            ("lib/../../../etc/cron.d/x", b"boom\n", REGULAR),
            ("/etc/passwd", b"root\n", REGULAR),
            ("link", b"/etc/shadow", stat.S_IFLNK | 0o777),
        ],
    )
    dest = tmp_path / "dest"
    with pytest.raises(PackageError) as excinfo:
        extract_package(archive, dest)
    assert excinfo.value.problems == (
        f"{archive}: ../outside.py: path escapes the destination with '..', refused",
        f"{archive}: lib/../../../etc/cron.d/x: path escapes the destination with '..', refused",
        f"{archive}: /etc/passwd: absolute path refused",
        f"{archive}: link: symbolic link entry refused",
    )
    assert not dest.exists()
    assert not (tmp_path / "outside.py").exists()


@pytest.mark.parametrize("name", ["C:/windows/evil.py", "..\\evil.py"])
def test_windows_style_escapes_are_refused(tmp_path: Path, name: str):
    archive = make_zip(tmp_path / "evil.zip", [(name, b"x", REGULAR)])
    with pytest.raises(PackageError, match="refused"):
        extract_package(archive, tmp_path / "dest")


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path):
    bogus = tmp_path / "package.zip"
    bogus.write_text("this is not a zip\n")
    with pytest.raises(
        PackageError,
        match=r"^package extraction failed \(1 problem\):\n  - .*package.zip: not a zip file",
    ):
        extract_package(bogus, tmp_path / "dest")


def test_a_missing_zip_is_named(tmp_path: Path):
    with pytest.raises(PackageError, match=r"missing.zip: no such file"):
        extract_package(tmp_path / "missing.zip", tmp_path / "dest")


def test_a_truncated_zip_is_refused(tmp_path: Path):
    archive = make_zip(tmp_path / "p.zip", [("app.py", b"X = 1\n" * 100, REGULAR)])
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(PackageError, match="not a zip file"):
        extract_package(archive, tmp_path / "dest")
    assert not (tmp_path / "dest").exists()


def test_an_entry_whose_bytes_do_not_match_its_checksum_is_refused(tmp_path: Path):
    archive = make_zip(
        tmp_path / "p.zip", [("a.py", b"A = 1\n", REGULAR), ("b.py", b"B = 2\n", REGULAR)]
    )
    data = bytearray(archive.read_bytes())
    offset = data.index(b"B = 2")  # stored uncompressed: flip one byte of the content
    data[offset] = ord("C")
    archive.write_bytes(bytes(data))
    with pytest.raises(PackageError, match=r"p.zip: b.py: corrupt entry \(checksum mismatch\)"):
        extract_package(archive, tmp_path / "dest")
    assert not (tmp_path / "dest").exists()


def test_an_entry_whose_compressed_stream_is_garbage_is_refused(tmp_path: Path):
    import zipfile

    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("a.py", b"A = 1\n" * 200)
    data = bytearray(archive.read_bytes())
    start = 30 + len("a.py")  # local header, then the deflate stream
    data[start : start + 8] = b"\xff" * 8
    archive.write_bytes(bytes(data))
    with pytest.raises(PackageError, match=r"p.zip: (corrupt zip|a.py: corrupt entry)"):
        extract_package(archive, tmp_path / "dest")
    assert not (tmp_path / "dest").exists()
