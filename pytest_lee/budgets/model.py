"""Lambda's time for one cold start, modelled from what the child did on this host.

``cpu = "lambda"`` throttles nothing: the child runs at the host's speed and reports, per
phase, its wall time, its CPU time and the time its threads waited in the run queue
(``child_main``: ``/proc/self/task/*/schedstat``). A phase's Lambda time is then

    CPU time ÷ the phase's vCPU share  +  time blocked (wall − CPU − run-queue wait)

so the time a busy CI machine kept the child waiting for a core is left out (it is the
run-queue wait), the time it slept or waited on I/O is kept as it is (Lambda does not
sleep faster), and only the CPU work is stretched by Lambda's share.

Shares: the init (the handler module's import, Lambda's INIT phase) at ``init_cpu``
vCPUs (default 1: Lambda boosts init to about a full vCPU whatever the memory size, the
sources are in docs/budgets.md); every invocation at ``memory_mb / 1769``. Python code
runs one thread at a time (the GIL), so a phase with one busy thread gets at most one
vCPU, and more than one only helps a phase whose threads really ran in parallel.

Lambda's init is limited to 10 s: past it the runtime is restarted and the init runs
again inside the first invocation, without the boost, counted against ``timeout_s``.
:func:`model_run` does the same, and says so.

A run without schedstat (not Linux) keeps its wall times: ``ModelledRun.modelled`` is
False and the "ran under" line says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pytest_lee.lambda_runtime.limits import cpu_share

__all__ = [
    "INIT_LIMIT_MS",
    "CpuModel",
    "ModelledRun",
    "PhaseUse",
    "model_run",
    "modelled_ms",
    "runtime_init_ms",
]

INIT_LIMIT_MS = 10_000.0
QUOTA_PERIOD_MS = 20.0  # the throttled check's CFS period (limits.PERIOD_US)

# The Python runtime's own start inside Init Duration (interpreter, bootstrap, the Runtime
# API client) for a hello-world handler at 128 MB, rounded: docs/budgets.md gives the
# public measurements these come from. Calibration (--lee-calibrate) or
# [tool.lee.budgets] runtime_init_ms replaces them with the function's own.
RUNTIME_INIT_MS: dict[str, float] = {
    "python3.8": 110.0,
    "python3.9": 100.0,
    "python3.10": 100.0,
    "python3.11": 100.0,
    "python3.12": 90.0,
    "python3.13": 90.0,
}
DEFAULT_RUNTIME_INIT_MS = 90.0


def runtime_init_ms(runtime: str, override: float | None = None) -> float:
    """The bootstrap constant for *runtime* (``[tool.lee.budgets] runtime_init_ms`` wins)."""
    if override is not None:
        return override
    return RUNTIME_INIT_MS.get(runtime, DEFAULT_RUNTIME_INIT_MS)


@dataclass(frozen=True)
class PhaseUse:
    """What one phase of the child used: wall, CPU and run-queue wait (ms), busy threads."""

    wall_ms: float
    cpu_ms: float | None = None  # None: no schedstat, only the wall time is known
    wait_ms: float = 0.0
    threads: int = 1

    @classmethod
    def from_child(cls, wall_ms: float, sched: tuple[int, int, int] | None) -> PhaseUse:
        """From a phase record's ``ms`` and ``sched`` triple (nanoseconds)."""
        if sched is None:
            return cls(wall_ms)
        cpu_ns, wait_ns, threads = sched
        threads = max(1, threads)
        # Clock reads a few µs apart can make a tiny phase's CPU exceed its wall time;
        # threads cannot use more than wall × their number.
        cpu_ms = min(cpu_ns / 1e6, wall_ms * threads)
        return cls(wall_ms, cpu_ms, wait_ns / 1e6, threads)

    @property
    def blocked_ms(self) -> float:
        """Sleeping, reading, waiting on the network: neither running nor queued."""
        if self.cpu_ms is None:
            return self.wall_ms
        return max(0.0, self.wall_ms - self.cpu_ms - self.wait_ms)


