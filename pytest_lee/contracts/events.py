"""The template's API events against the registry's routes: each must have the other.

A SAM template routes ``GET /orders/{order_id}`` to the function; the code must have a
route for it, or API Gateway's request reaches a handler that answers 404. A route no
event reaches is dead code, or an event someone forgot to add. Pure functions over
``(METHOD, "/path/{x}")`` pairs (``settings.function.api_events``) and registry key
labels (``"GET /orders/{order_id}"`` in a dict, ``"GET /orders/<order_id>"`` from a
Powertools resolver).

Matching: ``{x}`` in a template path equals ``<x>`` in a Powertools route and ``{x}`` in
a dict key (any parameter matches any parameter); ``ANY`` matches every method;
``{proxy+}`` matches any deeper path, and is satisfied by any route under it; paths
compare case-sensitively, methods case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

Event = tuple[str, str]  # (METHOD, "/path/{x}")
_PARAMETER = re.compile(r"^(?:\{\w+\}|<\w+>)$")
_GREEDY = re.compile(r"^\{\w+\+\}$")
_ROUTE = re.compile(r"^([A-Za-z]+)\s+(/\S*)$")


def route_key(label: str) -> Event | None:
    """``"GET /orders/<order_id>"`` → ``("GET", "/orders/<order_id>")``; None for other keys."""
    match = _ROUTE.match(label.strip())
    return (match.group(1).upper(), match.group(2)) if match else None


def matches(event: Event, route: Event) -> bool:
    """Does the template's *event* reach the code's *route* (or the route serve the event)?"""
    return _methods(event[0], route[0]) and _paths(_segments(event[1]), _segments(route[1]))


def unrouted(events: Iterable[Event], labels: Iterable[str]) -> list[Event]:
    """The events no route serves, in the template's order."""
    routes = [route for route in map(route_key, labels) if route is not None]
    return [event for event in events if not any(matches(event, route) for route in routes)]


def unevented(events: Sequence[Event], labels: Iterable[str]) -> list[str]:
    """The route labels no event reaches, in the registry's order."""
    found = []
    for label in labels:
        route = route_key(label)
        if route is not None and not any(matches(event, route) for event in events):
            found.append(label)
    return found


def applies(labels: Iterable[str]) -> bool:
    """Only a registry keyed by routes is matched with the template's events."""
    return any(route_key(label) is not None for label in labels)


def _methods(first: str, second: str) -> bool:
    a, b = first.upper(), second.upper()
    return a == b or "ANY" in (a, b)


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _paths(first: list[str], second: list[str]) -> bool:
    for a, b in zip(first, second):
        if _GREEDY.match(a) or _GREEDY.match(b):
            return True  # the other path has a segment here: "any deeper path"
        if not (a == b or (_PARAMETER.match(a) and _PARAMETER.match(b))):
            return False
    return len(first) == len(second)
