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
from typing import TYPE_CHECKING, Any, NamedTuple

from pytest_lee.errors import PackageError
from pytest_lee.package.compiled import quiet
from pytest_lee.package.extract import entry_refusal, oversize_refusal
from pytest_lee.package.model import UNZIPPED_LIMIT
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
    differs, a problem too. Each entry is read once (its CRC checked as it is read);
    the files are written to disk only when a contract registry must be looked into.
    Only files the vendoring step verified are vendored dependencies (the same name and
    the same SHA-256 as a file of ``[tool.lee] requirements``' tree, checked against its
    ``RECORD``): the project-only checks (secret names and content, ``min_lines``) skip
    them, as the builder does. A ``*.dist-info/RECORD`` inside the zip exempts nothing.
    """
    zip_path = Path(zip_path)
    with tempfile.TemporaryDirectory(prefix="lee-verify-zip-") as scratch:
        unzipped = Path(scratch) / "unzipped"
        try:
            problems, warnings = _verify(settings, zip_path, unzipped, manifest)
        except PackageError as error:
            return ZipVerdict(error.problems, ())
        except (
            zlib.error,
            zipfile.BadZipFile,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
        ) as error:  # damage the zip's own checks missed
            return ZipVerdict((f"{zip_path}: corrupt zip ({error})",), ())
    # The scratch directory is gone once this returns: name the zip instead.
    shown = [p.replace(f"{unzipped}/", "").replace(str(unzipped), str(zip_path)) for p in problems]
    return ZipVerdict(tuple(shown), tuple(warnings))


def _verify(
    settings: Settings, zip_path: Path, unzipped: Path, manifest: Mapping[str, str] | None
) -> tuple[list[str], list[str]]:
    from pytest_lee.package.excludes import Excludes

    try:
        archive = zipfile.ZipFile(zip_path)
    except FileNotFoundError:
        raise PackageError(f"{zip_path}: no such file", during="extraction") from None
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise PackageError(f"{zip_path}: not a zip file ({error})", during="extraction") from None
    write = bool(settings.contracts)
    excludes = Excludes(tuple(settings.exclude))
    problems: list[str] = []
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        refused = [f"{zip_path}: {problem}" for info in infos if (problem := entry_refusal(info))]
        # A bomb is refused on the sizes it declares, before anything is read.
        refused += [f"{zip_path}: {problem}" for problem in oversize_refusal(infos, UNZIPPED_LIMIT)]
        if refused:
            raise PackageError(refused, during="extraction")
        vendored = vendored_digests(settings)
        verifier = Verifier(settings, unzipped)
        root = unzipped.resolve() if write else unzipped
        with quiet():  # a SyntaxWarning while compiling is not a failure
            for info in sorted(infos, key=lambda item: item.filename):
                try:
                    data = archive.read(info)
                except zipfile.BadZipFile:
                    raise PackageError(
                        f"{zip_path}: {info.filename}: corrupt entry (checksum mismatch)",
                        during="extraction",
                    ) from None
                digest = hashlib.sha256(data).hexdigest()
                name = info.filename
                if write:
                    _write_entry(root, info, data)
                is_vendored = vendored.get(name) == digest
                verifier.add_file(name, data, vendored=is_vendored, digest=digest)
                if excludes.excluded(name, vendored=is_vendored) or _under_excluded(
                    excludes, name, is_vendored
                ):
                    problems.append(f"{name}: junk or excluded file in the package (never shipped)")
                if manifest is not None:
                    claimed = manifest.get(name)
                    if claimed != digest:
                        what = (
                            "not in the manifest"
                            if claimed is None
                            else "content differs from the manifest"
                        )
                        problems.append(f"{name}: {what}")
    found, warnings = verifier.finish(zip_path.stat().st_size, [])
    return problems + found, warnings


def _under_excluded(excludes: Any, name: str, vendored: bool) -> bool:
    """A file inside an excluded directory (``__pycache__/x.pyc``, ``.git/config``)."""
    parts = name.split("/")[:-1]
    return any(
        excludes.excluded("/".join(parts[: index + 1]), is_dir=True, vendored=vendored)
        for index in range(len(parts))
    )


def vendored_digests(settings: Settings) -> dict[str, str]:
    """Archive name -> hex SHA-256 of every file the vendoring step verified for *settings*."""
    if settings.requirements is None:
        return {}
    from pytest_lee.package.vendor import vendored_tree

    function = settings.function
    tree = vendored_tree(
        settings.requirements,
        function.runtime,
        function.architecture,
        what="[tool.lee] requirements",
    )
    return dict(tree.digests) if tree is not None else {}


def _write_entry(root: Path, info: zipfile.ZipInfo, data: bytes) -> None:
    target = root / info.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
