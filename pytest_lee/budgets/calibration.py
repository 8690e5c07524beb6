"""Calibration against the deployed function: ``--lee-calibrate PATH`` → ``.lee/calibration.json``.

PATH holds CloudWatch log lines exported from the real function (``aws logs
filter-log-events``/``tail`` output, a console export, Lambda's JSON log format): the
platform's lines are read, everything else is the app's and ignored.

- ``REPORT RequestId: … Duration: 12.3 ms Billed Duration: … Memory Size: 128 MB Max
  Memory Used: 70 MB Init Duration: 236.9 ms`` — a request; with ``Init Duration``, the
  request of a cold start (in JSON: ``"type": "platform.report"`` with ``durationMs``,
  ``memorySizeMB``, ``initDurationMs``);
- ``INIT_REPORT Init Duration: 10000.2 ms Phase: init Status: timeout`` — an init that
  failed or timed out: counted and reported, never a cold start's figure.

A platform line that cannot be read (cut, edited, a field missing) is skipped and
counted, never a traceback. The factors, at the function's memory size only (CPU
scales with memory, so a factor measured at 512 MB says nothing about 128 MB):

- ``init_factor`` = median real ``Init Duration`` ÷ (modelled runtime bootstrap + median
  modelled import);
- ``invoke_factor`` = median real ``Duration`` of the warm requests (all requests when
  there are none) ÷ median modelled warm request.

The file (fields fixed in PRODUCT.md: ``runtime``, ``architecture``, ``memory_mb``,
``init_factor``, ``invoke_factor``, ``cold_starts``, ``requests``, ``date``, ``model``) is
written atomically and meant to be committed; later runs of the same runtime,
architecture, memory size and CPU model apply it (:func:`apply_calibration`) and the
table says "calibrated to N real cold starts (date)". The harness's own timings are
calibrated (``import_ms``, ``first_invoke_ms``, ``cold_start_ms``, ``request_ms``); the
app's phases are not (they stay "modelled (scaled)").
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_lee._atomic import write_atomic
from pytest_lee.errors import LeeConfigError

__all__ = [
    "CALIBRATED_METRICS",
    "Calibration",
    "LogFigures",
    "apply_calibration",
    "calibration_file",
    "factors",
    "load_calibration",
    "read_log_lines",
    "save_calibration",
]

CALIBRATED_METRICS = ("import_ms", "first_invoke_ms", "cold_start_ms", "request_ms")
_NUMBER = r"(\d+(?:\.\d+)?)"
_REPORT = re.compile(
    rf"REPORT RequestId:\s*(\S+)\s+Duration:\s*{_NUMBER}\s*ms"
    rf".*?Memory Size:\s*(\d+)\s*MB"
    rf"(?:.*?Init Duration:\s*{_NUMBER}\s*ms)?"
)
_INIT_REPORT = re.compile(rf"INIT_REPORT Init Duration:\s*{_NUMBER}\s*ms(?:.*?Status:\s*(\w+))?")


@dataclass
class LogFigures:
    """What a log export says, per memory size: durations, init durations, what was skipped."""

    durations: dict[int, list[float]] = field(default_factory=dict)  # warm requests
    cold_durations: dict[int, list[float]] = field(default_factory=dict)
    init_durations: dict[int, list[float]] = field(default_factory=dict)
    failed_inits: int = 0  # INIT_REPORT lines with a Status (timeout, error)
    malformed: int = 0
    first_malformed: int | None = None  # its line number, for the message


def read_log_lines(lines: Iterable[str]) -> LogFigures:
    """The platform's figures in *lines*; unreadable platform lines are counted, not raised."""
    figures = LogFigures()
    for number, line in enumerate(lines, 1):
        parsed = _platform_line(line)
        if parsed is None:
            continue
        if isinstance(parsed, str):  # "malformed"
            figures.malformed += 1
            if figures.first_malformed is None:
                figures.first_malformed = number
            continue
        kind, values = parsed
        if kind == "init_failed":
            figures.failed_inits += 1
            continue
        memory = int(values["memory"])
        if values.get("init") is not None:
            figures.init_durations.setdefault(memory, []).append(values["init"])
            figures.cold_durations.setdefault(memory, []).append(values["duration"])
        else:
            figures.durations.setdefault(memory, []).append(values["duration"])
    return figures


