"""The canary: every replayed event reaches the new version; errors and latency are judged.

Lambda routes each request of a weighted alias at random. The rehearsal does not flip
coins, and it does not let the weight decide which events the new version sees either:
with weight 0.1 and five events, a split of the invocations gave the new version event #5
only, and a version with a broken route was promoted. So the weight decides the traffic
share *reported* (``ceil(weight × n)`` of the invocations, at least one), while the new
version replays every event at least once, and the old version replays the same events
beside it (both children run at the same time) for a like-for-like latency comparison.

The new version fails the canary on an invocation error (an exception, a 5xx, what the
runner reports), on a directive-style error response to an event the old version answered
without one, or on latency: its warm requests' p95 over ``request_ms``'s acceptable level,
or over ``1.5 × the old version's p95 + 20 ms`` with its median over the old median by the
same rule (a handful of requests makes the p95 the slowest one, and one request that met a
busy moment is not a slower version). Latency is the child's own time as the budgets
model it (never the host's wall clock, which a busy CI box stretches 3-4x).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pytest_lee.budgets.stats import quantile
from pytest_lee.errors import LeeError
from pytest_lee.lambda_runtime.responses import ResponseCounts, count_responses, error_response

LATENCY_FACTOR = 1.5  # the new version's p95 may be this much of the old one's ...
LATENCY_SLACK_MS = 20.0  # ... plus this, before the canary calls it slower


@dataclass(frozen=True)
class Invocation:
    """One replayed event on one version: its error, its response and its time (ms, in the
    budgets' model; None when the child did not report one)."""

    error: str | None
    response: Any = None
    ms: float | None = None


# Runs a list of events against one version's bytes: one Invocation per event, in order.
Runner = Callable[[Sequence[Any]], "list[Invocation]"]


@dataclass(frozen=True)
class Side:
    """What one version did in the canary."""

    version: str
    routed: int  # its share of the invocations, by the alias's weight
    replayed: int  # events it really ran
    errors: tuple[str, ...] = ()
    responses: ResponseCounts = field(default_factory=ResponseCounts)
    p95_ms: float | None = None
    median_ms: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "routed": self.routed,
            "replayed": self.replayed,
            "errors": list(self.errors),
            **self.responses.as_json(),
            "p95_ms": self.p95_ms,
            "median_ms": self.median_ms,
        }


@dataclass(frozen=True)
class CanaryResult:
    """What the canary saw: the split, each version's errors and latency, and the verdict."""

    weight: float
    invocations: int
    new: Side
    old: Side
    old_replayed: bool = True
    problems: tuple[str, ...] = ()  # why the new version fails, first the likeliest cause

    @property
    def passed(self) -> bool:
        return not self.problems

    # Names the summary and the HTML report read.
    @property
    def new_version(self) -> str:
        return self.new.version

    @property
    def old_version(self) -> str:
        return self.old.version

    @property
    def new_errors(self) -> tuple[str, ...]:
        return self.new.errors

    @property
    def old_errors(self) -> tuple[str, ...]:
        return self.old.errors

    @property
    def routed_new(self) -> int:
        return self.new.routed

    @property
    def routed_old(self) -> int:
        return self.old.routed

    def as_json(self) -> dict[str, Any]:
        return {
            "weight": self.weight,
            "invocations": self.invocations,
            "new": self.new.as_json(),
            "old": self.old.as_json(),
            "error_responses": self.new.responses.error_responses,
            "no_status": self.new.responses.no_status,
            "passed": self.passed,
            "problems": list(self.problems),
        }


def check_canary_arguments(weight: Any, invocations: Any) -> None:
    """Reject a weight or count Lambda (or a meaningful canary) would not take, in one line."""
    __tracebackhide__ = True
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight < 1:
        raise LeeError(
            f"canary_weight: expected a number between 0 and 1 (exclusive), got {weight!r}"
        )
    if isinstance(invocations, bool) or not isinstance(invocations, int) or invocations < 0:
        raise LeeError(f"canary_invocations: expected a whole number >= 0, got {invocations!r}")


def canary_schedule(weight: float, invocations: int) -> tuple[bool, ...]:
    """For each invocation, True when it goes to the new version.

    ``ceil(weight × n)`` of them (at least one when n > 0), spread evenly: the k-th
    new-version invocation lands where the running share first reaches k.
    """
    if invocations <= 0:
        return ()
    count = min(invocations, max(1, math.ceil(weight * invocations - 1e-9)))
    return tuple(
        (index + 1) * count // invocations > index * count // invocations
        for index in range(invocations)
    )


def routed_weight(alias: Mapping[str, Any], version: str) -> float:
    """The weight the alias's ``RoutingConfig`` gives *version* (as ``get_alias`` reports it)."""
    routing = alias.get("RoutingConfig") or {}
    weights = routing.get("AdditionalVersionWeights") or {}
    if version not in weights:
        raise LeeError(
            f"alias {alias.get('Name')!r} routes no traffic to version {version} "
            f"(RoutingConfig = {routing or None})"
        )
    return float(weights[version])


def replay_events(events: Sequence[Any], routed_new: int) -> list[Any]:
    """The events both versions replay: every event once, then the first again so that every
    event is also answered warm (the first answer of a fresh child is its cold start), cycled
    up to the new version's routed share when that is larger."""
    count = max(routed_new, len(events) + 1)
    return [events[index % len(events)] for index in range(count)]


