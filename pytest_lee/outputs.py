"""The files a session writes once, at its end, on the controller: ``--lee-json``, the
budget files (``--lee-save``, ``--lee-emf``), ``--lee-alarms`` and ``--lee-html``, in that
order (the report's trend reads the run this session saved).

Each failure is returned as one line, so the plugin reports them all and exits 4 rather
than stopping at the first with a traceback. Every path was checked at configure time;
what fails here is what changed since (a disk filled, a directory removed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_lee.findings import SessionReport
    from pytest_lee.settings import Settings


def write_session_outputs(report: SessionReport, settings: Settings) -> list[str]:
    """Write what the options ask for; return one line per output that could not be written."""
    options = settings.options
    errors: list[str] = []
    if options.json_path is not None:
        try:
            report.write_json(options.json_path)
        except OSError as error:
            errors.append(
                f"--lee-json {options.json_path}: cannot write: {error.strerror or error}"
            )
    errors.extend(_write_budget_files(report, settings))
    if options.alarms_path is not None:
        from pytest_lee._atomic import write_atomic
        from pytest_lee.alarms import NoAlarms, alarms_file

        try:
            write_atomic(options.alarms_path, alarms_file(settings, report))
        except NoAlarms as error:
            errors.append(f"--lee-alarms {options.alarms_path}: {error}")
        except OSError as error:
            errors.append(
                f"--lee-alarms {options.alarms_path}: cannot write: {error.strerror or error}"
            )
    if options.html_path is not None:
        from pytest_lee.html import write_html_report

        try:
            write_html_report(report, settings, options.html_path)
        except OSError as error:
            errors.append(
                f"--lee-html {options.html_path}: cannot write: {error.strerror or error}"
            )
    return errors


def _write_budget_files(report: SessionReport, settings: Settings) -> list[str]:
    """``--lee-save NAME`` and ``--lee-emf PATH``; nothing without budget entries."""
    entries = report.entries("budgets")
    if not entries:
        return []
    from pytest_lee.budgets.emf import write_emf
    from pytest_lee.budgets.saved_runs import save_run

    errors = []
    if settings.options.save:
        try:
            save_run(settings, settings.options.save, entries)
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
