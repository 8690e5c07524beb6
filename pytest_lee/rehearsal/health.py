"""What a health check's response must be to pass: ``[tool.lee.rehearsal]`` and Lambda's own rules.

A health check that passes on ``400 "Unknown request type"`` checks nothing. So, by
default, the check fails on a function error (an exception, a response Lambda cannot
serialise to JSON), a ``statusCode`` of 400 or more, a response over Lambda's 6 MB
limit for a synchronous invocation, and a connection the network guard refused; then
``expect`` (a subset the response must contain) and ``check`` (a function called with
the response, which raises to fail) add the project's own rules. Each failure is one
line saying which rule the response broke.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pytest_lee._reference import load_reference
from pytest_lee.settings import Settings

# Lambda's limit on a synchronous invocation's response payload.
RESPONSE_LIMIT = 6 * 1024 * 1024
HEALTH_EVENT = {"test": "true"}


def health_event(settings: Settings) -> Any:
    """``[tool.lee.rehearsal] event``, else ``[tool.lee.budgets] event``, else the first file
    of ``[tool.lee.budgets] events`` (the cold-start event), else ``{"test": "true"}``."""
    if settings.rehearsal.event is not None:
        return dict(settings.rehearsal.event)
    if settings.budgets is not None and settings.budgets.event is not None:
        return dict(settings.budgets.event)
    if settings.budgets is not None and settings.budgets.events is not None:
        from pytest_lee.budgets.measure import load_events

        return load_events(settings)[0]
    return dict(HEALTH_EVENT)


def replayed_events(settings: Settings, health: Any) -> list[Any]:
    """What the canary replays by default: the budgets' events (``event`` or ``events``)
    when configured, else the health-check event alone."""
    budgets = settings.budgets
    if budgets is None or (budgets.event is None and budgets.events is None):
        return [health]
    from pytest_lee.budgets.measure import load_events

    return load_events(settings)


def request_limit_ms(settings: Settings) -> float | None:
    """``request_ms``'s acceptable level, which the canary holds the new version's p95 to."""
    if settings.budgets is None:
        return None
    levels = settings.budgets.metrics.get("request_ms")
    return None if levels is None else levels.acceptable


def judge(
    settings: Settings, response: Any, error: str | None, blocked: tuple[str, ...] = ()
) -> str | None:
    """Why *response* (or the invocation's *error*) fails the health check, or None."""
    code = response.get("statusCode") if isinstance(response, Mapping) else None
    if error and error == f"statusCode {code}":  # the runner's 5xx: say what the body said
        return f"{error}{_body(response)}"
    if error:
        return error
    if blocked:
        return (
            f"the handler tried to reach {', '.join(blocked)}: refused, children never reach "
            "the internet (AWS calls go to the loopback moto server)"
        )
    if isinstance(code, int) and not isinstance(code, bool) and code >= 400:
        return f"statusCode {code}{_body(response)}"
    size = len(json.dumps(response, default=repr).encode("utf-8"))
    if size > RESPONSE_LIMIT:
        return (
            f"response is {size / (1024 * 1024):.1f} MB, over Lambda's 6 MB limit for a "
            "synchronous invocation"
        )
    expected = settings.rehearsal.expect
    if expected is not None:
        mismatch = subset_mismatch(response, expected, "")
        if mismatch:
            return f"[tool.lee.rehearsal] expect: {mismatch}"
    if settings.rehearsal.check is not None:
        return _run_check(settings, response)
    return None


def subset_mismatch(actual: Any, expected: Any, where: str) -> str | None:
    """Where *actual* does not contain *expected* (mappings as subsets, the rest equal)."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return f"{where or 'the response'} is {_short(actual)}, expected a mapping"
        for key, value in expected.items():
            path = f"{where}.{key}" if where else str(key)
            if key not in actual:
                return f"{path} is missing (expected {_short(value)})"
            found = subset_mismatch(actual[key], value, path)
            if found:
                return found
        return None
    if actual != expected:
        return f"{where or 'the response'} is {_short(actual)}, expected {_short(expected)}"
    return None


def _run_check(settings: Settings, response: Any) -> str | None:
    reference = settings.rehearsal.check or ""
    check = load_reference(settings, reference, "tool.lee.rehearsal.check")
    try:
        check(response)
    except Exception as error:
        message = str(error).strip().splitlines()
        shown = f"{type(error).__name__}: {message[0]}" if message else type(error).__name__
        return f"[tool.lee.rehearsal] check {reference}: {shown}"
    return None


def _body(response: Mapping[str, Any]) -> str:
    from pytest_lee.lambda_runtime.evidence import body_excerpt

    body = body_excerpt(response)
    return f": {body}" if body else ""


def _short(value: Any, limit: int = 100) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    text = json.dumps(text) if isinstance(value, str) else text
    return text if len(text) <= limit else text[: limit - 1] + "…"
