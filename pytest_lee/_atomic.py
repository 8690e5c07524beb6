"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside *path*; rename it over *path* when the block completes.

    The block writes the temporary file however it likes (a zip, a stream) and may
    raise to abandon it: then, as on any failure (an interrupt too), the temporary
    file is removed, so *path* keeps its previous content, or stays absent. Being in
    the same directory makes the final rename atomic. *mode* defaults to the existing
    file's mode, or to 0o644 for a new file.
    """
    path = Path(path)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    os.close(descriptor)
    try:
        yield Path(temporary)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def write_atomic(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Write *data* to *path* through a temporary file in the same directory and a rename.

    A failed write leaves the previous content (or nothing) behind; see :func:`atomic_path`.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path, mode=mode) as temporary, open(temporary, "wb") as stream:
        stream.write(payload)
        stream.flush()
        os.fsync(stream.fileno())
