"""Symbolic links in a baseline tree (and the source): followed inside it, skipped with
one line when absolute, leaving the tree, broken or looping.

A directory baseline with a link loop was copied about 40 levels deep and ended in a
~970-line traceback, and a git baseline with an absolute link was a traceback too: the
copy, the ``git archive`` extraction and the file walk all ask here first.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path
from typing import Any

SKIP = {"__pycache__", ".git", ".lee"}


def link_problem(path: Path, root: Path) -> str | None:
    """Why the symbolic link *path* is not followed inside *root*, or None (a plain entry
    or a link to a file or directory of the tree that is not above it)."""
    if not path.is_symlink():
        return None
    target = os.readlink(path)
    real = Path(os.path.realpath(path))
    if os.path.isabs(target):
        return f"absolute symlink (-> {target})"
    if real != root and root not in real.parents:
        return f"symlink leaves the tree (-> {target})"
    if not real.exists():
        return f"broken or looping symlink (-> {target})"
    if real.is_dir() and real in Path(os.path.realpath(path.parent), "x").parents:
        return f"symlink loops back into the tree (-> {target})"
    return None


def copy_filter(origin: Path, skipped: list[str]) -> Any:
    """copytree's filter: the usual junk, and links that would leave or loop the tree."""
    root = Path(os.path.realpath(origin))
    junk = shutil.ignore_patterns(*SKIP, "*.pyc")

    def ignore(directory: str, names: list[str]) -> set[str]:
        left = set(junk(directory, names))
        for name in names:
            path = Path(directory, name)
            why = None if name in left else link_problem(path, root)
            if why is not None:
                shown = path.relative_to(origin).as_posix()
                skipped.append(f"{shown}: {why}; skipped in the baseline")
                left.add(name)
        return left

    return ignore


def tar_link_problem(member: tarfile.TarInfo) -> str | None:
    """An absolute link, or one climbing out of the tree, is not extracted (it would be
    the deploy machine's layout, or a traceback from the data filter)."""
    if not (member.issym() or member.islnk()):
        return None
    target = member.linkname
    if os.path.isabs(target):
        return f"absolute symlink (-> {target})"
    base = os.path.dirname(member.name) if member.issym() else ""
    if os.path.normpath(os.path.join(base, target)).startswith(".."):
        return f"symlink leaves the tree (-> {target})"
    return None


def tree_files(
    root: Path, skipped: list[str] | None = None, where: str = "the baseline"
) -> dict[str, bytes]:
    """Every file under *root* by relative name; a link that leaves, loops or points
    nowhere, or a file that cannot be read, is one line in *skipped* instead."""
    files: dict[str, bytes] = {}
    real_root = Path(os.path.realpath(root))
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if name not in SKIP]
        for name in filenames:
            if name.endswith(".pyc"):
                continue
            path = Path(directory, name)
            shown = path.relative_to(root).as_posix()
            why = link_problem(path, real_root)
            if why is None:
                try:
                    files[shown] = path.read_bytes()
                    continue
                except OSError as error:
                    why = f"cannot read: {error.strerror or error}"
            if skipped is not None:
                skipped.append(f"{shown}: {why}; skipped in {where}")
    return files
