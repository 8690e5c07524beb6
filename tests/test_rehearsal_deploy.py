"""The deploy sequence as users run it: lee_rehearsal in a pytester project, moto in-process.

Each pytester run rehearses several deployments of the small project in
tests/data/rehearsal/project (one handler, one directory per version).
"""

from __future__ import annotations

import json

import pytest
from rehearsal_project import rehearsal_project, run_test_module


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    return rehearsal_project(pytester)


def test_a_good_package_is_promoted_first_alone_then_after_a_canary(project):
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            first = lee_rehearsal.deploy(lee_package())
            assert first.promoted and first.version == "1" and first.previous_version is None
            assert first.health.passed and first.health.response["statusCode"] == 200
            assert first.canary is None  # nothing to share traffic with yet
            assert lee_rehearsal.alias_version == "1"

            second = lee_rehearsal.deploy(lee_package("warm_fails"), canary_invocations=0)
            assert second.rolled_back is False and second.promoted and second.version == "2"

            third = lee_rehearsal.deploy(lee_package(), canary_weight=0.25, canary_invocations=8)
            assert third.promoted and third.previous_version == "2" and third.version == "3"
            assert (third.canary.routed_new, third.canary.routed_old) == (2, 6)
            assert third.canary.new_errors == ()
            assert lee_rehearsal.alias_version == "3"
            names = [(step.section, step.name) for step in third.steps]
            assert names[:5] == [
                ("pre-deployment", "verify package"),
                ("rollback ready", "record production version"),
                ("deployment", "upload package"),
                ("deployment", "check CodeSha256"),
                ("deployment", "publish version"),
            ]
            assert all(step.seconds >= 0 and step.ok for step in third.steps)
            assert third.seconds >= sum(step.seconds for step in third.steps) * 0.99
    """,
    )
    result.assert_outcomes(passed=1)


def test_a_package_that_raises_in_the_health_check_is_rolled_back(project):
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            good = lee_rehearsal.deploy(lee_package())
            bad = lee_rehearsal.deploy(lee_package("raises"))
            assert bad.rolled_back and not bad.promoted and not bad.refused
            assert bad.version == "2" and bad.previous_version == "1"
            assert bad.previous_arn.endswith(":function:demo:1")
            assert bad.health.outcome == "failed"
            assert "TypeError: _execute_get_implementation() got an unexpected keyword argument" in bad.health.error
            assert bad.reason.startswith("health check of v2 failed: TypeError")
            assert bad.canary is None  # never shifted: the health check stopped it
            assert lee_rehearsal.alias_version == "1" == bad.alias_version

            assert bad.health.stderr_tail == "gateway: GET config via interface_cache (timeout=30)"

            five = lee_rehearsal.deploy(lee_package("five_hundred"))
            assert five.rolled_back and five.health.error == "statusCode 502: upstream unavailable"
            assert lee_rehearsal.alias_version == "1"
    """,
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "demo deploy v2: rolled back in *",
            "  why: health check of v2 failed: TypeError: *",
            "  function log (last * lines):",
            "    | gateway: GET config via interface_cache (timeout=30)",
        ]
    )


def test_a_first_deployment_that_fails_never_creates_the_alias(project):
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            bad = lee_rehearsal.deploy(lee_package("raises"))
            assert bad.rolled_back and bad.previous_version is None
            assert lee_rehearsal.alias_version is None
            assert [step.detail for step in bad.steps][-1] == "first deployment: production alias not created (verified)"
    """,
    )
    result.assert_outcomes(passed=1)


def test_a_version_that_fails_only_when_warm_is_caught_by_the_canary_and_rolled_back(project):
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            lee_rehearsal.deploy(lee_package())
            seen = []
            original = lee_rehearsal.client.update_alias
            def spy(**kwargs):
                seen.append(kwargs.get("RoutingConfig"))
                return original(**kwargs)
            lee_rehearsal.client.update_alias = spy

            canary = lee_rehearsal.deploy(lee_package("warm_fails"), canary_weight=0.1, canary_invocations=20)
            assert canary.health.passed  # one cold invocation: fine
            assert canary.rolled_back and canary.version == "2"
            assert canary.canary.weight == 0.1
            assert (canary.canary.routed_new, canary.canary.routed_old) == (2, 18)
            assert canary.canary.new_errors == ("RuntimeError: fast path lost the router after the first request",)
            assert canary.reason.startswith("canary: 1 of 2 invocations of v2 failed")
            # the alias really carried the weight, then was restored with routing cleared
            assert seen == [{"AdditionalVersionWeights": {"2": 0.1}}, {"AdditionalVersionWeights": {}}]
            assert lee_rehearsal.alias_version == "1"
    """,
    )
    result.assert_outcomes(passed=1)


def test_bytes_changed_in_transit_fail_the_codesha256_check_and_nothing_is_published(project):
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            lee_rehearsal.deploy(lee_package())
            def corrupt(params, **kwargs):
                params["ZipFile"] = params["ZipFile"][:-1] + b"X"
            lee_rehearsal.client.meta.events.register(
                "provide-client-params.lambda.UpdateFunctionCode", corrupt)
            tampered = lee_rehearsal.deploy(lee_package("raises"))
            assert tampered.refused and tampered.version is None
            assert "the bytes changed in transit, not published" in tampered.reason
            assert [s.name for s in tampered.steps if s.ok is False] == ["check CodeSha256"]
            assert lee_rehearsal.versions() == ["1"]
            assert lee_rehearsal.alias_version == "1"
    """,
    )
    result.assert_outcomes(passed=1)


def test_deploying_the_same_bytes_again_returns_the_same_version_as_aws_does(project):
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            first = lee_rehearsal.deploy(lee_package())
            again = lee_rehearsal.deploy(lee_package())
            assert again.code_sha256 == first.code_sha256
            assert again.unchanged and not again.promoted and not again.rolled_back
            assert again.version == "1" == again.previous_version
            assert again.reason == "nothing changed: production is already on v1"
            assert lee_rehearsal.versions() == ["1"]  # moto alone would have published v2
    """,
    )
    result.assert_outcomes(passed=1)


