"""Build + verify of a dependency-sized tree against ``zip -X -r`` on the same files.

Usage: python bench/bench_package_tree.py [--runs N] [--files N] [--small N]

The tree: the first N files (default 2,000) of an installed package's directory (moto,
else botocore: real Python, real data files), copied to a temporary directory, plus a
one-file handler. Timed side by side in one run (medians of N runs, the machine may be
shared):

- ``zip -X -r`` (zlib level 6, the builder's level) of the tree;
- ``build_package`` with verification, the tree vendored (the project's own checks skip
  it), compile cache cold (first build) and warm (later builds);
- the same tree as the project's own files (secret scan and ``min_lines`` apply);
- ``verify_zip`` of the built zip;
- N small files (default 8,000; the quadratic ``omit`` path took 8.2 s here before):
  ``build_package`` against a plain ``zipfile`` loop.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from pytest_lee.package import build, build_package, verify_zip
from pytest_lee.package.vendor import tree_files
from pytest_lee.settings import FunctionSettings, Settings


def sample_tree(target: Path, count: int) -> tuple[int, int]:
    for name in ("moto", "botocore"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            origin = Path(spec.origin).parent
            break
    else:
        raise SystemExit("needs moto or botocore installed")
    files = sorted(p for p in origin.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    size = 0
    for path in files[:count]:
        out = target / origin.name / path.relative_to(origin)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out)
        size += path.stat().st_size
    return min(count, len(files)), size


def timed(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--small", type=int, default=8000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lee-bench-tree-") as directory:
        root = Path(directory)
        tree = root / "tree"
        count, size = sample_tree(tree, args.files)
        app = root / "app"
        app.mkdir()
        (app / "app.py").write_text("def handler(event, context):\n    return {}\n")
        cache = root / "cache"
        settings = Settings(
            rootdir=root,
            source=app,
            handler="app.handler",
            min_lines=0,
            function=FunctionSettings(runtime="python3.11"),
        )
        (tree / "app.py").write_text("def handler(event, context):\n    return {}\n")
        own = Settings(
            rootdir=root,
            source=tree,
            handler="app.handler",
            min_lines=0,
            function=FunctionSettings(runtime="python3.11"),
        )
        print(f"tree: {count} files, {size / 1e6:.1f} MB")
        counter = iter(range(10**6))

        def zip_x() -> None:
            out = root / f"z{next(counter)}.zip"
            subprocess.run(["zip", "-X", "-r", "-q", str(out), "."], cwd=tree, check=True)

        def vendored() -> list:
            return tree_files(settings, tree)

        def build_vendored() -> object:
            with mock.patch.object(build, "vendored_files", lambda s: vendored()):
                return build_package(settings, out_dir=root / f"b{next(counter)}")

        with mock.patch.dict("os.environ", {"LEE_CACHE_DIR": str(cache)}):
            reference = timed(zip_x, args.runs)
            cold = timed(build_vendored, 1)
            warm = timed(build_vendored, args.runs)
            package = build_vendored()
            as_own = None
            try:
                as_own = timed(
                    lambda: build_package(own, out_dir=root / f"o{next(counter)}"), args.runs
                )
            except Exception as error:  # a real tree may hold what the project's checks refuse
                print(f"as the project's own files: refused ({str(error).splitlines()[0][:100]})")
            check = timed(lambda: verify_zip(settings, package.path), args.runs)  # type: ignore[attr-defined]
        print(f"zip -X -r                          {reference:6.2f} s")
        print(f"build+verify, vendored, cold cache {cold:6.2f} s  ({cold / reference:4.1f}x zip)")
        print(f"build+verify, vendored, warm cache {warm:6.2f} s  ({warm / reference:4.1f}x zip)")
        if as_own is not None:
            print(
                f"build+verify, as own files (warm)  {as_own:6.2f} s  ({as_own / reference:4.1f}x zip)"
            )
        print(f"verify_zip of the built zip        {check:6.2f} s  ({check / reference:4.1f}x zip)")

        small = root / "small"
        for index in range(args.small):
            path = small / f"d{index // 100:03d}" / f"m{index:05d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"value {index}\n")
        (small / "app.py").write_text("def handler(event, context):\n    return {}\n")
        small_settings = Settings(rootdir=root, source=small, handler="app.handler", min_lines=0)

        def plain() -> None:
            with zipfile.ZipFile(root / f"p{next(counter)}.zip", "w", zipfile.ZIP_DEFLATED) as out:
                for path in sorted(small.rglob("*")):
                    if path.is_file():
                        out.writestr(path.relative_to(small).as_posix(), path.read_bytes())

        with mock.patch.dict("os.environ", {"LEE_CACHE_DIR": str(cache)}):
            loop = timed(plain, args.runs)
            ours = timed(
                lambda: build_package(small_settings, out_dir=root / f"s{next(counter)}"), args.runs
            )
        print(
            f"{args.small} small files: zipfile loop {loop:5.2f} s, build+verify {ours:5.2f} s ({ours / loop:4.1f}x)"
        )


if __name__ == "__main__":
    main()
