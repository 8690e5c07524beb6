"""Hostile zips handed to extract_package (``--lee-baseline`` zips, the re-verification
before upload): bombs, clashing and unwritable names. Every one is a PackageError,
nothing is written outside the target, and nothing is written at all for what the
archive's directory already shows to be wrong.
"""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_lee.errors import PackageError
from pytest_lee.package import extract_package, verify_zip
from pytest_lee.package.extract import MAX_DEPTH
from pytest_lee.settings import Settings

REGULAR = stat.S_IFREG | 0o644


def make_zip(entries: list[tuple[str, bytes]], *, compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression) as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": duplicates are the point
        for name, data in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFDIR | 0o755 if name.endswith("/") else REGULAR) << 16
            info.compress_type = compression
            archive.writestr(info, data)
    return buffer.getvalue()


def declare_size(data: bytes, size: int) -> bytes:
    """The zip with its (single) entry's uncompressed size rewritten to *size* everywhere."""
    patched = bytearray(data)
    local = patched.index(b"PK\x03\x04")
    struct.pack_into("<I", patched, local + 22, size)
    central = patched.index(b"PK\x01\x02")
    struct.pack_into("<I", patched, central + 24, size)
    return bytes(patched)


def written(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*")) if root.exists() else []


# --- case 3: zip bombs --------------------------------------------------------------


def test_a_zip_declaring_more_than_lambdas_unzipped_limit_is_refused_before_writing(
    tmp_path: Path,
):
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(declare_size(make_zip([("big.bin", b"\0" * 1000)]), 300 * 1024 * 1024))
    with pytest.raises(PackageError) as excinfo:
        extract_package(bomb, tmp_path / "dest")
    (problem,) = excinfo.value.problems
    assert problem == (
        f"{bomb}: declares 300.0 MB unzipped, over the 250.0 MB limit (Lambda's, for the "
        "function and its layers together); largest entry big.bin (300.0 MB); nothing extracted"
    )
    assert not (tmp_path / "dest").exists()


def test_the_limit_is_on_the_total_of_all_entries(tmp_path: Path):
    bomb = tmp_path / "bomb.zip"
    entries = [(f"part{n}.bin", b"\0" * 400_000) for n in range(3)]
    bomb.write_bytes(make_zip(entries, compression=zipfile.ZIP_DEFLATED))
    assert bomb.stat().st_size < 10_000  # 1.2 MB of zeros deflate to almost nothing
    with pytest.raises(PackageError, match=r"declares 1\.1 MB unzipped, over the 1\.0 MB limit"):
        extract_package(bomb, tmp_path / "dest", max_bytes=1024 * 1024)
    assert not (tmp_path / "dest").exists()


def test_an_entry_holding_more_than_it_declares_writes_no_more_than_declared(tmp_path: Path):
    liar = tmp_path / "liar.zip"
    liar.write_bytes(
        declare_size(
            make_zip([("a.bin", b"\0" * 5_000_000)], compression=zipfile.ZIP_DEFLATED), 100
        )
    )
    with pytest.raises(PackageError, match=r"liar.zip: a.bin: corrupt entry|holds more than"):
        extract_package(liar, tmp_path / "dest")
    assert all(path.stat().st_size <= 100 for path in (tmp_path / "dest").rglob("*.bin"))


def test_the_re_verification_before_upload_refuses_a_bomb_without_unzipping_it(tmp_path: Path):
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(declare_size(make_zip([("app.py", b"X = 1\n")]), 260 * 1024 * 1024))
    verdict = verify_zip(Settings(rootdir=tmp_path, handler="app.handler", min_lines=0), bomb)
    assert len(verdict.problems) == 1
    assert "declares 260.0 MB unzipped, over the 250.0 MB limit" in verdict.problems[0]


# --- case 8: names no file system takes, names that clash -----------------------------


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("a", b"1"), ("a/b", b"2")], "a: both a file and a directory in the archive, refused"),
        ([("a/", b""), ("a", b"2")], "a: both a file and a directory in the archive, refused"),
        ([("a.py", b"1"), ("a.py", b"2")], "a.py: entry appears twice, refused"),
        ([("x" * 300 + ".py", b"1")], "a name over 255 bytes, refused"),
        ([("d/" * 2000 + "f.py", b"1")], f"2001 levels deep, over {MAX_DEPTH}, refused"),
        ([("", b"1")], "'': entry without a file name refused"),
    ],
    ids=["file-then-child", "dir-then-file", "duplicate", "long-name", "2000-levels", "empty"],
)
def test_names_that_cannot_be_written_are_refused_before_writing(
    tmp_path: Path, entries: list[tuple[str, bytes]], message: str
):
    archive = tmp_path / "p.zip"
    archive.write_bytes(make_zip(entries))
    with pytest.raises(PackageError) as excinfo:
        extract_package(archive, tmp_path / "dest")
    assert any(message in problem for problem in excinfo.value.problems), excinfo.value.problems
    assert not (tmp_path / "dest").exists()


def test_a_destination_that_cannot_be_created_is_a_package_error(tmp_path: Path):
    archive = tmp_path / "p.zip"
    archive.write_bytes(make_zip([("a.py", b"1")]))
    (tmp_path / "file").write_text("")
    with pytest.raises(PackageError, match=r"file/dest: cannot extract there: Not a directory"):
        extract_package(archive, tmp_path / "file" / "dest")


def test_a_path_too_long_for_the_file_system_is_a_package_error(tmp_path: Path):
    name = "/".join(["y" * 200] * 30) + ".py"  # 30 levels of 200 bytes: over PATH_MAX
    archive = tmp_path / "p.zip"
    archive.write_bytes(make_zip([(name, b"1")]))
    with pytest.raises(PackageError, match=r"cannot extract: File name too long"):
        extract_package(archive, tmp_path / "dest")


# --- property: nothing but PackageError, nothing outside the target --------------------

NAMES = st.lists(st.text(alphabet="ab./\\:-_ \0é", min_size=0, max_size=12), min_size=1, max_size=6)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=NAMES, data=st.binary(max_size=64), corrupt=st.integers(min_value=-1, max_value=400))
def test_any_archive_extracts_inside_the_target_or_fails_with_a_package_error(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], data: bytes, corrupt: int
):
    base = tmp_path_factory.mktemp("prop")
    raw = bytearray(make_zip([(name, data) for name in names], compression=zipfile.ZIP_DEFLATED))
    if 0 <= corrupt < len(raw):
        raw[corrupt] ^= 0xFF
    archive = base / "p.zip"
    archive.write_bytes(bytes(raw))
    dest = base / "box" / "dest"
    try:
        extract_package(archive, dest)
    except PackageError:
        pass
    outside = [path for path in written(base) if not path.startswith(("box", "p.zip"))]
    assert outside == []
    assert set(written(base / "box")) <= {"dest"} | {f"dest/{p}" for p in written(dest)}
