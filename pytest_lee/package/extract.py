"""Unzip a package safely: what a health check runs must be exactly what was zipped.

Every entry is checked before anything is written, and every refusal is reported
together: absolute names, names that climb out with ``..``, symbolic-link entries
(a link could point anywhere on the machine that unpacks it), and archives that are
not zips or whose content does not match its checksums.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from pytest_lee.errors import PackageError


def extract_package(zip_path: str | os.PathLike[str], dest: str | os.PathLike[str]) -> Path:
    """Unzip *zip_path* into *dest* (created if needed) and return *dest*."""
    zip_path, dest = Path(zip_path), Path(dest)
    try:
        archive = zipfile.ZipFile(zip_path)
    except FileNotFoundError:
        raise PackageError(f"{zip_path}: no such file", during="extraction") from None
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise PackageError(f"{zip_path}: not a zip file ({error})", during="extraction") from None
    with archive:
        problems = [problem for info in archive.infolist() if (problem := _refusal(info))]
        if problems:
            raise PackageError(
                [f"{zip_path}: {problem}" for problem in problems], during="extraction"
            )
        try:
            corrupt = archive.testzip()
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            EOFError,
            NotImplementedError,
            zlib.error,
        ) as error:
            raise PackageError(f"{zip_path}: corrupt zip ({error})", during="extraction") from None
        if corrupt is not None:
            raise PackageError(
                f"{zip_path}: {corrupt}: corrupt entry (checksum mismatch)", during="extraction"
            )
        dest.mkdir(parents=True, exist_ok=True)
        root = dest.resolve()
        for info in archive.infolist():
            _extract_one(archive, info, root)
    return dest


def _refusal(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        return f"{name}: absolute path refused"
    if ".." in PurePosixPath(normalized).parts:
        return f"{name}: path escapes the destination with '..', refused"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"{name}: symbolic link entry refused"
    return None


def _extract_one(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path) -> None:
    target = (root / info.filename.replace("\\", "/")).resolve()
    if target != root and root not in target.parents:  # belt and braces after _refusal
        raise PackageError(
            f"{info.filename}: path escapes the destination, refused", during="extraction"
        )
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(archive.read(info))
    mode = (info.external_attr >> 16) & 0o777
    os.chmod(target, 0o755 if mode & 0o111 else 0o644)
