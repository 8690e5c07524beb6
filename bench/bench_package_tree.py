"""Build + verify against ``zip -X -r`` of the same files, interleaved, CPU beside wall.

Usage: python bench/bench_package_tree.py [--runs N] [--files N] [--engine DIR] [--skip-rss]

Rows (medians of N runs; each run does the ``zip -X -r`` of the row's tree, then our
build, one after the other, so load changes hit both; the ratio is per run, then the
median):

- the same ``zip`` plus a bare interpreter (``python -I -S -B``) compiling every ``.py``
  of the tree: the work a build that compiles the project's files cannot skip;
- the real engine (``--engine``, default ``../shared/realworld/engine/snapshot-fa7e120/src``
  beside the repository, skipped when absent), as the project's own files: cold (an empty
  pytest-lee cache directory) and warm (the cache a previous build left);
- the first N files (default 1,900) of an installed package (moto, else botocore) as the
  project's own files, cold and warm;
- the same files as a cached vendored tree (a ``RECORD`` written for them, as pip would),
  warm: the build as it is (the tree re-verified against its ``RECORD``) beside the same
  build with that re-verification switched off (what a warm build did before it existed);
- peak RSS of a fresh process building a tiny package, one holding a 200 MB sparse file
  (streamed), and one holding a 600 MB sparse file (refused from its size, never read).

The compile-check cache's in-memory copy is dropped before every build: no row reuses
what an earlier one compiled. CPU is this process's CPU time for our build and the
child's for ``zip``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from pytest_lee.package import build_package, compiled, record, vendor
from pytest_lee.settings import FunctionSettings, Settings

HANDLER = "def handler(event, context):\n    return {}\n"
RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def sample_tree(target: Path, count: int) -> tuple[str, int, int]:
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
    return origin.name, min(count, len(files)), size


def zip_cpu(tree: Path, out: Path) -> tuple[float, float]:
    """``zip -X -r`` at zlib level 6 (the builder's level): wall and the child's CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(["zip", "-X", "-r", "-q", "-6", str(out), "."], cwd=tree, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


COMPILE_ALL = (
    "import os, sys\n"
    "for d, _, fs in os.walk(sys.argv[1]):\n"
    "    for f in fs:\n"
    "        if f.endswith('.py'):\n"
    "            p = os.path.join(d, f)\n"
    "            with open(p, 'rb') as s:\n"
    "                compile(s.read(), p, 'exec', dont_inherit=True)\n"
)


def compile_cpu(tree: Path) -> tuple[float, float]:
    """The same compile work in a bare interpreter (``python -I -S -B``): wall and CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-S", "-B", "-c", COMPILE_ALL, str(tree)], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def ours_cpu(action: Callable[[], object]) -> tuple[float, float]:
    compiled.forget()  # never the previous row's (or run's) in-memory compile verdicts
    start, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - start, time.process_time() - cpu


def row(name: str, runs: int, tree: Path, build: Callable[[], object], scratch: Path) -> None:
    """zip, then the bare compile, then ours, *runs* times; medians and per-run ratios."""
    samples = []
    for run in range(runs):
        zipped = zip_cpu(tree, scratch / f"z{time.monotonic_ns()}-{run}.zip")
        floor = compile_cpu(tree)
        ours = ours_cpu(build)
        samples.append((zipped, (zipped[0] + floor[0], zipped[1] + floor[1]), ours))

    def median(index: int, part: int) -> float:
        return statistics.median(sample[index][part] for sample in samples)

    def ratio(index: int, part: int) -> float:
        return statistics.median(s[2][part] / max(s[index][part], 1e-3) for s in samples)

    print(
        f"| {name} | {median(0, 0):.3f} / {median(0, 1):.3f} | {median(1, 0):.3f} / "
        f"{median(1, 1):.3f} | {median(2, 0):.3f} / {median(2, 1):.3f} | "
        f"{ratio(0, 0):.1f}x / {ratio(0, 1):.1f}x | {ratio(1, 0):.1f}x / {ratio(1, 1):.1f}x | "
        f"{load()} |"
    )


def project_rows(label: str, tree: Path, handler: str, runs: int, scratch: Path) -> None:
    settings = Settings(
        rootdir=tree.parent,
        source=tree,
        handler=handler,
        min_lines=0,
        function=FunctionSettings(runtime=RUNTIME),
    )
    counter = iter(range(10**6))

    def cold() -> object:
        with mock.patch.dict(os.environ, {"LEE_CACHE_DIR": str(scratch / f"c{next(counter)}")}):
            return build(settings, scratch)

    warm_cache = scratch / "warm-cache"

    def warm() -> object:
        with mock.patch.dict(os.environ, {"LEE_CACHE_DIR": str(warm_cache)}):
            return build(settings, scratch)

    warm()  # fills the on-disk cache the warm rows start from
    row(f"{label}, cold", runs, tree, cold, scratch)
    row(f"{label}, warm", runs, tree, warm, scratch)


def build(settings: Settings, scratch: Path) -> object:
    out = Path(tempfile.mkdtemp(dir=scratch))
    try:
        return build_package(settings, out_dir=out)
    except Exception as error:  # a real tree may hold what the project's checks refuse
        return error
    finally:
        shutil.rmtree(out)


def vendored_rows(tree: Path, runs: int, scratch: Path) -> None:
    """*tree* as a cached vendored tree with a RECORD; warm builds with and without the
    RECORD re-verification."""
    cache = scratch / "vendor-cache"
    lines = ["benchdep==1.0"]
    target = {"runtime": RUNTIME, "architecture": "x86_64", "pip": vendor.pip_fingerprint()}
    key = vendor._digest({"resolved": lines, **target})
    cached = cache / "vendor" / "trees" / key
    shutil.copytree(tree, cached)
    rows = []
    for path in sorted(p for p in cached.rglob("*") if p.is_file()):
        digest = base64.urlsafe_b64encode(hashlib.sha256(path.read_bytes()).digest())
        name = path.relative_to(cached).as_posix()
        rows.append(f"{name},sha256={digest.rstrip(b'=').decode()},{path.stat().st_size}")
    dist = cached / "benchdep-1.0.dist-info"
    dist.mkdir()
    (dist / "RECORD").write_text("\n".join([*rows, "benchdep-1.0.dist-info/RECORD,,"]) + "\n")
    (cached / ".lee-complete").write_text("benchdep==1.0\n")
    wanted = vendor._digest({"requirements": lines, **target})
    index = cache / "vendor" / "index" / f"{wanted}.json"
    index.parent.mkdir(parents=True)
    index.write_text(json.dumps({"tree": key}))
    app = scratch / "app"
    app.mkdir()
    (app / "app.py").write_text(HANDLER)
    settings = Settings(
        rootdir=scratch,
        source=app,
        handler="app.handler",
        min_lines=0,
        requirements=tuple(lines),
        function=FunctionSettings(runtime=RUNTIME),
    )

    def unchecked(path: Path, *, ignore: tuple[str, ...] = ()) -> record.TreeCheck:
        """What a warm build did before: the tree's files, nothing re-read or compared."""
        check = record.TreeCheck()
        for directory, _dirs, files in os.walk(path):
            for name in files:
                relative = Path(directory, name).relative_to(path).as_posix()
                check.digests[relative] = None  # type: ignore[assignment]
        return check

    def checked_build() -> object:
        result = build(settings, scratch)
        assert not isinstance(result, Exception), result
        return result

    def unchecked_build() -> object:
        with mock.patch.object(vendor, "check_tree", unchecked):
            return checked_build()

    with mock.patch.dict(os.environ, {"LEE_CACHE_DIR": str(cache)}):
        checked_build()  # the compile-check cache, warm as vendoring leaves it
        samples = []
        for _ in range(runs):  # interleaved: without, with
            samples.append((ours_cpu(unchecked_build), ours_cpu(checked_build)))

    def median(index: int, part: int) -> float:
        return statistics.median(sample[index][part] for sample in samples)

    added = statistics.median(s[1][0] - s[0][0] for s in samples)
    added_cpu = statistics.median(s[1][1] - s[0][1] for s in samples)
    print(
        f"\nvendored tree ({len(rows)} files), warm build, wall / CPU s: without RECORD "
        f"re-verification {median(0, 0):.3f} / {median(0, 1):.3f}, with it {median(1, 0):.3f} / "
        f"{median(1, 1):.3f}; it adds {added:.3f} s wall, {added_cpu:.3f} s CPU (medians of "
        f"per-run differences; load {load()})"
    )


RSS_SCRIPT = """
import os, resource, sys, tempfile
from pathlib import Path
from pytest_lee.package import build_package
from pytest_lee.settings import Settings
size = int(sys.argv[1])
with tempfile.TemporaryDirectory() as directory:
    source = Path(directory, "src")
    source.mkdir()
    (source / "app.py").write_text("def handler(event, context):\\n    return {}\\n")
    if size:
        with open(source / "data.bin", "wb") as out:
            out.truncate(size)
    settings = Settings(rootdir=Path(directory), source=source, handler="app.handler", min_lines=0)
    try:
        build_package(settings, out_dir=Path(directory, "out"))
        outcome = "built"
    except Exception as error:
        outcome = str(error).splitlines()[-1].strip()[:90]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, outcome)
"""


def rss_rows() -> None:
    print("\npeak RSS of a fresh process building the package:")
    for label, size in (
        ("app.py only", 0),
        ("+ 200 MB sparse file", 200 << 20),
        ("+ 600 MB sparse file", 600 << 20),
    ):
        done = subprocess.run(
            [sys.executable, "-c", RSS_SCRIPT, str(size)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "LEE_CACHE_DIR": tempfile.mkdtemp()},
        )
        peak, _, outcome = done.stdout.strip().partition(" ")
        print(f"  {label:22} {int(peak) / 1024:7.1f} MB  ({outcome})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=1900)
    default_engine = (
        Path(__file__).resolve().parents[2] / "shared/realworld/engine/snapshot-fa7e120/src"
    )
    parser.add_argument("--engine", type=Path, default=default_engine)
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load at start {load()}")
    print(
        "\n| row | zip -X -r wall / CPU s | zip + bare compile wall / CPU s | build+verify "
        "wall / CPU s | x zip wall / CPU | x (zip + compile) wall / CPU | load |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="lee-bench-tree-") as directory:
        scratch = Path(directory)
        # Everything imported once (pathspec, the verifier): a session pays it once, not per build.
        project_rows_warmup = scratch / "warmup"
        project_rows_warmup.mkdir()
        (project_rows_warmup / "app.py").write_text(HANDLER)
        with mock.patch.dict(os.environ, {"LEE_CACHE_DIR": str(scratch / "warmup-cache")}):
            build(
                Settings(rootdir=scratch, source=project_rows_warmup, handler="app.handler"),
                scratch,
            )
        if args.engine.is_dir():
            engine = scratch / "engine"
            shutil.copytree(args.engine, engine)
            count = sum(1 for p in engine.rglob("*") if p.is_file())
            project_rows(
                f"real engine ({count} files), own files",
                engine,
                "lambda_function.lambda_handler",
                args.runs,
                scratch,
            )
        tree = scratch / "tree"
        package, count, size = sample_tree(tree, args.files)
        (tree / "app.py").write_text(HANDLER)
        project_rows(
            f"{count} files of {package} ({size / 1e6:.1f} MB), own files",
            tree,
            "app.handler",
            args.runs,
            scratch,
        )
        (tree / "app.py").unlink()
        vendored_rows(tree, args.runs, scratch)
    if not args.skip_rss:
        rss_rows()


if __name__ == "__main__":
    main()
