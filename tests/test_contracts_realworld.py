"""Contract verdicts on the real LEE engine (``../shared/realworld/engine/snapshot-fa7e120``).

Skipped when ``../shared`` is absent (a fresh clone). The engine is copied to a
temporary directory first; its own ``test_*.py`` files are excluded from the
package, as a user's ``[tool.lee] exclude`` would.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from pytest_lee.contracts.check import ContractSpec, KeyResult, check_tree
from pytest_lee.package.select import select_files

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SNAPSHOT = SHARED / "realworld" / "engine" / "snapshot-fa7e120" / "src"
SPEC = ContractSpec(
    "gateway_core:_INTERFACE_ROUTERS", "gateway_core:execute_operation", leaves=("*_core",)
)

pytestmark = pytest.mark.realworld


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KeyResult]:
    source = tmp_path_factory.mktemp("lee") / "src"
    shutil.copytree(SNAPSHOT, source, ignore=shutil.ignore_patterns("__pycache__"))
    selection = select_files(source, ("test_*.py", "tests/**"))
    files = [item.name for item in selection.files]
    return {r.key: r for r in check_tree(source, [SPEC], files=files)}


def kinds(result: KeyResult) -> Counter[str]:
    found: Counter[str] = Counter()
    for probe in result.probes:
        if probe.status != "fail":
            found[probe.status] += 1
        elif "does not dispatch operation" in probe.message:
            found["unknown operation"] += 1
        elif "which the call does not pass" in probe.message:
            found["parameter name"] += 1
        elif "failed in the wiring" in probe.message:
            found["wiring"] += 1
        else:
            found["leaf"] += 1
    return found


def test_every_key_of_the_snapshot_gets_its_verdict(verdicts: dict[str, KeyResult]) -> None:
    assert {key: r.status for key, r in verdicts.items()} == {
        "CACHE": "ok",
        "LOGGING": "ok",
        "SECURITY": "fail",
        "METRICS": "fail",
        "CONFIG": "fail",
        "SINGLETON": "fail",
        "INITIALIZATION": "fail",
        "HTTP_CLIENT": "ok",
        "WEBSOCKET": "fail",
        "CIRCUIT_BREAKER": "inconclusive",
        "UTILITY": "ok",
        "DEBUG": "fail",
    }


def test_unknown_operations_and_parameter_names_are_failures(
    verdicts: dict[str, KeyResult],
) -> None:
    failures = {
        key: {k: n for k, n in kinds(r).items() if k != "ok"} for key, r in verdicts.items()
    }
    assert failures == {
        "CACHE": {},
        "LOGGING": {},
        "SECURITY": {"parameter name": 3},
        "METRICS": {"leaf": 7, "unknown operation": 2, "wiring": 1},
        "CONFIG": {"parameter name": 1, "unknown operation": 5, "wiring": 1},
        "SINGLETON": {"parameter name": 1, "unknown operation": 7},
        "INITIALIZATION": {"parameter name": 2},
        "HTTP_CLIENT": {},
        "WEBSOCKET": {"parameter name": 3},
        "CIRCUIT_BREAKER": {"inconclusive": 1},
        "UTILITY": {},
        "DEBUG": {"unknown operation": 8},
    }
    assert (
        "gateway_wrappers_websocket.py:24): the wiring requires 'connection', which the call does "
        "not pass (it passes `connection_id`)"
    ) in verdicts["WEBSOCKET"].message
    assert (
        "requires 'value', which the call does not pass (it passes `email`)"
        in verdicts["SECURITY"].message
    )
    assert "got an unexpected keyword argument 'tags'" in verdicts["METRICS"].message


def test_what_stays_inconclusive_says_why(verdicts: dict[str, KeyResult]) -> None:
    assert verdicts["CIRCUIT_BREAKER"].message == (
        "gateway_core.execute_operation(GatewayInterface.CIRCUIT_BREAKER, 'call', name=<str>, "
        "func=<str>, args=()) (call site gateway_wrappers_circuit_breaker.py:35) the wiring refused "
        "a placeholder value the probe made up: TypeError: circuit_breaker.call 'func' must be "
        "callable, got str (at interface_circuit_breaker.py:91)"
    )


def test_the_configured_probe_applies_to_no_key_and_is_left_out(
    verdicts: dict[str, KeyResult],
) -> None:
    for result in verdicts.values():
        assert [probe.origin for probe in result.not_applicable] == ["[tool.lee.contract]"]


def test_the_engines_own_tests_are_not_call_sites(verdicts: dict[str, KeyResult]) -> None:
    origins = {probe.origin for r in verdicts.values() for probe in r.probes}
    assert len(origins) == 194
    assert not any(Path(origin).name.startswith("test_") for origin in origins)


def test_every_message_carries_a_location(verdicts: dict[str, KeyResult]) -> None:
    for result in verdicts.values():
        for probe in result.probes:
            assert " at ?" not in probe.message and "(?)" not in probe.message, probe.message
