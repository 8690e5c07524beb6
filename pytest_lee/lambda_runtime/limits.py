"""Lambda's limits on one child: its CPU share (``--lee-cpu lambda-throttled``) and ``memory_mb``.

CPU. Lambda allots CPU in proportion to memory: 1,769 MB is one full vCPU (AWS's
documentation), up to 6 vCPUs at 10,240 MB, except during init, which gets about one
full vCPU whatever the memory size (docs/budgets.md has the sources). Under
``cpu = "lambda"`` nothing is throttled: the child runs at the host's speed and
``pytest_lee.budgets.model`` derives Lambda's time from its CPU and wait counters. Under
``cpu = "lambda-throttled"`` (the check of that model) the child gets ``init_cpu`` of a
core until its init ends, then ``memory_mb / 1769`` of a core, as a CFS bandwidth quota (v1 ``cpu.cfs_quota_us``, v2
``cpu.max``) with a **20 ms period**: the kernel lets the child run for its quota,
then holds it until the period ends. With the default 100 ms period a 128 MB child
runs 7 ms then waits 93 ms, so a 30 ms cold start lands on 100 ms steps and its
figure depends on where in a period it started; a 20 ms period makes the steps five
times finer. It cannot be much shorter: the kernel's smallest quota is 1 ms, and
128 MB's share of a 20 ms period is 1.45 ms. Where no cgroup can be made,
``systemd-run --user --scope -p CPUQuota=`` is used if a user session allows it;
otherwise the child runs unthrottled and the model says so, with why.

Memory, in both CPU models: a cgroup limit on memory and swap at ``memory_mb`` (the
kernel kills the child past it, as Lambda does), and ``max_memory_mb`` the larger of
its peak and the child's peak RSS (see :func:`annotate`);
without a cgroup, the child's RSS polled every 10 ms and the process group killed
past it. Never ``RLIMIT_AS``: it counts address space, and boto3 with four threads
reserves 400 MB of it at 49 MB resident.

The child is placed in its cgroup before it runs anything of Python: the command is
wrapped in ``/bin/sh -c 'echo $$ > cgroup.procs; exec ...'`` (the same pid, which
``exec`` keeps), so no ``preexec_fn`` runs in a forked copy of a threaded parent.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from pytest_lee.lambda_runtime import cgroups

__all__ = ["ChildLimits", "LimitOutcome", "annotate", "child_limits", "cpu_share"]

CPU_MODELS = ("host", "lambda", "lambda-throttled")

MB_PER_VCPU = 1769
MAX_VCPUS = 6.0
PERIOD_US = 20_000
MIN_QUOTA_US = 1_000
RSS_POLL_S = 0.01
_systemd: dict[str, str | None] = {}


def cpu_share(memory_mb: int) -> float:
    """Lambda's vCPUs at *memory_mb*: 128 MB → 0.072, 1769 MB → 1.0, capped at 6."""
    return min(memory_mb / MB_PER_VCPU, MAX_VCPUS)


def quota_us(memory_mb: int, period_us: int = PERIOD_US) -> int:
    return share_quota_us(cpu_share(memory_mb), period_us)


def share_quota_us(vcpus: float, period_us: int = PERIOD_US) -> int:
    """The CFS quota giving *vcpus* of a core per *period_us* (at least the kernel's 1 ms)."""
    return max(MIN_QUOTA_US, round(period_us * vcpus))


@dataclass
class LimitOutcome:
    """What the limits did to one child, read before its cgroup is removed."""

    peak_mb: float | None = None
    killed_for_memory: bool = False