def run_canary(
    *,
    weight: float,
    invocations: int,
    events: Sequence[Any],
    new_version: str,
    old_version: str,
    run_new: Runner,
    run_old: Runner | None,
    latency_limit_ms: float | None = None,
) -> CanaryResult:
    """Report the split *weight* gives *invocations*, replay every event on both versions at
    once, and judge the new one (see the module docstring).

    ``run_old`` is None when the previous version's bytes are not held locally: its share
    is counted, not replayed, and latency is judged against *latency_limit_ms* alone.
    """
    routed_new = sum(canary_schedule(weight, invocations))
    replay = replay_events(events, routed_new)
    new_runs, old_runs = _replay(run_new, run_old, replay)
    new = _side(new_version, routed_new, new_runs)
    old = _side(old_version, invocations - routed_new, old_runs or [])
    problems = _problems(new, old, new_runs, old_runs, latency_limit_ms)
    if problems and all(problem in _latency(new, old, latency_limit_ms) for problem in problems):
        # Slower on latency alone: replay both once more, and hold it against the new
        # version only when the second replay agrees (requests that block on the loopback
        # moto server share it with the old version's; one busy moment is not a regression).
        again_new, again_old = _replay(run_new, run_old, replay)
        second = _latency(
            _side(new_version, routed_new, again_new),
            _side(old_version, invocations - routed_new, again_old or []),
            latency_limit_ms,
        )
        problems = problems if second else []
    return CanaryResult(
        weight=weight,
        invocations=invocations,
        new=new,
        old=old,
        old_replayed=old_runs is not None,
        problems=tuple(problems),
    )


def _replay(
    run_new: Runner, run_old: Runner | None, replay: list[Any]
) -> tuple[list[Invocation], list[Invocation] | None]:
    """Both versions on the same events at the same time."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        new_future = pool.submit(run_new, replay)
        old_future = pool.submit(run_old, replay) if run_old is not None else None
        return new_future.result(), (old_future.result() if old_future is not None else None)


def _side(version: str, routed: int, runs: Sequence[Invocation]) -> Side:
    # Request latency is the warm requests' (``request_ms``'s meaning): the first, cold
    # invocation pays for lazy imports and clients, judged by the budgets' first_invoke_ms.
    warm = [run.ms for run in runs[1:] if run.ms is not None]
    known = bool(warm) and len(warm) == len(runs) - 1
    return Side(
        version=version,
        routed=routed,
        replayed=len(runs),
        errors=tuple(run.error for run in runs if run.error),
        responses=count_responses(run.response for run in runs if not run.error),
        p95_ms=p95(warm) if known else None,
        median_ms=statistics.median(warm) if known else None,
    )


def _problems(
    new: Side,
    old: Side,
    new_runs: Sequence[Invocation],
    old_runs: Sequence[Invocation] | None,
    limit_ms: float | None,
) -> list[str]:
    problems: list[str] = []
    if new.errors:
        problems.append(
            f"{len(new.errors)} of {new.replayed} invocations of v{new.version} failed: {new.errors[0]}"
        )
    for index, run in enumerate(new_runs):
        refused = error_response(run.response) if not run.error else None
        if refused is None:
            continue
        if old_runs is not None and index < len(old_runs):
            if old_runs[index].error or error_response(old_runs[index].response) is not None:
                continue  # the old version refused it too: not this deployment's doing
            problems.append(
                f"event #{index + 1}: v{new.version} answered {refused}, "
                f"v{old.version} answered it without an error"
            )
        else:
            problems.append(f"event #{index + 1}: v{new.version} answered {refused}")
        break  # one example is enough; the counts are in the JSON
    problems.extend(_latency(new, old, limit_ms))
    return problems


def _latency(new: Side, old: Side, limit_ms: float | None) -> list[str]:
    """Why the new version is slower (see the module docstring), or nothing."""
    problems: list[str] = []
    if new.p95_ms is not None:
        # Over the level the budgets hold the median to, in its p95 and its median alike.
        if limit_ms is not None and new.p95_ms > limit_ms and (new.median_ms or 0) > limit_ms:
            problems.append(
                f"v{new.version} p95 {new.p95_ms:.0f} ms is over request_ms's acceptable "
                f"{limit_ms:g} ms"
            )
        if old.p95_ms is not None and old.median_ms is not None and new.median_ms is not None:
            allowed = LATENCY_FACTOR * old.p95_ms + LATENCY_SLACK_MS
            # The median must be slower too: with a handful of requests the p95 is the
            # slowest one, and one request that met a busy moment is not a slower version.
            typical = LATENCY_FACTOR * old.median_ms + LATENCY_SLACK_MS
            if new.p95_ms > allowed and new.median_ms > typical:
                problems.append(
                    f"v{new.version} p95 {new.p95_ms:.0f} ms is slower than v{old.version}'s "
                    f"{old.p95_ms:.0f} ms (allowed {LATENCY_FACTOR:g}x + {LATENCY_SLACK_MS:g} ms "
                    f"= {allowed:.0f} ms)"
                )
    return problems


def p95(values: Sequence[float]) -> float:
    """The 95th percentile, interpolated as the budgets' statistics do."""
    return quantile(sorted(values), 0.95)
