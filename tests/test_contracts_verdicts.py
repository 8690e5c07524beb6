"""Verdicts from the real call sites, on a small engine reproducing the LEE snapshot's patterns.

``tests/data/contracts/patterns`` has one wrapper per pattern met in the real engine
(see ``gateway_wrappers.py``): an operation the router does not dispatch (by
``ValueError`` and by ``KeyError``), a parameter passed under another name, a
placeholder the router refuses, a keyword colliding with the gateway's own
parameter, ``tags=`` where the core takes ``dimensions``, an excluded self-test
file calling ``'invalid_operation'``, and a ``*_core`` module nothing imports that
fails at import.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_lee.contracts.child.verdict import classify
from pytest_lee.contracts.results import ContractSpec, KeyResult
from pytest_lee.contracts.runner import run_tree

PATTERNS = Path(__file__).parent / "data" / "contracts" / "patterns"
SPEC = ContractSpec(
    "gateway_core:_INTERFACE_ROUTERS", "gateway_core:execute_operation", leaves=("*_core",)
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("patterns") / "src"
    shutil.copytree(PATTERNS, target)
    return target


def packaged(engine: Path) -> list[str]:
    return sorted(
        path.relative_to(engine).as_posix()
        for path in engine.rglob("*.py")
        if not path.name.endswith("_selftest.py")
    )


@pytest.fixture(scope="module")
def verdicts(engine: Path) -> dict[str, KeyResult]:
    return {r.key: r for r in run_tree(engine, [SPEC], files=packaged(engine))}


def test_each_key_gets_the_verdict_its_call_sites_earn(verdicts: dict[str, KeyResult]) -> None:
    assert {key: r.status for key, r in verdicts.items()} == {
        "CACHE": "fail",
        "SINGLETON": "fail",
        "WEBSOCKET": "fail",
        "BREAKER": "fail",
        "METRICS": "fail",
        "UNUSED": "inconclusive",
    }


def test_an_operation_the_router_does_not_dispatch_fails_naming_both_lines(
    verdicts: dict[str, KeyResult],
) -> None:
    assert verdicts["CACHE"].message == (
        "gateway_core.execute_operation(GatewayInterface.CACHE, 'warm', keys=<list>) (call site "
        "gateway_wrappers.py:13): the wiring does not dispatch operation 'warm': ValueError: Unknown "
        "cache operation: 'warm'. Valid operations: get, set (at interface_cache.py:13). Fix: call an "
        "operation the router at interface_cache.py:13 dispatches, or add 'warm' to it."
    )
    assert "KeyError: 'summary' (at interface_metrics.py:9)" in verdicts["METRICS"].message
    assert "does not dispatch operation 'optimize_memory'" in verdicts["SINGLETON"].message


def test_a_parameter_passed_under_another_name_fails(verdicts: dict[str, KeyResult]) -> None:
    assert (
        "(call site gateway_wrappers.py:29): the wiring requires 'connection', which the call does "
        "not pass (it passes `connection_id`): ValueError: websocket.send requires 'connection' "
        "parameter (at interface_websocket.py:9). Fix: pass `connection` at gateway_wrappers.py:29."
    ) in verdicts["WEBSOCKET"].message
    assert "requires 'value', which the call does not pass" in verdicts["SINGLETON"].message


def test_a_refused_placeholder_is_inconclusive_and_hides_no_failure(
    verdicts: dict[str, KeyResult],
) -> None:
    breaker = verdicts["BREAKER"]
    statuses = {probe.origin: probe.status for probe in breaker.probes}
    assert statuses == {
        "gateway_wrappers.py:33": "inconclusive",  # func: Any → a str placeholder
        "gateway_wrappers.py:37": "ok",  # func: Callable → a callable placeholder
        "gateway_wrappers.py:53": "fail",
    }
    assert breaker.message.startswith(
        "gateway_core.execute_operation(GatewayInterface.BREAKER, 'reset', name=<str>)"
    )
    assert (
        "Also inconclusive (1):\n  gateway_core.execute_operation(GatewayInterface.BREAKER, 'call', "
        "name=<str>, func=<str>) (call site gateway_wrappers.py:33) the wiring refused a placeholder "
        "value the probe made up: TypeError: breaker.call 'func' must be callable, got str "
        "(at interface_breaker.py:9)"
    ) in breaker.message


def test_wiring_and_leaf_failures_carry_their_locations(verdicts: dict[str, KeyResult]) -> None:
    metrics = verdicts["METRICS"].message
    assert (
        "failed in the wiring at gateway_wrappers.py:49: `gateway_core.execute_operation`"
        in metrics
    )
    assert "got multiple values for argument 'interface'" in metrics
    assert (
        "reached `metrics_core.record_metric` (metrics_core.py:4) from interface_metrics.py:9"
        in metrics
    )
    assert " at ?" not in metrics and "(?)" not in metrics


def test_the_configured_probe_is_left_out_where_it_does_not_apply(
    verdicts: dict[str, KeyResult],
) -> None:
    cache = verdicts["CACHE"]
    assert [probe.origin for probe in cache.probes] == [
        "gateway_wrappers.py:9",
        "gateway_wrappers.py:13",
    ]
    assert [probe.origin for probe in cache.not_applicable] == ["[tool.lee.contract]"]
    assert verdicts["UNUSED"].message.startswith(
        "no probe applies to UNUSED: no call site reaches it"
    )


def test_excluded_test_files_are_not_call_sites(verdicts: dict[str, KeyResult]) -> None:
    origins = {probe.origin for r in verdicts.values() for probe in r.probes}
    assert not any(origin.startswith("gateway_selftest") for origin in origins)


def test_operation_false_turns_the_configured_probe_off(engine: Path) -> None:
    spec = ContractSpec(SPEC.registry, SPEC.dispatcher, None, leaves=SPEC.leaves)
    results = {r.key: r for r in run_tree(engine, [spec], files=packaged(engine))}
    assert all(not r.not_applicable for r in results.values())
    assert results["UNUSED"].message == (
        "no probe applies to UNUSED: no call site reaches it, and no configured operation "
        "(operation = false)"
    )


def test_a_leaf_module_the_registry_does_not_reach_may_fail_to_import(engine: Path) -> None:
    # home_assistant/ha_devices_core.py matches *_core and fails at import: no key cares.
    assert "home_assistant" not in str(run_tree(engine, [SPEC], files=packaged(engine)))
    # Once a router imports it, the keys that reach it fail, and only those.
    router = engine.parent / "reached" / "src"
    shutil.copytree(engine, router)
    path = router / "interface_unused.py"
    path.write_text("import home_assistant.ha_devices_core\n" + path.read_text())
    results = {r.key: r for r in run_tree(router, [SPEC], files=packaged(router))}
    assert results["UNUSED"].status == "fail"
    assert "(at home_assistant/ha_devices_core.py:3)" in results["UNUSED"].message
    assert (
        results["WEBSOCKET"].status == "fail"
        and "home_assistant" not in results["WEBSOCKET"].message
    )


def test_no_leaf_body_ran(engine: Path, verdicts: dict[str, KeyResult]) -> None:
    assert not (engine / "LEAF_RAN").exists()


@pytest.mark.parametrize(
    ("error", "message", "operation", "passed", "kind"),
    [
        (
            "ValueError",
            "Unknown utility operation: test_operation. Valid: a",
            "test_operation",
            [],
            "operation",
        ),
        ("KeyError", "'summary'", "summary", [], "operation"),
        (
            "ValueError",
            "config.switch_preset requires 'preset_name' parameter",
            "switch_preset",
            ["preset"],
            "parameter",
        ),
        ("ValueError", "'key' is required", "get", [], "parameter"),
        ("KeyError", "'name'", "get", ["key"], "parameter"),
        ("TypeError", "singleton.get 'name' must be str, got int", "get", ["name"], "value"),
        (
            "TypeError",
            "circuit_breaker.call 'func' must be callable, got str",
            "call",
            ["func"],
            "value",
        ),
        ("ValueError", "requires 'name' parameter", "get", ["name"], "value"),
        ("KeyError", "'gateway not initialised'", "get", [], "other"),
        ("ValueError", "only https URLs", "fetch", ["url"], "other"),
    ],
)
def test_what_a_refusal_is_about(
    error: str, message: str, operation: str, passed: list[str], kind: str
) -> None:
    assert classify(error, message, operation, passed).kind == kind


def test_the_items_judge_only_packaged_files_and_the_summary_counts(
    pytester: pytest.Pytester,
) -> None:
    shutil.copytree(PATTERNS, pytester.path / "src")
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "src"\nexclude = ["*_selftest.py"]\n\n[[tool.lee.contract]]\n'
        'registry = "gateway_core:_INTERFACE_ROUTERS"\ndispatcher = "gateway_core:execute_operation"\n'
        'leaves = ["*_core"]\n'
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "contract", "-rs")
    result.assert_outcomes(failed=5, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "gateway_core:_INTERFACE_ROUTERS  ✗ CACHE  ✗ SINGLETON  ✗ WEBSOCKET  ✗ BREAKER  ✗ METRICS  ? UNUSED",
            "  ✗ SINGLETON (2 failures): *",
            "  ✗ BREAKER (1 failure, 1 inconclusive): *",
            "  ? UNUSED: no probe applies to UNUSED: *",
        ]
    )
    result.stdout.no_fnmatch_line("*invalid_operation*")


def test_a_leaf_module_imported_by_a_computed_name_gets_its_spies_too(tmp_path: Path) -> None:
    (tmp_path / "gw.py").write_text(
        "import importlib\n\n\ndef route(operation, **kwargs):\n"
        "    return importlib.import_module('lazy' + '_core').work(**kwargs)\n\n\n"
        "ROUTES = {'K': route}\n"
    )
    (tmp_path / "lazy_core.py").write_text(
        "import pathlib\n\n\ndef work(key):\n    pathlib.Path('LEAF_RAN').write_text('work')\n"
    )
    spec = ContractSpec("gw:ROUTES", None, "get", {"timeout": 1}, ("*_core",))
    (result,) = run_tree(tmp_path, [spec])
    assert result.status == "fail"
    assert "reached `lazy_core.work` (lazy_core.py:4) from gw.py:5" in result.message
    assert not (tmp_path / "LEAF_RAN").exists()
