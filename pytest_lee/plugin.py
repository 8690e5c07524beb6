"""pytest hooks and fixtures of pytest-lee: each a few lines that hand work to a module.

This module is imported by every pytest run of every user, so it imports nothing
heavy at module level: boto3, moto and markdown-it-py load only inside the feature
that needs them (see ``tests/test_import_cost.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_lee.errors import LeeConfigError
from pytest_lee.report import SessionReport
from pytest_lee.settings import CommandLine, Settings, load_settings

if TYPE_CHECKING:
    from _pytest.terminal import TerminalReporter

settings_key = pytest.StashKey[Settings]()
report_key = pytest.StashKey[SessionReport]()
write_error_key = pytest.StashKey[str]()  # an output file that could not be written

# One help text per option, shared by the flag and the docs so they never drift.
HELP_BUDGETS = (
    "run the [tool.lee.budgets] cold-start and request budgets (skipped without this flag)"
)
HELP_RUNS = "fresh-interpreter runs per budget measurement (overrides [tool.lee.budgets] runs)"
HELP_JSON = "write contract, budget, deploy-group and rehearsal results to PATH as JSON"
HELP_BASELINE = "simulate partial deployments against REF: a git ref, a directory or a zip"
HELP_REQUIRE_COMPATIBLE = (
    "fail the run if a changed file cannot ship alone or a signature change breaks"
)
HELP_EMF = "write budget figures to PATH as CloudWatch Embedded Metric Format lines"
HELP_SAVE = "save this run's budget figures as .lee/baselines/NAME.json"
HELP_COMPARE = "compare budget figures with .lee/baselines/NAME.json"
HELP_COMPARE_FAIL = "with --lee-compare: fail when a metric regresses by more than PCT percent"
HELP_ENDPOINT = "run rehearsals against this AWS endpoint (a moto server, LocalStack) instead of moto in-process"
HELP_ALLOW_REAL_AWS = "allow rehearsals against real AWS (never on the [tool.lee.function] name)"

MARKER_LEE_REF = (
    "lee_ref(ref_id, *items): this test enforces lesson ref_id "
    "(and those checklist items, named by their text)"
)
MARKER_LEE_BUDGET = (
    "lee_budget(**metrics): budget overrides for one test; a number sets 'acceptable', "
    "a dict sets levels"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lee", "pytest-lee: Lambda deployment lessons")
    group.addoption("--lee-budgets", action="store_true", dest="lee_budgets", help=HELP_BUDGETS)
    group.addoption("--lee-runs", type=int, metavar="N", dest="lee_runs", help=HELP_RUNS)
    group.addoption("--lee-json", metavar="PATH", dest="lee_json", help=HELP_JSON)
    group.addoption("--lee-baseline", metavar="REF", dest="lee_baseline", help=HELP_BASELINE)
    group.addoption(
        "--lee-require-compatible",
        action="store_true",
        dest="lee_require_compatible",
        help=HELP_REQUIRE_COMPATIBLE,
    )
    group.addoption("--lee-emf", metavar="PATH", dest="lee_emf", help=HELP_EMF)
    group.addoption("--lee-save", metavar="NAME", dest="lee_save", help=HELP_SAVE)
    group.addoption("--lee-compare", metavar="NAME", dest="lee_compare", help=HELP_COMPARE)
    group.addoption(
        "--lee-compare-fail",
        type=float,
        metavar="PCT",
        dest="lee_compare_fail",
        help=HELP_COMPARE_FAIL,
    )
    group.addoption("--lee-endpoint", metavar="URL", dest="lee_endpoint", help=HELP_ENDPOINT)
    group.addoption(
        "--lee-allow-real-aws",
        action="store_true",
        dest="lee_allow_real_aws",
        help=HELP_ALLOW_REAL_AWS,
    )


def _command_line(config: pytest.Config) -> CommandLine:
    def path(value: str | None) -> Path | None:
        return None if value is None else Path(config.invocation_params.dir, value)

    runs = config.getoption("lee_runs")
    if runs is not None and runs < 1:
        raise LeeConfigError(f"--lee-runs: expected a whole number >= 1, got {runs}")
    json_path = path(config.getoption("lee_json"))
    if json_path is not None and json_path.is_dir():
        raise LeeConfigError(
            f"--lee-json {json_path}: is a directory; expected the path of a file to write"
        )
    compare_fail = config.getoption("lee_compare_fail")
    if compare_fail is not None and compare_fail < 0:
        raise LeeConfigError(
            f"--lee-compare-fail: expected a percentage >= 0, got {compare_fail:g}"
        )
    return CommandLine(
        budgets=config.getoption("lee_budgets"),
        runs=runs,
        json_path=json_path,
        baseline=config.getoption("lee_baseline"),
        require_compatible=config.getoption("lee_require_compatible"),
        emf_path=path(config.getoption("lee_emf")),
        save=config.getoption("lee_save"),
        compare=config.getoption("lee_compare"),
        compare_fail=compare_fail,
        endpoint=config.getoption("lee_endpoint"),
        allow_real_aws=config.getoption("lee_allow_real_aws"),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_LEE_REF)
    config.addinivalue_line("markers", MARKER_LEE_BUDGET)
    try:
        config.stash[settings_key] = load_settings(config.rootpath, _command_line(config))
    except LeeConfigError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[report_key] = SessionReport()
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "lee-xdist")


def lee_settings(config: pytest.Config) -> Settings:
    """The session's settings (for feature modules that are handed a config)."""
    return config.stash[settings_key]


