"""The measurement: ``runs`` cold starts of the packaged handler, each in a fresh interpreter.

The code directory is the deployment package itself, built with
``pytest_lee.package.build_package`` and unzipped with ``extract_package`` (so the
budgets measure what would ship, never the repository's ``__pycache__``). One extra run
with ``-X importtime`` comes first and lists the slowest modules; it is not a sample,
because import tracing slows imports down. Then ``runs`` timed runs; each one:

- imports the handler (``import_ms``), invokes it once cold (``first_invoke_ms``;
  ``cold_start_ms`` is their sum), then replays the warm requests (``request_ms``,
  pooled over all runs, so its p95 is a request-latency p95);
- ``max_memory_mb``: the child's peak (its memory cgroup's, or its RSS, whichever is
  larger; a child over ``memory_mb`` is killed and fails the measurement);
  ``error_rate``: invocations that raised or answered ``statusCode >= 500``, over all of
  the run's invocations;
- the app's stdout metric lines (see ``metrics``), and ``cache_hit_rate`` from its
  ``cache_hits``/``cache_misses``; the phases its plain log lines report
  (``phase_patterns``, see ``phases``).

Every child runs under the session's CPU model (``--lee-cpu``: ``host``, or ``lambda``'s
share of a core by ``memory_mb``) and ``memory_mb`` as its memory limit (see
``pytest_lee.lambda_runtime.limits``); the measurement says which, and with which Python.

Warm requests: the configured events replayed whole, in order, as many rounds as it
takes to reach ``WARM_REQUESTS`` (so the request mix stays as configured).
``cache_hit_rate`` is over that replay: the run's counters minus what the cold start
reported (valid for both counter styles), because a cold start's warm-up misses are
expected and would swamp a short replay, while production hit rates are steady-state.
A run that does not import, crashes or times out fails the whole measurement with the
child's error and stderr tail; a handler that merely returns errors is ``error_rate``.
"""

from __future__ import annotations

import glob
import itertools
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pytest_lee.budgets.imports import app_modules, import_analysis
from pytest_lee.budgets.metrics import cache_hit_rate, parse_app_metrics
from pytest_lee.budgets.phases import split_phases
from pytest_lee.budgets.stats import MetricStats, summarize
from pytest_lee.errors import LeeConfigError, LeeError
from pytest_lee.lambda_runtime.offline import offline_children
from pytest_lee.lambda_runtime.runner import ChildRun, run_handler
from pytest_lee.package.excludes import left_out_hint
from pytest_lee.sandbox.reaper import owned_prefix
from pytest_lee.settings import FunctionSettings, Settings

WARM_REQUESTS = 20
SLOWEST_IMPORTS = 5


class MeasurementError(LeeError):
    """The handler could not be measured: it did not import, crashed or hung."""


@dataclass(frozen=True)
class Measurement:
    """Samples per metric over the runs, plus what explains them. JSON round-trips."""

    handler: str
    runs: int
    samples: dict[str, list[float]]
    app_metrics: list[str] = field(default_factory=list)
    # App metrics printed by the cold start (import + first invocation) and never by a
    # warm request: the app's own phases of the cold start, in the order reported.
    phases: list[str] = field(default_factory=list)
    slowest_imports: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The -X importtime run's tree (pruned) and its heaviest chains: see ``imports``.
    import_tree: list[dict[str, Any]] = field(default_factory=list)
    import_chains: list[dict[str, Any]] = field(default_factory=list)
    # Warm samples of the phases from log lines (``phase_patterns``), pooled over the runs.
    warm_phases: dict[str, list[float]] = field(default_factory=dict)
    cpu: str = "host"  # the CPU model the children ran under, "unthrottled (why)" included
    memory_limit: str = ""
    python: str = ""

    def stats(self, metric: str) -> MetricStats | None:
        values = self.samples.get(metric)
        return summarize(values) if values else None


