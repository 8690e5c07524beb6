"""A build's own files (the zip, its manifest, their temporaries) when they lie inside the source.

``build_package(out_dir=source)`` (or any directory under it) finds the previous zip,
its manifest and, after a ``kill -9`` mid-build, the temporary ``.NAME.zip.*.tmp`` of
the atomic write. None of them is source: they are left out of the package, and a
temporary file nobody has written to for :data:`STALE_AFTER_S` seconds is removed (a
build in progress writes its temporary file continuously, so it is never that old).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from pytest_lee.package.model import manifest_path_for

STALE_AFTER_S = 60.0


def is_build_file(path: Path, zip_path: Path) -> bool:
    """True for *zip_path*, its manifest, and the temporary files their atomic writes use."""
    named = any(
        path.name == final.name or _is_temporary(path.name, final.name)
        for final in (zip_path, manifest_path_for(zip_path))
    )  # the names first: a realpath per archived file was a tenth of a build
    return named and os.path.realpath(path.parent) == os.path.realpath(zip_path.parent)


def remove_stale_temporaries(zip_path: Path) -> None:
    """Remove what a killed build of *zip_path* left behind (see ``_atomic.atomic_path``)."""
    try:
        entries = list(os.scandir(zip_path.parent))
    except OSError:
        return
    finals = (zip_path.name, manifest_path_for(zip_path).name)
    now = time.time()
    for entry in entries:
        if not any(_is_temporary(entry.name, final) for final in finals):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_S:
                os.unlink(entry.path)
        except OSError:
            pass


def _is_temporary(name: str, final: str) -> bool:
    return name.startswith(f".{final}.") and name.endswith(".tmp")