def lee_report(config: pytest.Config) -> SessionReport:
    return config.stash[report_key]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    from pytest_lee.collect import lee_items, wants_lee_items

    if wants_lee_items(config):
        items[:0] = lee_items(session, config.stash[settings_key])


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    report = config.stash.get(report_key, None)
    if report is None:
        return
    if _is_xdist_worker(config):
        config.workeroutput["lee_report"] = report.to_json()  # type: ignore[attr-defined]
        return
    settings = config.stash[settings_key]
    if settings.options.json_path is not None:
        try:
            report.write_json(settings.options.json_path)
        except OSError as error:  # one line and a failing exit status, not an INTERNALERROR
            config.stash[write_error_key] = (
                f"--lee-json {settings.options.json_path}: cannot write: {error.strerror or error}"
            )
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
    if report.entries("budgets"):
        from pytest_lee.budgets.outputs import write_budget_outputs

        write_budget_outputs(report, settings)


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    report = config.stash.get(report_key, None)
    if report is None or _is_xdist_worker(config):
        return
    for title, lines in report.summary_lines(config.stash[settings_key]):
        terminalreporter.write_sep("=", f"lee {title}")
        for line in lines:
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
            node.config.stash[report_key].merge(json.loads(payload))


# --- fixtures ----------------------------------------------------------------


@pytest.fixture
def lee_package(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Factory: ``lee_package(source=None, *, omit=(), verify=True) -> Package``."""
    from pytest_lee.package.fixture import package_factory

    return package_factory(request.config.stash[settings_key], tmp_path_factory)


@pytest.fixture
def lee_contract(request: pytest.FixtureRequest) -> Any:
    """Hand-written contract checks: ``.check(registry, key, operation, **kwargs)``, ``.matrix()``."""
    from pytest_lee.contracts.fixture import ContractChecker

    return ContractChecker(request.config.stash[settings_key], lee_report(request.config))


@pytest.fixture
def lee_cold_start(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Measure any handler's cold start in fresh interpreters; returns a documented result."""
    from pytest_lee.budgets.fixture import cold_start_factory

    return cold_start_factory(request, request.config.stash[settings_key], tmp_path_factory)


@pytest.fixture
def lee_rehearsal(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """A moto-backed Lambda to rehearse deploy, canary and rollback on (function-scoped)."""
    from pytest_lee.rehearsal.fixture import rehearsal_session

    with rehearsal_session(
        request.config.stash[settings_key], lee_report(request.config), tmp_path_factory
    ) as rehearsal:
        yield rehearsal


@pytest.fixture(scope="session")
def lee_rehearsal_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """``lee_rehearsal`` shared by a whole session, for suites that rehearse often."""
    from pytest_lee.rehearsal.fixture import rehearsal_session

    with rehearsal_session(
        request.config.stash[settings_key], lee_report(request.config), tmp_path_factory
    ) as rehearsal:
        yield rehearsal
