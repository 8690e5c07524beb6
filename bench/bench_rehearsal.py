"""Benchmark a rehearsal of the example engine, moto in-process, after moto is warm.

Rows, interleaved (``bench/_bench.py``), medians of wall and CPU time over --rounds:

1. ``promote``: a full rehearsal that promotes: verify, record production, upload, check
   CodeSha256, publish, health check (one cold child process), canary of 20 (two child
   processes in parallel), promote + get_alias.
2. ``incident``: a rehearsal that rolls back: the LESS-09 incident package (health check fails).
3. ``boto3`` (the baseline of 1 and 2): the AWS calls a hand-made deployment makes, through the
   same client against the same moto: ``update_function_code``, ``get_function_configuration``
   (CodeSha256), ``publish_version``, ``update_alias``, ``get_alias``. What the rehearsal adds
   on top of it is the verification, the health check and the canary (the child processes).

Then a second interleaved pair: ``rollback`` (the rehearsal's alias flip + get_alias,
``rollback(health=False)``) against ``boto3 flip`` (``update_alias`` + ``get_alias`` called
directly), and the rollback with the post-rollback health check the seed's procedure ends
with (``rollback + health``). The seed's manual rollback took 2-3 minutes with the runbook
(10-15 without).

Cold / warm: moto is warm (the first rehearsal, which creates the function and pays moto's
warm-up, is printed alone, one sample). Every deploying sample uploads a package built for
it, untimed, from the engine with a unique comment added (as a user's next build after an
edit): no rehearsal reuses the code store or the published version of an earlier sample.
CPU time is this process's (moto runs in it) plus the child processes'.

    python bench/bench_rehearsal.py [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from itertools import count
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _bench import Started, interleave, print_table  # noqa: E402

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


class _Builds:
    """A fresh package per sample: the engine with a unique comment (and the incident's edit)."""

    def __init__(self, settings: Any, work: Path) -> None:
        self.settings, self.work, self.counter = settings, work, count()

    def build(self, incident: bool = False) -> Any:
        name = f"v{next(self.counter)}"
        source = self.work / name / "lee_engine"
        shutil.copytree(
            ROOT / "examples" / "lee_engine", source, ignore=shutil.ignore_patterns("__pycache__")
        )
        core = source / "cache_core.py"
        text = core.read_text() + f"\n# {name}\n"
        if incident:
            text = text.replace(CORE_GET, "def _execute_get_implementation(key: str) -> Any:")
        core.write_text(text)
        return build_package(self.settings, source, out_dir=self.work / name / "out")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    started = Started("bench_rehearsal: the example engine, moto in-process")
    settings = load_settings(ROOT)
    with tempfile.TemporaryDirectory(prefix="lee-bench-") as temporary:
        work = Path(temporary)
        builds = _Builds(settings, work / "builds")
        first_package = builds.build()
        start = time.perf_counter()
        with rehearsal_session(
            settings, SessionReport(), cast(Any, _TempDirs(work / "rehearsal"))
        ) as rehearsal:
            first = rehearsal.deploy(first_package)  # creates the function: moto warms up here
            cold = time.perf_counter() - start
            client, name, alias = rehearsal.client, rehearsal.function_name, rehearsal.alias_name
            ready: dict[str, Any] = {}

            def before(row: str) -> None:
                if row in ("promote", "incident", "boto3"):
                    ready[row] = builds.build(incident=row == "incident")

            def promote() -> None:
                deployment = rehearsal.deploy(ready["promote"])
                assert deployment.promoted and deployment.canary.invocations == 20, (
                    deployment.reason
                )

            def incident() -> None:
                failed = rehearsal.deploy(ready["incident"])
                assert failed.rolled_back, failed.reason

            def by_hand() -> None:
                package = ready["boto3"]
                client.update_function_code(FunctionName=name, ZipFile=package.path.read_bytes())
                sha = client.get_function_configuration(FunctionName=name)["CodeSha256"]
                assert sha == package.code_sha256, (sha, package.code_sha256)
                version = client.publish_version(FunctionName=name, CodeSha256=sha)["Version"]
                client.update_alias(FunctionName=name, Name=alias, FunctionVersion=version)
                client.get_alias(FunctionName=name, Name=alias)

            deploys = interleave(
                rounds, {"promote": promote, "incident": incident, "boto3": by_hand}, before
            )
            versions = [
                v["Version"]
                for v in client.list_versions_by_function(FunctionName=name)["Versions"]
            ]
            flip_to = iter(versions[-2:] * rounds * 4)

            def boto3_flip() -> None:
                client.update_alias(FunctionName=name, Name=alias, FunctionVersion=next(flip_to))
                client.get_alias(FunctionName=name, Name=alias)

            flips = interleave(
                rounds * 2,
                {
                    "rollback": lambda: rehearsal.rollback(health=False),
                    "boto3 flip": boto3_flip,
                    "rollback + health": rehearsal.rollback,
                },
            )
    print(f"  first rehearsal incl. moto warm-up: {cold:.2f} s wall, one sample ({first.outcome})")
    print("deployments:")
    print_table(
        started,
        deploys,
        "boto3",
        labels={
            "promote": "rehearsal, promoted (canary of 20)",
            "incident": "rehearsal of the incident, rolled back",
            "boto3": "boto3 calls alone (upload, publish, alias)",
        },
    )
    print("rollbacks:")
    print_table(
        started,
        flips,
        "boto3 flip",
        labels={
            "rollback": "rehearsal rollback: alias flip + get_alias",
            "boto3 flip": "boto3 update_alias + get_alias",
            "rollback + health": "rollback + health check of the target",
        },
    )
    print("  seed's manual rollback with the runbook: 2-3 minutes (10-15 without)")


if __name__ == "__main__":
    main()
