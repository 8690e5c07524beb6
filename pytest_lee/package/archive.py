"""Writing a package's zip: deterministic entries, verified before it is renamed into place.

Shared by the function's package (``build``) and its layers (``layers``): the same tree
gives the same bytes, and so the same ``CodeSha256``, for a given Python and zlib.

Lambda's unzipped limit is judged on the files' sizes on disk before a byte is read,
and a large file is read, hashed, scanned and compressed in chunks, so a build's memory
does not grow with its largest file. A vendored file must still have the SHA-256 it was
verified with against its ``RECORD``: one changed since is refused.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Protocol

from pytest_lee._atomic import atomic_path
from pytest_lee.errors import PackageError
from pytest_lee.package import model
from pytest_lee.package.compiled import quiet
from pytest_lee.package.select import SourceFile


class Verifier(Protocol):
    """What the writer reports to (``verify.Verifier``), named here: the verifier imports
    the modules that import this one, so this module does not import the verifier."""

    def add_file(
        self, name: str, data: bytes, *, vendored: bool = False, digest: str | None = None
    ) -> None: ...
    def add_stream(
        self, name: str, size: int, chunks: Iterable[bytes], *, vendored: bool
    ) -> None: ...
    def unread(self, files: Iterable[SourceFile]) -> set[str]: ...
    def finish(self, zipped_size: int, link_problems: list[str]) -> tuple[list[str], list[str]]: ...


_WHOLE = 8 << 20  # larger files (but .py, which compile whole) are read in chunks
_CHUNK = 1 << 20


def write_verified(
    zip_path: Path, files: list[SourceFile], verifier: Verifier | None, link_problems: list[str]
) -> tuple[dict[str, str], str, list[str]]:
    """Write the zip beside *zip_path*, verify it, and only then rename it into place."""
    if verifier is not None:
        unread = verifier.unread(files)
        files = [item for item in files if item.name not in unread]
    with atomic_path(zip_path, mode=0o644) as temporary:
        with open(temporary, "w+b") as stream:
            manifest, read_errors = _write_zip(stream, files, verifier)
            stream.flush()
            os.fsync(stream.fileno())
            zipped_size = stream.tell()
            code_sha256 = _code_sha256(stream)
        found: list[str] = []
        if verifier is not None:
            found, warnings = verifier.finish(zipped_size, link_problems)
        else:
            warnings = [f"{problem} (not archived)" for problem in link_problems]
        if read_errors or found:  # leaves the block: the temporary file is removed
            raise PackageError(read_errors + found, during="verification" if found else "build")
    return manifest, code_sha256, warnings


def _zip_info(item: SourceFile) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(item.name, date_time=model.FIXED_DATE_TIME)
    info.create_system = 3  # Unix, whatever the build machine, so the modes below are read
    mode = model.EXECUTABLE_MODE if item.executable else model.FILE_MODE
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_zip(
    stream: IO[bytes], files: list[SourceFile], verifier: Verifier | None
) -> tuple[dict[str, str], list[str]]:
    manifest: dict[str, str] = {}
    errors: list[str] = []
    with (
        quiet(),
        zipfile.ZipFile(
            stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=model.COMPRESS_LEVEL
        ) as archive,
    ):
        for item in files:
            try:
                if item.size > _WHOLE and not item.name.endswith(".py"):
                    digest = _stream_one(archive, item, verifier)
                else:
                    digest = _write_one(archive, item, verifier)
            except OSError as error:
                errors.append(f"{item.name}: cannot read: {error.strerror or error}")
                continue
            except UnicodeEncodeError:
                errors.append(f"{item.name!r}: file name is not valid UTF-8")
                continue
            if item.digest is not None and digest != item.digest:
                errors.append(
                    f"{item.name}: vendored file changed after it was verified against its "
                    "RECORD (refused; build again)"
                )
            manifest[item.name] = digest
    return manifest, errors


def _write_one(archive: zipfile.ZipFile, item: SourceFile, verifier: Verifier | None) -> str:
    data = item.path.read_bytes()
    archive.writestr(_zip_info(item), data, compresslevel=model.COMPRESS_LEVEL)
    digest = hashlib.sha256(data).hexdigest()
    if verifier is not None:
        verifier.add_file(item.name, data, vendored=item.vendored, digest=digest)
    return digest


def _stream_one(archive: zipfile.ZipFile, item: SourceFile, verifier: Verifier | None) -> str:
    """A large file in chunks: the same entry bytes ``writestr`` would give."""
    info = _zip_info(item)
    info.file_size = item.size  # as writestr sets it: decides ZIP64 the same way
    info._compresslevel = model.COMPRESS_LEVEL  # type: ignore[attr-defined]
    hasher = hashlib.sha256()
    size = 0
    with open(item.path, "rb") as source, archive.open(info, "w") as out:

        def chunks() -> Iterator[bytes]:
            nonlocal size
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                hasher.update(chunk)
                out.write(chunk)
                yield chunk

        if verifier is not None:
            verifier.add_stream(item.name, item.size, chunks(), vendored=item.vendored)
        else:
            for _ in chunks():
                pass
    if size != item.size:
        raise OSError(f"changed size while read ({item.size} bytes at the walk, {size} read)")
    return hasher.hexdigest()


def _code_sha256(stream: IO[bytes]) -> str:
    """base64 of the SHA-256 of the whole file, as Lambda reports ``CodeSha256``."""
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return base64.b64encode(digest.digest()).decode("ascii")
