"""pytest hooks and fixtures of pytest-lee: each a few lines that hand work to a module.

This module is imported by every pytest run of every user, so it imports nothing
heavy at module level: boto3, moto and markdown-it-py load only inside the feature
that needs them (see ``tests/test_import_cost.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_lee._stash import (
    lee_report,
    lee_settings,
    report_key,
    settings_key,
    write_error_key,
)
from pytest_lee.errors import LeeConfigError
from pytest_lee.options import add_options, given_options, read_command_line
from pytest_lee.outputs import write_session_outputs

if TYPE_CHECKING:
    from collections.abc import Callable

    from _pytest.terminal import TerminalReporter

    from pytest_lee.budgets.fixture import ColdStart
    from pytest_lee.contracts.fixture import ContractChecker
    from pytest_lee.package.model import Package
    from pytest_lee.rehearsal.session import Rehearsal

MARKER_LEE_REF = (
    "lee_ref(ref_id, *items): this test enforces lesson ref_id "
    "(and those checklist items, named by their text)"
)
MARKER_LEE_BUDGET = (
    "lee_budget(**metrics): budget overrides for one test; a number sets 'acceptable', "
    "a dict sets levels"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_LEE_REF)
    config.addinivalue_line("markers", MARKER_LEE_BUDGET)
    if given_options(config):
        from pytest_lee._rootdir import moved_rootdir_error

        moved = moved_rootdir_error(config)
        if moved is not None:
            raise pytest.UsageError(moved)
    if _mentions_lee(config.rootpath / "pyproject.toml") or given_options(config):
        from pytest_lee.findings import SessionReport
        from pytest_lee.settings import load_settings

        try:
            config.stash[settings_key] = load_settings(config.rootpath, read_command_line(config))
        except LeeConfigError as error:
            raise pytest.UsageError(str(error)) from None
        config.stash[report_key] = SessionReport()
        _clean_up_on_sigterm(config)
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "lee-xdist")


def _clean_up_on_sigterm(config: pytest.Config) -> None:
    from pytest_lee._signals import die_with_parent, terminate_gracefully

    if _is_xdist_worker(config):
        die_with_parent()
    elif config.getoption("dist", "no") != "no":
        return  # an xdist controller runs no child: dying at once ends its workers (above)
    undo = terminate_gracefully()
    if undo is not None:
        config.add_cleanup(undo)


def _mentions_lee(pyproject: Path) -> bool:
    """False when *pyproject* cannot hold a ``[tool.lee]`` table: a byte search, so a run
    of a project that does not use pytest-lee parses no TOML and builds no settings."""
    try:
        return b"lee" in pyproject.read_bytes()
    except OSError:
        return False


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    from pytest_lee.collect import lee_items, wants_lee_items

    settings = config.stash.get(settings_key, None)  # None: no [tool.lee], no --lee-* option
    if settings is not None and wants_lee_items(config, settings):
        items[:0] = lee_items(session, settings)


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    report = config.stash.get(report_key, None)
    if report is None:
        return
    _record_isolation(report)
    if _is_xdist_worker(config):
        config.workeroutput["lee_report"] = report.to_json()  # type: ignore[attr-defined]
        return
    errors = write_session_outputs(report, lee_settings(config))
    if errors:  # one line each and a failing exit status, not an INTERNALERROR
        config.stash[write_error_key] = "\nERROR: ".join(errors)
        session.exitstatus = pytest.ExitCode.USAGE_ERROR


def _record_isolation(report: Any) -> None:
    from pytest_lee.sandbox.render import SECTION, isolation_entry

    entry = isolation_entry()
    if entry is not None:
        report.add(SECTION, entry)


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    report = config.stash.get(report_key, None)
    if report is None or _is_xdist_worker(config):
        return
    from pytest_lee.report import summary_lines

    for title, lines in summary_lines(report, lee_settings(config)):
        terminalreporter.write_sep("=", f"lee {title}")
        for line in lines:
            terminalreporter.write_line(line)
    if config.get_verbosity() > 0 and "pytest_lee.lambda_runtime.server_log" in sys.modules:
        from pytest_lee.lambda_runtime.server_log import server_log_lines

        logged = server_log_lines()
        if logged:
            terminalreporter.write_sep("=", "lee moto server log (-v)")
            for line in logged:
                terminalreporter.write_line(line)
    if write_error_key in config.stash:
        terminalreporter.write_sep("=", "lee output", red=True)
        terminalreporter.write_line(f"ERROR: {config.stash[write_error_key]}", red=True)


class XdistHooks:
    """Registered only when pytest-xdist is active: workers' findings reach the controller."""

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        import json

        payload = getattr(node, "workeroutput", {}).get("lee_report")
        if payload:
            lee_report(node.config).merge(json.loads(payload))


# --- fixtures ----------------------------------------------------------------


@pytest.fixture
def lee_package(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Package]:
    """Factory: ``lee_package(source=None, *, omit=(), verify=True) -> Package``."""
    from pytest_lee.package.fixture import package_factory

    return package_factory(lee_settings(request.config), tmp_path_factory)


@pytest.fixture
def lee_contract(request: pytest.FixtureRequest) -> ContractChecker:
    """Hand-written contract checks: ``.check(registry, key, operation, **kwargs)``, ``.matrix()``."""
    from pytest_lee.contracts.fixture import ContractChecker

    return ContractChecker(lee_settings(request.config), lee_report(request.config))


@pytest.fixture
def lee_cold_start(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., ColdStart]:
    """Measure any handler's cold start in fresh interpreters; returns a documented result."""
    from pytest_lee.budgets.fixture import cold_start_factory

    return cold_start_factory(request, lee_settings(request.config), tmp_path_factory)


@pytest.fixture
def lee_rehearsal(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Rehearsal]:
    """A moto-backed Lambda to rehearse deploy, canary and rollback on (function-scoped)."""
    from pytest_lee.rehearsal.fixture import rehearsal_session

    with rehearsal_session(
        lee_settings(request.config), lee_report(request.config), tmp_path_factory
    ) as rehearsal:
        yield rehearsal


@pytest.fixture(scope="session")
def lee_rehearsal_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Rehearsal]:
    """``lee_rehearsal`` shared by a whole session, for suites that rehearse often."""
    from pytest_lee.rehearsal.fixture import rehearsal_session

    with rehearsal_session(
        lee_settings(request.config), lee_report(request.config), tmp_path_factory
    ) as rehearsal:
        yield rehearsal
