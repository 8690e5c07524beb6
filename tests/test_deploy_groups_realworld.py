"""Deploy groups on the four real change sets of the LEE engine's history (``../shared``).

Skipped when ``../shared`` is absent. The groups asserted here were checked by hand by
building the mixed trees (``bench/bench_deploy_groups.py`` prints them with the
failure that ties each file). The handler-import checks are static and cheap, so
the two large change sets run through the whole search with them alone; the
contract checker (a fresh interpreter per tree) is run on the three trees that show
why pull request 6's split wrappers need 7 new routers (operations only the new
routers dispatch), and on the fa7e120 snapshot with an operation renamed in a router
and its wrapper, with the default leaves (spies on the routers).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_lee.contracts.check import ContractSpec
from pytest_lee.deploy_groups.attribution import regressions
from pytest_lee.deploy_groups.baseline import Baseline, changed_files, simulate, tree_files
from pytest_lee.deploy_groups.groups import find_groups
from pytest_lee.deploy_groups.trees import TreeRunner
from pytest_lee.settings import ContractSettings, Settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
HISTORY = SHARED / "realworld" / "engine" / "history"
HANDLER = "lambda_function.lambda_handler"
CONTRACT = ContractSettings(
    "gateway_core:_INTERFACE_ROUTERS", "gateway_core:execute_operation", operation=None
)

pytestmark = pytest.mark.realworld


def ends(name: str, tmp_path: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    shutil.copytree(HISTORY / name / "old" / "src", tmp_path / "old")
    shutil.copytree(HISTORY / name / "new" / "src", tmp_path / "src")
    return tree_files(tmp_path / "old"), tree_files(tmp_path / "src")


def handler_search(name: str, tmp_path: Path, specs: list[dict[str, object]] | None = None):
    base, current = ends(name, tmp_path)
    changed = changed_files(base, current)
    runner = TreeRunner(tmp_path, base, current, specs or [], handler=HANDLER, workers=2)
    try:
        removed = [n for n in changed if n not in current]
        return find_groups(changed, runner, set(base) | set(current), removed=removed)
    finally:
        runner.close()


def test_pull_request_8_the_renamed_failsafe_handler_ships_with_its_caller(tmp_path: Path) -> None:
    search = handler_search("6733fff-427a5da", tmp_path)
    assert [g.files for g in search.groups] == [("lambda_failsafe.py", "lambda_function.py")]
    assert search.fail_alone == ["lambda_failsafe.py", "lambda_function.py"]
    assert len(search.safe_alone) == 12  # home_assistant/* and websocket_core.py


def test_pull_request_6_the_gateway_ships_with_its_wrappers_and_routers_with_their_cores(
    tmp_path: Path,
) -> None:
    search = handler_search("693b303-16175be", tmp_path)
    wrappers = tuple(f"gateway_wrappers_{n}.py" for n in WRAPPERS)
    groups = {g.files for g in search.groups}
    # gateway.py imports names only the split gateway_wrappers.py re-exports (import *);
    # each new router imports a new *_reset/*_stats implementation from its core.
    assert ("gateway.py", "gateway_wrappers.py", *wrappers) in groups
    assert ("interface_cache.py", "cache_core.py") in groups
    assert ("interface_logging.py", "logging_core.py", "logging_manager.py") in groups
    assert ("metrics_types.py", "metrics_helper.py") in groups
    assert len(groups) == 14
    assert len(search.fail_alone) == 16
    assert len(search.safe_alone) == 51 - 16


WRAPPERS = [
    "cache",
    "circuit_breaker",
    "config",
    "debug",
    "http_client",
    "initialization",
    "logging",
    "metrics",
    "security",
    "singleton",
    "utility",
    "websocket",
]


def test_pull_request_6_moved_functions_are_not_removed(tmp_path: Path) -> None:
    shutil.copytree(HISTORY / "693b303-16175be" / "new" / "src", tmp_path / "src")
    shutil.copytree(HISTORY / "693b303-16175be" / "old" / "src", tmp_path / "old")
    from pytest_lee.deploy_groups.baseline import _signature_changes

    settings = Settings(rootdir=tmp_path, source=tmp_path / "src", contracts=(CONTRACT,))
    base, current = tree_files(tmp_path / "old"), tree_files(tmp_path / "src")
    changes = _signature_changes(settings, base, current, changed_files(base, current))
    removed = {(c.file, c.function) for c in changes if c.details == ("removed",)}
    # 91 functions moved into gateway_wrappers_*.py, re-exported with `import *`; the two
    # legacy names the change log says it removed are the only ones gone from the module.
    assert {f for file, f in removed if file == "gateway_wrappers.py"} == {
        "get_http_client_state",
        "reset_http_client_state",
    }


@pytest.mark.parametrize("name", ["c276a0d-7e9a0ad", "3155d25-5248df2"])
def test_early_uploads_without_a_registry_are_not_judged(name: str, tmp_path: Path) -> None:
    ends(name, tmp_path)
    settings = Settings(
        rootdir=tmp_path, source=tmp_path / "src", handler=HANDLER, contracts=(CONTRACT,)
    )
    outcome = simulate(Baseline("directory", "old", tmp_path / "old"), settings, workers=2)
    assert outcome.groups == ()
    assert outcome.not_judged[0].startswith(
        "contract gateway_core:_INTERFACE_ROUTERS loads at neither end"
    )
    assert ContractSpec.from_settings(CONTRACT).registry in outcome.not_judged[0]


SNAPSHOT = SHARED / "realworld" / "engine" / "snapshot-fa7e120" / "src"
SPEC = ContractSpec.from_settings(CONTRACT).as_dict()  # the default leaves: spies on the routers


def test_pull_request_6_the_split_wrappers_need_the_routers_that_dispatch_their_new_operations(
    tmp_path: Path,
) -> None:
    base, current = ends("693b303-16175be", tmp_path)
    split = frozenset(
        ["gateway.py", "gateway_wrappers.py"] + [f"gateway_wrappers_{n}.py" for n in WRAPPERS]
    )
    runner = TreeRunner(tmp_path, base, current, [SPEC], handler=HANDLER, workers=2)
    try:
        runner.prefetch([frozenset(), frozenset(changed_files(base, current)), split])
        new = regressions(
            runner.results(split),
            runner.results(frozenset()),
            runner.results(frozenset(changed_files(base, current))),
        )
    finally:
        runner.close()
    # Checked by hand: each new wrapper calls an operation only the new router dispatches
    # (grep "GatewayInterface.CONFIG, 'reset'" and "'reset'" in interface_config.py at each end).
    unknown = {
        (r.files[-1], r.cause.split("operation ")[1].split(" ")[0])
        for r in new
        if "does not dispatch" in r.cause
    }
    routers = (
        "circuit_breaker",
        "config",
        "debug",
        "http",
        "initialization",
        "singleton",
        "websocket",
    )
    assert {router for router, _ in unknown} == {f"interface_{name}.py" for name in routers}
    assert {
        ("interface_circuit_breaker.py", "'get_stats'"),
        ("interface_config.py", "'reset'"),
        ("interface_debug.py", "'check_initialization_health'"),
        ("interface_singleton.py", "'reset'"),
    } <= unknown


def test_an_operation_renamed_in_a_router_and_its_wrapper_is_a_group_with_the_default_leaves(
    tmp_path: Path,
) -> None:
    shutil.copytree(SNAPSHOT, tmp_path / "old", ignore=shutil.ignore_patterns("__pycache__"))
    base = tree_files(tmp_path / "old")
    current = dict(base)
    current["interface_cache.py"] = base["interface_cache.py"].replace(
        b"'get': lambda", b"'lookup': lambda"
    )
    current["gateway_wrappers_cache.py"] = base["gateway_wrappers_cache.py"].replace(
        b"GatewayInterface.CACHE, 'get'", b"GatewayInterface.CACHE, 'lookup'"
    )
    changed = changed_files(base, current)
    runner = TreeRunner(tmp_path, base, current, [SPEC], handler=HANDLER, workers=2)
    try:
        search = find_groups(changed, runner, set(base), map_parallel=runner.map)
    finally:
        runner.close()
    assert [g.files for g in search.groups] == [("gateway_wrappers_cache.py", "interface_cache.py")]
    assert "does not dispatch operation 'lookup'" in search.groups[0].ties[0][1].cause
