"""The ``--lee-*`` command line: one table of options, one parser, one set of checks.

Every option is declared once in :data:`OPTIONS`, with the help text that ``pytest
--help`` and the generated configuration reference both show, so they never drift.
:func:`read_command_line` turns the parsed values into a :class:`CommandLine` and
rejects a bad value with one line naming the option — at configure time, for every
option alike, so nothing fails later at the session's end.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_lee.errors import LeeConfigError

if TYPE_CHECKING:
    from typing import Literal

    import pytest

    from pytest_lee.settings import CommandLine

    Kind = Literal["flag", "int", "float", "path", "name", "text", "choice"]

# A saved baseline's name becomes a file name under .lee/baselines/ (compiled on use).
BASELINE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"


class Option:
    """One ``--lee-*`` option: its flag, the ``CommandLine`` field its value lands in, and
    its help text. An option that overrides a ``[tool.lee]`` key names it (*key*): its
    bounds or choices are that key's (``settings_keys``), never a copy. A plain class: a
    dataclass here would cost every pytest run import time."""

    __slots__ = ("dest", "field", "flag", "help", "key", "kind", "metavar")

    def __init__(  # noqa: PLR0917 - the table below reads best positionally
        self,
        flag: str,
        field: str,
        help: str,
        kind: Kind = "flag",
        metavar: str | None = None,
        key: str | None = None,
    ) -> None:
        self.flag, self.field, self.help, self.kind = flag, field, help, kind
        self.metavar, self.key = metavar, key
        self.dest = flag.lstrip("-").replace("-", "_")

    @property
    def choices(self) -> tuple[str, ...]:
        """The values a ``choice`` option takes: its key's choices."""
        from pytest_lee.settings_keys import choices

        return choices(self.key) if self.key else ()

    @property
    def bounds(self) -> tuple[int, int]:
        """The range of an ``int`` option: its key's bounds."""
        from pytest_lee.settings_keys import bounds

        low, high = bounds(self.key) if self.key else (1, None)
        return int(low), int(high if high is not None else low)


OPTIONS: tuple[Option, ...] = (
    Option(
        "--lee-budgets",
        "budgets",
        "run the [tool.lee.budgets] cold-start and request budgets (skipped without this flag)",
    ),
    Option(
        "--lee-runs",
        "runs",
        "fresh-interpreter runs per budget measurement (overrides [tool.lee.budgets] runs)",
        "int",
        "N",
        key="budgets.runs",
    ),
    Option(
        "--lee-json",
        "json_path",
        "write contract, budget, deploy-group and rehearsal results to PATH as JSON",
        "path",
        "PATH",
    ),
    Option(
        "--lee-html",
        "html_path",
        "write one self-contained HTML report of the session to PATH",
        "path",
        "PATH",
    ),
    Option(
        "--lee-alarms",
        "alarms_path",
        "write CloudWatch alarms at the budgets' acceptable levels to PATH (CloudFormation "
        "YAML, for DeploymentPreference.Alarms)",
        "path",
        "PATH",
    ),
    Option(
        "--lee-baseline",
        "baseline",
        "simulate partial deployments against REF: a git ref, a directory or a zip",
        "text",
        "REF",
    ),
    Option(
        "--lee-require-compatible",
        "require_compatible",
        "fail the run if a changed file cannot ship alone or a signature change breaks",
    ),
    Option(
        "--lee-emf",
        "emf_path",
        "write budget figures to PATH as CloudWatch Embedded Metric Format lines",
        "path",
        "PATH",
    ),
    Option(
        "--lee-save",
        "save",
        "save this run's budget figures as .lee/baselines/NAME.json",
        "name",
        "NAME",
    ),
    Option(
        "--lee-compare",
        "compare",
        "compare budget figures with .lee/baselines/NAME.json",
        "name",
        "NAME",
    ),
    Option(
        "--lee-compare-fail",
        "compare_fail",
        "with --lee-compare: fail when a metric regresses by more than PCT percent",
        "float",
        "PCT",
    ),
    Option(
        "--lee-cpu",
        "cpu",
        "CPU model of budget figures: 'host' (wall time here), 'lambda' (Lambda's time "
        "modelled from the child's CPU time: init at init_cpu, invocations at "
        "memory_mb / 1769 of a core) or 'lambda-throttled' (the same shares as a real CPU "
        "quota); overrides [tool.lee.budgets] cpu",
        "choice",
        "MODEL",
        key="budgets.cpu",
    ),
    Option(
        "--lee-calibrate",
        "calibrate",
        "CloudWatch log lines of the deployed function (REPORT, INIT_REPORT): compare them "
        "with the modelled budgets at the same memory size and write .lee/calibration.json",
        "text",
        "PATH",
    ),
    Option(
        "--lee-endpoint",
        "endpoint",
        "run rehearsals against this AWS endpoint (a moto server, LocalStack) "
        "instead of moto in-process",
        "text",
        "URL",
    ),
    Option(
        "--lee-allow-real-aws",
        "allow_real_aws",
        "allow rehearsals against real AWS (never on the [tool.lee.function] name)",
    ),
)


