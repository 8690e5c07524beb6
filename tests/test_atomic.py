"""``atomic_path``/``write_atomic``: readers see the old file or the new one, never a half."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pytest_lee._atomic import atomic_path, write_atomic


def test_a_completed_block_renames_the_temporary_file_into_place(tmp_path: Path):
    target = tmp_path / "deep" / "out.bin"
    with atomic_path(target) as temporary:
        assert temporary.parent == target.parent and not target.exists()
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert list(target.parent.iterdir()) == [target]


def test_a_block_that_raises_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "out.bin"
    write_atomic(target, b"old", mode=0o600)
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as temporary:
        temporary.write_bytes(b"half")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_write_atomic_keeps_an_existing_files_mode(tmp_path: Path):
    target = tmp_path / "notes.txt"
    write_atomic(target, "one", mode=0o600)
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
