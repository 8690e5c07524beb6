"""Contract items as users meet them: a plain ``pytest`` run with ``[[tool.lee.contract]]``.

The engine under test is ``tests/data/contracts/engine``: a LEE-shaped gateway with
lazy ``(module, function)`` routers and a fast path that caches after the first
call, routers with dispatch lambdas, and cores whose every function writes
``LEAF_RAN`` when its body runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lee_helpers import CORE_LEAVES, contract_project

ROUTER_LEAVES = """
[[tool.lee.contract]]
registry = "gw:ROUTERS"
dispatcher = "gw:dispatch"
operation = "ping"
"""


def make_project(
    pytester: pytest.Pytester, contract: str = CORE_LEAVES, **edits: tuple[str, str]
) -> Path:
    """Copy the engine, apply ``file_stem=(old, new)`` text edits, write ``[tool.lee]``."""
    return contract_project(
        pytester, contract, {f"{stem}.py": [edit] for stem, edit in edits.items()}
    )


def run(pytester: pytest.Pytester, *args: str, subprocess: bool = False) -> pytest.RunResult:
    """In-process (user code runs in the checker's child either way); *subprocess* for xdist."""
    runpytest = pytester.runpytest_subprocess if subprocess else pytester.runpytest_inprocess
    return runpytest("-p", "no:cacheprovider", "-k", "contract", "-rs", *args)


INCIDENT = {"cache_core": ("def get_impl(key, timeout=30):", "def get_impl(key):")}


def test_a_compatible_registry_passes_with_one_item_per_key(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    result = run(pytester, "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*pyproject.toml::contract[[]gw:ROUTERS/CACHE[]] PASSED*",
            "*pyproject.toml::contract[[]gw:ROUTERS/HTTP[]] PASSED*",
            "*lee contracts*",
            "gw:ROUTERS  ✓ CACHE  ✓ HTTP",
        ]
    )


def test_the_incident_fails_with_the_call_the_function_and_the_fix(
    pytester: pytest.Pytester,
) -> None:
    make_project(pytester, **INCIDENT)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*gw.dispatch(Iface.CACHE, 'get', key=<str>) (call site wrappers.py:7) reached `cache_core.get_impl` "
            "(cache_core.py:10) from iface_cache.py:6, passing (timeout=30, key='key'); it accepts (key): "
            "got an unexpected keyword argument 'timeout'. Fix: add `timeout` to `cache_core.get_impl` or accept `**kwargs`.",
            "gw:ROUTERS  ✗ CACHE  ✓ HTTP",
        ]
    )
    # The gateway wrapped the TypeError in RuntimeError; the recorded binding still failed the item.
    result.stdout.no_fnmatch_line("*RuntimeError*")
    assert not (pytester.path / "LEAF_RAN").exists()
    assert not (pytester.path / "engine" / "LEAF_RAN").exists()


@pytest.mark.parametrize("registry_kind", ["lazy pairs", "callables"])
def test_callable_and_module_function_registries_are_both_checked(
    pytester: pytest.Pytester, registry_kind: str
) -> None:
    edits = dict(INCIDENT)
    if registry_kind == "callables":
        edits["gw"] = (
            'Iface.CACHE: ("iface_cache", "route_cache"),\n    Iface.HTTP: ("iface_http", "route_http"),',
            "Iface.CACHE: iface_cache.route_cache,\n    Iface.HTTP: iface_http.route_http,",
        )
        engine = make_project(pytester, **edits)
        gw = engine / "gw.py"
        gw.write_text(
            "import iface_cache\nimport iface_http\n"
            + gw.read_text().replace(
                "module_name, function_name = ROUTERS[interface]\n"
                "            router = getattr(importlib.import_module(module_name), function_name)",
                "router = ROUTERS[interface]",
            )
        )
    else:
        make_project(pytester, **edits)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*Fix: add `timeout` to `cache_core.get_impl` or accept `**kwargs`.*"]
    )


def test_a_dispatcher_that_swallows_the_error_cannot_hide_it(pytester: pytest.Pytester) -> None:
    make_project(
        pytester,
        gw=(
            '        raise RuntimeError(f"{interface.value}.{operation} failed: {error}") from error',
            "        return None",
        ),
        **INCIDENT,
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*reached `cache_core.get_impl`*Fix: add `timeout` to `cache_core.get_impl` or accept `**kwargs`.*"
        ]
    )


def test_leaves_at_the_registry_check_the_routers_themselves(pytester: pytest.Pytester) -> None:
    # Default leaves are the registry's handlers: a router that lost **kwargs is the break.
    make_project(
        pytester,
        ROUTER_LEAVES,
        iface_http=("def route_http(operation, **kwargs):", "def route_http(operation, url=None):"),
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*reached `iface_http.route_http` (iface_http.py:6) from gw.py:*, passing ('ping', timeout=30); "
            "it accepts (operation, url=None): got an unexpected keyword argument 'timeout'. "
            "Fix: add `timeout` to `iface_http.route_http` or accept `**kwargs`.*",
        ]
    )


