"""What the sandbox tests share: a directory a child can write to, the isolation in force."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A child sees the file system read-only but its own /tmp (under a mount namespace):
# /dev/shm is a separate mount that stays writable, so a test and its child meet there.
SHARED_ROOT = Path("/dev/shm")


@contextmanager
def shared_dir() -> Iterator[Path]:
    """A fresh directory both the test and a sandboxed child can write to."""
    root = SHARED_ROOT if os.access(SHARED_ROOT, os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix="lee-test-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def isolation_kind() -> str:
    """``namespace`` or ``guard``: what this process's children run under."""
    from pytest_lee.sandbox.isolation import current

    return current().kind
