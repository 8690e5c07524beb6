"""The rehearsal's pure parts: the canary's split, the alias's weight, the summary's lines."""

from __future__ import annotations

import math

import pytest

from pytest_lee.errors import LeeError
from pytest_lee.findings import SessionReport
from pytest_lee.rehearsal.canary import canary_schedule, check_canary_arguments, routed_weight
from pytest_lee.rehearsal.render import render_rehearsal_summary


@pytest.mark.parametrize("weight", [0.01, 0.05, 0.1, 0.25, 1 / 3, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("invocations", [1, 2, 7, 20, 100])
def test_the_new_version_gets_ceil_weight_times_n_and_at_least_one(weight, invocations):
    schedule = canary_schedule(weight, invocations)
    assert len(schedule) == invocations
    assert sum(schedule) == min(invocations, max(1, math.ceil(round(weight * invocations, 9))))
    assert schedule == canary_schedule(weight, invocations)  # no coin flips


def test_the_new_versions_share_is_spread_through_the_run_not_bunched():
    schedule = canary_schedule(0.1, 20)
    assert [index for index, is_new in enumerate(schedule) if is_new] == [9, 19]
    assert canary_schedule(0.3, 10) == tuple(i in (3, 6, 9) for i in range(10))


def test_no_invocations_means_an_empty_schedule():
    assert canary_schedule(0.5, 0) == ()


@pytest.mark.parametrize("weight", [0, 1, 1.5, -0.1, True, "0.1", None])
def test_weights_outside_zero_to_one_are_rejected(weight):
    with pytest.raises(LeeError, match="canary_weight: expected a number between 0 and 1"):
        check_canary_arguments(weight, 20)


def test_the_weight_is_read_from_the_alias_routing_config():
    alias = {"Name": "production", "RoutingConfig": {"AdditionalVersionWeights": {"7": 0.25}}}
    assert routed_weight(alias, "7") == 0.25
    with pytest.raises(LeeError, match="routes no traffic to version 8"):
        routed_weight(alias, "8")
    with pytest.raises(LeeError, match="RoutingConfig = None"):
        routed_weight({"Name": "production"}, "8")


def entry(version, **fields):
    base = {
        "version": version,
        "promoted": False,
        "rolled_back": False,
        "seconds": 0.5,
        "function": "LEE",
        "steps": [
            {
                "section": "deployment",
                "name": "publish version",
                "ms": 2.0,
                "ok": True,
                "detail": "published",
            }
        ],
    }
    base.update(fields)
    return base


def test_the_summary_groups_steps_under_the_checklist_and_counts_outcomes():
    report = SessionReport()
    report.add(
        "rehearsals",
        entry(
            "1",
            promoted=True,
            alias_version="1",
            steps=[
                {
                    "section": "rollback ready",
                    "name": "record production version",
                    "ms": 1.0,
                    "ok": True,
                    "detail": "none",
                },
                {
                    "section": "pre-deployment",
                    "name": "verify package",
                    "ms": 5.0,
                    "ok": True,
                    "detail": "10 files",
                },
            ],
        ),
    )
    report.add("rehearsals", entry(None, refused=True, reason="handler.py: missing", steps=[]))
    report.add("rehearsals", entry("2", rolled_back=True, alias_version="1", kind="rollback"))
    lines = render_rehearsal_summary(report, None)
    assert lines[0] == "LEE deploy v1: promoted in 0.50 s, production on v1"
    assert lines[1].split() == [
        "pre-deployment",
        "ok",
        "verify",
        "package",
        "5.0",
        "ms",
        "10",
        "files",
    ]
    assert lines[2].split()[:2] == ["rollback", "ready"]
    assert "LEE deploy: refused in 0.50 s" in lines
    assert "  why: handler.py: missing" in lines
    assert (
        lines[-1]
        == "2 rehearsed deployments (1 promoted, 1 refused), 1 manual rollback; production never left on a failed version"
    )


def test_the_summary_shouts_when_production_was_left_on_a_failed_version():
    report = SessionReport()
    report.add(
        "rehearsals",
        entry("3", reason="health check failed; ROLLBACK FAILED: boom", alias_version="3"),
    )
    lines = render_rehearsal_summary(report, None)
    assert lines[0].startswith("LEE deploy v3: failed")
    assert lines[-1] == "1 rehearsed deployment (1 failed); PRODUCTION LEFT ON A FAILED VERSION: v3"


def test_a_canary_weight_left_on_a_failed_version_counts_as_exposure():
    report = SessionReport()
    report.add("rehearsals", entry("4", reason="x", alias_version="3", alias_weights={"4": 0.1}))
    lines = render_rehearsal_summary(report, None)
    assert lines[0].startswith("LEE deploy v4: failed in 0.50 s, production on v3 + 0.1 on v4")
    assert lines[-1].endswith("PRODUCTION LEFT ON A FAILED VERSION: v4")
