"""The canary tests the new version: every replayed event reaches it, whatever the weight;
error responses and latency are judged beside the old version on the same events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from rehearsal_project import rehearsal_project, run_test_module

from pytest_lee.lambda_runtime.responses import count_responses, error_response
from pytest_lee.rehearsal.canary import Invocation, run_canary

EVENTS = [{"n": n} for n in range(5)]
ALEXA_ERROR = {
    "event": {
        "header": {"namespace": "Alexa", "name": "ErrorResponse"},
        "payload": {"type": "INTERNAL_ERROR", "message": "no handler"},
    }
}


def runner(answer: Any, ms: float = 1.0, seen: list[Any] | None = None) -> Any:
    """A version whose invocations answer ``answer(event)`` (an Invocation) in *ms*."""

    def run(events: Sequence[Any]) -> list[Invocation]:
        if seen is not None:
            seen.extend(events)
        return [
            answer(event) if callable(answer) else Invocation(None, answer, ms) for event in events
        ]

    return run


def canary(run_new: Any, run_old: Any, **options: Any) -> Any:
    defaults: dict[str, Any] = {"weight": 0.1, "invocations": 20, "events": EVENTS}
    return run_canary(
        new_version="2",
        old_version="1",
        run_new=run_new,
        run_old=run_old,
        **{**defaults, **options},
    )


def test_every_event_reaches_the_new_version_whatever_the_weight() -> None:
    seen: list[Any] = []
    result = canary(runner({"statusCode": 200}, seen=seen), runner({"statusCode": 200}))
    assert seen == [*EVENTS, EVENTS[0]]  # at weight 0.1 the split alone gave it two
    assert (result.routed_new, result.routed_old) == (2, 18)  # the share reported
    assert result.new.replayed == result.old.replayed == 6  # the first again, warm
    assert result.passed


def test_one_event_broken_only_on_the_new_version_fails_it() -> None:
    def new(event: Any) -> Invocation:
        return Invocation(
            "KeyError: 'order_id'" if event["n"] == 4 else None, {"statusCode": 200}, 1
        )

    result = canary(runner(new), runner({"statusCode": 200}))
    assert result.problems == ("1 of 6 invocations of v2 failed: KeyError: 'order_id'",)


def test_an_error_response_the_old_version_did_not_give_fails_and_is_counted() -> None:
    def new(event: Any) -> Invocation:
        return Invocation(None, ALEXA_ERROR if event["n"] == 2 else {"statusCode": 200}, 1)

    result = canary(runner(new), runner({"statusCode": 200}))
    assert result.as_json()["error_responses"] == 1 and result.as_json()["no_status"] == 1
    assert result.problems == (
        "event #3: v2 answered ErrorResponse: INTERNAL_ERROR: no handler, "
        "v1 answered it without an error",
    )


def test_an_error_response_both_versions_give_is_counted_not_blamed() -> None:
    result = canary(runner(ALEXA_ERROR), runner(ALEXA_ERROR))
    assert result.passed
    assert (result.new.responses.error_responses, result.new.responses.no_status) == (6, 6)


def test_a_slower_new_version_fails_the_latency_rule_and_a_faster_one_does_not() -> None:
    slower = canary(runner({"statusCode": 200}, ms=300), runner({"statusCode": 200}, ms=2))
    assert slower.problems == (
        "v2 p95 300 ms is slower than v1's 2 ms (allowed 1.5x + 20 ms = 23 ms)",
    )
    faster = canary(runner({"statusCode": 200}, ms=2), runner({"statusCode": 200}, ms=300))
    assert faster.passed


def test_the_request_budget_holds_the_new_version_when_the_old_is_not_replayed() -> None:
    result = canary(runner({"statusCode": 200}, ms=250), None, latency_limit_ms=200)
    assert result.problems == ("v2 p95 250 ms is over request_ms's acceptable 200 ms",)
    assert not result.old_replayed and result.old.routed == 18


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (ALEXA_ERROR, "ErrorResponse: INTERNAL_ERROR: no handler"),
        ({"event": {"header": {"name": "Response"}}}, None),
        ({"statusCode": 500}, None),
        ("text", None),
    ],
)
def test_directive_error_responses_are_recognised(response: Any, expected: str | None) -> None:
    assert error_response(response) == expected


def test_responses_without_a_status_are_counted_with_the_error_envelopes() -> None:
    counts = count_responses(
        [ALEXA_ERROR, {"event": {}}, {"statusCode": 200}, {"statusCode": True}]
    )
    assert (counts.error_responses, counts.no_status) == (1, 3)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    return rehearsal_project(pytester)


ROUTE_EVENTS = """
EVENTS = [
    {"httpMethod": "GET", "resource": "/orders"},
    {"httpMethod": "POST", "resource": "/orders"},
    {"httpMethod": "GET", "resource": "/orders/{id}", "pathParameters": {"id": "7"}},
    {"httpMethod": "GET", "resource": "/health"},
    {"httpMethod": "DELETE", "resource": "/orders/{id}", "pathParameters": {"id": "7"}},
]
"""


def test_a_route_broken_only_on_the_new_version_is_rolled_back_at_weight_0_1(project) -> None:
    result = run_test_module(
        project,
        ROUTE_EVENTS
        + """
