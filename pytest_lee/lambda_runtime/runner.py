"""Run a Lambda handler the way Lambda starts it: one fresh interpreter per call.

:func:`run_handler` is shared by budgets (cold-start measurement) and rehearsals (the
health check of the published bytes). The child is ``python -I -S -B`` running
``child_main.py`` by path, so:

- ``sys.path`` is the code directory, then the ``runtime_provides`` distributions (and
  the distributions they require), then the standard library — nothing else of the dev
  venv: a handler that works only because the venv has ``requests`` fails here;
- no bytecode is written or read from the code directory's ``__pycache__`` (Lambda's
  ``/var/task`` is read-only: every cold start compiles the sources);
- it starts in the sandbox (``pytest_lee.sandbox``): an environment built from scratch
  (the function's ``environment`` on top of the variables the Lambda runtime sets:
  ``AWS_LAMBDA_FUNCTION_NAME``, ``LAMBDA_TASK_ROOT``, ``TZ``, ...; nothing of the
  parent's, no credentials), no network, the code directory read-only (or a fresh copy)
  as task root and working directory, its own empty ``/tmp``;
- nothing is imported before the import timer starts except ``os``.

Timeout: ``timeout_s`` (default ``function.timeout_s``) bounds the import and each
invocation separately, like Lambda's per-invocation timeout; at the first overrun the
child's whole process group is killed. Peak memory is that child's own ``ru_maxrss``
from ``os.wait4``.
"""

from __future__ import annotations

import bisect
import functools
import json
import os
import select
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pytest_lee import _interpreter
from pytest_lee.errors import LeeConfigError
from pytest_lee.lambda_runtime import bytecode as _bytecode
from pytest_lee.lambda_runtime import limits as _limits
from pytest_lee.package import provides as _provides
from pytest_lee.sandbox.child import ChildSpec, SandboxedChild, open_child
from pytest_lee.sandbox.output import MAX_LINE, capped_lines, printable
from pytest_lee.settings import FunctionSettings

__all__ = ["CHILD_SCRIPT", "ChildRun", "ImportTiming", "run_handler"]

CHILD_SCRIPT = Path(__file__).with_name("child_main.py")
_STDERR_TAIL_LINES = 20
_BLOCKED = "lee-network: blocked "  # pytest_lee.sandbox.guard.PREFIX


@dataclass(frozen=True)
class ImportTiming:
    """One ``-X importtime`` line: a module's own and cumulative import cost."""

    module: str
    self_ms: float
    cumulative_ms: float
    depth: int
    phase: str  # "import" (the handler module's import) or "invoke N" (lazy imports)


@dataclass(frozen=True)
class ChildRun:
    """What one fresh-interpreter run of a handler did.

    ``ok`` means the handler imported, every event was invoked without an exception
    or a ``statusCode >= 500`` response, and the child exited cleanly; ``error`` is
    then None, otherwise one line naming the first problem.
    """

    ok: bool
    error: str | None
    timed_out: bool
    returncode: int
    import_ms: float | None
    first_invoke_ms: float | None
    request_ms: tuple[float, ...]
    responses: tuple[Any, ...]
    invoke_errors: tuple[str | None, ...]
    max_rss_mb: float | None
    stdout_lines: tuple[str, ...]
    stderr_tail: str
    imports: tuple[ImportTiming, ...] = ()
    # Number of stdout lines printed by the end of the import, then of each invocation:
    # ``stdout_lines[:stdout_marks[1]]`` is what the cold start printed.
    stdout_marks: tuple[int, ...] = ()
    # The limits it ran under (``pytest_lee.lambda_runtime.limits``) and its interpreter.
    cpu_model: str = "host"
    memory_limit: str = ""
    killed_for_memory: bool = False
    python: str = ""
    # Connections the network guard refused (``host:port``), in order, even when swallowed.
    blocked: tuple[str, ...] = ()
    # Per phase (the import, then each invocation): (CPU ns, run-queue wait ns, busy
    # threads) from the child's schedstat, None where it had none (see child_main).
    sched: tuple[tuple[int, int, int] | None, ...] = ()

    @property
    def cold_start_ms(self) -> float | None:
        if self.import_ms is None or self.first_invoke_ms is None:
            return None
        return self.import_ms + self.first_invoke_ms