def _platform_line(line: str) -> tuple[str, dict[str, float]] | str | None:
    """("report", values), ("init_failed", {}), "malformed", or None for the app's lines."""
    if '"platform.report"' in line or '"platform.initReport"' in line:
        return _json_platform_line(line)
    if "INIT_REPORT" in line:
        match = _INIT_REPORT.search(line)
        if match is None:
            return "malformed"
        if match.group(2) is not None:  # Status: timeout / error: the init never completed
            return "init_failed", {}
        return None  # a successful INIT_REPORT repeats what the cold start's REPORT says
    if "REPORT RequestId" not in line:
        return None
    match = _REPORT.search(line)
    if match is None:
        return "malformed"
    values = {"duration": float(match.group(2)), "memory": float(match.group(3))}
    if match.group(4) is not None:
        values["init"] = float(match.group(4))
    elif "Init Duration" in line:  # present but unreadable
        return "malformed"
    return "report", values


def _json_platform_line(line: str) -> tuple[str, dict[str, float]] | str | None:
    try:
        document = json.loads(line[line.index("{") :])
        record = document["record"]
        metrics = record["metrics"]
        if document["type"] == "platform.initReport":
            return ("init_failed", {}) if record.get("status") not in (None, "success") else None
        values = {
            "duration": float(metrics["durationMs"]),
            "memory": float(metrics["memorySizeMB"]),
        }
        if metrics.get("initDurationMs") is not None:
            values["init"] = float(metrics["initDurationMs"])
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return "malformed"
    return "report", values


@dataclass(frozen=True)
class Calibration:
    """``.lee/calibration.json``: factors from real cold starts at one memory size."""

    runtime: str
    architecture: str
    memory_mb: int
    init_factor: float | None
    invoke_factor: float | None
    cold_starts: int
    requests: int
    date: str
    model: str

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def factors(
    logs: LogFigures,
    *,
    memory_mb: int,
    modelled_init_ms: float,
    modelled_request_ms: float | None,
    runtime: str,
    architecture: str,
    model: str,
    date: str,
    source: str = "--lee-calibrate",
) -> Calibration:
    """The factors at *memory_mb*, or ``LeeConfigError`` (one line) when the logs have none."""
    inits = logs.init_durations.get(memory_mb, [])
    warm = logs.durations.get(memory_mb, [])
    requests = warm or logs.cold_durations.get(memory_mb, [])
    if not inits and not requests:
        sizes = sorted(set(logs.durations) | set(logs.init_durations))
        elsewhere = (
            f"REPORT lines at {', '.join(f'{size} MB' for size in sizes)}, none at"
            if sizes
            else "no readable REPORT line for"
        )
        skipped = f" ({_skipped(logs)})" if logs.malformed else ""
        raise LeeConfigError(
            f"{source}: {elsewhere} this function's {memory_mb} MB: not calibrated{skipped}"
        )
    init_factor = (
        round(statistics.median(inits) / modelled_init_ms, 3)
        if inits and modelled_init_ms > 0
        else None
    )
    invoke_factor = (
        round(statistics.median(requests) / modelled_request_ms, 3)
        if requests and modelled_request_ms
        else None
    )
    return Calibration(
        runtime=runtime,
        architecture=architecture,
        memory_mb=memory_mb,
        init_factor=init_factor,
        invoke_factor=invoke_factor,
        cold_starts=len(inits),
        requests=len(requests),
        date=date,
        model=model,
    )


def _skipped(logs: LogFigures) -> str:
    return (
        f"{logs.malformed} malformed platform line{'s' if logs.malformed != 1 else ''} "
        f"skipped, the first at line {logs.first_malformed}"
    )


