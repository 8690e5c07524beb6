"""Files the controller writes once at the end of a session with budget entries.

Their options are checked when the command line is read (``pytest_lee.options``): at the
session's end a bad one could only be a traceback.
"""

from __future__ import annotations

from typing import Any

from pytest_lee.budgets.baselines import save_baseline
from pytest_lee.budgets.emf import write_emf


def write_budget_outputs(report: Any, settings: Any) -> list[str]:
    """``--lee-save NAME`` and ``--lee-emf PATH``; nothing without budget entries.

    Returns one line per file that could not be written (a disk that filled, a
    directory that became a file since the options were checked): the caller reports
    them as a usage error, never as a traceback at the session's end.
    """
    entries = report.entries("budgets")
    if not entries:
        return []
    errors = []
    if settings.options.save:
        try:
            save_baseline(settings, settings.options.save, entries)
        except OSError as error:
            errors.append(f"--lee-save {settings.options.save}: cannot write: {_reason(error)}")
    if settings.options.emf_path is not None:
        try:
            write_emf(settings.options.emf_path, entries, settings.function.name)
        except OSError as error:
            errors.append(f"--lee-emf {settings.options.emf_path}: cannot write: {_reason(error)}")
    return errors


def _reason(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    return f"{error.strerror or error}{where}"