def test_leaves_at_the_registry_do_not_look_past_kwargs_routers(pytester: pytest.Pytester) -> None:
    # Why leaves = ["*_core"] exists: with **kwargs routers the break only shows at the core.
    make_project(pytester, ROUTER_LEAVES, **INCIDENT)
    run(pytester).assert_outcomes(passed=2)


def test_a_binding_error_inside_the_wiring_is_a_failure_too(pytester: pytest.Pytester) -> None:
    # The seed's exact incident: the router (not a leaf) rejects timeout; the gateway wraps it.
    make_project(
        pytester,
        iface_http=(
            "def route_http(operation, **kwargs):",
            "def route_http(operation, url=None, retries=0):",
        ),
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*failed in the wiring at gw.py:*: `iface_http.route_http` (iface_http.py:6) accepts "
            "(operation, url=None, retries=0): got an unexpected keyword argument 'timeout'. "
            "Fix: add `timeout` to `iface_http.route_http` or accept `**kwargs`.*",
        ]
    )


def test_a_dispatcher_that_caches_resolved_handlers_cannot_defeat_the_spies(
    pytester: pytest.Pytester,
) -> None:
    # The cache is filled at import time with the real routers, before any spy exists.
    engine = make_project(
        pytester,
        ROUTER_LEAVES,
        iface_cache=(
            "def route_cache(operation, **kwargs):",
            "def route_cache(operation, key=None):",
        ),
    )
    gw = engine / "gw.py"
    gw.write_text(
        gw.read_text() + "\n\nfor _interface, (_module, _function) in ROUTERS.items():\n"
        "    for _operation in ('get', 'ping', 'fetch'):\n"
        "        _FAST[(_interface, _operation)] = getattr(importlib.import_module(_module), _function)\n"
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*reached `iface_cache.route_cache`*got an unexpected keyword argument 'timeout'*"]
    )
    assert not (pytester.path / "LEAF_RAN").exists()
    assert not (pytester.path / "engine" / "LEAF_RAN").exists()


def test_a_leaf_with_a_side_effect_never_runs(pytester: pytest.Pytester) -> None:
    make_project(pytester)
    run(pytester).assert_outcomes(passed=2)
    assert not (pytester.path / "LEAF_RAN").exists()
    assert not (pytester.path / "engine" / "LEAF_RAN").exists()
    assert not list((pytester.path / "engine").glob("__pycache__")), (
        "a check wrote bytecode into the source"
    )


