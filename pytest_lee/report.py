"""The terminal summary: each section of the session's findings rendered by its feature.

A feature that wants lines in the summary has a renderer here, imported inside its
function, only when its section has entries: the summary of a run without budgets
loads no budget code, and ``import pytest_lee.plugin`` loads none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_lee.findings import SessionReport
    from pytest_lee.settings import Settings

__all__ = ["summary_lines"]


def _package(report: SessionReport, settings: Settings) -> list[str]:
    from pytest_lee.package.render import render_package_summary

    return render_package_summary(report, settings)


def _contracts(report: SessionReport, settings: Settings) -> list[str]:
    from pytest_lee.contracts.render import render_contract_summary

    return render_contract_summary(report, settings)


def _baseline(report: SessionReport, settings: Settings) -> list[str]:
    from pytest_lee.deploy_groups.render import render_baseline_summary

    return render_baseline_summary(report, settings)


def _budgets(report: SessionReport, settings: Settings) -> list[str]:
    from pytest_lee.budgets.render import render_budget_summary

    return render_budget_summary(report, settings)


def _rehearsals(report: SessionReport, settings: Settings) -> list[str]:
    from pytest_lee.rehearsal.render import render_rehearsal_summary

    return render_rehearsal_summary(report, settings)


def _isolation(report: SessionReport, settings: Settings) -> list[str]:
    from pytest_lee.sandbox.render import render_isolation_summary

    return render_isolation_summary(report, settings)


# section -> the function rendering its entries as terminal lines, in summary order.
RENDERERS: dict[str, Callable[[SessionReport, Settings], list[str]]] = {
    "package": _package,
    "contracts": _contracts,
    "baseline": _baseline,
    "budgets": _budgets,
    "rehearsals": _rehearsals,
    "isolation": _isolation,
}


def summary_lines(report: SessionReport, settings: Settings) -> list[tuple[str, list[str]]]:
    """(title, lines) per section that has something to say."""
    blocks = []
    for section, render in RENDERERS.items():
        if report.entries(section):
            lines = render(report, settings)
            if lines:
                blocks.append((section, lines))
    return blocks
