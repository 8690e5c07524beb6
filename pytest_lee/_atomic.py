"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Only a regular file is replaced. A symbolic link is written through (its target is
replaced, the link stays), and a target that is not a regular file — ``/dev/null``,
``/dev/stdout``, a FIFO, or a link to one — is written into, never replaced: as root,
replacing ``--lee-json=/dev/null`` once turned the machine's ``/dev/null`` into a
regular file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
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
    try:
        info: os.stat_result | None = path.stat()  # through links, /proc's /dev/stdout too
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        with _written_into(path) as private:
            yield private
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # written through: the link stays a link
    if mode is None:
        mode = info.st_mode & 0o7777 if info is not None else 0o644
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


@contextlib.contextmanager
def _written_into(path: Path) -> Iterator[Path]:
    """A device or FIFO: the block writes a private temporary file, copied into *path*
    once complete (opened without blocking: a FIFO nobody reads is an error, not a hang)."""
    descriptor, temporary = tempfile.mkstemp(prefix="lee-output-", suffix=".tmp")
    os.close(descriptor)
    try:
        yield Path(temporary)
        out = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
        flags = fcntl.fcntl(out, fcntl.F_GETFL)
        fcntl.fcntl(out, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        with open(out, "wb") as sink, open(temporary, "rb") as source:
            shutil.copyfileobj(source, sink)
    finally:
        os.unlink(temporary)


def write_atomic(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Write *data* to *path* through a temporary file in the same directory and a rename.

    A failed write leaves the previous content (or nothing) behind; see :func:`atomic_path`.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path, mode=mode) as temporary, open(temporary, "wb") as stream:
        stream.write(payload)
        stream.flush()
        os.fsync(stream.fileno())