def test_everything_is_restored_after_a_failing_check(pytester: pytest.Pytester) -> None:
    make_project(pytester, **INCIDENT)
    pytester.makeconftest(
        """
        import sys, pathlib
        sys.path.insert(0, str(pathlib.Path(__file__).parent / "engine"))
        import gw, cache_core, iface_cache
        BEFORE = {
            "path": list(sys.path), "gw": gw, "cache_core": cache_core,
            "get_impl": cache_core.get_impl, "bound": iface_cache.get_impl,
            "routers": dict(gw.ROUTERS),
        }
        """
    )
    pytester.makepyfile(
        test_after_contracts="""
        import sys
        import conftest

        def test_contract_checks_left_nothing_behind():
            before = conftest.BEFORE
            assert sys.modules["gw"] is before["gw"]
            assert sys.modules["cache_core"] is before["cache_core"]
            assert sys.modules["cache_core"].get_impl is before["get_impl"]
            assert sys.modules["iface_cache"].get_impl is before["bound"]
            assert not hasattr(before["get_impl"], "__lee_spy__")
            assert before["gw"]._FAST == {} and before["gw"]._COUNTS == {}
            assert before["gw"].ROUTERS == before["routers"]
            engine = [entry for entry in sys.path if entry.endswith("engine")]
            assert engine == [entry for entry in before["path"] if entry.endswith("engine")]
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "contract")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*FAILED pyproject.toml::contract[[]gw:ROUTERS/CACHE[]]*"])


def test_call_sites_become_probes_and_placeholders_follow_annotations(
    pytester: pytest.Pytester,
) -> None:
    make_project(
        pytester,
        http_core=(
            "def fetch_impl(url, retries=0, timeout=30):",
            "def fetch_impl(url, timeout=30):",
        ),
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    # retries=retries comes from `http_fetch(url: str, retries: int = 2)`: its literal default.
    result.stdout.fnmatch_lines(
        [
            "*gw.dispatch(Iface.HTTP, 'fetch', url=<str>, retries=2) (call site wrappers.py:11) reached "
            "`http_core.fetch_impl`*got an unexpected keyword argument 'retries'. "
            "Fix: add `retries` to `http_core.fetch_impl` or accept `**kwargs`.*",
        ]
    )


def test_a_validator_rejecting_a_placeholder_makes_the_key_inconclusive(
    pytester: pytest.Pytester,
) -> None:
    make_project(
        pytester,
        iface_http=(
            "    return http_core.fetch_impl(**kwargs)",
            "    if not kwargs['url'].startswith('https://'):\n"
            "        raise ValueError('only https URLs')\n"
            "    return http_core.fetch_impl(**kwargs)",
        ),
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "gw:ROUTERS  ✓ CACHE  ? HTTP",
            "*inconclusive: gw.dispatch(Iface.HTTP, 'fetch', url=<str>, retries=2) (call site wrappers.py:11) "
            "stopped before reaching any leaf: ValueError: only https URLs (at iface_http.py:*)*",
        ]
    )


def test_contract_results_reach_lee_json(pytester: pytest.Pytester) -> None:
    import json

    make_project(pytester, **INCIDENT)
    run(pytester, "--lee-json", "out.json")
    entries = json.loads((pytester.path / "out.json").read_text())["contracts"]
    assert [(e["registry"], e["key"], e["status"]) for e in entries] == [
        ("gw:ROUTERS", "CACHE", "fail"),
        ("gw:ROUTERS", "HTTP", "ok"),
    ]
    assert "add `timeout` to `cache_core.get_impl`" in entries[0]["message"]


@pytest.mark.parametrize(
    ("contract", "edits", "expected"),
    [
        (
            'registry = "nowhere:ROUTERS"',
            {},
            "*registry nowhere:ROUTERS: module 'nowhere' does not import: ModuleNotFoundError: No module named 'nowhere'",
        ),
        (
            'registry = "gw:missing"',
            {},
            "*registry gw:missing: module 'gw' has no attribute 'missing'",
        ),
        (
            'registry = "gw:Iface"',
            {},
            "*registry gw:Iface is a EnumType, expected a mapping of key → handler or key → (module, function)",
        ),
        ('registry = "gw:ROUTERS"', {"gw": ("SyntaxError", "x = (")}, None),
    ],
    ids=["does-not-import", "no-attribute", "not-a-mapping", "syntax-error"],
)
def test_a_registry_that_cannot_load_is_one_failed_item_with_one_line(
    pytester: pytest.Pytester, contract: str, edits: dict, expected: str | None
) -> None:
    engine = make_project(pytester, f"[[tool.lee.contract]]\n{contract}\n")
    if edits:
        (engine / "gw.py").write_text("x = (\n")
        expected = "*registry gw:ROUTERS: module 'gw' does not import: SyntaxError: *(at gw.py:1)"
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([expected, "*1 failed*"])
    result.stdout.no_fnmatch_line("*Traceback*")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            '("iface_gone", "route")',
            "*registry gw:ROUTERS[[]Iface.HTTP[]] = ('iface_gone', 'route'): module 'iface_gone' does not import: ModuleNotFoundError: No module named 'iface_gone'",
        ),
        (
            '("iface_http", "nope")',
            "*registry gw:ROUTERS[[]Iface.HTTP[]] = ('iface_http', 'nope'): module 'iface_http' has no function 'nope'",
        ),
        (
            "42",
            "*registry gw:ROUTERS[[]Iface.HTTP[]] is a int, expected a callable or a (module, function) pair",
        ),
    ],
    ids=["module-missing", "function-missing", "not-callable"],
)
def test_a_bad_entry_fails_its_own_item_only(
    pytester: pytest.Pytester, entry: str, expected: str
) -> None:
    make_project(
        pytester,
        ROUTER_LEAVES,
        gw=('Iface.HTTP: ("iface_http", "route_http"),', f"Iface.HTTP: {entry},"),
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([expected])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_a_dispatcher_raising_before_any_handler_is_inconclusive(pytester: pytest.Pytester) -> None:
    make_project(
        pytester,
        gw=("    pair = (interface, operation)", "    raise KeyError('gateway not initialised')"),
    )
    result = run(pytester)
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*inconclusive: *stopped before reaching any leaf: KeyError: 'gateway not initialised' (at gw.py:*)*"
        ]
    )


def test_without_a_dispatcher_the_handler_is_bound_directly(pytester: pytest.Pytester) -> None:
    make_project(
        pytester,
        '[[tool.lee.contract]]\nregistry = "gw:ROUTERS"\noperation = "ping"\nkwargs = { deadline = 5 }\n',
    )
    result = run(pytester)
    result.assert_outcomes(passed=2)
    make_project_again = pytester.path / "engine" / "iface_http.py"
    make_project_again.write_text(
        make_project_again.read_text().replace("(operation, **kwargs)", "(operation)")
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*reached `iface_http.route_http`*passing ('ping', deadline=5)*Fix: add `deadline` to `iface_http.route_http` or accept `**kwargs`.*"
        ]
    )


def test_under_xdist_the_controller_prints_the_matrix_and_writes_the_json(
    pytester: pytest.Pytester,
) -> None:
    import json

    make_project(pytester, **INCIDENT)
    result = run(pytester, "-n", "2", "--lee-json", "out.json", subprocess=True)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["gw:ROUTERS  ✗ CACHE  ✓ HTTP"])
    entries = json.loads((pytester.path / "out.json").read_text())["contracts"]
    assert sorted((e["key"], e["status"]) for e in entries) == [("CACHE", "fail"), ("HTTP", "ok")]