def describe(calibration: Calibration, logs: LogFigures, path: Path) -> list[str]:
    """The lines ``--lee-calibrate`` prints (as the measurement's notes)."""
    lines = [
        f"calibration written to {path}: init × {calibration.init_factor} "
        f"(from {calibration.cold_starts} real cold starts), invoke × "
        f"{calibration.invoke_factor} (from {calibration.requests} requests), at "
        f"{calibration.memory_mb} MB, {calibration.runtime} {calibration.architecture}"
    ]
    if logs.failed_inits:
        lines.append(
            f"calibration: {logs.failed_inits} INIT_REPORT line(s) of inits that failed or "
            "timed out were left out"
        )
    if logs.malformed:
        lines.append(f"calibration: {_skipped(logs)}")
    return lines


def calibration_file(rootdir: Path) -> Path:
    return rootdir / ".lee" / "calibration.json"


def save_calibration(path: Path, calibration: Calibration) -> None:
    write_atomic(path, json.dumps(calibration.as_dict(), indent=2) + "\n")


def load_calibration(path: Path) -> Calibration | None:
    """The committed file, None when absent; a hand-edited one that is wrong is one line."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise LeeConfigError(f"{path}: not readable calibration JSON: {error}") from None
    if not isinstance(document, dict):
        raise LeeConfigError(f"{path}: expected a JSON object of calibration fields")
    fields = Calibration.__dataclass_fields__
    missing = [name for name in fields if name not in document]
    if missing:
        raise LeeConfigError(f"{path}: missing {', '.join(missing)} (rerun --lee-calibrate)")
    for name in ("init_factor", "invoke_factor"):
        value = document[name]
        if value is not None and (
            not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0
        ):
            raise LeeConfigError(f"{path}: {name}: expected a positive number, got {value!r}")
    if not isinstance(document["memory_mb"], int) or isinstance(document["memory_mb"], bool):
        raise LeeConfigError(f"{path}: memory_mb: expected a whole number of MB")
    return Calibration(**{name: document[name] for name in fields})


def refusal(
    calibration: Calibration, *, memory_mb: int, runtime: str, architecture: str, model: str
) -> str | None:
    """Why *calibration* does not apply to this run (None: it does)."""
    differences = [
        (name, saved, now)
        for name, saved, now in (
            ("memory_mb", calibration.memory_mb, memory_mb),
            ("runtime", calibration.runtime, runtime),
            ("architecture", calibration.architecture, architecture),
            ("model", calibration.model, model),
        )
        if saved != now
    ]
    if not differences:
        return None
    shown = "; ".join(f"{name} {saved!r} there, {now!r} here" for name, saved, now in differences)
    return (
        f".lee/calibration.json not applied: {shown} (a factor holds only where it was "
        "measured; rerun --lee-calibrate with this configuration's logs)"
    )


def apply_calibration(
    samples: dict[str, list[float]],
    calibration: Calibration,
    *,
    bootstrap_ms: float,
) -> dict[str, list[float]]:
    """*samples* with the harness's timings calibrated (the others untouched).

    ``cold_start_ms`` = (bootstrap + import) × init_factor + first invocation ×
    invoke_factor, per run, so the sum holds after calibration too.
    """
    init = calibration.init_factor or 1.0
    invoke = calibration.invoke_factor or 1.0
    result = {name: list(values) for name, values in samples.items()}
    imports = samples.get("import_ms", [])
    firsts = samples.get("first_invoke_ms", [])
    if imports and len(imports) == len(firsts):
        result["cold_start_ms"] = [
            (bootstrap_ms + imported) * init + first * invoke
            for imported, first in zip(imports, firsts)
        ]
    result["import_ms"] = [value * init for value in imports]
    result["first_invoke_ms"] = [value * invoke for value in firsts]
    if "request_ms" in samples:
        result["request_ms"] = [value * invoke for value in samples["request_ms"]]
    return {name: values for name, values in result.items() if values or name in samples}
