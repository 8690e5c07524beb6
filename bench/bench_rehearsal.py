"""Benchmark a rehearsal of the example engine, moto in-process, after moto is warm.

Figures (medians over --rounds):

1. A full rehearsal that promotes: verify, record production, upload, check CodeSha256,
   publish, health check (one cold child process), canary of 20 (two child processes
   in parallel), promote + get_alias. Two builds of the engine alternate, so every
   round publishes a new version and runs the canary.
2. A rehearsal that rolls back: the LESS-09 incident package (health check fails).
3. A manual rollback: the alias flip + get_alias verification alone, and with the
   post-rollback health check the seed's procedure ends with.

The seed's manual rollback took 2-3 minutes with the runbook (10-15 without).

    python bench/bench_rehearsal.py [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_lee.findings import SessionReport  # noqa: E402
from pytest_lee.package import build_package  # noqa: E402
from pytest_lee.rehearsal.fixture import rehearsal_session  # noqa: E402
from pytest_lee.settings import load_settings  # noqa: E402

CORE_GET = "def _execute_get_implementation(key: str, timeout: int = 30) -> Any:"


class _TempDirs:
    """The one method of pytest's TempPathFactory the rehearsal uses."""

    def __init__(self, root: Path) -> None:
        self.root, self.counter = root, count()

    def mktemp(self, name: str) -> Path:
        path = self.root / f"{name}{next(self.counter)}"
        path.mkdir(parents=True)
        return path


def _variant(work: Path, name: str, edit) -> Path:
    source = work / name / "lee_engine"
    shutil.copytree(
        ROOT / "examples" / "lee_engine", source, ignore=shutil.ignore_patterns("__pycache__")
    )
    core = source / "cache_core.py"
    core.write_text(edit(core.read_text()))
    return source


def _median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    settings = load_settings(ROOT)
    with tempfile.TemporaryDirectory(prefix="lee-bench-") as temporary:
        work = Path(temporary)
        a = build_package(settings, out_dir=work / "a")
        b = build_package(
            settings, _variant(work, "b", lambda text: text + "\n# b\n"), out_dir=work / "b"
        )
        bad = build_package(
            settings,
            _variant(
                work,
                "bad",
                lambda text: text.replace(
                    CORE_GET, "def _execute_get_implementation(key: str) -> Any:"
                ),
            ),
            out_dir=work / "bad",
        )
        start = time.perf_counter()
        with rehearsal_session(
            settings, SessionReport(), _TempDirs(work / "rehearsal")
        ) as rehearsal:
            first = rehearsal.deploy(a)  # creates the function: moto warms up here
            cold = time.perf_counter() - start
            full, health, canary, rollbacks, flips, flips_checked = [], [], [], [], [], []
            for index in range(rounds):
                deployment = rehearsal.deploy(b if index % 2 == 0 else a)
                assert deployment.promoted and deployment.canary.invocations == 20, (
                    deployment.reason
                )
                full.append(deployment.seconds)
                steps = {step.name.split(" v")[0]: step.seconds for step in deployment.steps}
                health.append(steps["health check"])
                canary.append(steps["canary 0.1 × 20"])
                failed = rehearsal.deploy(bad)
                assert failed.rolled_back, failed.reason
                rollbacks.append(failed.seconds)
            for _ in range(rounds * 3):
                flip = rehearsal.rollback(health=False)
                flips.append(
                    sum(step.seconds for step in flip.steps if step.name.startswith("roll back"))
                )
            for _ in range(rounds):
                flips_checked.append(rehearsal.rollback().seconds)
    print(f"rehearsal of the example engine, moto in-process, {rounds} rounds (medians):")
    print(f"  first rehearsal incl. moto warm-up     {cold:8.2f} s  ({first.outcome})")
    print(f"  full rehearsal, promoted (canary of 20) {statistics.median(full):8.3f} s")
    print(f"    of which health check               {_median_ms(health)}")
    print(f"    of which canary (20 invocations)    {_median_ms(canary)}")
    print(f"  incident rehearsal, rolled back        {statistics.median(rollbacks):8.3f} s")
    print(f"  rollback: alias flip + get_alias       {_median_ms(flips)}")
    print(f"  rollback + health check of the target  {_median_ms(flips_checked)}")
    print("  seed's manual rollback with the runbook: 2-3 minutes (10-15 without)")


if __name__ == "__main__":
    main()
