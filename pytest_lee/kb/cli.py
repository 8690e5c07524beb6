"""``lee-kb``: the console script — ``lint``, ``fix`` and ``matrix``.

Exit status (all subcommands): 0 clean, 1 findings at error severity (or, for ``fix
--check``, something to repair), 2 usage or input errors — 2 wins when both happen. A
usage error is one line on stderr naming the path or key, never a traceback. ``fix`` and
``matrix`` live in their own modules; this file only builds their subparsers and
dispatches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["build_parser", "main"]

HELP_LINT = "check REF IDs, cross-references, indexes, statistics, encoding, and that tests enforce every lesson"
HELP_FIX = "repair encoding damage in place (atomically; only what has exactly one original)"
HELP_MATRIX = "print the lessons → tests traceability matrix"


def build_parser() -> argparse.ArgumentParser:
    from pytest_lee.kb import fix, matrix
    from pytest_lee.kb.formats import FORMATS

    parser = argparse.ArgumentParser(
        prog="lee-kb", description="Keep the lessons knowledge base and its tests lined up."
    )
    parser.add_argument("--version", action="version", version=f"lee-kb {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="{lint,fix,matrix}", required=True)
    lint = commands.add_parser("lint", help=HELP_LINT, description=HELP_LINT)
    lint.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="markdown files or directories; default: [tool.lee.kb] paths",
    )
    lint.add_argument(
        "--format", choices=tuple(FORMATS), default="text", help="output format (default: text)"
    )
    lint.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the report to FILE (atomically) instead of stdout",
    )
    lint.add_argument(
        "--tests",
        type=Path,
        action="append",
        metavar="PATH",
        help="where to look for lee_ref marks (repeatable); default: [tool.lee.kb] tests",
    )
    lint.add_argument(
        "--min-severity",
        choices=("error", "warning", "info"),
        default="info",
        help="report only findings at this severity or above (default: info, everything)",
    )
    lint.set_defaults(run=run_lint)
    fix_parser = commands.add_parser("fix", help=HELP_FIX, description=HELP_FIX)
    fix.add_arguments(fix_parser)
    fix_parser.set_defaults(run=fix.run)
    matrix_parser = commands.add_parser("matrix", help=HELP_MATRIX, description=HELP_MATRIX)
    matrix.add_arguments(matrix_parser)
    matrix_parser.set_defaults(run=matrix.run)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytest-lee")
    except PackageNotFoundError:  # a source checkout that was never installed
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: --help is 0, a usage error 2
        return int(exit_.code or 0)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 2
    except BrokenPipeError:  # `lee-kb lint | head`
        return 0
    except Exception as error:  # a bug of ours: one line and exit 2, never "1 = findings"
        print(
            f"lee-kb {args.command}: internal error: {type(error).__name__}: {error} "
            "(please report it with the command line)",
            file=sys.stderr,
        )
        return 2


def run_lint(args: argparse.Namespace) -> int:
    from pytest_lee.errors import LeeConfigError
    from pytest_lee.kb._paths import relative_line
    from pytest_lee.kb.config import load_kb_config
    from pytest_lee.kb.formats import render
    from pytest_lee.kb.lint import lint

    cwd = Path.cwd()
    try:
        config = load_kb_config(cwd)
    except LeeConfigError as error:
        print(f"lee-kb: {error}", file=sys.stderr)
        return 2
    paths = (
        [p if p.is_absolute() else cwd / p for p in args.paths]
        if args.paths
        else list(config.paths)
    )
    tests = (
        [p if p.is_absolute() else cwd / p for p in args.tests]
        if args.tests
        else list(config.tests)
    )
    if args.tests:
        from dataclasses import replace

        config = replace(config, tests_configured=True)
    result = lint(paths, config, tests, base=cwd)
    if args.min_severity != "info":
        result = result.at_least(args.min_severity)
    for line in result.usage_errors:
        print(f"lee-kb: {relative_line(line, cwd)}", file=sys.stderr)
    report = render(result, args.format)
    if args.output is not None:
        from pytest_lee._atomic import write_atomic

        try:
            write_atomic(args.output, report)
        except OSError as error:
            print(
                f"lee-kb: {args.output}: cannot write the report: {error.strerror or error}",
                file=sys.stderr,
            )
            return 2
    else:
        sys.stdout.write(report)
        sys.stdout.flush()
    return result.exit_code
