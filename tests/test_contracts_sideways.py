"""One layer up and sideways: calls between the modules a registry network reaches.

A small SIMA engine written here: a gateway (registry, dispatcher, a facade re-exporting
the wrappers), two interfaces with their cores. The cores call each other and back into
the gateway's wrappers, never through the dispatcher, so only these checks see them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_lee.contracts.calls import sideways_records
from pytest_lee.contracts.child.facts import import_graph, tree_files
from pytest_lee.contracts.results import ContractSpec, KeyResult
from pytest_lee.contracts.runner import run_tree

SPEC = ContractSpec("gateway_core:ROUTERS", "gateway_core:execute", None, {}, ("*_core",))

FILES = {
    "gateway_core.py": """
        import importlib

        ROUTERS = {"LOG": ("interface_log", "route"), "CACHE": ("interface_cache", "route")}


        def execute(interface, operation, **kwargs):
            module, name = ROUTERS[interface]
            return getattr(importlib.import_module(module), name)(operation, **kwargs)
    """,
    "gateway_wrappers_log.py": """
        from gateway_core import execute


        def log_error(message, error=None, **kwargs):
            return execute("LOG", "error", message=message, error=error, **kwargs)
    """,
    "gateway_wrappers_cache.py": """
        from gateway_core import execute


        def cache_get(key):
            return execute("CACHE", "get", key=key)
    """,
    "gateway.py": """
        from gateway_core import execute
        from gateway_wrappers_cache import *
        from gateway_wrappers_log import *
    """,
    "interface_log.py": """
        import log_core


        def route(operation, **kwargs):
            return getattr(log_core, operation)(**kwargs)
    """,
    "log_core.py": """
        import log_manager


        def error(message, error=None, **kwargs):
            if error:
                kwargs["error"] = str(error)
            return log_manager.write(message, error=kwargs.get("error"), **kwargs)
    """,
    "log_manager.py": """
        def write(message, error=None, **kwargs):
            return message
    """,
    "interface_cache.py": """
        import cache_core


        def route(operation, **kwargs):
            return getattr(cache_core, operation)(**kwargs)
    """,
    "cache_core.py": """
        import log_manager


        def get(key):
            from gateway import cache_get_many, log_error

            log_manager.write("miss", None, "info")
            log_error("miss", key, error=None)
            return None
    """,
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sima") / "src"
    root.mkdir()
    for name, text in FILES.items():
        (root / name).write_text(textwrap.dedent(text).lstrip())
    return root


@pytest.fixture(scope="module")
def verdicts(engine: Path) -> dict[str, KeyResult]:
    return {r.key: r for r in run_tree(engine, [SPEC])}


def sideways(result: KeyResult) -> dict[str, str]:
    return {p.origin: p.message for p in result.probes if p.layer == "sideways"}


def test_a_core_passing_a_keyword_twice_to_another_core_fails_its_key(
    verdicts: dict[str, KeyResult],
) -> None:
    assert verdicts["LOG"].status == "fail"
    assert sideways(verdicts["LOG"]) == {
        "log_core.py:7": (
            "log_manager.write(…, error=…, **kwargs) (call site log_core.py:7, in "
            "`log_core.error`) passes `error` twice once `kwargs['error']` is stored "
            "(log_core.py:6): TypeError: got multiple values for keyword argument 'error'. "
            "Fix: pass `error` once at log_core.py:7 (pop it from `kwargs`, or drop `error=`)."
        )
    }


def test_a_name_the_gateway_does_not_define_and_calls_that_do_not_bind_fail_at_their_line(
    verdicts: dict[str, KeyResult],
) -> None:
    found = sideways(verdicts["CACHE"])
    assert found["cache_core.py:5"] == (
        "`from gateway import cache_get_many` (cache_core.py:5): module `gateway` (gateway.py) "
        "does not define `cache_get_many` (inside a function: it fails when that function runs). "
        "Fix: import `cache_get`, or stop importing it at cache_core.py:5."
    )
    assert "takes from 1 to 2 positional arguments but 3 were given" in found["cache_core.py:7"]
    assert found["cache_core.py:8"] == (
        "gateway_wrappers_log.log_error('miss', key, error=…) (call site cache_core.py:8, in "
        "`cache_core.get`) does not bind to `gateway_wrappers_log.log_error` "
        "(gateway_wrappers_log.py:4), which accepts (message, error=None, **kwargs): "
        "got multiple values for argument 'error'. Fix: pass `error` once at cache_core.py:8."
    )
    assert "does not define `log_error`" not in verdicts["CACHE"].message  # the facade has it
    assert set(found) == {"cache_core.py:5", "cache_core.py:7", "cache_core.py:8"}


def test_the_findings_are_charged_to_the_key_whose_router_is_nearest(
    verdicts: dict[str, KeyResult],
) -> None:
    # log_manager is reached by both routers; the call is written in log_core, LOG's core.
    assert "log_core.py" not in verdicts["CACHE"].message
    assert set(verdicts["CACHE"].implicated) >= {"cache_core.py", "gateway_wrappers_log.py"}


def test_the_static_reader_resolves_imports_per_scope(engine: Path) -> None:
    paths = tree_files(engine)
    graph = import_graph(engine, paths)
    records = sideways_records(engine, paths, ["cache_core"], graph)
    assert [(r["kind"], r["origin"], r.get("name")) for r in records] == [
        ("import", "cache_core.py:5", "cache_get_many"),
        ("import", "cache_core.py:5", "log_error"),
        ("bind", "cache_core.py:7", "write"),
        ("bind", "cache_core.py:8", "log_error"),
    ]
