"""Vendoring times: cold cache (pip downloads the wheels) and warm cache (no pip, offline).

Usage: python bench/bench_vendor.py [--requirement requests] [--runs N]

Needs the package registry for the cold run (pip's own configuration applies). Prints:

- cold: the first ``build_package`` of a one-file app with ``requirements = [REQ]`` and an
  empty pytest-lee cache (pip resolves, downloads, installs, the tree is verified);
- warm: the same build again (median of N; the cache answers, pip is not run);
- source only: the app without requirements (median of N), and what the warm cache adds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from pytest_lee.package import build_package
from pytest_lee.settings import FunctionSettings, Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requirement", default="requests")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lee-bench-vendor-") as directory:
        root = Path(directory)
        os.environ["LEE_CACHE_DIR"] = str(root / "cache")
        app = root / "app"
        app.mkdir()
        (app / "app.py").write_text("def handler(event, context):\n    return {}\n")
        common = {"rootdir": root, "source": app, "handler": "app.handler", "min_lines": 0}
        function = FunctionSettings(runtime="python3.12")
        vendored = Settings(**common, requirements=(args.requirement,), function=function)
        plain = Settings(**common, function=function)
        counter = iter(range(10**6))

        def once(settings: Settings) -> float:
            start = time.perf_counter()
            build_package(settings, out_dir=root / f"out{next(counter)}")
            return time.perf_counter() - start

        cold = once(vendored)
        warm = statistics.median(once(vendored) for _ in range(args.runs))
        source = statistics.median(once(plain) for _ in range(args.runs))
        package = build_package(vendored, out_dir=root / "final")
    print(f"{args.requirement} for python3.12 x86_64: {len(package.files)} files in the zip")
    print(f"cold cache (pip downloads): {cold:6.2f} s")
    print(f"warm cache (no pip)       : {warm:6.3f} s")
    print(f"source only               : {source:6.3f} s")
    print(f"warm cache adds           : {warm - source:6.3f} s over the source-only build")


if __name__ == "__main__":
    main()