def test_a_manual_rollback_returns_to_the_previous_working_version_and_checks_it(project):
    result = run_test_module(
        project,
        """
        def test_it(lee_rehearsal, lee_package):
            lee_rehearsal.deploy(lee_package())
            lee_rehearsal.deploy(lee_package("warm_fails"), canary_invocations=0)
            assert lee_rehearsal.alias_version == "2"
            back = lee_rehearsal.rollback()
            assert back.kind == "rollback" and back.rolled_back
            assert (back.previous_version, back.version) == ("2", "1")
            assert back.health.passed
            assert lee_rehearsal.alias_version == "1"
            forward = lee_rehearsal.rollback(to_version="2", health=False)
            assert forward.health.outcome == "skipped" and lee_rehearsal.alias_version == "2"
    """,
    )
    result.assert_outcomes(passed=1)


def test_the_summary_and_json_report_every_rehearsal(project):
    result = run_test_module(
        project,
        """
        def test_good(lee_rehearsal_session, lee_package):
            assert lee_rehearsal_session.deploy(lee_package()).promoted

        def test_bad(lee_rehearsal_session, lee_package):
            assert lee_rehearsal_session.deploy(lee_package("raises")).rolled_back
            assert lee_rehearsal_session.alias_version == "1"  # the session fixture kept test_good's v1
    """,
        "--lee-json",
        "out.json",
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*= lee rehearsals =*",
            "demo deploy v1: promoted in * s, production on v1  [[]test_it.py::test_good[]]",
            "  pre-deployment   ok      verify package *",
            "  deployment       ok      upload package * create_function demo from [[]tool.lee.function[]]*",
            "  post-deployment  ok      health check v1 *",
            "demo deploy v2: rolled back in * s, production on v1  [[]test_it.py::test_bad[]]",
            "  why: health check of v2 failed: TypeError: *",
            "  rollback ready   ok      record production version * production → v1 (arn:aws:lambda:*:function:demo:1)",
            "                   ok      roll back production → v1 * get_alias: production → v1, routing cleared",
            "2 rehearsed deployments (1 promoted, 1 rolled back); production never left on a failed version",
        ]
    )
    entries = json.loads((project.path / "out.json").read_text())["rehearsals"]
    assert [(e["version"], e["promoted"], e["rolled_back"], e["refused"]) for e in entries] == [
        ("1", True, False, False),
        ("2", False, True, False),
    ]
    assert all(isinstance(entry["seconds"], float) for entry in entries)
    assert entries[1]["health"]["outcome"] == "failed"
    assert {step["section"] for step in entries[1]["steps"]} == {
        "pre-deployment",
        "rollback ready",
        "deployment",
        "post-deployment",
    }


def test_rehearsals_on_xdist_workers_reach_the_controllers_summary_and_json(project):
    result = run_test_module(
        project,
        """
        import pytest

        @pytest.mark.parametrize("source", ["good", "raises"])
        def test_it(lee_rehearsal, lee_package, source):
            lee_rehearsal.deploy(lee_package(source))
    """,
        "-n",
        "2",
        "--lee-json",
        "out.json",
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "2 rehearsed deployments (1 promoted, 1 rolled back); production never left on a failed version"
        ]
    )
    entries = json.loads((project.path / "out.json").read_text())["rehearsals"]
    assert sorted((entry["test"], entry["outcome"]) for entry in entries) == [
        ("test_it.py::test_it[good]", "promoted"),
        ("test_it.py::test_it[raises]", "rolled back"),
    ]


def test_a_rollback_that_fails_is_reported_as_failed_and_the_summary_says_production_is_exposed(
    project,
):
    result = run_test_module(
        project,
        """
        from botocore.exceptions import ClientError

        def test_it(lee_rehearsal, lee_package):
            lee_rehearsal.deploy(lee_package())
            calls = []
            def outage(**kwargs):
                calls.append(kwargs["params"].get("RoutingConfig"))
                if len(calls) == 2:  # the first shifts the canary weight, the second would roll back
                    raise ClientError({"Error": {"Code": "ServiceException", "Message": "rehearsed outage"}}, "UpdateAlias")
            lee_rehearsal.client.meta.events.register("before-call.lambda.UpdateAlias", outage)
            broken = lee_rehearsal.deploy(lee_package("warm_fails"), canary_weight=0.5, canary_invocations=4)
            assert broken.outcome == "failed" and not broken.rolled_back and not broken.promoted
            assert broken.reason.startswith("canary: 1 of 2 invocations of v2 failed")
            assert "ROLLBACK FAILED: An error occurred (ServiceException)" in broken.reason
            assert (broken.alias_version, broken.alias_weights) == ("1", {"2": 0.5})
    """,
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "demo deploy v2: failed in * s, production on v1 + 0.5 on v2  *",
            "2 rehearsed deployments (1 promoted, 1 failed); PRODUCTION LEFT ON A FAILED VERSION: v2",
        ]
    )