def load_events(settings: Settings) -> list[Any]:
    """The configured events, in order: ``event``, or the files ``events`` matches (sorted)."""
    budgets = settings.budgets
    if budgets is None or (budgets.event is None and budgets.events is None):
        return [{}]
    if budgets.event is not None:
        return [dict(budgets.event)]
    pattern = budgets.events or ""
    paths = sorted(glob.glob(str(settings.rootdir / pattern), recursive=True))
    if not paths:
        raise LeeConfigError(
            f"{settings.pyproject}: tool.lee.budgets.events = {pattern!r}: matches no file"
        )
    events = []
    for path in paths:
        try:
            events.append(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            raise LeeConfigError(f"{path}: event file is not JSON: {error}") from None
    return events


def replay_plan(events: Sequence[Any]) -> list[Any]:
    """Cold event first, then the events replayed whole until ``WARM_REQUESTS`` warm requests."""
    rounds = -(-WARM_REQUESTS // len(events))  # ceiling: whole rounds keep the request mix
    return [events[0], *itertools.chain.from_iterable(itertools.repeat(list(events), rounds))]


def package_code(
    settings: Settings, source: str | Path | None, workdir: Path
) -> tuple[Path, tuple[str, ...]]:
    """Build the deployment zip of *source* and unzip it: the directory the child runs in,
    and the files the excludes left out (named when the handler then fails to open one)."""
    from pytest_lee.package import build_package, extract_package

    package = build_package(settings, source, verify=False, out_dir=workdir / "zip")
    return extract_package(package.path, workdir / "task"), package.left_out


def layers_dir(settings: Settings, workdir: Path) -> Path | None:
    """The ``[[tool.lee.layer]]`` zips built and unzipped in order: the child's ``/opt``."""
    if not settings.layers:
        return None
    from pytest_lee.package.layers import build_layers, extract_layers

    layers = build_layers(settings, workdir / "layers")
    return extract_layers([layer.path for layer in layers], workdir / "opt")


def measure(
    settings: Settings,
    *,
    runs: int,
    handler: str | None = None,
    source: str | Path | None = None,
    code_dir: Path | None = None,
    events: Sequence[Any] | None = None,
    function: FunctionSettings | None = None,
    timeout_s: float | None = None,
) -> Measurement:
    """Measure *handler* (default ``[tool.lee] handler``) *runs* times; see the module doc."""
    handler = handler or settings.handler
    function = function or settings.function
    chosen = list(events) if events is not None else load_events(settings)
    if not chosen:
        raise LeeConfigError(f"{handler}: no events to invoke it with (give at least one)")
    plan = replay_plan(chosen)
    cpu = settings.cpu
    workdir = Path(tempfile.mkdtemp(prefix=owned_prefix("measure")))
    left_out: tuple[str, ...] = ()
    try:
        if code_dir is None:
            code_dir, left_out = package_code(settings, source, workdir)
        opt_dir = layers_dir(settings, workdir)
        with offline_children(settings, workdir, function, code_dir) as child:
            traced = run_handler(
                code_dir,
                handler,
                plan[:1],
                child,
                timeout_s=timeout_s,
                importtime=True,
                opt_dir=opt_dir,
                cpu=cpu,
            )
            _require_completed(traced, handler, left_out)
            collected = [
                run_handler(
                    code_dir, handler, plan, child, timeout_s=timeout_s, opt_dir=opt_dir, cpu=cpu
                )
                for _ in range(runs)
            ]
        notes = runtime_notes(code_dir, function)
        app = app_modules(code_dir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for run in collected:
        _require_completed(run, handler, left_out)
    patterns = settings.budgets.phase_patterns if settings.budgets is not None else ()
    measurement = _from_runs(handler, collected, traced, patterns)
    measurement = replace(measurement, **import_analysis(traced.imports, app))
    measurement.notes.extend(notes)
    return _with_runtime_notes(measurement, function)


def _with_runtime_notes(measurement: Measurement, function: FunctionSettings) -> Measurement:
    """The interpreter that was not usable, and what it cannot import, as notes."""
    from pytest_lee.lambda_runtime import provides
    from pytest_lee.sandbox import interpreter

    python = interpreter.resolve(function.python)
    notes = [interpreter.note(python)]
    notes.extend(
        interpreter.provides_problems(python, provides.provides_dir(function.runtime_provides))
    )
    measurement.notes.extend(note for note in notes if note)
    return measurement


def _require_completed(run: ChildRun, handler: str, left_out: tuple[str, ...] = ()) -> None:
    completed = (
        run.import_ms is not None
        and not run.timed_out
        and run.returncode == 0
        and (run.first_invoke_ms is not None)
    )
    if not completed:
        tail = run.stderr_tail.strip()
        shown = f"\n--- child stderr (last lines) ---\n{tail}" if tail else " (no stderr)"
        hint = left_out_hint(run.error, left_out) if run.import_ms is None else ""
        raise MeasurementError(f"{handler}: {run.error}{hint}{shown}")


def _from_runs(
    handler: str, collected: list[ChildRun], traced: ChildRun, patterns: Sequence[str] = ()
) -> Measurement:
    samples: dict[str, list[float]] = {}
    warm_phases: dict[str, list[float]] = {}
    app_names: list[str] = []
    phases: list[str] = []
    notes: list[str] = []

    def add(name: str, value: float | None) -> None:
        if value is not None:
            samples.setdefault(name, []).append(float(value))

    for run in collected:
        add("import_ms", run.import_ms)
        add("first_invoke_ms", run.first_invoke_ms)
        add("cold_start_ms", run.cold_start_ms)
        samples.setdefault("request_ms", []).extend(run.request_ms)
        add("max_memory_mb", run.max_rss_mb)
        failures = sum(1 for error in run.invoke_errors if error)
        add("error_rate", failures / len(run.invoke_errors) if run.invoke_errors else None)
        reported = parse_app_metrics(run.stdout_lines)
        add("cache_hit_rate", cache_hit_rate(replay_counters(run, reported.values)))
        for name, value in reported.values.items():
            add(name, value)
            if name not in app_names:
                app_names.append(name)
        for name in cold_start_phases(run):
            if name not in phases:
                phases.append(name)
        cold_end = run.stdout_marks[1] if len(run.stdout_marks) >= 2 else None
        cold, warm = split_phases(run.stdout_lines, cold_end, patterns)
        for name, value in cold.items():
            if name in reported.values:  # a METRIC line of the same name wins
                continue
            add(name, value)
            for names in (app_names, phases):
                if name not in names:
                    names.append(name)
        for name, values in warm.items():
            warm_phases.setdefault(name, []).extend(values)
        for clash in reported.clashes:
            note = f"the app reports {clash!r}, a harness metric: kept as 'app.{clash}'"
            if note not in notes:
                notes.append(note)
    if not samples.get("request_ms"):
        samples.pop("request_ms", None)
    notes.extend(response_notes(collected))
    first_errors = sorted({error for run in collected for error in run.invoke_errors if error})
    if first_errors:
        notes.append(f"invocation errors: {'; '.join(first_errors[:3])}")
    return Measurement(
        handler=handler,
        runs=len(collected),
        samples=samples,
        app_metrics=app_names,
        phases=phases,
        slowest_imports=slowest_imports(traced),
        notes=notes,
        warm_phases=warm_phases,
        cpu=collected[0].cpu_model if collected else traced.cpu_model,
        memory_limit=collected[0].memory_limit if collected else traced.memory_limit,
        python=collected[0].python if collected else traced.python,
    )


def replay_counters(run: ChildRun, whole: dict[str, float]) -> dict[str, float]:
    """The run's values minus the cold start's: what the warm replay alone added."""
    if len(run.stdout_marks) < 2:
        return whole
    cold = parse_app_metrics(run.stdout_lines[: run.stdout_marks[1]]).values
    return {name: value - cold.get(name, 0.0) for name, value in whole.items()}


def cold_start_phases(run: ChildRun) -> list[str]:
    """App metrics the cold start printed that no warm request printed again."""
    if len(run.stdout_marks) < 2:
        return []
    cold = parse_app_metrics(run.stdout_lines[: run.stdout_marks[1]]).values
    warm = parse_app_metrics(run.stdout_lines[run.stdout_marks[1] :]).values
    return [name for name in cold if name not in warm]


def slowest_imports(run: ChildRun, count: int = SLOWEST_IMPORTS) -> list[dict[str, Any]]:
    """The modules with the largest own (self) import cost, cold start phases only."""
    ordered = sorted(run.imports, key=lambda timing: timing.self_ms, reverse=True)[:count]
    return [
        {
            "module": t.module,
            "self_ms": round(t.self_ms, 3),
            "cumulative_ms": round(t.cumulative_ms, 3),
            "phase": "import" if t.phase == "import" else "first invoke",
        }
        for t in ordered
    ]


def response_notes(collected: Sequence[ChildRun]) -> list[str]:
    """The status codes the measured requests answered, and any connection the guard refused.

    ``error_rate`` counts exceptions, unserialisable responses and 5xx; a 4xx is the
    handler refusing the event — shown here, so a budget never measures an error path
    without a word.
    """
    codes: dict[str, int] = {}
    for run in collected:
        for response in run.responses:
            code = response.get("statusCode") if isinstance(response, dict) else None
            if isinstance(code, int) and not isinstance(code, bool):
                codes[str(code)] = codes.get(str(code), 0) + 1
    notes = []
    if codes:
        shown = ", ".join(f"{code} × {count}" for code, count in sorted(codes.items()))
        client = sum(count for code, count in codes.items() if code.startswith("4"))
        extra = f" ({client} with 4xx: not in error_rate, check the events)" if client else ""
        notes.append(f"status codes: {shown}{extra}")
    blocked = sorted({host for run in collected for host in run.blocked})
    if blocked:
        notes.append(
            f"network guard refused {', '.join(blocked)}: children never reach the internet "
            "(AWS calls go to the loopback moto server; create state with [tool.lee.aws] setup)"
        )
    return notes


def runtime_notes(code_dir: Path, function: FunctionSettings) -> list[str]:
    """A note when vendored extension modules target another Python than the child runs.

    A ``cp312`` extension module is invisible to a 3.11 child: the package then falls
    back to pure Python (or fails to import), and the figures are not Lambda's. The child
    runs ``[tool.lee.function] python`` when that works, else the running interpreter.
    """
    from pytest_lee.sandbox import interpreter

    major, minor = interpreter.resolve(function.python).version
    running = f"{major}{minor}"
    foreign = sorted(
        path.relative_to(code_dir).as_posix()
        for path in code_dir.rglob("*.cpython-3*.so")
        if not path.name.split(".cpython-", 1)[1].startswith(f"{running}-")
    )
    if not foreign:
        return []
    shown = ", ".join(foreign[:3]) + (f" (and {len(foreign) - 3} more)" if len(foreign) > 3 else "")
    return [
        f"the child runs Python {major}.{minor}, the runtime is "
        f"{function.runtime}: {len(foreign)} vendored extension module"
        f"{'s' if len(foreign) != 1 else ''} built for another Python "
        f"{'are' if len(foreign) != 1 else 'is'} ignored ({shown}); "
        "their pure-Python fallbacks were measured"
    ]
