"""Which files of the source directory go into the package, and under which names.

The walk never follows a symbolic link out of the source: a link that leaves it (or
points nowhere) is not archived and is reported, and a link inside the source is
archived as the regular file it points to, so the zip never depends on the
build machine's file system layout. A link is judged by its target's name too: an
innocent ``config.txt`` pointing at ``.env`` is the secret, and is refused as one.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_lee.package.excludes import Excludes


@dataclass(frozen=True)
class SourceFile:
    """One file to archive: its archive name, where its bytes are, whether it is executable."""

    name: str
    path: Path
    executable: bool
    vendored: bool = False  # a dependency pip installed: project-only checks skip it
    size: int = 0  # from stat, before a byte is read: Lambda's limits are checked on it
    digest: str | None = None  # hex SHA-256 a vendored file was verified with (RECORD)


@dataclass
class Selection:
    """The walk's result: files in archive-name order, plus what could not be archived.

    ``errors`` stop any build (an unreadable directory); ``link_problems`` are
    verification problems (links leaving the source, broken links), reported as
    warnings when verification is off.
    """

    files: list[SourceFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    link_problems: list[str] = field(default_factory=list)
    # Left out by a secret name or an `exclude` line (not junk): named when the handler
    # later fails to open a file at import, the usual cause.
    left_out: list[str] = field(default_factory=list)


def select_files(
    source: Path,
    exclude: tuple[str, ...] = (),
    *,
    skip: Path | None = None,
    vendored: bool = False,
    excludes: Excludes | None = None,
) -> Selection:
    """Walk *source* and return the files to archive, sorted by archive name.

    *skip* is the build's output directory: when it lies inside the source, earlier
    builds must not end up in the next one. *vendored* marks a dependency tree
    (see ``excludes``).
    """
    from pytest_lee.package.excludes import Excludes

    selection = Selection()
    root = Path(os.path.realpath(source))
    skipped = {Path(os.path.realpath(skip))} if skip is not None else set()
    _walk(
        source,
        "",
        root=root,
        excludes=excludes or Excludes(tuple(exclude)),
        vendored=vendored,
        selection=selection,
        visited={root} | skipped,
        real_prefix="",
    )
    selection.files.sort(key=lambda item: item.name)
    return selection


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _walk(
    directory: Path,
    prefix: str,
    *,
    root: Path,
    excludes: Excludes,
    vendored: bool,
    selection: Selection,
    visited: set[Path],
    real_prefix: str | None,
) -> None:
    """*real_prefix*: where *directory* really is, relative to *root* (None when outside)."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as error:
        shown = prefix.rstrip("/") or "."
        selection.errors.append(f"{shown}/: cannot read directory: {error.strerror or error}")
        return
    for entry in entries:
        name = prefix + entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        why = excludes.reason(name, is_dir=is_dir, vendored=vendored)
        if why is not None:
            if why != "junk":
                selection.left_out.append(name + "/" if is_dir else name)
            continue
        path = Path(entry.path)
        real_name = real_prefix + entry.name if real_prefix is not None else None
        if entry.is_symlink():
            target = Path(os.path.realpath(path))
            if not _inside(target, root):
                selection.link_problems.append(
                    f"{name}: symlink leaves the source (-> {os.readlink(path)})"
                )
                continue
            if not target.exists():
                selection.link_problems.append(f"{name}: broken symlink (-> {os.readlink(path)})")
                continue
            real_name = target.relative_to(root).as_posix() if target != root else ""
        if real_name and real_name != name:
            why = excludes.reason(real_name, is_dir=is_dir, vendored=vendored)
            if why == "secret":
                selection.link_problems.append(
                    f"{name}: is {real_name} through a symlink, a secret's name: not archived "
                    f"(re-include it with '!{real_name}' in [tool.lee] exclude to ship it)"
                )
                continue
            if why is not None:
                if why != "junk":
                    selection.left_out.append(name + "/" if is_dir else name)
                continue
        try:
            info = path.stat()
        except OSError as error:
            selection.errors.append(f"{name}: cannot read: {error.strerror or error}")
            continue
        if stat.S_ISDIR(info.st_mode):
            real = Path(os.path.realpath(path))
            if real in visited:
                if entry.is_symlink():  # a link back to a directory being walked: a loop
                    selection.link_problems.append(f"{name}: symlink loops back into the source")
                continue  # else the output directory
            _walk(
                path,
                name + "/",
                root=root,
                excludes=excludes,
                vendored=vendored,
                selection=selection,
                visited=visited | {real},
                real_prefix=None if real_name is None else real_name + "/",
            )
        elif stat.S_ISREG(info.st_mode):
            selection.files.append(
                SourceFile(
                    name, path, bool(info.st_mode & 0o111), vendored=vendored, size=info.st_size
                )
            )
        else:
            selection.errors.append(f"{name}: not a regular file or directory")
