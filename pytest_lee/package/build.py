"""Build the deployment zip: reproducible bytes, written atomically, verified first.

Reproducible: entries sorted by name, every timestamp 1980-01-01 00:00, modes
0o644 (0o755 for files executable in the source), no directory entries, no extra
fields, DEFLATE at a fixed level. The same tree therefore gives the same bytes
(and the same ``CodeSha256``) for a given Python ``zipfile`` and zlib.

Atomic: the archive is written to a temporary file in ``out_dir`` and renamed over
the final name only once it is complete and verified; any failure removes the
temporary file, so a failed build leaves nothing new behind and never half of an
older zip.
"""

from __future__ import annotations

import json
import os
import platform
import zlib
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from pytest_lee._atomic import write_atomic
from pytest_lee.errors import PackageError
from pytest_lee.package import model
from pytest_lee.package._glob import match_path
from pytest_lee.package._outputs import is_build_output, remove_stale_temporaries
from pytest_lee.package.archive import write_verified
from pytest_lee.package.select import SourceFile, select_files
from pytest_lee.package.vendor import merge, vendored_files
from pytest_lee.package.verify import Verifier

if TYPE_CHECKING:
    from pytest_lee.settings import Settings


def build_package(
    settings: Settings,
    source: str | os.PathLike[str] | None = None,
    *,
    omit: Iterable[str] = (),
    verify: bool = True,
    out_dir: Path,
) -> model.Package:
    """Build the package of *source* (default ``[tool.lee] source``) into *out_dir*.

    *omit* leaves files out (archive names or globs), to rehearse a partial deployment;
    each must match a file. With *verify* (the default) every problem found is raised
    together in one :class:`PackageError`; ``verify=False`` is for fault injection only.
    """
    source_dir = resolve_source(settings, source)
    out_dir = Path(out_dir)
    if isinstance(omit, str):  # omit="a.py" would otherwise omit the letters
        omit = (omit,)
    zip_path = out_dir / f"{source_dir.resolve().name or 'package'}.zip"
    remove_stale_temporaries(zip_path)
    selection = select_files(source_dir, settings.exclude, skip=out_dir)
    own = [
        item
        for item in merge(selection.files, vendored_files(settings))
        if not is_build_output(item.path, zip_path)
    ]
    files, omitted, omit_errors = _apply_omit(own, tuple(omit))
    errors = selection.errors + omit_errors
    if errors:
        raise PackageError(errors, during="build")
    if settings.compile:  # [tool.lee] compile: ship the runtime's bytecode
        from pytest_lee.package.bytecode import with_bytecode

        files = with_bytecode(settings, files)
    verifier = Verifier(settings, source_dir, omitted) if verify else None
    if verifier is not None and settings.layers:
        from pytest_lee.package.layers import layers_unzipped

        verifier.layers_unzipped = layers_unzipped(settings)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        manifest, code_sha256, warnings = write_verified(
            zip_path, files, verifier, selection.link_problems
        )
        package = model.Package(
            path=zip_path,
            code_sha256=code_sha256,
            files=tuple(manifest),
            manifest=MappingProxyType(manifest),
            warnings=(*warnings, *_unavailable_layers(settings)),
            left_out=tuple(selection.left_out),
        )
        write_atomic(package.manifest_path, manifest_json(package, source_dir, verified=verify))
    except OSError as error:  # the output side: a full disk, a read-only or missing directory
        raise PackageError(
            f"{zip_path}: cannot write the package: {error.strerror or error}", during="build"
        ) from None
    return package


def _unavailable_layers(settings: Settings) -> list[str]:
    """One line per layer of the template given as an ARN: it cannot be fetched offline."""
    return [
        f"layer {arn} (from {settings.template.name if settings.template else 'the template'}) "
        "is not available offline: children run without it"
        for arn in settings.function.unavailable_layers
    ]


def resolve_source(settings: Settings, source: str | os.PathLike[str] | None) -> Path:
    """The directory to package: *source* relative to the rootdir, else ``[tool.lee] source``."""
    if source is None:
        if settings.source is None:
            raise PackageError(
                "no source directory: pass lee_package(source=...) or set "
                f"[tool.lee] source in {settings.pyproject or settings.rootdir / 'pyproject.toml'}",
                during="build",
            )
        return settings.source
    path = Path(source)
    if not path.is_absolute():
        path = settings.rootdir / path
    if not path.is_dir():
        raise PackageError(
            f"{source}: no such directory (source of the package, relative to {settings.rootdir})",
            during="build",
        )
    return path


def manifest_json(package: model.Package, source: Path, *, verified: bool) -> str:
    """The manifest written beside the zip: what was built, from what, with what."""
    document = {
        "zip": package.path.name,
        "code_sha256": package.code_sha256,
        "source": str(source),
        "verified": verified,
        "python": platform.python_version(),
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
        "files": dict(package.manifest),
        "warnings": list(package.warnings),
        "left_out": list(package.left_out),
    }
    return json.dumps(document, indent=2) + "\n"


def _apply_omit(
    files: list[SourceFile], omit: tuple[str, ...]
) -> tuple[list[SourceFile], tuple[str, ...], list[str]]:
    errors = [
        f"{pattern}: omit matches no file of the source"
        for pattern in omit
        if not any(match_path(item.name, pattern) for item in files)
    ]
    if not omit:
        return files, (), errors
    kept, left_out = [], []
    for item in files:  # one pass: a membership test against a list was quadratic
        if any(match_path(item.name, pattern) for pattern in omit):
            left_out.append(item.name)
        else:
            kept.append(item)
    return kept, tuple(left_out), errors