@dataclass(frozen=True)
class _Run:
    """One call of :func:`run_handler`, as every step of it needs it."""

    code_dir: Path
    handler: str
    function: FunctionSettings
    provides: Path | None
    timeout: float
    importtime: bool
    count: int
    cpu: str = "host"
    opt_dir: Path | None = None
    init_cpu: float = 1.0


def run_handler(
    code_dir: Path,
    handler: str,
    events: Sequence[Any],
    function: FunctionSettings,
    *,
    timeout_s: float | None = None,
    importtime: bool = False,
    cpu: str = "host",
    opt_dir: Path | None = None,
    init_cpu: float = 1.0,
) -> ChildRun:
    """Import *handler* (``module.function``) from *code_dir* in a fresh interpreter,
    invoke it with ``events[0]`` (cold) and the rest (warm), and report what happened.
    *cpu* is the CPU model (``host``, ``lambda`` or ``lambda-throttled``, whose init runs
    at *init_cpu* vCPUs); ``function.memory_mb`` limits memory in all (see ``limits``). *opt_dir* holds the function's layers, unzipped in order
    (Lambda's ``/opt``).

    Raises ``LeeConfigError`` for a malformed handler string or a configured
    ``runtime_provides`` distribution that is not installed; everything the child does
    wrong is reported in the returned ``ChildRun``.
    """
    module_name, _, function_name = handler.rpartition(".")
    if not module_name or not function_name:
        raise LeeConfigError(
            f"handler {handler!r}: expected 'module.function', as in the Lambda console"
        )
    timeout = float(timeout_s if timeout_s is not None else function.timeout_s)
    python = _interpreter.resolve(function.python)
    declared = _provides.provides_dir(function.runtime_provides)
    run = _Run(
        code_dir=Path(code_dir).resolve(),
        handler=handler,
        function=function,
        # compiled, as Lambda ships them
        provides=_bytecode.runtime_packages(declared, python),
        timeout=timeout,
        importtime=importtime,
        count=len(events),
        cpu=cpu,
        opt_dir=opt_dir,
        init_cpu=init_cpu,
    )
    # The compiled mirror links to the distributions' own files: they must be visible too.
    inputs = (
        *(path for path in (run.provides, declared, opt_dir) if path is not None),
        *_link_targets(declared),
    )
    # Each phase may take timeout_s; a process of the child never needs more CPU than all.
    cpu_s = timeout * (len(events) + 1) + 5
    with open_child(ChildSpec(run.code_dir, read_only=inputs, cpu_s=cpu_s)) as child:
        spec = child.box / "spec.json"
        spec.write_text(
            json.dumps(
                {
                    "events": list(events),
                    "timeout_s": timeout,
                    "context": _context_fields(function),
                },
                default=str,
            ),
            encoding="utf-8",
        )
        return _run_child(run, child, spec)


@functools.lru_cache(maxsize=8)
def _link_targets(provides: Path | None) -> tuple[Path, ...]:
    """Where the ``runtime_provides`` directory's links point (the installed distributions)."""
    if provides is None:
        return ()
    targets = set()
    for entry in provides.iterdir():
        if entry.is_symlink():
            target = entry.resolve()
            targets.add(target if target.is_dir() else target.parent)
    return tuple(sorted(targets))


def _context_fields(function: FunctionSettings) -> dict[str, Any]:
    return {
        "function_name": function.name,
        "function_version": "$LATEST",
        "memory_limit_in_mb": str(function.memory_mb),  # a string in the real runtime too
        "invoked_function_arn": f"arn:aws:lambda:us-east-1:123456789012:function:{function.name}",
        "log_group_name": f"/aws/lambda/{function.name}",
        "log_stream_name": "2024/01/01/[$LATEST]00000000000000000000000000000000",
    }


