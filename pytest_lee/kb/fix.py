"""``lee-kb fix``: repair encoding damage in place — atomically, idempotently, never worse.

Only what has exactly one original is changed (see ``pytest_lee.kb.encoding``); spans that
several originals fit are counted here and left for ``lee-kb lint`` to show with their
candidates. A file is rewritten through ``write_atomic`` (temporary file in the same
directory, fsync, rename, mode kept), so a reader — or a crash — sees the old file or the
new one, never half of one. Bytes outside the repaired spans are kept as they were: line
endings, a BOM, trailing whitespace.
"""

from __future__ import annotations

import argparse
import difflib
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from pytest_lee._atomic import atomic_path
from pytest_lee.errors import LeeConfigError
from pytest_lee.kb._paths import markdown_files

__all__ = ["FileResult", "add_arguments", "fix_file", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``lee-kb fix`` options (``cli.py`` builds the subcommand, we fill it)."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="markdown files or directories (searched for *.md); default: [tool.lee.kb] paths",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file would be repaired"
    )
    parser.add_argument("--diff", action="store_true", help="show each repair as a unified diff")


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: ``problem`` is a one-line reason it was not handled."""

    path: Path
    display: str
    repaired: int = 0
    ambiguous: int = 0
    encoding: str | None = None
    written: bool = False
    problem: str | None = None
    diff: str = ""

    @property
    def changes(self) -> bool:
        return self.repaired > 0


def run(args: argparse.Namespace) -> int:
    """Repair every file; 0 nothing to repair, 1 repaired (``--check``: would repair), 2 on
    bad input (it wins)."""
    out: TextIO = getattr(args, "stdout", None) or sys.stdout
    err: TextIO = getattr(args, "stderr", None) or sys.stderr
    try:
        paths = list(args.paths) or _configured_paths()
    except LeeConfigError as error:
        print(f"lee-kb fix: {error}", file=err)
        return 2
    if not paths:
        print("lee-kb fix: no paths given and no [tool.lee.kb] paths configured", file=err)
        return 2
    results = [
        fix_file(path, display, write=not args.check) for path, display in _expand(paths, err)
    ]
    missing = any(not path.exists() for path in paths)
    for result in results:
        if result.diff and args.diff:
            out.write(result.diff)
        line = _describe(result, check=args.check)
        if line:
            print(line, file=err if result.problem else out)
    print(_summary(results, check=args.check), file=out)
    if missing or any(r.problem for r in results):
        return 2
    # 1: something was repaired (or, with --check, would be) — as lint's 1 says "findings"
    return 1 if any(r.changes and (args.check or r.written) for r in results) else 0


def fix_file(path: Path, display: str | None = None, *, write: bool = True) -> FileResult:
    """Repair one file (or only say what would change when *write* is false)."""
    from pytest_lee.kb.encoding import repair

    display = display or path.as_posix()
    if path.is_dir():  # a directory markdown_files could not list
        from pytest_lee.kb._paths import directory_problem

        return FileResult(path, display, problem=directory_problem(path) or "a directory")
    try:
        info = path.stat()
        data = path.read_bytes()
    except OSError as error:
        return FileResult(path, display, problem=f"cannot read: {error.strerror or error}")
    if b"\0" in data[:8192]:
        return FileResult(
            path, display, problem="binary file (NUL bytes), not markdown; not touched"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return FileResult(
            path,
            display,
            problem=f"not UTF-8 (byte 0x{data[error.start]:02x} on line {line}); not touched — re-save it as UTF-8",
        )
    result = repair(text)
    base = FileResult(path, display, result.repaired, len(result.ambiguous), result.encoding)
    if not result.changed:
        return base
    diff = _unified_diff(text, result.text, display)
    if not write:
        return _replace(base, diff=diff)
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
        path, os.W_OK
    ):
        return _replace(base, problem=f"read-only; {result.repaired} damaged span(s) not repaired")
    if _changed_since(path, info):
        return _replace(
            base, problem="changed while being repaired; not written, run lee-kb fix again"
        )
    try:
        # Through a symlink, repair the file it points to; replacing the link would cut it.
        _write_keeping_owner(path.resolve(), result.text.encode("utf-8"), info)
    except OSError as error:
        return _replace(
            base, problem=f"cannot write: {error.strerror or error}; file left as it was"
        )
    return _replace(base, diff=diff, written=True)


def _write_keeping_owner(path: Path, data: bytes, before: os.stat_result) -> None:
    """Write atomically; the new file gets the old one's mode, and its owner and group —
    run as root, a plain rename would leave every repaired file owned by root."""
    with atomic_path(path, mode=stat.S_IMODE(before.st_mode)) as temporary:
        with open(temporary, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        now = os.stat(temporary)
        if (now.st_uid, now.st_gid) != (before.st_uid, before.st_gid):
            try:
                os.chown(temporary, before.st_uid, before.st_gid)
            except PermissionError:  # not root: the file becomes ours, as any editor makes it
                pass


def _replace(result: FileResult, **changes: object) -> FileResult:
    from dataclasses import replace

    return replace(result, **changes)  # type: ignore[arg-type]


def _changed_since(path: Path, before: os.stat_result) -> bool:
    try:
        now = path.stat()
    except OSError:
        return True
    return (now.st_mtime_ns, now.st_size, now.st_ino) != (
        before.st_mtime_ns,
        before.st_size,
        before.st_ino,
    )


def _expand(paths: Sequence[Path], err: TextIO) -> Iterator[tuple[Path, str]]:
    """The markdown files ``lee-kb lint`` would read under ``paths``, each once; a missing
    path is one line on ``err``."""
    files, missing = markdown_files(paths)
    for line in missing:
        print(f"lee-kb fix: {line}", file=err)
    for file in files:
        yield file, file.as_posix()


def _configured_paths() -> list[Path]:
    """``[tool.lee.kb] paths`` of the nearest pyproject.toml, shown relative to the cwd."""
    from pytest_lee.kb.config import load_kb_config

    cwd = Path.cwd()
    return [Path(os.path.relpath(p, cwd)) for p in load_kb_config(cwd).paths]


def _unified_diff(before: str, after: str, display: str) -> str:
    slash = "" if display.startswith("/") else "/"
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        f"a{slash}{display}",
        f"b{slash}{display}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _describe(result: FileResult, *, check: bool) -> str | None:
    if result.problem:
        return f"lee-kb fix: {result.display}: {result.problem}"
    parts = []
    if result.repaired:
        verb = "would repair" if check else "repaired"
        how = f" (the whole file was UTF-8 read as {result.encoding})" if result.encoding else ""
        parts.append(f"{verb} {_spans(result.repaired)}{how}")
    if result.ambiguous:
        parts.append(
            f"{_spans(result.ambiguous)} left ambiguous (lee-kb lint lists the candidates)"
        )
    return f"{result.display}: {'; '.join(parts)}" if parts else None


def _summary(results: list[FileResult], *, check: bool) -> str:
    changed = [r for r in results if r.changes and (check or r.written)]
    ambiguous = [r for r in results if r.ambiguous]
    verb = "would repair" if check else "repaired"
    text = (
        f"lee-kb fix: {verb} {sum(r.repaired for r in changed)} span(s) in {len(changed)} of "
        f"{len(results)} file(s); {sum(r.ambiguous for r in ambiguous)} span(s) in "
        f"{len(ambiguous)} file(s) left ambiguous"
    )
    problems = sum(1 for r in results if r.problem)
    return text + (f"; {problems} file(s) not handled" if problems else "")


def _spans(count: int) -> str:
    return f"{count} span" + ("" if count == 1 else "s")