def modelled_ms(phase: PhaseUse, vcpus: float, *, burst: bool = False) -> float:
    """The phase's time at *vcpus* of a core; its wall time when its CPU is not known.

    Below one vCPU the share is a CFS quota (Lambda's is one, and so is the throttled
    check's): with *burst*, a phase that starts with its period's quota unspent — a warm
    request, after the time between requests — runs its first ``vcpus × 20 ms`` of CPU at
    full speed, the rest at the share (a 40 µs warm request at 128 MB takes 40 µs, not
    0.55 ms). The first invocation follows the init at once, which spent the period's
    quota: no burst.
    """
    if phase.cpu_ms is None:
        return phase.wall_ms
    usable = min(vcpus, float(phase.threads))  # one thread never uses more than one vCPU
    if usable >= 1 or not burst:
        return phase.cpu_ms / usable + phase.blocked_ms
    unspent = usable * QUOTA_PERIOD_MS
    if phase.cpu_ms <= unspent:
        return phase.cpu_ms + phase.blocked_ms
    return unspent + (phase.cpu_ms - unspent) / usable + phase.blocked_ms


@dataclass(frozen=True)
class CpuModel:
    """The shares of one function: init at ``init_cpu``, invocations at the memory share."""

    memory_mb: int
    init_cpu: float = 1.0
    timeout_s: float = 3.0

    @property
    def invoke_vcpus(self) -> float:
        return cpu_share(self.memory_mb)


@dataclass(frozen=True)
class ModelledRun:
    """One cold start (and its warm requests) in Lambda's time."""

    import_ms: float
    first_invoke_ms: float
    request_ms: tuple[float, ...]
    init_ratio: float  # modelled ÷ wall of the import: scales the app's init phases
    invoke_ratio: float  # the same for the first invocation
    modelled: bool  # False: no schedstat, wall times kept
    restarted: bool = False  # init over 10 s: re-run inside the first invocation
    timed_out: bool = False  # ...and the re-run plus the invocation exceed timeout_s


def model_run(import_phase: PhaseUse, invokes: Sequence[PhaseUse], model: CpuModel) -> ModelledRun:
    """The run's phases at Lambda's shares (see the module doc); *invokes* starts cold."""
    if not invokes:
        raise ValueError("a cold start needs its first invocation")
    known = import_phase.cpu_ms is not None and all(p.cpu_ms is not None for p in invokes)
    if not known:
        first = invokes[0].wall_ms
        rest = tuple(p.wall_ms for p in invokes[1:])
        return ModelledRun(import_phase.wall_ms, first, rest, 1.0, 1.0, modelled=False)
    init = modelled_ms(import_phase, model.init_cpu)
    first = modelled_ms(invokes[0], model.invoke_vcpus)
    restarted = timed_out = False
    if init > INIT_LIMIT_MS:
        # Lambda stops the init at 10 s, restarts the runtime and runs the init again as
        # part of the first invocation, at the memory share (no boost): the caller waits
        # for both, and the re-run counts against the function's timeout.
        rerun = modelled_ms(import_phase, model.invoke_vcpus)
        restarted = True
        timed_out = (rerun + first) > model.timeout_s * 1000
        init = INIT_LIMIT_MS + rerun
    rest = tuple(modelled_ms(phase, model.invoke_vcpus, burst=True) for phase in invokes[1:])
    return ModelledRun(
        import_ms=init,
        first_invoke_ms=first,
        request_ms=rest,
        init_ratio=_ratio(init, import_phase.wall_ms),
        invoke_ratio=_ratio(first, invokes[0].wall_ms),
        modelled=True,
        restarted=restarted,
        timed_out=timed_out,
    )


def _ratio(modelled: float, wall: float) -> float:
    return modelled / wall if wall > 0 else 1.0
