"""One child run's figures under the session's CPU model: what ``measure`` samples.

- ``host``: the wall times the child measured, as they are.
- ``lambda``: every phase through :func:`pytest_lee.budgets.model.model_run`; the app's
  own timings (METRIC, EMF, ``phase_patterns`` lines whose name ends in ``_ms``) are wall
  times the app measured, so each is scaled by the modelled ÷ wall ratio of the phase it
  was printed in (the import, or the first invocation) and labelled "modelled (scaled)".
  Counters and sizes are never scaled.
- ``lambda-throttled``: the wall times of a child that really ran at Lambda's shares.

Under both Lambda models ``cold_start_ms`` also holds the runtime's own bootstrap (a
documented constant per runtime, ``model.runtime_init_ms``): it is part of CloudWatch's
``Init Duration``, which is what the figure is compared with.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from pytest_lee.budgets.metrics import parse_app_metrics
from pytest_lee.budgets.model import CpuModel, PhaseUse, model_run
from pytest_lee.budgets.phases import line_phases
from pytest_lee.lambda_runtime.runner import ChildRun

__all__ = ["RunFigures", "init_printed", "run_figures", "scaled"]

MODELLED = ("lambda",)
LAMBDA_MODELS = ("lambda", "lambda-throttled")


@dataclass(frozen=True)
class RunFigures:
    """The harness's figures of one run, and how to scale the app's timings."""

    import_ms: float | None
    first_invoke_ms: float | None
    cold_start_ms: float | None
    request_ms: tuple[float, ...]
    init_ratio: float = 1.0
    invoke_ratio: float = 1.0
    warm_ratio: float = 1.0
    kind: str = "host"  # what the figures are: host, lambda or lambda-throttled
    restarted: bool = False
    timed_out: bool = False
    import_wall_ms: float = 0.0  # the wall times the app's own timings are measured in
    invoke_wall_ms: float = 0.0


def run_figures(run: ChildRun, cpu: str, model: CpuModel, bootstrap_ms: float = 0.0) -> RunFigures:
    """*run*'s figures under *cpu*; a ``lambda`` run without schedstat keeps its wall times
    and says ``host`` (what the figures then are)."""
    if cpu in MODELLED and run.import_ms is not None and run.first_invoke_ms is not None:
        walls = (run.first_invoke_ms, *run.request_ms)
        scheds = list(run.sched[1:]) + [None] * (len(walls) - max(0, len(run.sched) - 1))
        modelled = model_run(
            PhaseUse.from_child(run.import_ms, run.sched[0] if run.sched else None),
            [PhaseUse.from_child(wall, sched) for wall, sched in zip(walls, scheds)],
            model,
        )
        if modelled.modelled:
            warm = [
                modelled_value / wall
                for modelled_value, wall in zip(modelled.request_ms, run.request_ms)
                if wall > 0
            ]
            return RunFigures(
                import_ms=modelled.import_ms,
                first_invoke_ms=modelled.first_invoke_ms,
                cold_start_ms=bootstrap_ms + modelled.import_ms + modelled.first_invoke_ms,
                request_ms=modelled.request_ms,
                init_ratio=modelled.init_ratio,
                invoke_ratio=modelled.invoke_ratio,
                warm_ratio=statistics.median(warm) if warm else modelled.invoke_ratio,
                kind="lambda",
                restarted=modelled.restarted,
                timed_out=modelled.timed_out,
                import_wall_ms=run.import_ms,
                invoke_wall_ms=run.first_invoke_ms,
            )
    cold = run.cold_start_ms
    throttled = cpu == "lambda-throttled" and run.cpu_model.startswith("lambda-throttled")
    return RunFigures(
        import_ms=run.import_ms,
        first_invoke_ms=run.first_invoke_ms,
        cold_start_ms=(cold + bootstrap_ms) if throttled and cold is not None else cold,
        request_ms=run.request_ms,
        kind="lambda-throttled" if throttled else "host",
    )


def init_printed(run: ChildRun, patterns: Sequence[str]) -> set[str]:
    """The app timings the import printed (the others came from an invocation)."""
    if not run.stdout_marks:
        return set()
    lines = run.stdout_lines[: run.stdout_marks[0]]
    names = set(parse_app_metrics(lines).values)
    names.update(name for name, _ in line_phases(lines, patterns))
    return names


def scaled(
    name: str, value: float, figures: RunFigures, *, init: bool, warm: bool = False
) -> float:
    """An app-reported *value* in the model's time: timings (``*_ms``) only."""
    if figures.kind != "lambda" or not name.endswith("_ms"):
        return value
    if warm:
        return value * figures.warm_ratio
    # A snapshot printed by the first invocation may hold a timing taken at import (the
    # seed's cumulative _METRICS): longer than the invocation, it cannot have been taken
    # there, and within the import's wall time it was taken at init.
    if init or value <= figures.invoke_wall_ms:
        return value * (figures.init_ratio if init else figures.invoke_ratio)
    if value <= figures.import_wall_ms * 1.05:
        return value * figures.init_ratio
    # Longer than either phase alone: a total from the import's start to the end of the
    # first invocation (the seed's cold_start_total_ms). Each part takes its phase's ratio;
    # all at the invoke's would put the app's total far over the modelled cold start.
    if value <= (figures.import_wall_ms + figures.invoke_wall_ms) * 1.05:
        invoke_part = figures.invoke_wall_ms
        return invoke_part * figures.invoke_ratio + (value - invoke_part) * figures.init_ratio
    return value * figures.invoke_ratio
