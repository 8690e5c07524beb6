"""A measurement and ``.lee/calibration.json``: write it (``--lee-calibrate PATH``) or apply it.

The arithmetic and the file are ``calibration``'s; this module only decides, for one
measurement, which of the two happens and what the notes say. Calibration is for the
Lambda models only: a host wall time has no factor that makes it Lambda's (it moves with
this machine's load), so under ``cpu = "host"`` ``--lee-calibrate`` is refused with one
line and a committed file is left alone.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from pytest_lee.budgets import calibration as _calibration
from pytest_lee.errors import LeeConfigError
from pytest_lee.settings import FunctionSettings

__all__ = ["with_calibration"]


class _Figures(Protocol):
    """What this module reads of a ``measure.Measurement`` (a frozen dataclass, never
    imported here: ``measure`` calls this module)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def cpu(self) -> str: ...
    @property
    def cpu_kind(self) -> str: ...
    @property
    def notes(self) -> list[str]: ...
    @property
    def samples(self) -> dict[str, list[float]]: ...
    @property
    def runtime_init_ms(self) -> float | None: ...


Measurement = TypeVar("Measurement", bound=_Figures)


def with_calibration(
    measurement: Measurement,
    *,
    rootdir: Path,
    function: FunctionSettings,
    calibrate: Path | None = None,
) -> Measurement:
    """*measurement* calibrated by the committed file, or the file (re)written from *calibrate*."""
    path = _calibration.calibration_file(rootdir)
    kind = measurement.cpu_kind
    if calibrate is not None:
        if kind == "host":
            raise LeeConfigError(
                f"--lee-calibrate {calibrate}: the figures are host wall times "
                f"({measurement.cpu}); calibrate a Lambda model (--lee-cpu lambda)"
            )
        return _written(measurement, path, function, calibrate)
    if kind == "host":
        return measurement
    saved = _calibration.load_calibration(path)
    if saved is None:
        return measurement
    refused = _calibration.refusal(
        saved,
        memory_mb=function.memory_mb,
        runtime=function.runtime,
        architecture=function.architecture,
        model=kind,
    )
    if refused is not None:
        return replace(measurement, notes=[*measurement.notes, refused])
    bootstrap = measurement.runtime_init_ms or 0.0
    return replace(
        measurement,
        samples=_calibration.apply_calibration(measurement.samples, saved, bootstrap_ms=bootstrap),
        runtime_init_ms=bootstrap * (saved.init_factor or 1.0),
        calibration=saved.as_dict(),
    )


def _written(
    measurement: Measurement, path: Path, function: FunctionSettings, logs_path: Path
) -> Measurement:
    try:
        text = logs_path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise LeeConfigError(
            f"--lee-calibrate {logs_path}: cannot read: {error.strerror or error}"
        ) from None
    logs = _calibration.read_log_lines(text.splitlines())
    imports = measurement.samples.get("import_ms") or []
    requests = measurement.samples.get("request_ms") or []
    bootstrap = measurement.runtime_init_ms or 0.0
    saved = _calibration.factors(
        logs,
        memory_mb=function.memory_mb,
        modelled_init_ms=bootstrap + (statistics.median(imports) if imports else 0.0),
        modelled_request_ms=statistics.median(requests) if requests else None,
        runtime=function.runtime,
        architecture=function.architecture,
        model=measurement.cpu_kind,
        date=datetime.date.today().isoformat(),
        source=f"--lee-calibrate {logs_path}",
    )
    try:
        _calibration.save_calibration(path, saved)
    except OSError as error:
        raise LeeConfigError(f"{path}: cannot write: {error.strerror or error}") from None
    notes = [*measurement.notes, *_calibration.describe(saved, logs, path)]
    return replace(measurement, notes=notes)
