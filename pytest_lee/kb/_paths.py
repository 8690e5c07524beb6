"""Which files ``lee-kb`` reads and how it names them — one answer for lint, fix and matrix.

A file ``lint`` reports damage in is a file ``fix`` repairs: both walk directories here.
"""

from __future__ import annotations

from collections.abc import Sequence
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
            found = (
                p
                for p in path.rglob("*")
                if p.suffix.lower() in MARKDOWN_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for file in sorted(found):
                files.setdefault(file.resolve(), file)
        else:
            errors.append(f"{path}: no such file or directory")
    return list(files.values()), errors


def display_path(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` when it is below it (posix), else as given."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def relative_line(line: str, cwd: Path) -> str:
    """A message that starts with an absolute path below ``cwd``, with that path made relative."""
    prefix = f"{cwd.resolve()}/"
    return line.replace(prefix, "", 1) if line.startswith(prefix) else line
