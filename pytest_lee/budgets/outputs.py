"""Files the controller writes once at the end of a session with budget entries.

Their options are checked by every budget item before it measures (``check_output_options``):
at the session's end a bad one could only be a traceback.
"""

from __future__ import annotations

from typing import Any

from pytest_lee.budgets.baselines import baseline_path, save_baseline
from pytest_lee.budgets.emf import write_emf
from pytest_lee.errors import LeeConfigError
from pytest_lee.settings import Settings


def write_budget_outputs(report: Any, settings: Any) -> None:
    """``--lee-save NAME`` and ``--lee-emf PATH``; nothing without budget entries."""
    entries = report.entries("budgets")
    if not entries:
        return
    if settings.options.save:
        save_baseline(settings, settings.options.save, entries)
    if settings.options.emf_path is not None:
        write_emf(settings.options.emf_path, entries, settings.function.name)


def check_output_options(settings: Settings) -> None:
    """Refuse, before anything is measured, what would otherwise fail at the session's end
    (a name that is not a plain file name, an EMF path that is a directory) or silently
    check nothing (``--lee-compare-fail`` without ``--lee-compare``)."""
    options = settings.options
    if options.save is not None:
        baseline_path(settings, options.save, "--lee-save")
    if options.compare is not None:
        baseline_path(settings, options.compare, "--lee-compare")
    elif options.compare_fail is not None:
        raise LeeConfigError(
            f"--lee-compare-fail {options.compare_fail:g}: needs --lee-compare NAME, the saved baseline to compare with"
        )
    if options.emf_path is not None and options.emf_path.is_dir():
        raise LeeConfigError(
            f"--lee-emf {options.emf_path}: is a directory; expected the path of a file to write"
        )