def test_it(lee_rehearsal, lee_package):
    assert lee_rehearsal.deploy(lee_package("routes"), event=EVENTS[0]).promoted
    broken = lee_rehearsal.deploy(
        lee_package("routes_broken"), event=EVENTS[0], canary_weight=0.1, canary_events=EVENTS
    )
    assert broken.health.passed  # GET /orders works
    assert broken.rolled_back, broken.reason
    assert broken.canary.new.replayed == 6 and broken.canary.routed_new == 2
    assert "KeyError: 'order_id'" in broken.reason
    assert lee_rehearsal.alias_version == "1"
""",
    )
    result.assert_outcomes(passed=1)


def test_a_version_300_ms_slower_fails_the_canary_and_a_faster_one_passes(project) -> None:
    result = run_test_module(
        project,
        """
def test_it(lee_rehearsal, lee_package):
    assert lee_rehearsal.deploy(lee_package()).promoted
    slower = lee_rehearsal.deploy(lee_package("slow"), canary_invocations=4)
    assert slower.rolled_back
    assert "is slower than v1's" in slower.reason, slower.reason
    faster = lee_rehearsal.deploy(lee_package("slow"), canary_invocations=0)
    assert faster.promoted  # production on the slow version, no canary
    back = lee_rehearsal.deploy(lee_package(), canary_invocations=4)
    assert back.promoted, back.reason
""",
    )
    result.assert_outcomes(passed=1)


DIRECTIVE_APP = """
def handler(event, context):
    if event.get("directive") == "broken":
        return {"event": {"header": {"namespace": "Alexa", "name": "ErrorResponse"},
                          "payload": {"type": "INTERNAL_ERROR", "message": "no endpoint"}}}
    return {"event": {"header": {"namespace": "Alexa", "name": "Response"}, "payload": {}}}
"""


def test_budgets_name_error_responses_next_to_error_rate(pytester: pytest.Pytester) -> None:
    from budgets_project import budgets_project

    events = pytester.path / "events"
    events.mkdir()
    (events / "a.json").write_text('{"directive": "ok"}')
    (events / "b.json").write_text('{"directive": "broken"}')
    budgets_project(
        pytester,
        DIRECTIVE_APP,
        'runs = 1\nevents = "events/*.json"\nerror_rate = { acceptable = 0.5 }\n',
    )
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)  # error_rate is 0: no exception, no 5xx
    result.stdout.fnmatch_lines(
        [
            "*error_rate counts exceptions and 5xx only: of * responses, * were error responses "
            "(first: ErrorResponse: INTERNAL_ERROR: no endpoint) and * had no statusCode*"
        ]
    )


def test_a_version_slower_in_one_replay_only_is_not_held_slower() -> None:
    """Latency alone is confirmed by a second replay of both versions: requests that block
    on the shared loopback moto server can meet one busy moment."""
    replays: list[int] = []

    def new(events: Sequence[Any]) -> list[Invocation]:
        replays.append(len(events))
        ms = 300 if len(replays) == 1 else 2
        return [Invocation(None, {"statusCode": 200}, ms) for _ in events]

    result = canary(new, runner({"statusCode": 200}, ms=2))
    assert len(replays) == 2 and result.passed
