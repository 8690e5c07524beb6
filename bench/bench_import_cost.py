"""What pytest-lee costs every pytest run of every user.

1. ``import pytest_lee.plugin`` on top of ``import pytest``, in fresh interpreters.
2. The added wall time of a generated suite of 1,000 trivial tests with the plugin
   against ``-p no:lee`` (runs interleaved so machine load hits both alike).

Usage: python bench/bench_import_cost.py [--imports N] [--runs N] [--tests N]
Prints medians; the machine may be shared, so read the ratio, not the seconds.
Children run with bytecode caching on, as users have it, even when this shell sets
PYTHONDONTWRITEBYTECODE (the .pyc files go to a temporary PYTHONPYCACHEPREFIX, not the
tree); without a cache every import also compiles its source, which costs more than
running it (``--no-bytecode`` measures that case).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBE = (
    "import time; t0 = time.perf_counter(); import pytest; t1 = time.perf_counter(); "
    "import pytest_lee.plugin; t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
)
HEAVY = ("boto3", "botocore", "moto", "markdown_it", "ftfy")
CHILD_ENV = dict(os.environ)  # set up by main()


def child_env(pycache: str | None) -> dict[str, str]:
    """The environment of every child: bytecode cached under *pycache*, or never written."""
    env = dict(os.environ)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def import_cost(runs: int) -> tuple[float, float]:
    """Median ms of ``import pytest`` and of ``import pytest_lee.plugin`` after it."""
    bare, plugin = [], []
    subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, check=True, env=CHILD_ENV
    )  # warm the cache
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=CHILD_ENV
        ).stdout
        first, second = (float(value) * 1000 for value in out.split())
        bare.append(first)
        plugin.append(second)
    return statistics.median(bare), statistics.median(plugin)


def heavy_modules_loaded() -> str:
    code = (
        f"import sys, pytest_lee.plugin; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=CHILD_ENV
    ).stdout.strip()


def make_suite(root: Path, tests: int, configured: bool) -> None:
    per_file = 100
    for index in range(0, tests, per_file):
        body = "".join(
            f"def test_{n}():\n    assert {n} == {n}\n\n"
            for n in range(index, min(index + per_file, tests))
        )
        (root / f"test_suite_{index // per_file:03d}.py").write_text(body)
    pyproject = "[tool.pytest.ini_options]\n"
    if configured:
        (root / "src").mkdir()
        (root / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
        pyproject += '\n[tool.lee]\nsource = "src"\nhandler = "app.handler"\nmin_lines = 0\n'
    (root / "pyproject.toml").write_text(pyproject)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_suite(root: Path, extra: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one pytest run; CPU time suffers less from a busy machine."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra]
    cpu = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=CHILD_ENV)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"suite failed ({' '.join(extra) or 'with plugin'}):\n{result.stdout[-2000:]}"
        )
    return elapsed, _children_cpu() - cpu


def suite_overhead(tests: int, runs: int, configured: bool) -> dict[str, tuple[float, float]]:
    """Median (with plugin, -p no:lee) for "wall" and "cpu" seconds."""
    with tempfile.TemporaryDirectory(prefix="lee-bench-") as directory:
        root = Path(directory)
        make_suite(root, tests, configured)
        run_suite(root, [])  # warm the file system cache and .pyc files for both variants
        run_suite(root, ["-p", "no:lee"])
        with_plugin, without = [], []
        for index in range(runs):  # ABBA order, so neither variant always runs second
            if index % 2 == 0:
                with_plugin.append(run_suite(root, []))
                without.append(run_suite(root, ["-p", "no:lee"]))
            else:
                without.append(run_suite(root, ["-p", "no:lee"]))
                with_plugin.append(run_suite(root, []))
    return {
        kind: (
            statistics.median(s[index] for s in with_plugin),
            statistics.median(s[index] for s in without),
        )
        for index, kind in enumerate(("wall", "cpu"))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--imports", type=int, default=21, help="fresh interpreters for the import cost"
    )
    parser.add_argument("--runs", type=int, default=11, help="interleaved suite runs per variant")
    parser.add_argument(
        "--tests", type=int, default=1000, help="trivial tests in the generated suite"
    )
    parser.add_argument(
        "--no-bytecode", action="store_true", help="children compile every import (no .pyc)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lee-bench-pyc-") as pycache:
        CHILD_ENV.clear()
        CHILD_ENV.update(child_env(None if args.no_bytecode else pycache))
        report(args)


def report(args: argparse.Namespace) -> None:
    print(
        f"bytecode cache: {'off (every import compiles)' if args.no_bytecode else 'on (.pyc in a temporary prefix)'}"
    )
    bare, plugin = import_cost(args.imports)
    print(
        f"import pytest                         : {bare:7.1f} ms (median of {args.imports} fresh interpreters)"
    )
    print(
        f"import pytest_lee.plugin (after it)   : {plugin:7.1f} ms  ({plugin / bare:.1%} of import pytest)"
    )
    print(f"heavy modules loaded by the import    : {heavy_modules_loaded() or 'none'}")
    print(
        f"{args.tests} trivial tests, medians of {args.runs} interleaved runs (with plugin vs -p no:lee):"
    )
    for configured, label in (
        (False, "no [tool.lee]"),
        (True, "[tool.lee] source set (+1 package item)"),
    ):
        figures = suite_overhead(args.tests, args.runs, configured)
        for kind, (with_plugin, without) in figures.items():
            added = with_plugin / without - 1
            print(
                f"  {label:40} {kind:4}: {with_plugin:6.3f} s vs {without:6.3f} s, "
                f"added {(with_plugin - without) * 1000:+6.1f} ms = {added:+.1%}"
            )


if __name__ == "__main__":
    main()
