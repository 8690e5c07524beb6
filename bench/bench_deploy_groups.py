"""Deploy groups on the real change sets of the LEE engine's history (``../shared``).

For each of the four change sets under ``../shared/realworld/engine/history``
(old → new), copied to a temporary directory, prints the changed files, the
groups found (with the failure that ties each), the files safe alone, what is
not judged, the new version's own failures, the number of mixed trees and the
seconds; then the cost of one mixed tree on the real engine (the contract
checker through ``treecheck.check_tree`` and the static handler hazards,
medians side by side).

With ``--scenarios``, two changes injected into the engine at fa7e120 as well: the
LESS-09 incident (the gateway starts passing ``timeout=``, the strict cache core it
reaches is not redeployed) and an operation renamed in a router and its wrapper.

Run: ``python bench/bench_deploy_groups.py [--only 693b303] [--workers N] [--scenarios]``
(``--only none --scenarios`` runs only the injections).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_lee.contracts.baseline import Baseline, simulate, tree_files  # noqa: E402
from pytest_lee.contracts.check import ContractSpec  # noqa: E402
from pytest_lee.contracts.hazards import handler_hazards  # noqa: E402
from pytest_lee.contracts.treecheck import check_tree  # noqa: E402
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


def report(name: str, workers: int | None) -> None:
    with tempfile.TemporaryDirectory(prefix="lee-bench-dg-") as scratch:
        settings, baseline = project(HISTORY / name, Path(scratch))
        outcome = simulate(baseline, settings, workers=workers)
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
    per_tree = outcome.seconds / max(outcome.trees, 1)
    print(f"  {outcome.trees} mixed trees in {outcome.seconds:.1f} s ({per_tree:.2f} s per tree)")


SNAPSHOT = HISTORY.parent / "snapshot-fa7e120" / "src"
GET_STRICT = (
    "def _execute_get_implementation(key: str, **kwargs)",
    "def _execute_get_implementation(key: str)",
)
GET_TIMEOUT = (
    "def _execute_get_implementation(key: str)",
    "def _execute_get_implementation(key: str, timeout: int = 30)",
)
# scenario → (baseline edits, new edits, leaves): edits are {file: [(old, new), ...]}
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
        ("*_core",),
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
        ("*_core",),
    ),
}


def _edit(root: Path, edits: dict[str, list[tuple[str, ...]]]) -> None:
    for name, pairs in edits.items():
        path = root / name
        text = path.read_text()
        for old, new in pairs:
            if old not in text:
                sys.exit(f"{name}: {old!r} not found")
            text = text.replace(old, new, 1) if old == '"""' else text.replace(old, new)
        path.write_text(text)


def scenario(title: str, workers: int | None) -> None:
    base_edits, new_edits, leaves = SCENARIOS[title]
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
    print(f"== fa7e120, {title}")
    for entry in outcome.group_reasons:
        print(f"  group: {' + '.join(entry['files'])}")
        for tie in entry["ties"]:
            print(f"    {tie['file']} {tie['when']}: {tie['cause'][:150]}")
    print(f"  safe alone: {', '.join(outcome.safe_alone)}")
    print(f"  {outcome.trees} mixed trees in {outcome.seconds:.1f} s")


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
    source = HISTORY / name / "new" / "src"
    spec = ContractSpec.from_settings(CONTRACT).as_dict()
    files = tree_files(source)
    checks, hazards = [], []
    with tempfile.TemporaryDirectory(prefix="lee-bench-tree-") as scratch:
        tree = Path(scratch, "src")
        shutil.copytree(source, tree)
        for _ in range(repeat):
            started = time.perf_counter()
            check_tree(tree, [spec])
            checks.append(time.perf_counter() - started)
            started = time.perf_counter()
            handler_hazards(files, HANDLER, ())
            hazards.append(time.perf_counter() - started)
    print(
        f"one mixed tree of {name} ({len(files)} files): contract check "
        f"{statistics.median(checks):.2f} s, handler hazards {statistics.median(hazards) * 1000:.1f} ms "
        f"(medians of {repeat})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenarios", action="store_true", help="also the fa7e120 injections")
    arguments = parser.parse_args()
    if not HISTORY.is_dir():
        sys.exit(f"no real material at {HISTORY}")
    names = sorted(p.name for p in HISTORY.iterdir() if p.is_dir() and arguments.only in p.name)
    for name in names:
        report(name, arguments.workers)
    if arguments.scenarios:
        for title in SCENARIOS:
            scenario(title, arguments.workers)
    for extra in (50, 100, 200):
        trees, seconds = zip_baseline(extra, arguments.workers)
        print(f"zip baseline with {extra} files only it has: {trees} trees, {seconds:.1f} s")
    one_tree("693b303-16175be", arguments.repeat)


if __name__ == "__main__":
    main()
