"""Deploy groups on the real change sets of the LEE engine's history (``../shared``).

For each of the four change sets under ``../shared/realworld/engine/history``
(old → new), copied to a temporary directory, prints the changed files, the
groups found (with the failure that ties each), the files safe alone, what is
not judged, the new version's own failures, the number of mixed trees, and the
wall and CPU seconds (this process and its contract children; medians of
``--runs``); then the cost of one mixed tree on the real engine: distinct mixed
trees of pull request 6 (baseline + one changed file each) checked as the
simulation checks them (tree built from the content store, the contract child,
the static handler hazards), wall and CPU, medians, the first tree (which fills
the store) shown apart.

With ``--scenarios``, two changes injected into the engine at fa7e120 as well, each
with ``leaves = ["*_core"]`` and with the default leaves: the LESS-09 incident (the
gateway starts passing ``timeout=``, the strict cache core it reaches is not
redeployed) and an operation renamed in a router and its wrapper.

The machine is shared: wall time depends on its load, CPU time much less; both are
printed, with the load average at the start.

Run: ``python bench/bench_deploy_groups.py [--only 693b303] [--workers N] [--runs 3] [--scenarios]``
(``--only none --scenarios`` runs only the injections).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_lee.contracts.results import ContractSpec  # noqa: E402
from pytest_lee.deploy_groups.baseline import (  # noqa: E402
    Baseline,
    Outcome,
    changed_files,
    simulate,
    tree_files,
)
from pytest_lee.deploy_groups.trees import TreeRunner  # noqa: E402
from pytest_lee.settings import ContractSettings, Settings  # noqa: E402

HISTORY = ROOT.parent / "shared" / "realworld" / "engine" / "history"
CONTRACT = ContractSettings(
    "gateway_core:_INTERFACE_ROUTERS", "gateway_core:execute_operation", operation=None
)
HANDLER = "lambda_function.lambda_handler"


def project(pair: Path, scratch: Path) -> tuple[Settings, Baseline]:
    """The change set as a user would have it: new/src checked out, old/src as the baseline."""
    shutil.copytree(pair / "new" / "src", scratch / "src")
    shutil.copytree(pair / "old" / "src", scratch / "old")
    settings = Settings(
        rootdir=scratch, source=scratch / "src", handler=HANDLER, contracts=(CONTRACT,)
    )
    return settings, Baseline("directory", "old", scratch / "old")


def cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_runs(run: Callable[[], Outcome], runs: int) -> tuple[Outcome, str]:
    """The outcome of the last of *runs* runs and "wall … s, CPU … s" (medians)."""
    walls, cpus = [], []
    outcome = None
    for _ in range(runs):
        started, cpu = time.perf_counter(), cpu_seconds()
        outcome = run()
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - cpu)
    assert outcome is not None
    many = f" (medians of {runs})" if runs > 1 else ""
    return outcome, (
        f"wall {statistics.median(walls):.1f} s, CPU {statistics.median(cpus):.1f} s{many}"
    )


def report(name: str, workers: int | None, runs: int) -> None:
    def run() -> Outcome:
        with tempfile.TemporaryDirectory(prefix="lee-bench-dg-") as scratch:
            settings, baseline = project(HISTORY / name, Path(scratch))
            return simulate(baseline, settings, workers=workers)

    outcome, took = timed_runs(run, runs)
    print(f"== {name}: {len(outcome.changed)} changed files")
    for what in outcome.not_judged:
        print(f"  not judged: {what}")
    print(f"  fail alone ({len(outcome.fail_alone)}): {', '.join(outcome.fail_alone)}")
    for entry in outcome.group_reasons:
        print(f"  group: {' + '.join(entry['files'])}")
        for tie in entry["ties"]:
            print(f"    {tie['file']} {tie['when']}: {tie['cause'][:150]}")
    for anchor, options in outcome.alternatives.items():
        print(f"  alternatives for {anchor}: {options}")
    print(f"  safe alone ({len(outcome.safe_alone)}): {', '.join(outcome.safe_alone)}")
    fresh = [f for f in outcome.new_version_failures if not f["also_at_baseline"]]
    print(
        f"  new version's own failures: {len(outcome.new_version_failures)} "
        f"({len(fresh)} not at the baseline)"
    )
    removed = [s for s in outcome.signatures if s.details == ("removed",)]
    print(f"  signature changes: {len(outcome.signatures)} ({len(removed)} removed)")
    extra = outcome.trees - len(outcome.changed) - 2
    print(
        f"  {outcome.trees} mixed trees (n + 2 + {extra}); {took}; "
        f"{outcome.seconds / max(len(outcome.changed), 1):.2f} s wall per changed file"
    )


SNAPSHOT = HISTORY.parent / "snapshot-fa7e120" / "src"
GET_STRICT = (
    "def _execute_get_implementation(key: str, **kwargs)",
    "def _execute_get_implementation(key: str)",
)
GET_TIMEOUT = (
    "def _execute_get_implementation(key: str)",
    "def _execute_get_implementation(key: str, timeout: int = 30)",
)
# scenario → (baseline edits, new edits): edits are {file: [(old, new), ...]}
SCENARIOS = {
    "LESS-09 injected (gateway passes timeout=, the strict cache core not redeployed)": (
        {"cache_core.py": [GET_STRICT]},
        {
            "cache_core.py": [GET_TIMEOUT],
            "gateway_core.py": [
                ("func(operation, **kwargs)", "func(operation, timeout=30, **kwargs)")
            ],
            "interface_http.py": [
                (
                    '"""',
                    '"""v2: ',
                )
            ],
        },
    ),
    "operation renamed in a router and its wrapper (cache 'get' → 'lookup')": (
        {},
        {
            "interface_cache.py": [("'get': lambda", "'lookup': lambda")],
            "gateway_wrappers_cache.py": [
                ("GatewayInterface.CACHE, 'get'", "GatewayInterface.CACHE, 'lookup'")
            ],
            "interface_http.py": [
                (
                    '"""',
                    '"""v2: ',
                )
            ],
        },
    ),
}
LEAVES = {"leaves *_core": ("*_core",), "default leaves (the routers)": ()}


