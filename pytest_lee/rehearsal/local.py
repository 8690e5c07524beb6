"""Run a version's exact bytes locally: the health check and the canary's invocations.

moto without Docker never runs the code (its invoke echoes a canned payload), and
its ``Code.Location`` cannot be downloaded. So the rehearsal keeps every uploaded
zip here, keyed by the ``CodeSha256`` Lambda reported for it, and runs a version by
looking its bytes up under the hash Lambda reports for *that version*: what runs
is what was published, not what the test meant to publish.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_lee._atomic import write_atomic
from pytest_lee.errors import LeeError, PackageError
from pytest_lee.lambda_runtime.evidence import extension_hint, log_tail, python_version
from pytest_lee.rehearsal.canary import Invocation
from pytest_lee.settings import FunctionSettings, Settings


def code_sha256(data: bytes) -> str:
    """base64 of the SHA-256 of *data*: Lambda's ``CodeSha256``."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


@dataclass(frozen=True)
class HealthCheck:
    """The post-deployment health check: one cold invocation of the published bytes."""

    outcome: str  # "passed", "failed" or "skipped"
    event: Any = None
    response: Any = None
    error: str | None = None
    stderr_tail: str = ""
    import_ms: float | None = None
    first_invoke_ms: float | None = None
    # The last lines the function logged (stdout, then stderr), as CloudWatch would show them.
    log_tail: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def as_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "error": self.error,
            "response": self.response,
            "stderr_tail": self.stderr_tail,
            "import_ms": self.import_ms,
            "first_invoke_ms": self.first_invoke_ms,
            "log_tail": list(self.log_tail),
        }


class CodeStore:
    """Uploaded zips by ``CodeSha256``, and fresh directories to unzip them into."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._zips: dict[str, Path] = {}
        self._counter = itertools.count(1)

    def put(self, data: bytes) -> str:
        sha = code_sha256(data)
        if sha not in self._zips:
            path = self.root / "zips" / f"{hashlib.sha256(data).hexdigest()}.zip"
            write_atomic(path, data)
            self._zips[sha] = path
        return sha

    def holds(self, sha: str) -> bool:
        return sha in self._zips

    def names(self, *shas: str) -> list[str]:
        """The archive names of the zips held under *shas* (those not held are skipped)."""
        import zipfile

        names: list[str] = []
        for sha in shas:
            if sha in self._zips:
                with zipfile.ZipFile(self._zips[sha]) as archive:
                    names.extend(archive.namelist())
        return names

    def unpack(self, sha: str) -> Path:
        """A fresh directory holding the bytes stored under *sha*, unzipped safely."""
        from pytest_lee.package import extract_package

        if sha not in self._zips:
            raise LeeError(f"no bytes held locally for CodeSha256 {sha}")
        destination = self.root / "run" / f"{next(self._counter):03d}"
        return extract_package(self._zips[sha], destination)

    def unpack_all(self, shas: Sequence[str]) -> Path:
        """A fresh directory with the bytes under each of *shas* unzipped into it, in order."""
        from pytest_lee.package import extract_package

        destination = self.root / "run" / f"{next(self._counter):03d}-opt"
        for sha in shas:
            if sha not in self._zips:
                raise LeeError(f"no bytes held locally for layer CodeSha256 {sha}")
            extract_package(self._zips[sha], destination)
        return destination


def run_events(
    store: CodeStore,
    sha: str,
    handler: str,
    events: Sequence[Any],
    function: FunctionSettings,
    *,
    layers: Sequence[str] = (),
) -> Any:
    """One fresh child process running *events* (the first cold) on the bytes under *sha*,
    with the layers stored under the hashes *layers* unzipped in order as its ``/opt``."""
    from pytest_lee.lambda_runtime.runner import run_handler

    code_dir = store.unpack(sha)
    opt_dir = store.unpack_all(layers) if layers else None
    return run_handler(
        code_dir, handler, list(events), function, timeout_s=function.timeout_s, opt_dir=opt_dir
    )


def invocation_errors(child: Any, count: int) -> list[str | None]:
    """One error (or None) per event: an exception or a ``statusCode`` >= 500 (the runner
    reports both per invocation), or — for events never answered — why the child stopped
    (a timeout, a crash, a failed import)."""
    errors: list[str | None] = []
    for index in range(count):
        if index < len(child.invoke_errors) and child.invoke_errors[index]:
            errors.append(child.invoke_errors[index])
        elif index >= len(child.responses):
            errors.append(child.error or "no response")
        else:
            errors.append(None)
    return errors


def invocations(child: Any, count: int, vcpus: float | None = None) -> list[Invocation]:
    """One :class:`Invocation` per event: its error, its response and its time."""
    times = invocation_times(child, vcpus)
    return [
        Invocation(
            error,
            child.responses[index] if index < len(child.responses) else None,
            times[index] if index < len(times) else None,
        )
        for index, error in enumerate(invocation_errors(child, count))
    ]


def invocation_times(child: Any, vcpus: float | None = None) -> list[float]:
    """Each invocation's time (first, cold, then the warm ones) in the child's own time, never
    the host's wall clock a busy CI box stretches: CPU ÷ *vcpus* + blocked time, from the
    child's schedstat (``pytest_lee.budgets.model``). *vcpus* None is the ``host`` model: the
    CPU time as spent. Empty where the child had no schedstat (not Linux): then the canary
    does not judge latency rather than judge it on wall time."""
    from pytest_lee.budgets.model import PhaseUse, modelled_ms

    if child.first_invoke_ms is None:
        return []
    walls = [child.first_invoke_ms, *child.request_ms]
    scheds = list(child.sched[1:])
    times = []
    for index, wall in enumerate(walls):
        phase = PhaseUse.from_child(float(wall), scheds[index] if index < len(scheds) else None)
        if phase.cpu_ms is None:
            return []
        times.append(modelled_ms(phase, float(phase.threads) if vcpus is None else vcpus))
    return times


def health_check(
    store: CodeStore,
    sha: str,
    handler: str,
    event: Any,
    function: FunctionSettings,
    *,
    settings: Settings | None = None,
    layers: Sequence[str] = (),
) -> HealthCheck:
    """Invoke the bytes under *sha* once, cold, with *event*; any error fails the check,
    and with *settings* so does a response the health rules refuse (see ``health``)."""
    try:
        child = run_events(store, sha, handler, [event], function, layers=layers)
    except PackageError as error:
        return HealthCheck("failed", event=event, error=one_line(error))
    except LeeError as error:
        return HealthCheck("failed", event=event, error=str(error))
    problem = invocation_errors(child, 1)[0]
    if settings is not None and child.responses:
        from pytest_lee.rehearsal.health import judge

        problem = judge(settings, child.responses[0], problem, child.blocked)
    if problem:
        problem += extension_hint(
            problem, store.names(sha, *layers), python_version(child.python) or sys.version_info[:2]
        )
    return HealthCheck(
        "failed" if problem else "passed",
        event=event,
        response=child.responses[0] if child.responses else None,
        error=problem,
        stderr_tail=child.stderr_tail,
        import_ms=child.import_ms,
        first_invoke_ms=child.first_invoke_ms,
        log_tail=tuple(log_tail(child.stdout_lines, child.stderr_tail)),
    )


def one_line(error: BaseException) -> str:
    """A PackageError's problems joined on one line; any other error's first line."""
    if isinstance(error, PackageError):
        return "; ".join(error.problems)
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
