"""Calibration aid for ``--lee-cpu lambda``: the example engine's cold start under both models.

For each memory size (128, 512, 1769 MB) the engine is cold-started under ``host`` (a
full core, no quota) and ``lambda`` (``memory_mb / 1769`` of a core), ROUNDS times each,
**interleaved** (one run of every configuration per round), so every configuration sees
the same machine load. Prints, per memory size, the medians of ``cold_start_ms`` and
``import_ms``, the child's CPU time, the ratio lambda / host, and what the quota predicts
for purely CPU-bound work (``1769 / memory_mb``, at least 1).

A ratio below the prediction means the cold start is not all CPU (reading files, waiting)
or that the host figure is inflated by load — which is why the ratio is measured side by
side and never compared with a fixed time. See docs/budgets.md for what the local figure
means next to CloudWatch's ``Init Duration``.

Run: ``python bench/bench_cold_start_cpu.py [--rounds 10] [--source DIR --handler M.F
--env KEY=VALUE ...]`` (default: the repository's ``[tool.lee]`` project, the example).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from pytest_lee.budgets.measure import load_events
from pytest_lee.lambda_runtime.limits import MB_PER_VCPU, cpu_share
from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
SIZES = (128, 512, 1769)
MODELS = ("host", "lambda")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--source", type=Path, help="code directory (default: [tool.lee] source)")
    parser.add_argument("--handler", help="module.function (default: [tool.lee] handler)")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the function")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    settings = load_settings(ROOT)
    source = args.source or settings.source
    handler = args.handler or settings.handler
    environment = dict(settings.function.environment)
    environment.update(item.split("=", 1) for item in args.env)
    events = load_events(settings)[:1] if args.source is None else [{}]
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="lee-bench-") as scratch:
        code = Path(scratch) / "task"
        shutil.copytree(source, code, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        samples: dict[tuple[int, str], list[dict[str, float]]] = {}
        models: dict[tuple[int, str], str] = {}
        for _ in range(args.rounds):
            for size in sizes:
                for model in MODELS:
                    function = replace(
                        settings.function, memory_mb=size, timeout_s=120, environment=environment
                    )
                    figures, label = one_run(code, handler, events, function, model)
                    samples.setdefault((size, model), []).append(figures)
                    models[(size, model)] = label
    report(samples, models, sizes, args.rounds, handler)


def one_run(
    code: Path, handler: str, events: list[Any], function: Any, model: str
) -> tuple[dict[str, float], str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = run_handler(code, handler, events, function, cpu=model)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.cold_start_ms is None or run.import_ms is None:
        raise SystemExit(f"{handler} ({model}, {function.memory_mb} MB): {run.error}")
    cpu_ms = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    figures = {"cold_start_ms": run.cold_start_ms, "import_ms": run.import_ms, "cpu_ms": cpu_ms}
    return figures, run.cpu_model


def report(
    samples: dict[tuple[int, str], list[dict[str, float]]],
    models: dict[tuple[int, str], str],
    sizes: list[int],
    rounds: int,
    handler: str,
) -> None:
    def median(size: int, model: str, key: str) -> float:
        return statistics.median(figures[key] for figures in samples[(size, model)])

    print(f"{handler}: cold start, medians of {rounds} interleaved runs per configuration")
    header = (
        "memory MB",
        "host cold ms",
        "lambda cold ms",
        "ratio",
        "predicted (CPU-bound)",
        "host import ms",
        "lambda import ms",
        "child CPU ms",
        "lambda model",
    )
    rows = [header]
    for size in sizes:
        host, throttled = (
            median(size, "host", "cold_start_ms"),
            median(size, "lambda", "cold_start_ms"),
        )
        rows.append(
            (
                str(size),
                f"{host:.0f}",
                f"{throttled:.0f}",
                f"{throttled / host:.2f}",
                f"{max(1.0, 1 / cpu_share(size)):.2f}",
                f"{median(size, 'host', 'import_ms'):.0f}",
                f"{median(size, 'lambda', 'import_ms'):.0f}",
                f"{median(size, 'host', 'cpu_ms'):.0f}",
                models[(size, "lambda")],
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
    print(f"(1 vCPU = {MB_PER_VCPU} MB; the child CPU ms column is the whole child process)")


if __name__ == "__main__":
    main()
