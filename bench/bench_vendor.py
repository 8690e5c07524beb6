"""Vendoring times: cold caches (pip downloads the wheels) and a warm cache (no pip, offline).

Usage: python bench/bench_vendor.py [--requirement requests] [--cold N] [--runs N]

Needs the package registry for the cold rows (pip's own configuration applies). Every sample
is a fresh child process (a session builds its package once), timed from here: wall time and
CPU time of the child tree (``bench/_bench.py``), rows interleaved, the load printed. Rows:

- ``lee cold`` against ``pip + zip cold`` (--cold rounds): ``build_package`` of a one-file app
  with ``requirements = [REQ]`` for python3.12 x86_64, with an empty pytest-lee cache (pip
  resolves, downloads, installs, the tree is verified and compiled, then zipped), against what a
  user does by hand: ``pip install --target`` with the same platform options, then ``zip -X -r``
  of the tree and the app. Cold means cold for both: a fresh ``LEE_CACHE_DIR`` per sample, and
  pip's own cache off (``PIP_NO_CACHE_DIR=1``) in every child, so no wheel is reused between rows.
- ``lee warm`` against ``zip warm`` (--runs rounds): the same build with the pytest-lee cache
  that an untimed first build filled (pip is not run), against ``zip -X -r`` of exactly the files
  the package holds (extracted from it once).
- ``lee source`` against ``zip source``: the app without requirements, against ``zip -X -r``
  of the app's directory.

Inside each lee child, ``build_package`` alone is timed too (interpreter start and imports left
out), and its median printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from functools import partial
from itertools import count
from pathlib import Path

from _bench import Started, interleave, print_table, run

from pytest_lee.package.vendor import pip_target_args


def remove(paths: Iterable[Path]) -> None:
    """Delete the zips an earlier sample wrote (``zip`` would update them, not write them)."""
    for path in paths:
        path.unlink()


BUILD = """
import sys, time
from pathlib import Path
from pytest_lee.package import build_package
from pytest_lee.settings import FunctionSettings, Settings
root, out, requirement = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
wall, cpu = time.perf_counter(), time.process_time()
settings = Settings(rootdir=root, source=root / "app", handler="app.handler", min_lines=0,
                    requirements=(requirement,) if requirement else (),
                    function=FunctionSettings(runtime="python3.12"))
package = build_package(settings, out_dir=out)
print(time.perf_counter() - wall, time.process_time() - cpu, len(package.files), package.path)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requirement", default="requests")
    parser.add_argument("--cold", type=int, default=2, help="rounds of the cold rows")
    parser.add_argument("--runs", type=int, default=5, help="rounds of the warm rows")
    args = parser.parse_args()
    started = Started(f"bench_vendor: {args.requirement} for python3.12 x86_64")
    with tempfile.TemporaryDirectory(prefix="lee-bench-vendor-") as directory:
        root = Path(directory)
        (root / "app").mkdir()
        (root / "app" / "app.py").write_text("def handler(event, context):\n    return {}\n")
        env = dict(os.environ, PIP_NO_CACHE_DIR="1")
        numbers = count()
        inside: dict[str, list[tuple[float, float]]] = {}

        def lee(row: str, requirement: str, cache: Path | None = None) -> str:
            out = root / f"out{next(numbers)}"
            cache = cache or root / f"cache{next(numbers)}"
            fields = run(
                [sys.executable, "-c", BUILD, str(root), str(out), requirement],
                env={**env, "LEE_CACHE_DIR": str(cache)},
            ).split()
            inside.setdefault(row, []).append((float(fields[0]), float(fields[1])))
            return fields[3]

        def by_hand() -> None:
            tree = root / f"tree{next(numbers)}"
            run(
                [sys.executable, "-m", "pip", "install", "--disable-pip-version-check",
                 "--no-input", "--no-compile", "--quiet", *pip_target_args("python3.12", "x86_64"),
                 "--target", str(tree), args.requirement],
                env=env,
            )  # fmt: skip
            shutil.copy2(root / "app" / "app.py", tree / "app.py")
            run(["zip", "-X", "-r", "-q", str(tree) + ".zip", "."], cwd=tree)

        cold = interleave(
            args.cold,
            {
                "lee cold": partial(lee, "lee cold", args.requirement),
                "pip + zip cold": by_hand,
            },
        )
        warm_cache = root / "warm-cache"
        built = Path(lee("first", args.requirement, warm_cache))
        files = root / "files"
        with zipfile.ZipFile(built) as archive:
            archive.extractall(files)
            count_files = len(archive.namelist())
        warm = interleave(
            args.runs,
            {
                "lee warm": partial(lee, "lee warm", args.requirement, warm_cache),
                "zip warm": partial(
                    run, ["zip", "-X", "-r", "-q", str(root / "w.zip"), "."], cwd=files
                ),
                "lee source": partial(lee, "lee source", "", warm_cache),
                "zip source": partial(
                    run, ["zip", "-X", "-r", "-q", str(root / "s.zip"), "."], cwd=root / "app"
                ),
            },
            before=lambda row: remove(root.glob("[ws].zip")),
        )
    print(f"  {count_files} files in the package")
    print("cold caches (pip downloads; pip's own cache off):")
    print_table(started, cold, "pip + zip cold", unit="s")
    print("warm pytest-lee cache (no pip) and source only:")
    print_table(started, warm, "zip warm", unit="s")
    for row, values in inside.items():
        if row != "first":
            print(
                f"  {row}: build_package inside the child {statistics.median(v[0] for v in values):.3f} s"
                f" wall, {statistics.median(v[1] for v in values):.3f} s CPU"
            )


if __name__ == "__main__":
    main()
