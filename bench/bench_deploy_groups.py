"""Deploy groups on the real change sets of the LEE engine's history (``../shared``).

For each of the four change sets under ``../shared/realworld/engine/history``
(old → new), copied to a temporary directory, prints the changed files, the
groups found (with the failure that ties each), the files safe alone, what is
not judged, the new version's own failures, the number of mixed trees and the
seconds; then the cost of one mixed tree on the real engine (the contract
checker through ``treecheck.check_tree`` and the static handler hazards,
medians side by side).

Run: ``python bench/bench_deploy_groups.py [--only 693b303] [--workers N]``.
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
    arguments = parser.parse_args()
    if not HISTORY.is_dir():
        sys.exit(f"no real material at {HISTORY}")
    names = sorted(p.name for p in HISTORY.iterdir() if p.is_dir() and arguments.only in p.name)
    for name in names:
        report(name, arguments.workers)
    one_tree("693b303-16175be", arguments.repeat)


if __name__ == "__main__":
    main()
