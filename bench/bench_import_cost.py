"""What pytest-lee costs every pytest run of every user.

1. ``import pytest_lee.plugin`` on top of ``import pytest``, in fresh interpreters.
2. The added wall time of a generated suite of 1,000 trivial tests with the plugin
   against ``-p no:lee`` (runs interleaved so machine load hits both alike).

Usage: python bench/bench_import_cost.py [--imports N] [--runs N] [--tests N] [--against DIR]
Prints medians; the machine may be shared, so read the ratio, not the seconds. The
children import pytest_lee from this checkout (``PYTHONPATH``), whatever is installed;
``--against DIR`` measures another checkout (a ``git worktree`` of an older commit) in the
same run, interleaved, and prints the two side by side.
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
    "c1 = time.process_time(); import pytest_lee.plugin; t2 = time.perf_counter(); "
    "c2 = time.process_time(); print(t1 - t0, t2 - t1, c2 - c1)"
)
# What a configured project adds at configure time: the settings module and one read.
SETTINGS_PROBE = (
    "import sys, time; from pathlib import Path; import pytest; "
    "t0 = time.perf_counter(); c0 = time.process_time(); "
    "from pytest_lee.settings import load_settings; load_settings(Path(sys.argv[1])); "
    "print(time.perf_counter() - t0, time.process_time() - c0)"
)
HERE = Path(__file__).resolve().parents[1]
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


def tree_env(tree: Path) -> dict[str, str]:
    """The children's environment with pytest_lee imported from the checkout at *tree*."""
    env = dict(CHILD_ENV)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), env.get("PYTHONPATH", "")]))
    return env


def import_cost(runs: int, trees: list[Path]) -> list[tuple[float, float, float]]:
    """Per tree, median ms of ``import pytest``, of ``import pytest_lee.plugin`` after it
    (wall) and of the latter's CPU time; the trees' children interleaved, order alternating."""
    envs = [tree_env(tree) for tree in trees]
    samples: list[list[tuple[float, ...]]] = [[] for _ in trees]
    for env in envs:  # warm each tree's bytecode cache
        subprocess.run([sys.executable, "-c", PROBE], capture_output=True, check=True, env=env)
    for run in range(runs):
        order = list(range(len(trees)))
        if run % 2:
            order.reverse()
        for index in order:
            out = subprocess.run(
                [sys.executable, "-c", PROBE],
                capture_output=True,
                text=True,
                check=True,
                env=envs[index],
            ).stdout
            samples[index].append(tuple(float(value) * 1000 for value in out.split()))
    return [
        (
            statistics.median(s[0] for s in tree_samples),
            statistics.median(s[1] for s in tree_samples),
            statistics.median(s[2] for s in tree_samples),
        )
        for tree_samples in samples
    ]


def settings_cost(runs: int, trees: list[Path]) -> list[tuple[float, float]]:
    """Per tree, median ms (wall, CPU) of importing the settings and reading a small
    ``[tool.lee]`` in a fresh interpreter; trees interleaved, order alternating."""
    envs = [tree_env(tree) for tree in trees]
    samples: list[list[tuple[float, ...]]] = [[] for _ in trees]
    with tempfile.TemporaryDirectory(prefix="lee-bench-settings-") as directory:
        make_suite(Path(directory), 0, configured=True)
        command = [sys.executable, "-c", SETTINGS_PROBE, directory]
        for env in envs:
            subprocess.run(command, capture_output=True, check=True, env=env)
        for run in range(runs):
            for index in range(len(trees)) if run % 2 == 0 else reversed(range(len(trees))):
                out = subprocess.run(
                    command, capture_output=True, text=True, check=True, env=envs[index]
                ).stdout
                samples[index].append(tuple(float(value) * 1000 for value in out.split()))
    return [
        (statistics.median(s[0] for s in tree), statistics.median(s[1] for s in tree))
        for tree in samples
    ]


