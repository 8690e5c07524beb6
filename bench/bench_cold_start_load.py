"""Load robustness of the modelled cold start: the same app quiet, beside busy loops, beside memory streams.

Three conditions, **interleaved** (every round runs each once, the order rotating), so a
change of the machine's own load touches them all alike:

- ``quiet``: nothing started by the bench (the machine's other load is printed);
- ``busy``: two busy-loop processes per core (``while True: pass``);
- ``stream``: two memory-streaming processes per core (copying 64 MB buffers: they
  compete for memory bandwidth and cache, which the CPU clock cannot see).

In each condition the app is cold-started under ``--lee-cpu lambda`` (figure: the
modelled import + first invocation, without the constant runtime bootstrap, which would
hide the variation) and under ``host`` (the wall time). Prints, per condition, the medians
and each one's change against ``quiet``; the issue's aim is a modelled cold start that
moves by at most 10 % while the host wall time moves several times.

Run: ``python bench/bench_cold_start_load.py [--rounds 5] [--app burn|example]
[--source DIR --handler M.F --provides boto3,botocore,pydantic,requests]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _burn import burn_app

from pytest_lee.budgets.lambda_time import run_figures
from pytest_lee.budgets.measure import load_events
from pytest_lee.budgets.model import CpuModel
from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.settings import FunctionSettings, load_settings

ROOT = Path(__file__).resolve().parents[1]
CONDITIONS = ("quiet", "busy", "stream")
NEIGHBOURS = {
    "busy": "while True:\n    pass\n",
    "stream": "buffer = bytearray(64 << 20)\nwhile True:\n    bytes(buffer)\n",
}
BURN = burn_app(2_000_000, 200_000)


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def start_neighbours(kind: str) -> list[subprocess.Popen[bytes]]:
    if kind == "quiet":
        return []
    count = 2 * (os.cpu_count() or 1)
    started = [
        subprocess.Popen([sys.executable, "-c", NEIGHBOURS[kind]], stdin=subprocess.DEVNULL)
        for _ in range(count)
    ]
    time.sleep(0.5)  # let them reach their loop
    return started


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.kill()
    for process in processes:
        process.wait()


def one(
    code: Path, handler: str, events: list[Any], function: FunctionSettings
) -> dict[str, float]:
    modelled = run_handler(code, handler, events, function, cpu="lambda")
    host = run_handler(code, handler, events, function, cpu="host")
    for run in (modelled, host):
        if not run.ok or run.cold_start_ms is None:
            raise SystemExit(f"{handler}: {run.error}\n{run.stderr_tail}")
    figures = run_figures(modelled, "lambda", CpuModel(function.memory_mb, 1.0, 60))
    if figures.kind != "lambda":
        raise SystemExit("no schedstat here: the model falls back to wall time")
    assert figures.cold_start_ms is not None and host.cold_start_ms is not None
    cpu_ns = sum(phase[0] for phase in modelled.sched[:2] if phase is not None)
    return {
        "modelled": figures.cold_start_ms,
        "host": host.cold_start_ms,
        "cpu": cpu_ns / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--app", choices=("burn", "example"), default="burn")
    parser.add_argument("--memory", type=int, default=128)
    parser.add_argument("--source", type=Path, help="another app's code directory")
    parser.add_argument("--handler", default="app.handler", help="module.function (--source)")
    parser.add_argument(
        "--provides",
        default="",
        help="comma-separated distributions the child may import besides the code "
        "(--source: e.g. boto3,botocore,pydantic,requests)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lee-bench-") as scratch:
        code = Path(scratch) / "task"
        provides: tuple[str, ...] = ()
        if args.source is not None:
            shutil.copytree(
                args.source, code, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
            handler, events, environment = args.handler, [{}], {}
            provides = tuple(name for name in args.provides.split(",") if name)
            args.app = args.source.name
        elif args.app == "example":
            settings = load_settings(ROOT)
            assert settings.source is not None
            shutil.copytree(
                settings.source, code, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
            handler, events = settings.handler, load_events(settings)[:1]
            environment = dict(settings.function.environment)
        else:
            code.mkdir()
            (code / "app.py").write_text(BURN)
            handler, events, environment = "app.handler", [{}], {}
        function = FunctionSettings(
            name="bench",
            memory_mb=args.memory,
            timeout_s=120,
            runtime_provides=provides,
            environment=environment,
        )
        one(code, handler, events, function)  # page cache
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in CONDITIONS}
        loads: dict[str, list[str]] = {name: [] for name in CONDITIONS}
        print(
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load before: {load()}"
        )
        for index in range(args.rounds):
            order = CONDITIONS[index % 3 :] + CONDITIONS[: index % 3]
            for condition in order:
                neighbours = start_neighbours(condition)
                try:
                    samples[condition].append(one(code, handler, events, function))
                    loads[condition].append(load().split()[0])
                finally:
                    stop(neighbours)
    report(samples, loads, args)


def report(
    samples: dict[str, list[dict[str, float]]], loads: dict[str, list[str]], args: Any
) -> None:
    def median(condition: str, key: str) -> float:
        return statistics.median(figures[key] for figures in samples[condition])

    print(
        f"app {args.app} at {args.memory} MB, medians of {args.rounds} interleaved rounds "
        f"(load after: {load()})"
    )
    rows = [
        (
            "condition",
            "modelled ms",
            "vs quiet",
            "host wall ms",
            "vs quiet",
            "child CPU ms",
            "vs quiet",
            "1-min load",
        )
    ]
    for condition in CONDITIONS:
        cells = [condition]
        for key in ("modelled", "host", "cpu"):
            value = median(condition, key)
            change = (value / median("quiet", key) - 1) * 100
            cells += [f"{value:.1f}", "-" if condition == "quiet" else f"{change:+.1f} %"]
        cells.append(",".join(loads[condition]))
        rows.append(tuple(cells))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))


if __name__ == "__main__":
    main()