def _edit(root: Path, edits: dict[str, list[tuple[str, ...]]]) -> None:
    for name, pairs in edits.items():
        path = root / name
        text = path.read_text()
        for old, new in pairs:
            if old not in text:
                sys.exit(f"{name}: {old!r} not found")
            text = text.replace(old, new, 1) if old == '"""' else text.replace(old, new)
        path.write_text(text)


def scenario(title: str, leaves_title: str, workers: int | None) -> None:
    base_edits, new_edits = SCENARIOS[title]
    leaves = LEAVES[leaves_title]
    started, cpu = time.perf_counter(), cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="lee-bench-sc-") as scratch:
        root = Path(scratch)
        shutil.copytree(SNAPSHOT, root / "old", ignore=shutil.ignore_patterns("__pycache__"))
        _edit(root / "old", base_edits)
        shutil.copytree(root / "old", root / "src")
        _edit(root / "src", new_edits)
        contract = ContractSettings(CONTRACT.registry, CONTRACT.dispatcher, None, leaves=leaves)
        settings = Settings(
            rootdir=root, source=root / "src", handler=HANDLER, contracts=(contract,)
        )
        outcome = simulate(Baseline("directory", "old", root / "old"), settings, workers=workers)
    took = f"wall {time.perf_counter() - started:.1f} s, CPU {cpu_seconds() - cpu:.1f} s"
    print(f"== fa7e120, {title}, {leaves_title}")
    for entry in outcome.group_reasons:
        print(f"  group: {' + '.join(entry['files'])}")
        for tie in entry["ties"]:
            print(f"    {tie['file']} {tie['when']}: {tie['cause'][:150]}")
    print(f"  safe alone: {', '.join(outcome.safe_alone)}")
    print(f"  {outcome.trees} mixed trees; {took}")


def zip_baseline(extra: int, workers: int | None) -> tuple[int, float]:
    """A zip baseline with *extra* files the source no longer has (vendored, deleted): trees, s."""
    import zipfile

    engine = ROOT / "tests" / "data" / "contracts" / "engine"
    with tempfile.TemporaryDirectory(prefix="lee-bench-zip-") as scratch:
        root = Path(scratch)
        shutil.copytree(engine, root / "src")
        with zipfile.ZipFile(root / "old.zip", "w") as archive:
            for path in sorted(engine.iterdir()):
                if path.suffix == ".py":
                    archive.write(path, path.name)
            for index in range(extra):
                archive.writestr(f"vendor/m{index:03d}.py", f"VALUE = {index}\n")
        contract = ContractSettings("gw:ROUTERS", "gw:dispatch", "ping", leaves=("*_core",))
        settings = Settings(rootdir=root, source=root / "src", contracts=(contract,))
        outcome = simulate(Baseline("zip", "old.zip", root / "old.zip"), settings, workers=workers)
    return outcome.trees, outcome.seconds


def one_tree(name: str, repeat: int) -> None:
    """Distinct mixed trees (baseline + one changed file), checked as the simulation does."""
    pair = HISTORY / name
    base, current = tree_files(pair / "old" / "src"), tree_files(pair / "new" / "src")
    changed = [n for n in changed_files(base, current) if n in current]
    spec = ContractSpec.from_settings(CONTRACT)
    walls, cpus = [], []
    with tempfile.TemporaryDirectory(prefix="lee-bench-tree-") as scratch:
        root = Path(scratch)
        runner = TreeRunner(root, base, current, [spec], handler=HANDLER, workers=1)
        try:
            for changed_file in changed[: repeat + 1]:
                started, cpu = time.perf_counter(), cpu_seconds()
                runner.results(frozenset({changed_file}))
                walls.append(time.perf_counter() - started)
                cpus.append(cpu_seconds() - cpu)
        finally:
            runner.close()
    print(
        f"one mixed tree of {name} ({len(current)} files, baseline + one changed file): "
        f"wall {statistics.median(walls[1:]):.2f} s, CPU {statistics.median(cpus[1:]):.2f} s "
        f"(medians of {len(walls) - 1} distinct trees; the first, filling the content store: "
        f"wall {walls[0]:.2f} s, CPU {cpus[0]:.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=9, help="distinct trees timed")
    parser.add_argument("--runs", type=int, default=1, help="runs of each change set")
    parser.add_argument("--scenarios", action="store_true", help="also the fa7e120 injections")
    arguments = parser.parse_args()
    if not HISTORY.is_dir():
        sys.exit(f"no real material at {HISTORY}")
    names = sorted(p.name for p in HISTORY.iterdir() if p.is_dir() and arguments.only in p.name)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}; {time.strftime('%Y-%m-%d %H:%M')}")
    for name in names:
        report(name, arguments.workers, arguments.runs)
    if arguments.scenarios:
        for title in SCENARIOS:
            for leaves_title in LEAVES:
                scenario(title, leaves_title, arguments.workers)
    for extra in (50, 100, 200):
        trees, seconds = zip_baseline(extra, arguments.workers)
        print(f"zip baseline with {extra} files only it has: {trees} trees, {seconds:.1f} s")
    one_tree("693b303-16175be", arguments.repeat)


if __name__ == "__main__":
    main()
