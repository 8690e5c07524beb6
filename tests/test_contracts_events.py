"""The template's API events against a registry's routes (pure matching, and as users meet it)."""

from __future__ import annotations

import textwrap

import pytest

from pytest_lee.contracts.events import matches, route_key, unevented, unrouted


@pytest.mark.parametrize(
    ("event", "route", "expected"),
    [
        (("GET", "/orders/{order_id}"), ("GET", "/orders/<order_id>"), True),  # Powertools
        (("GET", "/orders/{order_id}"), ("GET", "/orders/{id}"), True),  # a dict key
        (("get", "/orders"), ("GET", "/orders"), True),  # methods ignore case
        (("GET", "/Orders"), ("GET", "/orders"), False),  # paths do not
        (("ANY", "/orders"), ("DELETE", "/orders"), True),
        (("POST", "/orders"), ("ANY", "/orders"), True),
        (("POST", "/orders"), ("GET", "/orders"), False),
        (("ANY", "/{proxy+}"), ("GET", "/orders/<order_id>"), True),
        (("GET", "/orders/{proxy+}"), ("GET", "/orders/<order_id>/items"), True),
        (("GET", "/orders/{proxy+}"), ("GET", "/orders"), False),  # deeper only
        (("GET", "/orders/{order_id}"), ("GET", "/orders/<order_id>/items"), False),
        (("GET", "/orders/latest"), ("GET", "/orders/<order_id>"), False),
        (("GET", "/"), ("GET", "/"), True),
    ],
)
def test_matching_rules(event: tuple[str, str], route: tuple[str, str], expected: bool) -> None:
    assert matches(event, route) is expected


def test_each_event_needs_a_route_and_each_route_an_event() -> None:
    events = [("GET", "/orders"), ("GET", "/orders/{order_id}"), ("DELETE", "/users/{id}")]
    labels = ["GET /orders", "GET /orders/<order_id>", "POST /orders"]
    assert unrouted(events, labels) == [("DELETE", "/users/{id}")]
    assert unevented(events, labels) == ["POST /orders"]
    assert route_key("CACHE") is None and unevented(events, ["CACHE"]) == []


APP = {
    "routes.py": "def list_orders(query):\n    return []\n\n\n"
    "def create_order(query):\n    return {}\n\n\n"
    'ROUTES = {"GET /orders": list_orders, "POST /orders": create_order}\n',
    "app.py": "from routes import ROUTES\n\n\ndef handler(event, context):\n"
    '    return ROUTES[event["routeKey"]](query=event.get("query"))\n',
}


def test_a_template_event_without_a_route_fails_naming_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through ``settings.function.api_events`` (the SAM template reader fills it)."""
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "src"\nhandler = "app.handler"\n\n'
        '[[tool.lee.contract]]\nregistry = "routes:ROUTES"\ndispatcher = "app:handler"\n'
    )
    source = pytester.path / "src"
    source.mkdir()
    for name, text in APP.items():
        (source / name).write_text(textwrap.dedent(text))
    events = (("GET", "/orders"), ("GET", "/orders/{order_id}"))
    monkeypatch.setattr("pytest_lee.contracts.items.api_events", lambda settings: events)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "contract", "-rs")
    result.assert_outcomes(passed=1, failed=2)
    text = result.stdout.str()
    assert (
        "template event GET /orders/{order_id} has no route in routes:ROUTES (keys: GET /orders, "
        "POST /orders)"
    ) in text
    assert "route POST /orders has no Api/HttpApi event in the template" in text