def add_options(parser: pytest.Parser) -> None:
    """Register every option of :data:`OPTIONS` in a ``lee`` group."""
    group = parser.getgroup("lee", "pytest-lee: Lambda deployment lessons")
    for option in OPTIONS:
        if option.kind == "flag":
            group.addoption(option.flag, action="store_true", dest=option.dest, help=option.help)
        else:
            # Values are checked by read_command_line, so every option reports alike.
            group.addoption(option.flag, dest=option.dest, metavar=option.metavar, help=option.help)


def given_options(config: pytest.Config) -> list[str]:
    """The flags the user gave (a run with none and no [tool.lee] needs no settings)."""
    return [option.flag for option in OPTIONS if config.getoption(option.dest) not in (None, False)]


def read_command_line(config: pytest.Config) -> CommandLine:
    """The ``--lee-*`` values as a :class:`CommandLine`; a bad one is a ``LeeConfigError``."""
    from pytest_lee.settings import CommandLine

    base = Path(config.invocation_params.dir)
    values: dict[str, Any] = {}
    for option in OPTIONS:
        raw = config.getoption(option.dest)
        if raw is None or raw is False:
            continue
        values[option.field] = _checked(option, raw, base)
    if values.get("require_compatible") and "baseline" not in values:
        raise LeeConfigError(
            "--lee-require-compatible needs --lee-baseline REF (what to compare against)"
        )
    if "compare_fail" in values and "compare" not in values:
        raise LeeConfigError(
            f"--lee-compare-fail {values['compare_fail']:g}: needs --lee-compare NAME, "
            "the saved baseline to compare with"
        )
    if "calibrate" in values:
        values["calibrate"] = input_file("--lee-calibrate", base / values["calibrate"])
    if "save" in values:
        output_path("--lee-save", baseline_file(config.rootpath, values["save"]))
    return CommandLine(**values)


def baseline_file(rootdir: Path, name: str) -> Path:
    """Where ``--lee-save NAME`` writes and ``--lee-compare NAME`` reads."""
    return rootdir / ".lee" / "baselines" / f"{name}.json"


def _checked(option: Option, raw: Any, base: Path) -> Any:
    if option.kind == "flag":
        return bool(raw)
    text = str(raw)
    if option.kind == "int":
        return _whole_number(option.flag, text, *option.bounds)
    if option.kind == "float":
        return _percentage(option.flag, text)
    if option.kind == "choice":
        if text not in option.choices:
            raise LeeConfigError(
                f"{option.flag} {text}: expected one of {', '.join(option.choices)}"
            )
        return text
    if option.kind == "path":
        return output_path(option.flag, base / text)
    if option.kind == "name":
        if not re.fullmatch(BASELINE_NAME, text):
            raise LeeConfigError(
                f"{option.flag} {text!r}: expected a name of letters, digits, '.', '_' or '-'"
            )
        return text
    return text


def _whole_number(flag: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise LeeConfigError(
            f"{flag} {text}: expected a whole number from {low} to {high}"
        ) from None
    if not low <= value <= high:
        raise LeeConfigError(f"{flag} {text}: expected a whole number from {low} to {high}")
    return value


def _percentage(flag: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise LeeConfigError(f"{flag} {text}: expected a finite percentage >= 0")
    return value


def input_file(flag: str, path: Path) -> Path:
    """*path* if it is a file that can be read; one usage error otherwise."""
    if not path.is_file():
        raise LeeConfigError(f"{flag} {path}: no such file (expected exported log lines)")
    return path


def output_path(flag: str, path: Path) -> Path:
    """*path* if a file can be written there: not a directory, no regular file on the way.

    Checked when the command line is read, so an unwritable target is one usage error
    before anything runs, not a traceback when the session finishes.
    """
    if path.is_dir():
        raise LeeConfigError(f"{flag} {path}: is a directory; expected the path of a file to write")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise LeeConfigError(
                    f"{flag} {path}: cannot write there: {parent} is a file, not a directory"
                )
            break
    return path
