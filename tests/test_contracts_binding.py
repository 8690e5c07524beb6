"""The binder says what CPython says first, then what it never reaches (fix hints in its order)."""

from __future__ import annotations

import inspect
import itertools
from typing import Any

import pytest

from pytest_lee.contracts.child.binding import (
    binds,
    describe,
    fix_for,
    fixes,
    problems,
    shape_of,
)

SIGNATURES = [
    "def f(a, b): pass",
    "def f(a, b=1, *, k=2): pass",
    "def f(a, b, /, c, *, d): pass",
    "def f(a, /, **kw): pass",
    "def f(*args, key): pass",
    "def f(**kw): pass",
    "def f(api_name, path, *, region='eu'): pass",
    "def f(): pass",
    "def f(a, *args, b, **kw): pass",
]
KEYWORDS = ["a", "b", "c", "d", "k", "kw", "key", "path", "method", "api_name", "x"]


def calls() -> list[tuple[int, tuple[str, ...]]]:
    shapes = []
    for positional in range(5):
        shapes.append((positional, ()))
        for size in (1, 2):
            shapes.extend((positional, names) for names in itertools.permutations(KEYWORDS, size))
    return shapes


@pytest.mark.parametrize("source", SIGNATURES)
def test_the_first_problem_is_the_error_cpython_raises(source: str) -> None:
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    function = namespace["f"]
    signature = inspect.signature(function)
    checked = 0
    for positional, keywords in calls():
        try:
            function(*range(positional), **dict.fromkeys(keywords))
            expected = None
        except TypeError as error:
            expected = str(error).removeprefix("f() ")
        found = problems(signature, positional, keywords)
        assert (found[0] if found else None) == expected, (source, positional, keywords, found)
        shape = shape_of(function)  # the fast path agrees: it binds exactly when CPython does
        assert shape is not None
        assert binds(shape, positional, keywords, star=False, double_star=False) is (not found)
        checked += 1
    assert checked > 100


def test_every_problem_is_listed_in_cpythons_order_with_its_fix() -> None:
    def deploy(api_name: str, path: str) -> None:
        """A call passing ``method=`` and not ``api_name``: CPython fails on ``method`` first."""

    found = problems(inspect.signature(deploy), 0, ["path", "method"])
    assert found == [
        "got an unexpected keyword argument 'method'",
        "missing 1 required positional argument: 'api_name'",
    ]
    assert describe(found) == (
        "got an unexpected keyword argument 'method' "
        "(then: missing 1 required positional argument: 'api_name')"
    )
    assert fixes("api.deploy", found, "app.py:9") == (
        "add `method` to `api.deploy` or accept `**kwargs`; then pass `api_name` at app.py:9 "
        "or give `api_name` a default in `api.deploy`"
    )


def test_an_unknown_part_of_a_static_call_claims_nothing_about_it() -> None:
    signature = inspect.signature(lambda key, value: None)
    assert problems(signature, 0, ["key"], double_star=True) == []  # **spread may pass value
    assert problems(signature, 0, ["key", "other"], star=True) == [
        "got an unexpected keyword argument 'other'"
    ]


def test_fix_names_every_missing_parameter() -> None:
    assert fix_for("m.f", "missing 2 required positional arguments: 'a' and 'b'", "x.py:1") == (
        "pass `a`, `b` at x.py:1 or give them defaults in `m.f`"
    )