def lambda_environment(
    task_root: Path, handler: str, function: FunctionSettings, provides: Path | None
) -> dict[str, str]:
    """What the Lambda runtime sets, then the function's own (the sandbox adds the rest:
    PATH, locale, fake credentials, HOME, TMPDIR; ``pytest_lee.sandbox.environment``)."""
    fields = _context_fields(function)
    env = {
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PYTHONDONTWRITEBYTECODE": "1",
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(provides or ""),
        "_HANDLER": handler,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": fields["log_group_name"],
        "AWS_LAMBDA_LOG_STREAM_NAME": fields["log_stream_name"],
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    env.update(function.environment)
    return env


def _run_child(run: _Run, child: SandboxedChild, spec: Path) -> ChildRun:
    function = run.function
    python = _interpreter.resolve(function.python)
    read_fd, write_fd = os.pipe()
    env = lambda_environment(child.task_root, run.handler, function, run.provides)
    paths = [str(child.task_root)] + ([str(run.provides)] if run.provides is not None else [])
    if run.opt_dir is not None:  # layers: after the function's code, before the runtime's own
        from pytest_lee.package.layers import opt_paths

        paths[1:1] = opt_paths(run.opt_dir, function.runtime)
    argv = [
        python.executable,
        "-I",
        "-S",
        "-B",
        *(["-X", "importtime"] if run.importtime else []),
        str(CHILD_SCRIPT),
        str(write_fd),
        str(spec),
        run.handler,
        "1" if run.importtime else "0",
        *paths,
    ]
    limits = _limits.child_limits(function.memory_mb, run.cpu, init_cpu=run.init_cpu)
    work = child.box
    try:
        with (
            limits as applied,
            open(work / "stdout", "wb") as out,
            open(work / "stderr", "wb") as err,
        ):
            try:
                process = child.popen(
                    applied.wrap(argv),
                    {**env, **applied.child_env},
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    pass_fds=(write_fd, *applied.pass_fds),
                )
            finally:
                os.close(write_fd)
                applied.close_fds()
            applied.watch(process.pid)
            try:
                records, timed_out_in = _read_protocol(read_fd, process.pid, run.timeout)
            except BaseException:  # Ctrl-C: the child's own session does not get the SIGINT
                _kill_group(process.pid)
                _reap(process)
                raise
            status, rusage = _reap(process)
    finally:
        os.close(read_fd)
    raw_stdout = (work / "stdout").read_bytes()
    stderr = child.from_copy((work / "stderr").read_bytes().decode("utf-8", "replace"))
    assembled = _assemble(records, run, _Exit(timed_out_in, status, rusage), raw_stdout, stderr)
    if assembled.error is not None:
        assembled = replace(assembled, error=printable(child.from_copy(assembled.error)))
    marks = _line_counts(raw_stdout, [r.get("stdout_at", -1) for r in records if "stdout_at" in r])
    return _limits.annotate(replace(assembled, stdout_marks=marks, python=python.label), applied)


@dataclass(frozen=True)
class _Exit:
    """How the child ended: the phase it timed out in (if so), its wait status and rusage."""

    timed_out_in: str | None
    status: int
    rusage: Any


def _line_counts(raw: bytes, offsets: list[int]) -> tuple[int, ...]:
    """How many of ``raw.splitlines()`` begin before each offset (negative: all of them).

    The line starts are found once and each offset is a binary search: 16,000
    invocations cost twice 8,000 (re-splitting the output at every mark was quadratic).
    """
    starts: list[int] = []
    position = 0
    for line in raw.splitlines(keepends=True):
        starts.append(position)
        position += len(line)
    return tuple(
        len(starts) if offset < 0 else bisect.bisect_left(starts, offset) for offset in offsets
    )


def _read_protocol(fd: int, pid: int, timeout: float) -> tuple[list[dict[str, Any]], str | None]:
    """Read the child's records; restart the deadline at each phase, kill at an overrun.

    Reading stops at the ``done`` record, at end of file, or once the child has exited
    and its records are drained: a descendant that escaped the process group may hold
    the pipe open for ever, and must not make every run wait for the timeout. Lines are
    cut in one pass over the bytes (a 60 MB response was quadratic, then a timeout).
    """
    records: list[dict[str, Any]] = []
    phase = "starting"
    deadline = time.monotonic() + timeout
    pending = bytearray()
    exited = _exit_watch(pid)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill_group(pid)
                return records, phase
            watched = [fd] if exited is None else [fd, exited]
            ready, _, _ = select.select(watched, [], [], remaining)
            if fd not in ready:
                if ready:  # the child exited: take what it wrote, then stop waiting
                    ready, _, _ = select.select([fd], [], [], 0)
                    if not ready:
                        return records, None
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return records, None
            searched = len(pending)
            pending += chunk
            start = 0
            while (end := pending.find(b"\n", searched)) >= 0:
                line = bytes(pending[start:end])
                start = searched = end + 1
                if line.startswith(b"phase "):
                    phase = line[6:].decode()
                    deadline = time.monotonic() + timeout
                elif line:
                    records.append(_record(line))
            del pending[:start]
            if records and records[-1].get("kind") == "done":
                return records, None
    finally:
        if exited is not None:
            os.close(exited)


def _record(line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        record = None
    if isinstance(record, dict):
        return record
    return {"kind": "garbage", "text": line[:200].decode("utf-8", "replace")}


def _exit_watch(pid: int) -> int | None:
    """A descriptor readable once *pid* exits (Linux pidfd), or None where there is none."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(process: subprocess.Popen[bytes]) -> tuple[int, Any]:
    """Wait for the child with ``os.wait4``: its own peak RSS, not the children total."""
    deadline = time.monotonic() + 5.0
    while True:
        pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:  # closed the pipe but kept running
            _kill_group(process.pid)
            deadline = time.monotonic() + 5.0
        time.sleep(0.002)
    process.returncode = os.waitstatus_to_exitcode(status)  # so Popen never waits again
    _kill_group(process.pid)  # leftovers of the group (the sandbox kills those that left it)
    return status, rusage


def _assemble(
    records: list[dict[str, Any]], run: _Run, ended: _Exit, stdout: bytes, stderr: str
) -> ChildRun:
    timed_out_in, status, rusage = ended.timed_out_in, ended.status, ended.rusage
    timeout, count, handler = run.timeout, run.count, run.handler
    returncode = os.waitstatus_to_exitcode(status)
    imported = next((r for r in records if r.get("kind") == "import"), None)
    invokes = sorted((r for r in records if r.get("kind") == "invoke"), key=lambda r: r["index"])
    done = any(r.get("kind") == "done" for r in records)
    responses = tuple(r.get("response") for r in invokes)
    invoke_errors = tuple(r.get("error") or _server_error(r.get("response")) for r in invokes)
    durations = [float(r["ms"]) for r in invokes]
    error = None
    if timed_out_in is not None:
        error = f"timed out after {timeout:g} s ({_describe_phase(timed_out_in, count, handler)})"
    elif imported is None or (not done and imported.get("error") is None):
        where = _describe_phase(_last_phase(imported, invokes), count, handler)
        how = (
            f"exited with signal {-returncode}"
            if returncode < 0
            else f"exited with code {returncode}"
        )
        error = f"{how} ({where})"
    elif imported.get("error"):
        error = imported["error"]
    else:
        failed = next(((i, e) for i, e in enumerate(invoke_errors) if e), None)
        if failed is not None:
            error = f"invocation {failed[0] + 1} of {count}: {failed[1]}"
        elif returncode != 0:
            error = f"exited with code {returncode} after the last invocation"
    garbage = [r["text"] for r in records if r.get("kind") == "garbage"]
    if error is None and garbage:
        error = f"unreadable record from the child: {garbage[0]!r}"
    lines, imports = _split_stderr(stderr)
    blocked = tuple(
        dict.fromkeys(line[len(_BLOCKED) :] for line in lines if line.startswith(_BLOCKED))
    )
    return ChildRun(
        ok=error is None,
        error=error,
        timed_out=timed_out_in is not None,
        returncode=returncode,
        import_ms=None if imported is None or imported.get("error") else float(imported["ms"]),
        first_invoke_ms=durations[0] if durations else None,
        request_ms=tuple(durations[1:]),
        responses=responses,
        invoke_errors=invoke_errors,
        max_rss_mb=_max_rss_mb(records, rusage),
        stdout_lines=capped_lines(stdout),
        stderr_tail=printable("\n".join(line[:MAX_LINE] for line in lines[-_STDERR_TAIL_LINES:])),
        imports=imports,
        blocked=blocked,
        sched=tuple(_sched(r.get("sched")) for r in ([imported] if imported else []) + invokes),
    )


def _sched(value: Any) -> tuple[int, int, int] | None:
    """A record's ``sched`` triple, or None when absent or not three integers."""
    if (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    ):
        return (value[0], value[1], value[2])
    return None


def _max_rss_mb(records: list[dict[str, Any]], rusage: Any) -> float | None:
    """The child's peak RSS: the highest VmHWM it reported (its own, reset by exec), else —
    a child that died before reporting — ``ru_maxrss`` from ``wait4``, which can include
    the peak of the forked copy of the parent."""
    reported = [
        r["hwm_kb"] for r in records if isinstance(r.get("hwm_kb"), int) and r["hwm_kb"] > 0
    ]
    if reported:
        return float(max(reported)) / 1024
    return float(rusage.ru_maxrss) / 1024 if rusage is not None else None  # KiB on Linux


def _server_error(response: Any) -> str | None:
    if isinstance(response, dict):
        code = response.get("statusCode")
        if isinstance(code, int) and not isinstance(code, bool) and code >= 500:
            return f"statusCode {code}"
    return None


def _last_phase(imported: dict[str, Any] | None, invokes: list[dict[str, Any]]) -> str:
    if imported is None:
        return "import"
    return f"invoke {len(invokes)}"


def _describe_phase(phase: str, count: int, handler: str) -> str:
    if phase in ("import", "starting"):
        return f"importing {handler.rpartition('.')[0]}"
    if phase.startswith("invoke "):
        return f"invocation {int(phase.split()[1]) + 1} of {count}"
    return phase


def _split_stderr(stderr: str) -> tuple[list[str], tuple[ImportTiming, ...]]:
    """The app's stderr lines, and the ``-X importtime`` lines parsed, tagged by phase."""
    lines: list[str] = []
    imports: list[ImportTiming] = []
    phase = None
    for line in stderr.splitlines():
        if line.startswith("lee-phase: "):
            phase = line[len("lee-phase: ") :]
            continue
        if line.startswith("import time:"):
            parsed = parse_importtime_line(line)
            if parsed is not None and phase is not None and phase != "after-import":
                module, self_us, cumulative_us, depth = parsed
                imports.append(
                    ImportTiming(module, self_us / 1000, cumulative_us / 1000, depth, phase)
                )
            continue
        lines.append(line)
    return lines, tuple(imports)


def parse_importtime_line(line: str) -> tuple[str, int, int, int] | None:
    """``import time:   123 |   456 |   pkg.mod`` → (module, self µs, cumulative µs, depth)."""
    parts = line[len("import time:") :].split("|")
    if len(parts) != 3:
        return None
    try:
        self_us, cumulative_us = int(parts[0]), int(parts[1])
    except ValueError:  # the header line
        return None
    name = parts[2].rstrip()
    stripped = name.lstrip(" ")
    depth = max(0, (len(name) - len(stripped) - 1) // 2)
    return stripped, self_us, cumulative_us, depth
