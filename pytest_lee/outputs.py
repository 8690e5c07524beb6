"""The files a session writes once, at its end, on the controller: ``--lee-json``, the
budget outputs (``--lee-save``, ``--lee-emf``), ``--lee-alarms`` and ``--lee-html``, in that
order (the report's trend reads the baseline this run saved).

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
    if report.entries("budgets"):
        from pytest_lee.budgets.outputs import write_budget_outputs

        errors.extend(write_budget_outputs(report, settings))
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
