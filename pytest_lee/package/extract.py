"""Unzip a package safely: what a health check runs must be exactly what was zipped.

Every entry is checked before anything is written, and every refusal is reported
together: absolute names, names that climb out with ``..``, symbolic-link entries
(a link could point anywhere on the machine that unpacks it), names no file system
takes (a component over 255 bytes, more than :data:`MAX_DEPTH` levels), names that
clash (twice the same name, a file where another entry needs a directory), archives
that declare more than Lambda's unzipped limit, and archives that are not zips or
whose content does not match its checksums.

A zip bomb is refused on the sizes it declares, before a byte is written; and since
a declared size may lie, each entry is copied in bounded chunks and stops the moment
its actual bytes pass the declared ones. Every failure, a file system's included, is a
:class:`PackageError`: a baseline or a candidate zip is user input, never a traceback.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from pytest_lee.errors import PackageError
from pytest_lee.package.model import UNZIPPED_LIMIT

# Far deeper than any Python package; deeper names would make the directory walk
# recursive enough to hit Python's recursion limit (a 2,000-level name did).
MAX_DEPTH = 64
# NAME_MAX of every Linux file system Lambda unpacks to.
MAX_COMPONENT_BYTES = 255
_CHUNK = 1 << 20
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error)


def extract_package(
    zip_path: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    max_bytes: int = UNZIPPED_LIMIT,
) -> Path:
    """Unzip *zip_path* into *dest* (created if needed) and return *dest*.

    A file already in *dest* is never overwritten (nor a link there followed): extract
    into a fresh directory.

    *max_bytes* bounds the unzipped total (default: Lambda's 250 MB for a function
    and its layers together). Raises :class:`PackageError` for every kind of failure.
    """
    zip_path, dest = Path(zip_path), Path(dest)
    try:
        archive = zipfile.ZipFile(zip_path)
    except FileNotFoundError:
        raise PackageError(f"{zip_path}: no such file", during="extraction") from None
    except (*_ZIP_ERRORS, RecursionError) as error:
        raise PackageError(f"{zip_path}: not a zip file ({error})", during="extraction") from None
    with archive:
        infos = archive.infolist()
        problems = [problem for info in infos if (problem := entry_refusal(info))]
        problems.extend(_clashes(infos))
        problems.extend(oversize_refusal(infos, max_bytes))
        if problems:
            raise PackageError(
                [f"{zip_path}: {problem}" for problem in problems], during="extraction"
            )
        try:
            corrupt = archive.testzip()
        except _ZIP_ERRORS as error:
            raise PackageError(f"{zip_path}: corrupt zip ({error})", during="extraction") from None
        if corrupt is not None:
            raise PackageError(
                f"{zip_path}: {corrupt}: corrupt entry (checksum mismatch)", during="extraction"
            )
        try:
            dest.mkdir(parents=True, exist_ok=True)
            root = dest.resolve()
        except OSError as error:
            raise PackageError(
                f"{dest}: cannot extract there: {error.strerror or error}", during="extraction"
            ) from None
        for info in infos:
            try:
                _extract_one(archive, info, root)
            except OSError as error:
                raise PackageError(
                    f"{zip_path}: {info.filename}: cannot extract: {error.strerror or error}",
                    during="extraction",
                ) from None
            except _ZIP_ERRORS as error:
                raise PackageError(
                    f"{zip_path}: {info.filename}: corrupt entry ({error})", during="extraction"
                ) from None
    return dest


def _parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    return tuple(part for part in info.filename.replace("\\", "/").split("/") if part)


def entry_refusal(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        return f"{name}: absolute path refused"
    parts = _parts(info)
    if ".." in PurePosixPath(normalized).parts:
        return f"{name}: path escapes the destination with '..', refused"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"{name}: symbolic link entry refused"
    if not parts or parts == (".",):
        return f"{name!r}: entry without a file name refused"
    if len(parts) > MAX_DEPTH:
        return f"{name[:80]}...: {len(parts)} levels deep, over {MAX_DEPTH}, refused"
    long = next(
        (part for part in parts if len(part.encode("utf-8", "replace")) > MAX_COMPONENT_BYTES), None
    )
    if long is not None:
        return f"{name[:80]}...: a name over {MAX_COMPONENT_BYTES} bytes, refused"
    return None


def _clashes(infos: list[zipfile.ZipInfo]) -> list[str]:
    """Entries that cannot all exist: the same name twice, a file under a file."""
    files: set[tuple[str, ...]] = set()
    dirs: set[tuple[str, ...]] = set()
    problems = []
    for info in infos:
        parts = tuple(part for part in _parts(info) if part != ".")
        if not parts:
            continue
        if not info.is_dir():
            if parts in files:
                problems.append(f"{info.filename}: entry appears twice, refused")
            files.add(parts)
        dirs.update(parts[:depth] for depth in range(1, len(parts) + info.is_dir()))
    problems.extend(
        f"{'/'.join(parts)}: both a file and a directory in the archive, refused"
        for parts in sorted(files & dirs)
    )
    return problems


def oversize_refusal(infos: list[zipfile.ZipInfo], max_bytes: int) -> list[str]:
    declared = sum(info.file_size for info in infos)
    if declared <= max_bytes:
        return []
    largest = max(infos, key=lambda info: info.file_size)
    return [
        f"declares {_mb(declared)} unzipped, over the {_mb(max_bytes)} limit (Lambda's, for "
        f"the function and its layers together); largest entry {largest.filename} "
        f"({_mb(largest.file_size)}); nothing extracted"
    ]


def _extract_one(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path) -> None:
    target = root.joinpath(*(part for part in _parts(info) if part != "."))
    if target != root and root not in target.parents:  # belt and braces after entry_refusal
        raise PackageError(
            f"{info.filename}: path escapes the destination, refused", during="extraction"
        )
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: a name the archive holds twice, or a path someone placed meanwhile, is
    # never overwritten or followed (a planted link would write outside the target).
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out, archive.open(info) as stream:
            _copy_bounded(stream, out, info)
    except BaseException:
        target.unlink(missing_ok=True)  # never a half-written file
        raise
    mode = (info.external_attr >> 16) & 0o777
    os.chmod(target, 0o755 if mode & 0o111 else 0o644)


def _copy_bounded(stream: IO[bytes], out: IO[bytes], info: zipfile.ZipInfo) -> None:
    written = 0
    while chunk := stream.read(_CHUNK):
        written += len(chunk)
        if written > info.file_size:  # the declared size lied: a bomb in disguise
            raise PackageError(
                f"{info.filename}: holds more than the {info.file_size} bytes it declares, refused",
                during="extraction",
            )
        out.write(chunk)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