@dataclass
class ChildLimits:
    """The limits one child runs under, and how to start it under them."""

    memory_mb: int
    cpu_model: str  # "host", "lambda 0.072 vCPU", or "unthrottled (why)"
    memory_limit: str  # "128 MB (cgroup v1)", "128 MB (RSS polling)"
    cgroup: cgroups.ChildCgroup | None = None
    systemd: list[str] = field(default_factory=list)
    outcome: LimitOutcome = field(default_factory=LimitOutcome)
    # lambda-throttled: the cgroup's quota file, open for the child to lower at init end.
    pass_fds: tuple[int, ...] = ()
    child_env: dict[str, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _watcher: threading.Thread | None = None

    def wrap(self, argv: list[str]) -> list[str]:
        """*argv* started inside the cgroup (or the systemd scope)."""
        if self.systemd:
            return [*self.systemd, "--", *argv]
        if self.cgroup is None:
            return argv
        files = [str(path) for path in self.cgroup.procs_files]
        place = " && ".join(f'echo $$ > "${index}"' for index in range(1, len(files) + 1))
        return ["/bin/sh", "-c", f'{place} && shift {len(files)} && exec "$@"', "sh", *files, *argv]

    def close_fds(self) -> None:
        """The parent's copies of the descriptors handed to the child, once it has them."""
        for fd in self.pass_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.pass_fds = ()

    def watch(self, pid: int) -> None:
        """Without a cgroup memory limit: poll the child's RSS, kill its group past the limit."""
        if self.systemd or (self.cgroup is not None and "memory" in self.cgroup.directories):
            return
        self._watcher = threading.Thread(target=self._poll, args=(pid,), daemon=True)
        self._watcher.start()

    def _poll(self, pid: int) -> None:
        limit_kb = self.memory_mb * 1024
        status = Path(f"/proc/{pid}/status")
        while not self._stop.wait(RSS_POLL_S):
            rss_kb = _rss_kb(status)
            if rss_kb is None:
                return
            peak = rss_kb / 1024
            self.outcome.peak_mb = max(self.outcome.peak_mb or 0.0, peak)
            if rss_kb > limit_kb:
                self.outcome.killed_for_memory = True
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
                return

    def finish(self) -> None:
        """Stop watching, read the cgroup's peak and OOM count, remove the cgroup."""
        self.close_fds()
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        if self.cgroup is not None:
            self.outcome.peak_mb = self.cgroup.peak_memory_mb()
            self.outcome.killed_for_memory = self.cgroup.oom_killed()
            self.cgroup.remove()


def _rss_kb(status: Path) -> int | None:
    try:
        text = status.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None  # a zombie has no VmRSS


@contextlib.contextmanager
def child_limits(memory_mb: int, cpu: str, *, init_cpu: float = 1.0) -> Iterator[ChildLimits]:
    """The limits for one child; the cgroup is removed on the way out, whatever happened."""
    limits = _make(memory_mb, cpu, init_cpu)
    try:
        yield limits
    finally:
        limits.finish()


def _make(memory_mb: int, cpu: str, init_cpu: float = 1.0) -> ChildLimits:
    problems: dict[str, str] = {}
    usable = []
    throttled = cpu == "lambda-throttled"
    for controller in ("cpu", "memory") if throttled else ("memory",):
        try:
            cgroups.find_hierarchy(controller)
            usable.append(controller)
        except cgroups.CgroupUnavailable as unavailable:
            problems[controller] = str(unavailable)
    made = None
    pass_fds: tuple[int, ...] = ()
    child_env: dict[str, str] = {}
    if usable:
        try:
            made = cgroups.create_child_cgroup(tuple(usable))
            if "cpu" in made.directories:
                made.set_cpu_quota(share_quota_us(init_cpu), PERIOD_US)
                switch = made.open_cpu_quota()
                pass_fds = (switch,)
                invoke_quota = made.quota_text(quota_us(memory_mb), PERIOD_US)
                child_env = {"LEE_INIT_END_QUOTA": f"{switch} {invoke_quota}"}
            made.set_memory_limit(memory_mb * 1024 * 1024)
        except (cgroups.CgroupUnavailable, OSError) as error:
            for fd in pass_fds:
                os.close(fd)
            pass_fds, child_env = (), {}
            reason = str(error) if isinstance(error, cgroups.CgroupUnavailable) else error.strerror
            for controller in usable:
                problems[controller] = f"cannot set up a cgroup: {reason}"
            if made is not None:
                made.remove()
            made = None
    systemd: list[str] = []
    has = set(made.directories) if made is not None else set()
    label = f"lambda-throttled {init_cpu:g} vCPU init, {cpu_share(memory_mb):.3g} vCPU invoke"
    if cpu == "host":
        cpu_model = "host"
    elif cpu == "lambda":
        cpu_model = (
            f"lambda (modelled: init {init_cpu:g} vCPU, invoke {cpu_share(memory_mb):.3g} vCPU)"
        )
    elif "cpu" in has:
        cpu_model = label
    else:
        scope = _systemd_run(memory_mb)
        if scope is not None:  # the scope limits memory too: one mechanism is enough
            # A scope's quota is fixed when it starts: the init runs at the memory share too.
            cpu_model = (
                f"lambda-throttled {cpu_share(memory_mb):.3g} vCPU (systemd-run: no init boost)"
            )
            systemd, has = scope, set()
            if made is not None:
                made.remove()
                made = None
        else:
            cpu_model = (
                f"unthrottled ({problems.get('cpu', 'no cgroup')}; "
                f"systemd-run --user --scope: {_systemd_problem()})"
            )
    if "memory" in has and made is not None:
        memory_limit = f"{memory_mb} MB (cgroup v{made.versions['memory']})"
    elif systemd:
        memory_limit = f"{memory_mb} MB (systemd-run scope)"
    else:
        memory_limit = f"{memory_mb} MB (RSS polling: {problems.get('memory', 'no memory cgroup')})"
    return ChildLimits(
        memory_mb,
        cpu_model,
        memory_limit,
        cgroup=made,
        systemd=systemd,
        pass_fds=pass_fds,
        child_env=child_env,
    )


def _systemd_run(memory_mb: int) -> list[str] | None:
    """``systemd-run --user --scope`` with the quota, when a user session accepts it."""
    if _systemd_problem():
        return None
    return _scope(memory_mb)


def _scope(memory_mb: int) -> list[str]:
    return [
        "systemd-run",
        "--user",
        "--scope",
        "--quiet",
        "--collect",
        "-p",
        f"CPUQuota={cpu_share(memory_mb) * 100:.2f}%",
        "-p",
        f"CPUQuotaPeriodSec={PERIOD_US // 1000}ms",
        "-p",
        f"MemoryMax={memory_mb}M",
        "-p",
        "MemorySwapMax=0",
    ]


def _systemd_problem() -> str | None:
    """Why ``systemd-run --user --scope`` cannot be used (None: it can); probed once."""
    if "problem" not in _systemd:
        _systemd["problem"] = _probe_systemd()
    return _systemd["problem"]


def _probe_systemd() -> str | None:
    program = shutil.which("systemd-run")
    if program is None:
        return "not installed"
    try:
        # systemd-run --scope probe running `true`: no user code, so not through the sandbox.
        done = subprocess.run(
            [program, *_scope(128)[1:], "--", "true"],  # the properties the children get
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return lines[0] if lines else f"exit status {done.returncode}"
    return None


class _Run(Protocol):
    """What :func:`annotate` reads of a run (``runner.ChildRun``, a dataclass it replaces):
    named here, so that this module does not import the runner that imports it."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def max_rss_mb(self) -> float | None: ...
    @property
    def returncode(self) -> int | None: ...
    @property
    def timed_out(self) -> bool: ...
    @property
    def error(self) -> str | None: ...


_R = TypeVar("_R", bound=_Run)


def annotate(run: _R, limits: ChildLimits) -> _R:
    """*run* with the limits it ran under, the cgroup's peak, and a kill reported as Lambda does.

    Lambda's log for a function killed over its memory size reads ``Runtime exited with
    error: signal: killed`` and its REPORT line ``Memory Size: 128 MB Max Memory Used:
    128 MB``; the same words here, with where it happened.
    """
    outcome = limits.outcome
    changes: dict[str, Any] = {"cpu_model": limits.cpu_model, "memory_limit": limits.memory_limit}
    if outcome.peak_mb is not None:
        # The cgroup's peak counts what was charged to it: anonymous memory and the page
        # cache it read first, not the interpreter's pages another process loaded already
        # (4.6 MB for a bare handler whose RSS is 10 MB). Lambda charges both to the
        # sandbox; the larger of the two is the closer lower bound.
        changes["max_rss_mb"] = max(outcome.peak_mb, run.max_rss_mb or 0.0)
    # A systemd scope's OOM kill is not counted where we can read it: a SIGKILL that the
    # timeout did not send is the memory limit's.
    by_scope = bool(limits.systemd) and run.returncode == -signal.SIGKILL and not run.timed_out
    if outcome.killed_for_memory or by_scope:
        used = changes.get("max_rss_mb", run.max_rss_mb) or float(limits.memory_mb)
        where = ""
        if run.error and run.error.endswith(")") and "(" in run.error:
            where = "; " + run.error[run.error.rindex("(") + 1 : -1]
        changes.update(
            ok=False,
            killed_for_memory=True,
            error=(
                "Runtime exited with error: signal: killed (Memory Size: "
                f"{limits.memory_mb} MB Max Memory Used: {used:.0f} MB{where})"
            ),
        )
    return replace(run, **changes)
