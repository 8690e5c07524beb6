"""What ``--lee-html`` costs a session: the time to write the report and its size.

Runs the example engine's session once as a user does (``pytest --lee-budgets examples
--lee-json ...`` in this repository, about a minute), or reads a session's ``--lee-json``
given with ``--json PATH``; then, from that session's entries:

- the cold cost, in a fresh interpreter that has loaded what a session has by its end
  (pytest, the plugin, settings, report): importing ``pytest_lee.html`` plus rendering and
  writing the report once (what ``--lee-html`` adds to a session; aim: under 100 ms);
- the warm render + atomic write, median of ROUNDS;
- the file's size (aim: under 1 MB), and the bytes of its import tree.

Prints the machine, Python and date with the figures. Run:
``python bench/bench_html_report.py [--json PATH] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What a session has loaded by its end (pytest, the plugin, settings, report) comes first:
# the figure is what --lee-html adds on top.
COLD = """
import json, sys, time
from pathlib import Path
reference = time.perf_counter()
import pytest
reference = time.perf_counter() - reference
import pytest_lee.plugin
from pytest_lee.findings import SessionReport
from pytest_lee.settings import Settings
start = time.perf_counter()
from pytest_lee.html import write_html_report
imported = time.perf_counter()
report = SessionReport()
report.merge(json.loads(Path(sys.argv[1]).read_text()))
loaded = time.perf_counter()
write_html_report(report, Settings(rootdir=Path(sys.argv[3])), Path(sys.argv[2]))
done = time.perf_counter()
print(json.dumps({"import_ms": (imported - start) * 1000, "write_ms": (done - loaded) * 1000,
                  "pytest_ms": reference * 1000}))
"""


def session_json(work: Path) -> Path:
    path = work / "session.json"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--lee-budgets",
         "examples", "--lee-json", str(path)],
        cwd=ROOT, check=False, capture_output=True, text=True,
    )  # fmt: skip
    if not path.exists():
        raise SystemExit("the example session wrote no --lee-json")
    print(f"example session: {time.perf_counter() - started:.1f} s (not part of the figures)")
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--json", type=Path, help="a session's --lee-json (default: run the example)"
    )
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    from pytest_lee.findings import SessionReport
    from pytest_lee.html import write_html_report
    from pytest_lee.settings import Settings

    with tempfile.TemporaryDirectory(prefix="lee-bench-html-") as temporary:
        work = Path(temporary)
        source = args.json or session_json(work)
        out = work / "report.html"
        # Bytecode cached in a private prefix, as an installed package has it (a run
        # with PYTHONDONTWRITEBYTECODE would compile every module every time).
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(work / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        colds = []
        for round_ in range(6):
            result = subprocess.run(
                [sys.executable, "-c", COLD, str(source), str(out), str(ROOT)],
                capture_output=True, text=True, check=True, env=env,
            )  # fmt: skip
            if round_:  # the first run writes the bytecode
                colds.append(json.loads(result.stdout))
        report = SessionReport()
        report.merge(json.loads(source.read_text(encoding="utf-8")))
        settings = Settings(rootdir=ROOT)
        warm = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            write_html_report(report, settings, out)
            warm.append((time.perf_counter() - start) * 1000)
        size = out.stat().st_size
        detail = (report.entries("budget_measurement") or [{}])[0]
        tree_bytes = len(json.dumps(detail.get("import_tree", [])))
    cold_import = statistics.median(c["import_ms"] for c in colds)
    cold_write = statistics.median(c["write_ms"] for c in colds)
    pytest_ms = statistics.median(c["pytest_ms"] for c in colds)
    print(
        f"machine: {platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}); Python {platform.python_version()}; "
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
    )
    print(
        f"cold (fresh interpreter, bytecode cached, median of 5): import pytest_lee.html {cold_import:.1f} ms + "
        f"render and write {cold_write:.1f} ms = {cold_import + cold_write:.1f} ms added to a session (aim < 100 ms); "
        f"for scale, 'import pytest' took {pytest_ms:.1f} ms in the same interpreters"
    )
    print(
        f"warm render + atomic write: median {statistics.median(warm):.1f} ms over {args.rounds} rounds"
    )
    print(
        f"report size: {size / 1024:.1f} KiB (aim < 1024 KiB); import tree in the JSON: {tree_bytes / 1024:.1f} KiB"
    )


if __name__ == "__main__":
    main()
