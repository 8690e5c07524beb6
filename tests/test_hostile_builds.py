"""Hostile build layouts (case 10 of the hardening issue): an output directory inside
the source, and what a build killed with ``kill -9`` left behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pytest_lee.package import build_package
from pytest_lee.package._build_files import STALE_AFTER_S
from pytest_lee.settings import Settings


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(e, c):\n    return 1\n")
    return tmp_path / "src"


def settings_for(source: Path) -> Settings:
    return Settings(rootdir=source.parent, source=source, handler="app.handler", min_lines=0)


@pytest.mark.parametrize("inside", [".", "dist"], ids=["output-is-source", "output-under-source"])
def test_a_rebuild_into_the_source_archives_neither_the_previous_zip_nor_its_manifest(
    source: Path, inside: str
):
    out_dir = source / inside
    first = build_package(settings_for(source), out_dir=out_dir)
    second = build_package(settings_for(source), out_dir=out_dir)
    assert first.files == second.files == ("app.py",)
    assert first.code_sha256 == second.code_sha256


def test_a_temporary_zip_left_by_a_killed_build_is_removed_and_never_archived(source: Path):
    stale = source / ".src.zip.abc123.tmp"  # what atomic_path leaves after kill -9
    stale_manifest = source / ".src.manifest.json.def456.tmp"
    in_progress = source / ".src.zip.zzz999.tmp"  # another build writing right now
    for path in (stale, stale_manifest, in_progress):
        path.write_bytes(b"PK half a zip")
    old = time.time() - STALE_AFTER_S - 60
    os.utime(stale, (old, old))
    os.utime(stale_manifest, (old, old))
    package = build_package(settings_for(source), out_dir=source)
    assert package.files == ("app.py",)
    assert not stale.exists() and not stale_manifest.exists()
    assert in_progress.exists()  # written to within the last minute: not ours to remove
