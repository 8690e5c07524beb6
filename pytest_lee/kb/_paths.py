"""Which files ``lee-kb`` reads and how it names them — one answer for lint, fix and matrix.

A file ``lint`` reports damage in is a file ``fix`` repairs: both walk directories here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

MARKDOWN_SUFFIXES = (".md", ".markdown")


def markdown_files(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The markdown files under ``paths`` (``*.md``/``*.markdown`` in any case, hidden files
    and directories such as ``.git`` skipped; sorted; each file once, however its path is
    spelt) and one line per path that does not exist. A file named directly is taken as is."""
    files: dict[Path, Path] = {}  # resolved → as found: ``kb kb/../kb/x.md`` reads x.md once
    errors = []
    for path in paths:
        if path.is_file():
            files.setdefault(path.resolve(), path)
        elif path.is_dir():
            # resolve the directory once, not each file (realpath costs a syscall per part)
            real, given = path.resolve(), str(path)
            below: dict[str, str] = {}  # directory → relative to ``given`` (relpath is slow)
            for file in sorted(_walk(path)):
                if os.path.islink(file):
                    key = file.resolve()
                else:
                    directory, name = os.path.split(file)  # (``.`` gives ``a.md``: directory "")
                    relative = below.get(directory)
                    if relative is None:
                        relative = below[directory] = os.path.relpath(directory or ".", given)
                    key = real / relative / name
                files.setdefault(key, file)
        else:
            errors.append(f"{path}: no such file or directory")
    return list(files.values()), errors


def _walk(top: Path) -> list[Path]:
    """Markdown files below ``top``, hidden directories skipped. A directory that cannot be
    listed is returned as itself: reading it fails, and that makes it the input error an
    unreadable file is (``pathlib.rglob`` would skip it without a word)."""
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        found.append(Path(error.filename) if error.filename else top)

    for directory, subdirs, names in os.walk(top, onerror=unreadable):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in names:
            if name.startswith(".") or not name.lower().endswith(MARKDOWN_SUFFIXES):
                continue
            file = Path(directory, name)
            if file.is_file():
                found.append(file)
    return found


def directory_problem(path: Path) -> str | None:
    """Why a directory in the file list could not be listed (None: it can be)."""
    try:
        with os.scandir(path):
            return None
    except OSError as error:
        return f"cannot read the directory: {error.strerror or error}; its lessons are not linted"


def display_path(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` when it is below it (posix), else as given. Compared
    as written (``..`` folded) first — resolving every file costs a syscall per path part —
    and resolved only when that does not place it below ``base``."""
    cwd = os.getcwd()
    absolute = os.path.normpath(os.path.join(cwd, path))
    root = _prefix(cwd, str(base))
    if absolute.startswith(root):
        return Path(absolute[len(root) :]).as_posix()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@lru_cache(maxsize=16)
def _prefix(cwd: str, base: str) -> str:
    """``base`` made absolute with a trailing separator: what paths below it start with."""
    absolute = os.path.normpath(os.path.join(cwd, base))
    return absolute if absolute.endswith(os.sep) else absolute + os.sep


def relative_line(line: str, cwd: Path) -> str:
    """A message that starts with an absolute path below ``cwd``, with that path made relative."""
    prefix = f"{cwd.resolve()}/"
    return line.replace(prefix, "", 1) if line.startswith(prefix) else line
