"""The canary: a deterministic split of simulated invocations by the alias's routing weight.

Lambda routes each request of a weighted alias at random; a rehearsal that flipped
coins would pass or fail by luck. Here the split is fixed by the weight the alias
reports: ``ceil(weight × n)`` invocations (at least one) go to the new version,
spread evenly through the run, the rest to the version production is on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pytest_lee.errors import LeeError

# Runs a list of events against one version's bytes: one error (or None) per event.
Runner = Callable[[Sequence[Any]], "list[str | None]"]


@dataclass(frozen=True)
class CanaryResult:
    """What the canary saw: the split, and the errors each version returned."""

    weight: float
    invocations: int
    new_version: str
    old_version: str
    routed_new: int
    routed_old: int
    new_errors: tuple[str, ...]
    old_errors: tuple[str, ...]
    old_replayed: bool = True

    @property
    def passed(self) -> bool:
        return not self.new_errors

    def as_json(self) -> dict[str, Any]:
        return {
            "weight": self.weight,
            "invocations": self.invocations,
            "new": {
                "version": self.new_version,
                "routed": self.routed_new,
                "errors": list(self.new_errors),
            },
            "old": {
                "version": self.old_version,
                "routed": self.routed_old,
                "errors": list(self.old_errors),
                "replayed": self.old_replayed,
            },
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


def run_canary(
    *,
    weight: float,
    invocations: int,
    events: Sequence[Any],
    new_version: str,
    old_version: str,
    run_new: Runner,
    run_old: Runner | None,
) -> CanaryResult:
    """Split *invocations* by *weight*, run each version's share (in parallel), collect errors.

    Events are cycled over the invocations in order, so each version sees the events
    its positions in the schedule select. ``run_old`` is None when the previous
    version's bytes are not held locally: its share is counted but not replayed.
    """
    schedule = canary_schedule(weight, invocations)
    chosen = [events[index % len(events)] for index in range(invocations)]
    new_events = [event for event, is_new in zip(chosen, schedule) if is_new]
    old_events = [event for event, is_new in zip(chosen, schedule) if not is_new]
    with ThreadPoolExecutor(max_workers=2) as pool:
        new_future = pool.submit(run_new, new_events)
        old_future = (
            pool.submit(run_old, old_events) if run_old is not None and old_events else None
        )
        new_results = new_future.result()
        old_results = old_future.result() if old_future is not None else []
    return CanaryResult(
        weight=weight,
        invocations=invocations,
        new_version=new_version,
        old_version=old_version,
        routed_new=len(new_events),
        routed_old=len(old_events),
        new_errors=tuple(error for error in new_results if error),
        old_errors=tuple(error for error in old_results if error),
        old_replayed=run_old is not None or not old_events,
    )
