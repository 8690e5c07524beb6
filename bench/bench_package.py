"""Milliseconds per build of the example engine's package (build + verify, and build only).

Usage: python bench/bench_package.py [--runs N]
Runs in one interpreter after a warm-up build; prints medians (the machine may be shared).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pytest_lee.package import build_package
from pytest_lee.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def time_builds(runs: int, verify: bool) -> list[float]:
    settings = load_settings(ROOT)
    samples = []
    with tempfile.TemporaryDirectory(prefix="lee-bench-package-") as directory:
        build_package(settings, verify=verify, out_dir=Path(directory, "warm-up"))
        for index in range(runs):
            start = time.perf_counter()
            build_package(settings, verify=verify, out_dir=Path(directory, str(index)))
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    settings = load_settings(ROOT)
    with tempfile.TemporaryDirectory(prefix="lee-bench-package-") as directory:
        package = build_package(settings, out_dir=Path(directory))
        size = package.path.stat().st_size
    print(
        f"example engine: {len(package.files)} files, {size} bytes zipped, CodeSha256 {package.code_sha256}"
    )
    for verify in (True, False):
        samples = time_builds(args.runs, verify)
        label = "build + verify" if verify else "build only    "
        print(
            f"{label}: median {statistics.median(samples):6.2f} ms per build, "
            f"p90 {statistics.quantiles(samples, n=10)[-1]:6.2f} ms ({args.runs} builds)"
        )


if __name__ == "__main__":
    main()
