"""What the sandbox costs one child: its start chain and directories, against a bare start.

Interleaved, in one run: ``python -I -S -B -c pass`` started (a) plainly with
``subprocess.run`` and (b) through ``pytest_lee.sandbox.child.open_child`` (the
directories, the environment, the namespace chain or the guard's, and the clean-up,
waited for here although a run does not wait for it).
Prints the medians of wall and CPU time (user + system of every process started) and
the difference per child, with the load. Run under both isolations::

    python bench/bench_sandbox.py [ROUNDS]
    LEE_ISOLATION=guard python bench/bench_sandbox.py [ROUNDS]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pytest_lee.sandbox.child import ChildSpec, drain, open_child
from pytest_lee.sandbox.isolation import current

ARGV = [sys.executable, "-I", "-S", "-B", "-c", "pass"]


def _cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime + self_usage.ru_utime + self_usage.ru_stime) * 1000


def bare(task_root: Path) -> None:
    subprocess.run(ARGV, cwd=task_root, stdin=subprocess.DEVNULL, check=True)


CRITICAL: list[float] = []  # wall ms until the run's result is there (before the clean-up)


def sandboxed(task_root: Path) -> None:
    start = time.perf_counter()
    with open_child(ChildSpec(task_root)) as child:
        process = child.popen(ARGV, {}, stdin=subprocess.DEVNULL)
        if process.wait() != 0:
            raise SystemExit("the sandboxed child failed")
    CRITICAL.append((time.perf_counter() - start) * 1000)
    drain()  # the cleaner thread's work (leftover scan, directories) counted here too


def measure(start: Callable[[Path], None], task_root: Path) -> tuple[float, float]:
    cpu, wall = _cpu_ms(), time.perf_counter()
    start(task_root)
    return (time.perf_counter() - wall) * 1000, _cpu_ms() - cpu


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    print(f"isolation: {current().label}")
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as scratch:
        task_root = Path(scratch)
        (task_root / "app.py").write_text("def handler(event, context):\n    return 1\n")
        sandboxed(task_root)  # the session's namespace is made once, before the figures
        figures: dict[str, list[tuple[float, float]]] = {"bare": [], "sandbox": []}
        for index in range(rounds):
            order = (("bare", bare), ("sandbox", sandboxed))
            for name, start in order if index % 2 == 0 else order[::-1]:
                figures[name].append(measure(start, task_root))
    medians = {}
    for name, values in figures.items():
        wall = statistics.median(value[0] for value in values)
        cpu = statistics.median(value[1] for value in values)
        medians[name] = (wall, cpu)
        print(f"{name:8} wall median {wall:6.1f} ms   cpu median {cpu:6.1f} ms   ({rounds} runs)")
    critical = statistics.median(CRITICAL[1:])
    print(f"sandbox  wall median {critical:6.1f} ms   until the result, before the clean-up")
    wall_cost = critical - medians["bare"][0]
    cpu_cost = medians["sandbox"][1] - medians["bare"][1]
    print(
        f"sandbox cost per child: wall {wall_cost:+.1f} ms until the result, "
        f"cpu {cpu_cost:+.1f} ms with the clean-up (aim: 10 ms)"
    )


if __name__ == "__main__":
    main()
