"""The contract matrix in the terminal summary."""

from __future__ import annotations

from pathlib import Path

from pytest_lee.contracts.render import LEAVES_HINT, render_contract_summary
from pytest_lee.findings import SessionReport
from pytest_lee.settings import ContractSettings, Settings


def _report() -> SessionReport:
    report = SessionReport()
    report.add("contracts", {"registry": "gw:R", "key": "CACHE", "status": "ok", "message": "ok"})
    return report


def test_default_leaves_say_the_routers_dispatch_is_not_checked(tmp_path: Path):
    settings = Settings(
        rootdir=tmp_path, contracts=(ContractSettings("gw:R", dispatcher="gw:run"),)
    )
    assert render_contract_summary(_report(), settings) == ["gw:R  ✓ CACHE", LEAVES_HINT]


def test_configured_leaves_need_no_hint(tmp_path: Path):
    contract = ContractSettings("gw:R", dispatcher="gw:run", leaves=("*_core",))
    settings = Settings(rootdir=tmp_path, contracts=(contract,))
    assert render_contract_summary(_report(), settings) == ["gw:R  ✓ CACHE"]
