"""Files the controller writes once at the end of a session with budget entries.

Their options are checked when the command line is read (``pytest_lee.options``): at the
session's end a bad one could only be a traceback.
"""

from __future__ import annotations

from typing import Any

from pytest_lee.budgets.baselines import save_baseline
from pytest_lee.budgets.emf import write_emf


def write_budget_outputs(report: Any, settings: Any) -> None:
    """``--lee-save NAME`` and ``--lee-emf PATH``; nothing without budget entries."""
    entries = report.entries("budgets")
    if not entries:
        return
    if settings.options.save:
        save_baseline(settings, settings.options.save, entries)
    if settings.options.emf_path is not None:
        write_emf(settings.options.emf_path, entries, settings.function.name)
