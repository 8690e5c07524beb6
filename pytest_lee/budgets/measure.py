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

Every child runs under the session's CPU model (``--lee-cpu``: ``host``; ``lambda``,
modelled from the child's CPU time and run-queue wait, see ``model`` and ``lambda_time``;
``lambda-throttled``, a real CPU quota) and ``memory_mb`` as its memory limit (see
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
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pytest_lee.budgets.bytecode_advice import IMPORT_MS, advice_note, compiled_copy, ships_bytecode
from pytest_lee.budgets.calibrated import with_calibration
from pytest_lee.budgets.imports import app_modules, import_analysis
from pytest_lee.budgets.lambda_time import LAMBDA_MODELS, run_figures
from pytest_lee.budgets.model import CpuModel, runtime_init_ms
from pytest_lee.budgets.samples import from_runs
from pytest_lee.budgets.stats import MetricStats, summarize
from pytest_lee.errors import LeeConfigError, LeeError
from pytest_lee.lambda_runtime.evidence import extension_hint, log_tail, python_version
from pytest_lee.lambda_runtime.offline import offline_children
from pytest_lee.lambda_runtime.runner import ChildRun, run_handler
from pytest_lee.package.excludes import left_out_hint
from pytest_lee.sandbox.reaper import owned_prefix
from pytest_lee.settings import FunctionSettings, Settings

WARM_REQUESTS = 20


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
    # EMF metrics' CloudWatch namespace and dimensions (for --lee-alarms).
    emf_metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The -X importtime run's tree (pruned) and its heaviest chains: see ``imports``.
    import_tree: list[dict[str, Any]] = field(default_factory=list)
    import_chains: list[dict[str, Any]] = field(default_factory=list)
    # Warm samples of the phases from log lines (``phase_patterns``), pooled over the runs.
    warm_phases: dict[str, list[float]] = field(default_factory=dict)
    cpu: str = "host"  # the CPU model the children ran under, "unthrottled (why)" included
    memory_limit: str = ""
    python: str = ""
    # What the figures are: "host", "lambda" (modelled) or "lambda-throttled"; the app
    # timings scaled by the model; the runtime bootstrap added to cold_start_ms (ms).
    cpu_kind: str = "host"
    scaled: list[str] = field(default_factory=list)
    runtime_init_ms: float | None = None
    # Set when .lee/calibration.json was applied: its cold_starts, requests, date, factors.
    calibration: dict[str, Any] = field(default_factory=dict)
    origin: str = ""  # where the function's values came from (a SAM template), when not [tool.lee]
    # The first failing invocation's body and log, shown when error_rate fails.
    failure_evidence: str = ""

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
    init_cpu = settings.budgets.init_cpu if settings.budgets is not None else 1.0
    timeout = float(timeout_s if timeout_s is not None else function.timeout_s)
    model = CpuModel(function.memory_mb, init_cpu, timeout)
    bootstrap = (
        runtime_init_ms(
            function.runtime,
            settings.budgets.runtime_init_ms if settings.budgets is not None else None,
        )
        if cpu in LAMBDA_MODELS
        else 0.0
    )
    advice: str | None = None
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
                init_cpu=init_cpu,
            )
            _require_completed(traced, handler, left_out, code_dir)
            collected = [
                run_handler(
                    code_dir,
                    handler,
                    plan,
                    child,
                    timeout_s=timeout_s,
                    opt_dir=opt_dir,
                    cpu=cpu,
                    init_cpu=init_cpu,
                )
                for _ in range(runs)
            ]
            if all(run.import_ms is not None for run in collected):

                def once(directory: Path) -> float | None:
                    run = run_handler(
                        directory, handler, plan[:1], child, timeout_s=timeout_s,
                        opt_dir=opt_dir, cpu=cpu, init_cpu=init_cpu,
                    )  # fmt: skip
                    return run_figures(run, cpu, model, bootstrap).import_ms

                imports = [run_figures(run, cpu, model, bootstrap).import_ms for run in collected]
                advice = _bytecode_advice(
                    [value for value in imports if value is not None],
                    code_dir=code_dir,
                    workdir=workdir,
                    function=function,
                    once=once,
                    bootstrap=bootstrap,
                )
        notes = runtime_notes(code_dir, function) + ([advice] if advice else [])
        app = app_modules(code_dir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for run in collected:
        _require_completed(run, handler, left_out, code_dir)
    patterns = settings.budgets.phase_patterns if settings.budgets is not None else ()
    measurement = Measurement(
        **from_runs(
            handler, collected, traced, patterns, cpu=cpu, model=model, bootstrap_ms=bootstrap
        )
    )
    measurement = replace(
        measurement, **import_analysis(traced.imports, app), origin=function.origin or ""
    )
    measurement.notes.extend(notes)
    measurement = with_calibration(
        measurement,
        rootdir=settings.rootdir,
        function=function,
        calibrate=settings.options.calibrate,
    )
    return _with_runtime_notes(measurement, function)


def _bytecode_advice(
    imports: list[float],
    *,
    code_dir: Path,
    workdir: Path,
    function: FunctionSettings,
    once: Callable[[Path], float | None],
    bootstrap: float,
) -> str | None:
    """One extra cold start with bytecode when the import is over 200 ms (``bytecode_advice``)."""
    from pytest_lee import _interpreter as interpreter

    if not imports or statistics.median(imports) <= IMPORT_MS:
        return None
    python = interpreter.resolve(function.python)
    if ships_bytecode(code_dir, python.version):
        return None
    try:
        compiled = compiled_copy(
            code_dir, workdir / "compiled", python=python.executable, version=python.version
        )
    except (OSError, LeeError):
        return None
    measured = once(compiled)
    if measured is None:
        return None
    return advice_note(statistics.median(imports), measured, bootstrap)


def _with_runtime_notes(measurement: Measurement, function: FunctionSettings) -> Measurement:
    """The interpreter that was not usable, and what it cannot import, as notes."""
    from pytest_lee import _interpreter as interpreter
    from pytest_lee.package import provides

    python = interpreter.resolve(function.python)
    notes = [interpreter.note(python)]
    notes.extend(
        interpreter.provides_problems(python, provides.provides_dir(function.runtime_provides))
    )
    measurement.notes.extend(note for note in notes if note)
    return measurement


def _require_completed(
    run: ChildRun, handler: str, left_out: tuple[str, ...] = (), code_dir: Path | None = None
) -> None:
    completed = (
        run.import_ms is not None
        and not run.timed_out
        and run.returncode == 0
        and (run.first_invoke_ms is not None)
    )
    if not completed:
        tail = log_tail(run.stdout_lines, run.stderr_tail)
        shown = (
            f"\n--- function log (last {len(tail)} lines: stdout, then stderr) ---\n"
            + "\n".join(tail)
            if tail
            else " (nothing logged)"
        )
        hint = left_out_hint(run.error, left_out) if run.import_ms is None else ""
        if code_dir is not None and not hint:
            files = (path.relative_to(code_dir).as_posix() for path in code_dir.rglob("*.so"))
            hint = extension_hint(run.error, files, python_version(run.python) or (3, 0))
        raise MeasurementError(f"{handler}: {run.error}{hint}{shown}")


def runtime_notes(code_dir: Path, function: FunctionSettings) -> list[str]:
    """A note when vendored extension modules target another Python than the child runs.

    A ``cp312`` extension module is invisible to a 3.11 child: the package then falls
    back to pure Python (or fails to import), and the figures are not Lambda's. The child
    runs ``[tool.lee.function] python`` when that works, else the running interpreter.
    """
    from pytest_lee import _interpreter as interpreter

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
