"""NM06-LESS-09's incident, rehearsed on the example engine: production never runs a broken version.

On the day, ``gateway_core.py`` passed ``timeout=`` down to a cache core that did not
take it, and the first request raised TypeError. Every file was present, everything
compiled, and a package check would have passed: only running the published bytes
catches it. Here that package is deployed after a good one, then a partial package,
then the fix — and the ``production`` alias is read back after each.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "lee_engine"
EVENTS = Path(__file__).resolve().parents[1] / "events"
CORE_GET = "def _execute_get_implementation(key: str, timeout: int = 30) -> Any:"

LESS_09_ITEMS = (
    "Lambda function updated",
    "New version published",
    "Health check passed (invoke test function)",
    "Canary test completed successfully",
    "Previous version ARN documented",
    "Rollback command prepared",
)


@pytest.fixture
def engine_copy(tmp_path: Path) -> Callable[[str, Callable[[str], str]], Path]:
    """A copy of the engine named *name* whose ``cache_core.py`` went through *edit*."""

    def copy(name: str, edit: Callable[[str], str]) -> Path:
        source = tmp_path / name / "lee_engine"
        shutil.copytree(ENGINE, source, ignore=shutil.ignore_patterns("__pycache__"))
        core = source / "cache_core.py"
        core.write_text(edit(core.read_text()))
        return source

    return copy


@pytest.fixture
def incident_source(engine_copy) -> Path:
    """The engine as it shipped on the day: the cache core's get takes no ``timeout``."""

    def drop_timeout(text: str) -> str:
        assert CORE_GET in text, "the example engine changed: update the incident's edit"
        return text.replace(CORE_GET, "def _execute_get_implementation(key: str) -> Any:")

    return engine_copy("incident", drop_timeout)


@pytest.mark.lee_ref("NM06-LESS-09", *LESS_09_ITEMS)
@pytest.mark.lee_ref("NM06-LESSONS-Deployment_and_Operations", "Post-deployment health checks")
def test_the_incident_sequence_never_leaves_production_on_a_broken_version(
    lee_rehearsal, lee_package, incident_source
):
    good = lee_rehearsal.deploy(lee_package())
    assert good.promoted and good.health.passed
    assert json.loads(good.health.response["body"])["healthy"] is True
    assert lee_rehearsal.alias_version == good.version

    incident = lee_rehearsal.deploy(
        lee_package(incident_source)
    )  # verifies: all files, all compile
    assert incident.rolled_back and not incident.refused
    assert incident.previous_version == good.version and incident.previous_arn.endswith(
        f":LEE:{good.version}"
    )
    assert (
        "TypeError: _execute_get_implementation() got an unexpected keyword argument 'timeout'"
        in incident.health.error
    )
    assert incident.canary is None  # caught before any traffic shifted
    assert lee_rehearsal.alias_version == good.version

    partial = lee_rehearsal.deploy(lee_package(omit=["interface_cache.py"], verify=False))
    assert partial.refused or partial.rolled_back
    assert "interface_cache" in partial.reason
    assert lee_rehearsal.alias_version == good.version

    fixed = lee_rehearsal.deploy(lee_package())
    assert fixed.promoted and fixed.previous_version == good.version
    assert fixed.canary is not None and fixed.canary.passed and fixed.canary.routed_new == 2
    assert lee_rehearsal.alias_version == fixed.version != good.version
    assert not any(d.alias_version == d.version for d in (incident, partial) if d.version)


@pytest.mark.lee_ref(
    "NM06-LESS-09",
    "Canary test completed successfully",
    "Rollback command prepared",
    "Backup of current Lambda code downloaded",
)
@pytest.mark.lee_ref("NM06-LESSONS-Deployment_and_Operations", "Rollback procedure documented")
def test_a_canary_replays_the_recorded_events_and_a_manual_rollback_restores_the_last_version(
    lee_rehearsal, lee_package, engine_copy
):
    events = [json.loads(path.read_text()) for path in sorted(EVENTS.glob("*.json"))]
    first = lee_rehearsal.deploy(lee_package())
    next_release = engine_copy("next", lambda text: text + "\n# next release\n")
    second = lee_rehearsal.deploy(
        lee_package(next_release), canary_weight=0.25, canary_events=events
    )
    assert second.promoted
    assert (second.canary.routed_new, second.canary.routed_old) == (5, 15)
    assert second.canary.new_errors == () == second.canary.old_errors

    back = (
        lee_rehearsal.rollback()
    )  # the seed's rollback procedure: previous version, alias, verify
    # The previous version's exact bytes were kept (the backup) and health-checked before the flip.
    assert back.rolled_back and back.version == first.version and back.health.passed
    assert lee_rehearsal.alias_version == first.version
