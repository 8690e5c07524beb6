"""``lee-kb matrix``: the traceability matrix of the knowledge base, markdown or HTML.

Every REF and checklist item, the tests whose ``lee_ref`` marks claim it (found statically,
as ``lee-kb lint`` finds them), their last outcome when a JUnit report is given, waivers
with their reasons, and one coverage line. Statuses are decided in ``pytest_lee.kb.trace``.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pytest_lee.kb.trace import Matrix, Row, TestLink

if TYPE_CHECKING:
    from pytest_lee.kb.context import Context

__all__ = ["add_arguments", "render_markdown", "run"]

_ICONS = {
    "enforced": "✅",
    "waived": "⚪",
    "failed": "❌",
    "skipped": "⏭️",
    "not run": "⚠️",
    "unenforced": "🔴",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``lee-kb matrix`` options (``cli.py`` builds the subcommand, we fill it)."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="markdown files or directories; default: [tool.lee.kb] paths",
    )
    parser.add_argument(
        "--junit",
        type=Path,
        action="append",
        metavar="REPORT",
        help="a JUnit XML report (pytest --junit-xml); repeat for several runs (a test passes if it passed in one "
        "and failed in none). An item whose tests all failed or were skipped is then not enforced",
    )
    parser.add_argument(
        "--format",
        choices=("markdown", "html"),
        default="markdown",
        help="output format (default: markdown)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        help="write here (atomically) instead of to stdout",
    )
    parser.add_argument(
        "--link-base",
        metavar="URL",
        help="HTML: link tests to URL + path#Lline (e.g. https://github.com/org/repo/blob/main/) "
        "instead of relative to the page",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 unless every REF and item is enforced or waived (for CI)",
    )


def run(args: argparse.Namespace) -> int:
    """Print or write the matrix: 0 written, 1 with ``--strict`` when a row is neither
    enforced nor waived, 2 on bad input (one line on stderr)."""
    from pytest_lee.kb.junit import JUnitError, merge_reports, read_junit

    out: TextIO = getattr(args, "stdout", None) or sys.stdout
    err: TextIO = getattr(args, "stderr", None) or sys.stderr
    try:
        source = _load(args)
    except _UsageError as error:
        print(f"lee-kb matrix: {error}", file=err)
        return 2
    junit = None
    if args.junit:
        try:
            reports = [read_junit(path) for path in args.junit]
        except JUnitError as error:
            print(f"lee-kb matrix: {error}", file=err)
            return 2
        junit = merge_reports(reports)
    from pytest_lee.kb.trace import build_matrix

    matrix = build_matrix(source.context, junit)
    refs = source.context.tests.refs
    if (
        junit is not None
        and refs
        and not any(junit.outcome(n) is not None for r in refs for n in r.nodeids)
    ):
        print(
            f"lee-kb matrix: {junit.path}: none of its {junit.cases} test cases is a test that claims a lesson here "
            "(is the report from another project, or from a run of other test paths?)",
            file=err,
        )
        return 2
    for problem in source.problems:
        print(f"lee-kb matrix: {problem}", file=err)
    text = _render(matrix, args, source.root)
    if args.output is None:
        out.write(text)
    else:
        from pytest_lee._atomic import write_atomic

        try:
            write_atomic(args.output, text.encode("utf-8"))
        except OSError as error:
            print(
                f"lee-kb matrix: {args.output.as_posix()}: cannot write: {error.strerror or error}",
                file=err,
            )
            return 2
        print(matrix.coverage_line(), file=out)
    if source.problems:
        return 2
    return 1 if args.strict and matrix.count("enforced", "waived") < len(matrix.rows) else 0


def _render(matrix: Matrix, args: argparse.Namespace, root: Path) -> str:
    if args.format == "html":
        from pytest_lee.kb.matrix_html import render_html

        if args.link_base:
            prefix = args.link_base if args.link_base.endswith("/") else args.link_base + "/"
            return render_html(matrix, link=lambda test: f"{prefix}{test.path}#L{test.line}")
        base = args.output.resolve().parent if args.output is not None else Path.cwd()
        return render_html(matrix, link=lambda test: _relative_link(test, root, base))
    return render_markdown(matrix)


def _relative_link(test: TestLink, root: Path, base: Path) -> str:
    target = (root / test.path).resolve()
    return f"{Path(os.path.relpath(target, base)).as_posix()}#L{test.line}"


def render_markdown(matrix: Matrix) -> str:
    """The matrix as a markdown document: coverage line first, one table per file."""
    lines = ["# Traceability matrix", "", matrix.coverage_line(), ""]
    by_path: dict[str, list[Row]] = {}
    for row in matrix.rows:
        by_path.setdefault(row.path, []).append(row)
    for path, rows in by_path.items():
        lines += [
            f"## {path}",
            "",
            "| Status | Lesson / checklist item | Line | Tests or waiver |",
            "| --- | --- | --- | --- |",
        ]
        lines += [_markdown_row(row) for row in rows]
        lines.append("")
    if not matrix.rows:
        lines += ["No REF or checklist item found.", ""]
    return "\n".join(lines)


def _markdown_row(row: Row) -> str:
    status = f"{_ICONS[row.status]} {row.status}"
    if row.kind == "ref":
        what = f"**{row.ref}** {row.label}" if row.label != row.ref else f"**{row.ref}**"
    else:
        where = f"{row.ref} › {row.section}" if row.section else row.ref
        what = f"{where} › {row.label}"
    tests = [f"`{t.nodeid}`" + (f" ({t.outcome})" if t.outcome else "") for t in row.tests]
    if row.waiver is not None and row.status == "waived":
        tests.append(f"waived: {row.waiver or 'no reason given'}")
    return f"| {status} | {_cell(what)} | {row.line} | {_cell('<br>'.join(tests) or '—')} |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class _UsageError(Exception):
    pass


@dataclass(frozen=True)
class _Source:
    """The knowledge base as the lint sees it, and problems met reading it (one line each)."""

    context: Context
    root: Path
    problems: tuple[str, ...]


def _load(args: argparse.Namespace) -> _Source:
    """The knowledge base read exactly as ``lee-kb lint`` reads it (same files, same claims)."""
    from pytest_lee.errors import LeeConfigError
    from pytest_lee.kb._paths import markdown_files, relative_line
    from pytest_lee.kb.config import load_kb_config
    from pytest_lee.kb.context import build_context
    from pytest_lee.kb.lint import load_documents
    from pytest_lee.kb.tests_index import scan_tests

    cwd = Path.cwd()
    try:
        config = load_kb_config(cwd)
    except LeeConfigError as error:
        raise _UsageError(str(error)) from None
    paths = (
        [p if p.is_absolute() else cwd / p for p in args.paths]
        if args.paths
        else list(config.paths)
    )
    files, missing = markdown_files(paths)
    if missing:
        raise _UsageError(relative_line(missing[0], cwd))
    documents = load_documents(files, cwd, config.max_bytes, config)
    problems = [f"{d.display}: {d.problem}" for d in documents if d.problem]
    index = scan_tests([p for p in config.tests if p.exists()], cwd)
    problems += [f"{p.path}:{p.line}: {p.message}" for p in index.problems]
    return _Source(build_context(config, documents, index), cwd, tuple(problems))
