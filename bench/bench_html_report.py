"""What ``--lee-html`` costs a session: the time to write the report and its size.

Runs the example engine's session once as a user does (``pytest --lee-budgets examples
--lee-json ...`` in this repository, minutes at load), or reads a session's ``--lee-json``
given with ``--json PATH``; then, from that session's entries, interleaved rows
(``bench/_bench.py``; wall and CPU medians, the load at start and end):

- cold, whole fresh interpreters: ``session end`` (the baseline: pytest, the plugin,
  settings and report imported, the session's entries loaded, what a session has by its
  end) against ``+ --lee-html`` (the same, then ``import pytest_lee.html`` and one render +
  atomic write). The difference is what ``--lee-html`` adds to a session (aim: under 100 ms);
  the import and the write are also timed inside the child, where the noise of interpreter
  start is left out;
- warm, in this process: the render + atomic write of the HTML report against the baseline
  ``--lee-json`` write of the same entries (``SessionReport.write_json``);
- the file's size (aim: under 1 MB), and the bytes of its import tree.

Cold / warm: bytecode is cached in a private PYTHONPYCACHEPREFIX, as an installed package has
it, written by one untimed run of each cold row (a run with PYTHONDONTWRITEBYTECODE would
compile every module every time); every cold sample is a new process, so nothing else is
shared between rows. The warm rows share this process's imported modules, as the end of a
session does.

Run: ``python bench/bench_html_report.py [--json PATH] [--rounds N] [--cold N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from _bench import Started, interleave, print_table, run

ROOT = Path(__file__).resolve().parents[1]

# What a session has loaded by its end (pytest, the plugin, settings, report): the baseline.
SESSION_END = """
import json, sys, time
from pathlib import Path
import pytest
import pytest_lee.plugin
from pytest_lee.findings import SessionReport
from pytest_lee.settings import Settings
report = SessionReport()
report.merge(json.loads(Path(sys.argv[1]).read_text()))
"""
WITH_HTML = (
    SESSION_END
    + """
wall, cpu = time.perf_counter(), time.process_time()
from pytest_lee.html import write_html_report
imported = time.perf_counter(), time.process_time()
write_html_report(report, Settings(rootdir=Path(sys.argv[3])), Path(sys.argv[2]))
done = time.perf_counter(), time.process_time()
print(json.dumps({"import_ms": (imported[0] - wall) * 1000, "import_cpu_ms": (imported[1] - cpu) * 1000,
                  "write_ms": (done[0] - imported[0]) * 1000, "write_cpu_ms": (done[1] - imported[1]) * 1000}))
"""
)


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
    print(f"  example session: {time.perf_counter() - started:.1f} s (not part of the figures)")
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--json", type=Path, help="a session's --lee-json (default: run the example)"
    )
    parser.add_argument("--rounds", type=int, default=20, help="rounds of the warm rows")
    parser.add_argument("--cold", type=int, default=5, help="rounds of the cold rows")
    args = parser.parse_args()
    started = Started("bench_html_report: what --lee-html adds to a session")
    from pytest_lee.findings import SessionReport
    from pytest_lee.html import write_html_report
    from pytest_lee.settings import Settings

    with tempfile.TemporaryDirectory(prefix="lee-bench-html-") as temporary:
        work = Path(temporary)
        source = args.json or session_json(work)
        out = work / "report.html"
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(work / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        inside: list[dict[str, float]] = []
        html_command = [sys.executable, "-c", WITH_HTML, str(source), str(out), str(ROOT)]

        def with_html() -> None:
            inside.append(json.loads(run(html_command, env=env)))

        cold_rows: dict[str, Callable[[], object]] = {
            "session end": partial(run, [sys.executable, "-c", SESSION_END, str(source)], env=env),
            "+ --lee-html": with_html,
        }
        for call in cold_rows.values():  # the first run writes the bytecode
            call()
        inside.clear()
        cold = interleave(args.cold, cold_rows)
        report = SessionReport()
        report.merge(json.loads(source.read_text(encoding="utf-8")))
        settings = Settings(rootdir=ROOT)
        warm = interleave(
            args.rounds,
            {
                "html render + write": lambda: write_html_report(report, settings, out),
                "--lee-json write": lambda: report.write_json(work / "again.json"),
            },
        )
        size = out.stat().st_size
        detail = (report.entries("budget_measurement") or [{}])[0]
        tree_bytes = len(json.dumps(detail.get("import_tree", [])))
    print("cold, fresh interpreters (bytecode cached):")
    medians = print_table(started, cold, "session end")
    added = medians["+ --lee-html"]
    base = medians["session end"]
    print(
        f"  --lee-html adds {(added.wall - base.wall) * 1000:.1f} ms wall, "
        f"{(added.cpu - base.cpu) * 1000:.1f} ms CPU (aim < 100 ms)"
    )
    median = {key: statistics.median(c[key] for c in inside) for key in inside[0]}
    print(
        f"  inside the child: import pytest_lee.html {median['import_ms']:.1f} ms wall / "
        f"{median['import_cpu_ms']:.1f} ms CPU, render and write {median['write_ms']:.1f} ms wall / "
        f"{median['write_cpu_ms']:.1f} ms CPU"
    )
    print("warm, in one process:")
    print_table(started, warm, "--lee-json write")
    print(
        f"  report size: {size / 1024:.1f} KiB (aim < 1024 KiB); "
        f"import tree in the JSON: {tree_bytes / 1024:.1f} KiB"
    )


if __name__ == "__main__":
    main()
