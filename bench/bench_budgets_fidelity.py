"""Fidelity of the budget harness: does its ``import_ms`` match a bare interpreter's?

A module whose import does ~200 ms of CPU work (a loop calibrated once, so both sides
do the same work) is imported both ways, interleaved in one run so both see the same
machine load:

- the harness: ``run_handler`` (``python -I -S -B``, runtime path, Lambda env, one event)
  → its ``import_ms``, and the wall time of the whole call;
- bare: ``python -I -S -B -c "...; t = perf_counter(); import m; print(...)"`` → the
  import timed around the statement, and the wall time of the whole process (``-I -S``
  as the child: with site processing the bare run paid ~17 ms more, which hid as much
  of the harness's own overhead).

Beside each wall time, the CPU time (user + system) of everything the call started —
for the harness, the sandbox's chain (nsenter, unshare, mount, setpriv) too.

Prints the medians, the ratio harness/bare of the import (aim: within ±10 %), the
harness's per-run overhead over the bare run (wall time, aim: under 15 ms) and the
run-to-run spread of each. Run: ``python bench/bench_budgets_fidelity.py [ROUNDS]``.

``--session``: the whole ``pytest --lee-budgets --lee-runs=10`` on a project of that
module (packaging, the traced run, ten runs, the summary) against ten bare ``-I -S -B``
runs, interleaved, medians of ROUNDS.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.settings import FunctionSettings

TARGET_MS = 200.0


def calibrate() -> int:
    """Loop iterations that take about TARGET_MS here (best of three, so load inflates less)."""
    iterations = 200_000
    while True:
        best = min(_loop_ms(iterations) for _ in range(3))
        if best > 20:
            return int(iterations * TARGET_MS / best)
        iterations *= 4


def _loop_ms(iterations: int) -> float:
    start = time.perf_counter()
    total = 0
    for value in range(iterations):
        total += value * value % 7
    return (time.perf_counter() - start) * 1000


def write_module(directory: Path, iterations: int) -> None:
    (directory / "m.py").write_text(
        "total = 0\n"
        f"for value in range({iterations}):\n"
        "    total += value * value % 7\n\n"
        "def handler(event, context):\n"
        "    return total\n"
    )


def bare(directory: Path) -> tuple[float, float]:
    code = (
        "import sys, time; sys.path.insert(0, %r); start = time.perf_counter(); import m; "
        "print((time.perf_counter() - start) * 1000)" % str(directory)
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return float(out), (time.perf_counter() - start) * 1000


def children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def harness(directory: Path, function: FunctionSettings) -> tuple[float, float]:
    start = time.perf_counter()
    run = run_handler(directory, "m.handler", [{}], function)
    wall = (time.perf_counter() - start) * 1000
    if not run.ok or run.import_ms is None:
        raise SystemExit(f"harness run failed: {run.error}\n{run.stderr_tail}")
    return run.import_ms, wall


def spread(values: list[float]) -> float:
    return (max(values) - min(values)) / statistics.median(values) * 100


PYPROJECT = """\
[tool.lee]
source = "src"
handler = "m.handler"
min_lines = 0

[tool.lee.function]
name = "bench"
runtime_provides = []

[tool.lee.budgets]
cold_start_ms = { acceptable = 1000000 }
"""


def session(rounds: int) -> None:
    """The whole budget session against ten bare runs of the same import."""
    import os

    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary)
        (project / "src").mkdir()
        write_module(project / "src", calibrate())
        (project / "pyproject.toml").write_text(PYPROJECT)
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
            "--lee-budgets", "--lee-runs=10", "-k", "budget",
        ]  # fmt: skip
        whole, ten = [], []
        for index in range(rounds):
            for kind in ("pytest", "bare") if index % 2 == 0 else ("bare", "pytest"):
                start = time.perf_counter()
                if kind == "pytest":
                    subprocess.run(command, cwd=project, capture_output=True, check=True)
                    whole.append((time.perf_counter() - start) * 1000)
                else:
                    for _ in range(10):
                        bare(project / "src")
                    ten.append((time.perf_counter() - start) * 1000)
    print(f"load {' '.join(f'{v:.2f}' for v in os.getloadavg())}; rounds {rounds}, interleaved")
    print(
        f"pytest --lee-budgets --lee-runs=10: median {statistics.median(whole):.0f} ms; ten bare "
        f"-I -S -B runs: median {statistics.median(ten):.0f} ms; ratio "
        f"{statistics.median(whole) / statistics.median(ten):.2f}"
    )


def main() -> None:
    if "--session" in sys.argv:
        arguments = [argument for argument in sys.argv[1:] if argument != "--session"]
        session(int(arguments[0]) if arguments else 5)
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    function = FunctionSettings(name="bench", runtime_provides=())
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        write_module(directory, calibrate())
        harness(directory, function), bare(directory)  # warm the page cache, build nothing else
        h_import, h_wall, b_import, b_wall = [], [], [], []
        h_cpu: list[float] = []
        b_cpu: list[float] = []
        for index in range(rounds):
            pairs = (
                [("h", harness), ("b", bare)] if index % 2 == 0 else [("b", bare), ("h", harness)]
            )
            for kind, measure in pairs:
                cpu_before = children_cpu_ms()
                if kind == "h":
                    imported, wall = measure(directory, function)
                    h_import.append(imported)
                    h_wall.append(wall)
                    h_cpu.append(children_cpu_ms() - cpu_before)
                else:
                    imported, wall = measure(directory)
                    b_import.append(imported)
                    b_wall.append(wall)
                    b_cpu.append(children_cpu_ms() - cpu_before)
    ratio = statistics.median(h_import) / statistics.median(b_import)
    overhead = statistics.median(h_wall) - statistics.median(b_wall)
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    print(f"rounds (interleaved, alternating order): {rounds}")
    print(
        f"import_ms   harness median {statistics.median(h_import):7.1f}   bare median {statistics.median(b_import):7.1f}"
    )
    print(f"ratio harness/bare import: {ratio:.3f} ({(ratio - 1) * 100:+.1f} %; aim within ±10 %)")
    print(
        f"wall ms     harness median {statistics.median(h_wall):7.1f}   bare median {statistics.median(b_wall):7.1f}"
    )
    outside = statistics.median([w - i for w, i in zip(h_wall, h_import)]) - statistics.median(
        [w - i for w, i in zip(b_wall, b_import)]
    )
    print(
        f"cpu ms      harness median {statistics.median(h_cpu):7.1f}   bare median {statistics.median(b_cpu):7.1f}"
        " (user + system of every process the call started)"
    )
    print(f"per-run overhead, harness over bare (wall): {overhead:+.1f} ms (aim: under 15 ms)")
    print(
        f"  of which outside the import (wall - import_ms, harness minus bare): {outside:+.1f} ms "
        "(the harness's protocol, limits and sandbox)"
    )
    print(
        f"run-to-run spread (max-min)/median: harness import {spread(h_import):.1f} %, bare import {spread(b_import):.1f} %, "
        f"harness wall {spread(h_wall):.1f} %, bare wall {spread(b_wall):.1f} %"
    )


if __name__ == "__main__":
    main()
