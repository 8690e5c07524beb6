"""The CPU models side by side: ``host``, ``lambda`` (modelled) and ``lambda-throttled``.

For each memory size (128, 512, 1769 MB) the app is cold-started under the three models,
ROUNDS times each, **interleaved** (one run of every configuration per round), so every
configuration sees the same machine load. Prints, per memory size, the medians of
``cold_start_ms`` (without the runtime bootstrap constant, which is the same in both Lambda
models), the wall time of each whole child under ``host`` and ``lambda`` (nothing is
throttled under ``lambda``: they should match), and the agreement modelled ÷ throttled.

The agreement is a figure of a quiet machine only: under load the throttled child also
waits for a CPU beyond its quota (its wall time grows) while the model leaves that wait
out, so the bench refuses to report it when the 1-minute load average is 1 or more, and
prints the measured figures labelled as what they are.

Run: ``python bench/bench_cold_start_cpu.py [--rounds 5] [--app burn|example]
[--source DIR --handler M.F --provides boto3,pydantic --env KEY=VALUE ...]`` (default app: a CPU-bound import and
handler; ``example``: the repository's ``[tool.lee]`` project).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from _burn import burn_app

from pytest_lee.budgets.lambda_time import run_figures
from pytest_lee.budgets.measure import load_events
from pytest_lee.budgets.model import CpuModel
from pytest_lee.lambda_runtime.limits import MB_PER_VCPU, cpu_share
from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
SIZES = (128, 512, 1769)
MODELS = ("host", "lambda", "lambda-throttled")
BURN = burn_app(1_000_000, 100_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--app", choices=("burn", "example"), default="burn")
    parser.add_argument("--source", type=Path, help="code directory (default: --app)")
    parser.add_argument("--handler", help="module.function (with --source)")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the function")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument(
        "--provides", default="", help="distributions the child may import (with --source)"
    )
    args = parser.parse_args()
    settings = load_settings(ROOT)
    environment = dict(settings.function.environment)
    environment.update(item.split("=", 1) for item in args.env)
    sizes = [int(size) for size in args.sizes.split(",")]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="lee-bench-") as scratch:
        code = Path(scratch) / "task"
        if args.source is not None or args.app == "example":
            source = args.source or settings.source
            shutil.copytree(source, code, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            handler = args.handler or settings.handler
            args.app = Path(source).name
            events = load_events(settings)[:1] if args.source is None else [{}]
        else:
            code.mkdir()
            (code / "app.py").write_text(BURN)
            handler, events, environment = "app.handler", [{}], {}
        samples: dict[tuple[int, str], list[dict[str, float]]] = {}
        labels: dict[tuple[int, str], str] = {}
        for _ in range(args.rounds):
            for size in sizes:
                for model in MODELS:
                    function = replace(
                        settings.function,
                        memory_mb=size,
                        timeout_s=120,
                        environment=environment,
                        runtime_provides=tuple(name for name in args.provides.split(",") if name),
                    )
                    figures, label = one_run(code, handler, events, function, model)
                    samples.setdefault((size, model), []).append(figures)
                    labels[(size, model)] = label
    report(samples, labels, sizes, args, load_before)


def one_run(
    code: Path, handler: str, events: list[Any], function: Any, model: str
) -> tuple[dict[str, float], str]:
    start = time.perf_counter()
    run = run_handler(code, handler, events, function, cpu=model)
    wall = (time.perf_counter() - start) * 1000
    if run.cold_start_ms is None or run.import_ms is None:
        raise SystemExit(f"{handler} ({model}, {function.memory_mb} MB): {run.error}")
    figures = run_figures(run, model, CpuModel(function.memory_mb, 1.0, 120))
    assert figures.cold_start_ms is not None
    return {"cold_start_ms": figures.cold_start_ms, "wall_ms": wall}, run.cpu_model


def report(
    samples: dict[tuple[int, str], list[dict[str, float]]],
    labels: dict[tuple[int, str], str],
    sizes: list[int],
    args: Any,
    load_before: float,
) -> None:
    def median(size: int, model: str, key: str) -> float:
        return statistics.median(figures[key] for figures in samples[(size, model)])

    load_after = os.getloadavg()[0]
    quiet = max(load_before, load_after) < 1
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
        f"1-min load {load_before:.2f} before, {load_after:.2f} after; app {args.app}; "
        f"medians of {args.rounds} interleaved runs per configuration"
    )
    header = (
        "memory MB",
        "host cold ms",
        "modelled cold ms",
        "throttled cold ms",
        "modelled/throttled",
        "host child wall ms",
        "lambda child wall ms",
        "lambda/host wall",
    )
    rows = [header]
    for size in sizes:
        modelled = median(size, "lambda", "cold_start_ms")
        throttled = median(size, "lambda-throttled", "cold_start_ms")
        host_wall = median(size, "host", "wall_ms")
        lambda_wall = median(size, "lambda", "wall_ms")
        rows.append(
            (
                str(size),
                f"{median(size, 'host', 'cold_start_ms'):.0f}",
                f"{modelled:.0f}",
                f"{throttled:.0f}",
                f"{modelled / throttled:.2f}" if quiet else "(load ≥ 1)",
                f"{host_wall:.0f}",
                f"{lambda_wall:.0f}",
                f"{lambda_wall / host_wall:.2f}",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
    print(f"(1 vCPU = {MB_PER_VCPU} MB; shares {', '.join(f'{cpu_share(s):.3g}' for s in sizes)})")
    print("throttled as: " + "; ".join(labels[(size, "lambda-throttled")] for size in sizes))
    if not quiet:
        print(
            "agreement modelled vs throttled NOT reported: the 1-minute load was "
            f"{max(load_before, load_after):.2f} (≥ 1); a throttled child then also waits for a "
            "CPU beyond its quota, which the model leaves out. The columns above are what was measured."
        )


if __name__ == "__main__":
    main()
