"""A measurement's samples from its runs: the harness's figures under the CPU model, the
app's metrics and phases (scaled where the model says so), the warm phases, the notes.

Kept apart from ``measure`` (which starts the children) so the arithmetic is reachable by
plain unit tests with hand-made ``ChildRun`` values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_lee.budgets.lambda_time import LAMBDA_MODELS, RunFigures, init_printed, run_figures
from pytest_lee.budgets.lambda_time import scaled as scaled_value
from pytest_lee.budgets.metrics import cache_hit_rate, parse_app_metrics
from pytest_lee.budgets.model import CpuModel
from pytest_lee.budgets.phases import split_phases
from pytest_lee.lambda_runtime.evidence import body_excerpt, log_tail
from pytest_lee.lambda_runtime.responses import count_responses, error_response
from pytest_lee.lambda_runtime.runner import ChildRun

SLOWEST_IMPORTS = 5
STDERR_LINES = 5  # of a whole run's stderr, beside the failing invocation's stdout

__all__ = [
    "cold_start_phases",
    "failure_evidence",
    "from_runs",
    "replay_counters",
    "response_notes",
    "slowest_imports",
]


def from_runs(
    handler: str,
    collected: list[ChildRun],
    traced: ChildRun,
    patterns: Sequence[str] = (),
    *,
    cpu: str = "host",
    model: CpuModel | None = None,
    bootstrap_ms: float = 0.0,
) -> dict[str, Any]:
    """The keyword arguments of a ``Measurement`` of *collected* (see the module doc)."""
    samples: dict[str, list[float]] = {}
    warm_phases: dict[str, list[float]] = {}
    app_names: list[str] = []
    emf_metrics: dict[str, dict[str, Any]] = {}
    phases: list[str] = []
    notes: list[str] = []
    scaled: list[str] = []
    kinds: list[str] = []
    model = model or CpuModel(128)

    def add(name: str, value: float | None) -> None:
        if value is not None:
            samples.setdefault(name, []).append(float(value))

    for run in collected:
        figures = run_figures(run, cpu, model, bootstrap_ms)
        kinds.append(figures.kind)
        notes.extend(note for note in _model_notes(figures, model) if note not in notes)
        add("import_ms", figures.import_ms)
        add("first_invoke_ms", figures.first_invoke_ms)
        add("cold_start_ms", figures.cold_start_ms)
        samples.setdefault("request_ms", []).extend(figures.request_ms)
        add("max_memory_mb", run.max_rss_mb)
        failures = sum(1 for error in run.invoke_errors if error)
        add("error_rate", failures / len(run.invoke_errors) if run.invoke_errors else None)
        reported = parse_app_metrics(run.stdout_lines)
        add("cache_hit_rate", cache_hit_rate(replay_counters(run, reported.values)))
        for name, location in reported.emf.items():
            emf_metrics.setdefault(name, location)
        at_init = init_printed(run, patterns)
        cold_names = set(cold_start_phases(run))

        def app_value(
            name: str,
            value: float,
            *,
            warm: bool = False,
            figures: RunFigures = figures,
            at_init: set[str] = at_init,
        ) -> float:
            result = scaled_value(name, value, figures, init=name in at_init, warm=warm)
            # Labelled by what it went through, not by whether it moved: at init on a quiet
            # host the ratio is exactly 1 (1 vCPU, no run-queue wait).
            if figures.kind == "lambda" and name.endswith("_ms") and name not in scaled:
                scaled.append(name)
            return result

        for name, value in reported.values.items():
            add(name, app_value(name, value) if name in cold_names else value)
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
            add(name, app_value(name, value))
            for names in (app_names, phases):
                if name not in names:
                    names.append(name)
        for name, values in warm.items():
            warm_phases.setdefault(name, []).extend(
                app_value(name, value, warm=True) for value in values
            )
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
    return dict(
        handler=handler,
        runs=len(collected),
        samples=samples,
        app_metrics=app_names,
        phases=phases,
        slowest_imports=slowest_imports(traced),
        notes=notes,
        emf_metrics=emf_metrics,
        warm_phases=warm_phases,
        cpu=collected[0].cpu_model if collected else traced.cpu_model,
        memory_limit=collected[0].memory_limit if collected else traced.memory_limit,
        python=collected[0].python if collected else traced.python,
        cpu_kind=_one_kind(kinds),
        scaled=scaled,
        runtime_init_ms=bootstrap_ms if cpu in LAMBDA_MODELS else None,
        failure_evidence=failure_evidence(collected),
    )


def failure_evidence(collected: Sequence[ChildRun]) -> str:
    """The first failing invocation with its body and the function's log up to it: what
    an ``error_rate`` failure shows (``statusCode 500`` alone hid the cause)."""
    for number, run in enumerate(collected, 1):
        index = next((i for i, error in enumerate(run.invoke_errors) if error), None)
        if index is None:
            continue
        response = run.responses[index] if index < len(run.responses) else None
        body = body_excerpt(response)
        end = run.stdout_marks[index + 1] if index + 1 < len(run.stdout_marks) else None
        lines = [
            f"  first failing invocation: run {number}, invocation {index + 1}: "
            f"{run.invoke_errors[index]}{f': {body}' if body else ''}"
        ]
        # stdout is marked per invocation; stderr is not, so its tail is the whole run's.
        for what, tail in (
            ("stdout up to it", log_tail(run.stdout_lines[:end], "")),
            ("stderr of the run", log_tail((), run.stderr_tail, STDERR_LINES)),
        ):
            if tail:
                lines.append(f"  function {what} (last {len(tail)} lines):")
                lines.extend(f"    | {line}" for line in tail)
        return "\n".join(lines)
    return ""


def _one_kind(kinds: list[str]) -> str:
    """The runs' common kind; a mix (schedstat lost in one run) is as weak as its weakest."""
    if not kinds:
        return "host"
    return kinds[0] if len(set(kinds)) == 1 else "host"


def _model_notes(figures: RunFigures, model: CpuModel) -> list[str]:
    notes = []
    if figures.restarted:
        notes.append(
            "init over Lambda's 10 s limit: modelled as Lambda does it, the runtime restarted "
            "and the init run again inside the first invocation at the memory share"
            + (
                f", which with it exceeds timeout_s = {model.timeout_s:g} s"
                if figures.timed_out
                else f", counted against timeout_s = {model.timeout_s:g} s"
            )
        )
    return notes


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
    answered = [response for run in collected for response in run.responses]
    counted = count_responses(answered)
    if counted.error_responses or counted.no_status:
        first = next(
            (found for response in answered if (found := error_response(response)) is not None),
            None,
        )
        notes.append(
            f"error_rate counts exceptions and 5xx only: of {len(answered)} responses, "
            f"{counted.error_responses} were error responses"
            + (f" (first: {first})" if first else "")
            + f" and {counted.no_status} had no statusCode"
        )
    blocked = sorted({host for run in collected for host in run.blocked})
    if blocked:
        notes.append(
            f"network guard refused {', '.join(blocked)}: children never reach the internet "
            "(AWS calls go to the loopback moto server; create state with [tool.lee.aws] setup)"
        )
    return notes
