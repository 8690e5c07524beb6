"""Verify a zip as it is, not the tree it came from: the bytes that are about to ship.

``build_package`` verifies while it writes; a zip handed over later (built with
``verify=False`` to inject a fault, changed after the build, made by another tool)
needs the same checks on its own bytes. :func:`verify_zip` is that check: a safe
unzip (no absolute names, ``..`` escapes, symbolic links or corrupt entries), the
builder's verification (required files, the handler, every ``.py`` compiles, no
secrets, Lambda's limits), no junk the builder would have left out, and, when a
manifest is given, every file's content as the manifest records it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pytest_lee.errors import PackageError
from pytest_lee.package._glob import match_excluded
from pytest_lee.package.extract import extract_package
from pytest_lee.package.select import BUILTIN_EXCLUDES
from pytest_lee.package.verify import Verifier

if TYPE_CHECKING:
    from pytest_lee.settings import Settings


class ZipVerdict(NamedTuple):
    """What :func:`verify_zip` found: any problem means the zip must not ship."""

    problems: tuple[str, ...]
    warnings: tuple[str, ...]


def verify_zip(
    settings: Settings,
    zip_path: str | os.PathLike[str],
    *,
    manifest: Mapping[str, str] | None = None,
) -> ZipVerdict:
    """Every problem of the zip at *zip_path* under *settings*, and the warnings.

    Each problem starts with the file it is about (the zip's own name for problems
    of the archive as a whole). *manifest* (archive name → hex SHA-256, as
    ``Package.manifest``) makes every entry that is not in it, or whose content
    differs, a problem too.
    """
    zip_path = Path(zip_path)
    with tempfile.TemporaryDirectory(prefix="lee-verify-zip-") as scratch:
        unzipped = Path(scratch) / "unzipped"
        try:
            extract_package(zip_path, unzipped)
        except PackageError as error:
            return ZipVerdict(error.problems, ())
        except (
            zlib.error,
            zipfile.BadZipFile,
            EOFError,
        ) as error:  # damage the zip's own checks missed
            return ZipVerdict((f"{zip_path}: corrupt zip ({error})",), ())
        verifier = Verifier(settings, unzipped)
        excluded = BUILTIN_EXCLUDES + tuple(settings.exclude)
        problems: list[str] = []
        with zipfile.ZipFile(zip_path) as archive:
            for info in sorted(archive.infolist(), key=lambda item: item.filename):
                if info.is_dir():
                    continue
                data = archive.read(info)
                verifier.add_file(info.filename, data)
                if any(match_excluded(info.filename, pattern) for pattern in excluded):
                    problems.append(
                        f"{info.filename}: junk or excluded file in the package (never shipped)"
                    )
                if manifest is not None:
                    claimed = manifest.get(info.filename)
                    if claimed != hashlib.sha256(data).hexdigest():
                        what = (
                            "not in the manifest"
                            if claimed is None
                            else "content differs from the manifest"
                        )
                        problems.append(f"{info.filename}: {what}")
        found, warnings = verifier.finish(zip_path.stat().st_size, [])
    # The scratch directory is gone once this returns: name the zip instead.
    shown = [
        p.replace(f"{unzipped}/", "").replace(str(unzipped), str(zip_path))
        for p in problems + found
    ]
    return ZipVerdict(tuple(shown), tuple(warnings))
