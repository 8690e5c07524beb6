"""The shape of the house: modules and lines per folder, and the longest functions.

    python bench/house_numbers.py [--top N] [PACKAGE_DIR]

Reads the source with ``ast`` (nothing is imported). A folder is a package directory;
the top level counts as ``pytest_lee/``. A function's length is its lines from ``def`` (or
its first decorator) to its last line, docstring included, nested functions counted in
their parent and on their own.
"""

from __future__ import annotations

import argparse
import ast
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "pytest_lee"


def folders(package: Path) -> list[tuple[str, int, int]]:
    """(folder, modules, lines) for every package directory, in path order."""
    modules: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    for path in sorted(package.rglob("*.py")):
        folder = path.parent.relative_to(package.parent).as_posix() + "/"
        modules[folder] += 1
        lines[folder] += len(path.read_text(encoding="utf-8").splitlines())
    return [(folder, modules[folder], lines[folder]) for folder in sorted(modules)]


def longest_functions(package: Path, top: int) -> list[tuple[int, str]]:
    """The *top* longest functions as (lines, "path:line name")."""
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - start + 1
                where = f"{path.relative_to(package.parent).as_posix()}:{node.lineno}"
                found.append((length, f"{where} {node.name}"))
    return sorted(found, key=lambda item: (-item[0], item[1]))[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("package", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    rows = folders(args.package)
    print(f"{'folder':<28} {'modules':>7} {'lines':>7}")
    for folder, modules, lines in rows:
        print(f"{folder:<28} {modules:>7} {lines:>7}")
    total_modules = sum(row[1] for row in rows)
    total_lines = sum(row[2] for row in rows)
    print(f"{'total':<28} {total_modules:>7} {total_lines:>7}")
    print(f"\nthe {args.top} longest functions (lines):")
    for length, name in longest_functions(args.package, args.top):
        print(f"{length:>5}  {name}")


if __name__ == "__main__":
    main()