def heavy_modules_loaded() -> str:
    code = (
        f"import sys, pytest_lee.plugin; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=tree_env(HERE)
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


def run_suite(root: Path, extra: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one pytest run; CPU time suffers less from a busy machine."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra]
    cpu = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"suite failed ({' '.join(extra) or 'with plugin'}):\n{result.stdout[-2000:]}"
        )
    return elapsed, _children_cpu() - cpu


def suite_overhead(
    tests: int, runs: int, configured: bool, trees: list[Path]
) -> list[dict[str, tuple[float, float]]]:
    """Per tree, median (with plugin, -p no:lee) for "wall" and "cpu" seconds; every run
    does each tree's two variants, in an order that alternates, so load hits all alike."""
    envs = [tree_env(tree) for tree in trees]
    variants = [(tree, extra) for tree in range(len(trees)) for extra in ([], ["-p", "no:lee"])]
    samples: dict[tuple[int, bool], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="lee-bench-") as directory:
        root = Path(directory)
        make_suite(root, tests, configured)
        for tree, extra in variants:  # warm the file system cache and .pyc files
            run_suite(root, extra, envs[tree])
        for index in range(runs):  # ABBA order, so no variant always runs last
            for tree, extra in variants if index % 2 == 0 else variants[::-1]:
                sample = run_suite(root, extra, envs[tree])
                samples.setdefault((tree, not extra), []).append(sample)
    return [
        {
            kind: (
                statistics.median(s[index] for s in samples[(tree, True)]),
                statistics.median(s[index] for s in samples[(tree, False)]),
            )
            for index, kind in enumerate(("wall", "cpu"))
        }
        for tree in range(len(trees))
    ]


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
    parser.add_argument(
        "--against", type=Path, help="another checkout to measure side by side (e.g. a worktree)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lee-bench-pyc-") as pycache:
        CHILD_ENV.clear()
        CHILD_ENV.update(child_env(None if args.no_bytecode else pycache))
        report(args)


def report(args: argparse.Namespace) -> None:
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"bytecode cache: {'off (every import compiles)' if args.no_bytecode else 'on (.pyc in a temporary prefix)'}"
    )
    trees = [HERE] if args.against is None else [HERE, args.against.resolve()]
    costs = import_cost(args.imports, trees)
    for tree, (bare, plugin, cpu) in zip(trees, costs):
        print(f"{tree}:")
        print(
            f"  import pytest                       : {bare:7.1f} ms (median of {args.imports} fresh interpreters)"
        )
        print(
            f"  import pytest_lee.plugin (after it) : {plugin:7.1f} ms wall, {cpu:5.1f} ms CPU  "
            f"({plugin / bare:.1%} of import pytest)"
        )
    if len(costs) == 2:
        print(
            f"this checkout / {trees[1].name}: plugin import wall {costs[0][1] / costs[1][1]:.2f}x, "
            f"CPU {costs[0][2] / costs[1][2]:.2f}x"
        )
    print(f"heavy modules loaded by the import    : {heavy_modules_loaded() or 'none'}")
    for tree, (wall, cpu) in zip(trees, settings_cost(args.imports, trees)):
        print(
            f"  {tree.name:10} import settings + read a small [tool.lee]: {wall:6.1f} ms wall, "
            f"{cpu:5.1f} ms CPU (median of {args.imports} fresh interpreters)"
        )
    print(
        f"{args.tests} trivial tests, medians of {args.runs} interleaved runs (with plugin vs -p no:lee):"
    )
    for configured, label in (
        (False, "no [tool.lee]"),
        (True, "[tool.lee] source set (+1 package item)"),
    ):
        per_tree = suite_overhead(args.tests, args.runs, configured, trees)
        for tree, figures in zip(trees, per_tree):
            for kind, (with_plugin, without) in figures.items():
                added = with_plugin / without - 1
                print(
                    f"  {tree.name:10} {label:40} {kind:4}: {with_plugin:6.3f} s vs {without:6.3f} s, "
                    f"added {(with_plugin - without) * 1000:+6.1f} ms = {added:+.1%}"
                )


if __name__ == "__main__":
    main()
