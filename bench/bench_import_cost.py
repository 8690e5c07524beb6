"""What pytest-lee costs every pytest run of every user.

1. ``import pytest_lee.plugin`` on top of ``import pytest``: fresh interpreters, interleaved
   rows ``python -c "import pytest"`` (the baseline), the same plus ``import
   pytest_lee.plugin``, and ``python -I -S -B -c pass`` for scale; each child's wall and CPU
   time measured from outside, and the plugin import's own wall and CPU time measured inside
   the child (the whole-child difference is within the noise of a loaded machine).
2. The added time of a generated suite of 1,000 trivial tests with the plugin against
   ``-p no:lee`` (the baseline: the same pytest, the same tests), interleaved, without and
   with a ``[tool.lee]`` table (which adds the package item: a build of a one-file app).

Usage: python bench/bench_import_cost.py [--imports N] [--runs N] [--tests N] [--no-bytecode]
Prints medians of wall and CPU time, the ratios to the baseline, the load at start and end
(``bench/_bench.py``).

Cold / warm: children run with bytecode caching on, as users have it, even when this shell
sets PYTHONDONTWRITEBYTECODE (the .pyc files go to a temporary PYTHONPYCACHEPREFIX, written
by one untimed run of each row); ``--no-bytecode`` measures every import compiling its
source. The package item's caches (compile cache, shipped bytecode) live in a temporary
``LEE_CACHE_DIR``, warmed by that same untimed run, as on every run of a user's after the
first; the user's own ``~/.cache/pytest-lee`` is never read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from _bench import BARE, Started, interleave, print_table, run

PROBE = (
    "import time; w, c = time.perf_counter(), time.process_time(); import pytest; "
    "w1, c1 = time.perf_counter(), time.process_time(); import pytest_lee.plugin; "
    "print(w1 - w, c1 - c, time.perf_counter() - w1, time.process_time() - c1)"
)
HEAVY = ("boto3", "botocore", "moto", "markdown_it", "ftfy")


def child_env(pycache: str | None, cache: str) -> dict[str, str]:
    """Every child's environment: bytecode cached under *pycache* (or never written), caches in *cache*."""
    env = dict(os.environ, LEE_CACHE_DIR=cache)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def import_cost(started: Started, runs: int, env: dict[str, str]) -> None:
    inside: list[list[float]] = []

    def plugin() -> None:
        inside.append(
            [float(value) * 1000 for value in run([sys.executable, "-c", PROBE], env=env).split()]
        )

    rows: dict[str, Callable[[], object]] = {
        "pytest": partial(run, [sys.executable, "-c", "import pytest"], env=env),
        "plugin": plugin,
        "bare": partial(run, [*BARE, "-c", "pass"], env=env),
    }
    for call in rows.values():  # write the bytecode
        call()
    inside.clear()
    samples = interleave(runs, rows)
    print("import cost, whole fresh interpreters:")
    print_table(
        started,
        samples,
        "pytest",
        labels={
            "pytest": "python -c 'import pytest'",
            "plugin": "... + import pytest_lee.plugin",
            "bare": "python -I -S -B -c pass",
        },
    )
    pytest_wall, pytest_cpu, wall, cpu = (
        statistics.median(values[index] for values in inside) for index in range(4)
    )
    print(
        f"  inside the child: import pytest {pytest_wall:.1f} ms wall / {pytest_cpu:.1f} ms CPU; "
        f"import pytest_lee.plugin after it {wall:.1f} ms wall / {cpu:.1f} ms CPU "
        f"({wall / pytest_wall:.1%} / {cpu / pytest_cpu:.1%} of import pytest)"
    )
    code = (
        f"import sys, pytest_lee.plugin; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    print(
        f"  heavy modules loaded by the import: {run([sys.executable, '-c', code], env=env).strip() or 'none'}"
    )


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


def suite_overhead(
    started: Started, tests: int, runs: int, configured: bool, env: dict[str, str]
) -> None:
    with tempfile.TemporaryDirectory(prefix="lee-bench-") as directory:
        root = Path(directory)
        make_suite(root, tests, configured)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        rows = {
            "plugin": partial(run, command, env=env, cwd=root),
            "no:lee": partial(run, [*command, "-p", "no:lee"], env=env, cwd=root),
        }
        for call in rows.values():  # .pyc of the tests and the package caches, as after a first run
            call()
        samples = interleave(runs, rows)
    label = "[tool.lee] source set (+1 package item)" if configured else "no [tool.lee]"
    print(f"{tests} trivial tests, {label}:")
    medians = print_table(
        started,
        samples,
        "no:lee",
        labels={"plugin": "pytest, with pytest-lee", "no:lee": "pytest -p no:lee"},
    )
    added_wall = medians["plugin"].wall - medians["no:lee"].wall
    added_cpu = medians["plugin"].cpu - medians["no:lee"].cpu
    print(f"  added: {added_wall * 1000:+.1f} ms wall, {added_cpu * 1000:+.1f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imports", type=int, default=21, help="rounds of fresh interpreters")
    parser.add_argument("--runs", type=int, default=11, help="interleaved suite rounds")
    parser.add_argument("--tests", type=int, default=1000, help="trivial tests in the suite")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="children compile every import (no .pyc)"
    )
    args = parser.parse_args()
    started = Started("bench_import_cost: what pytest-lee adds to every pytest run")
    with tempfile.TemporaryDirectory(prefix="lee-bench-pyc-") as temporary:
        env = child_env(
            None if args.no_bytecode else str(Path(temporary) / "pyc"), str(Path(temporary) / "lee")
        )
        print(
            "bytecode cache: "
            + (
                "off (every import compiles)"
                if args.no_bytecode
                else "on (.pyc in a temporary prefix)"
            )
        )
        import_cost(started, args.imports, env)
        for configured in (False, True):
            suite_overhead(started, args.tests, args.runs, configured, env)


if __name__ == "__main__":
    main()
