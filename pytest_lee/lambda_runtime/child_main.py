"""The child side of :func:`pytest_lee.lambda_runtime.runner.run_handler`: one Lambda-like cold start.

Run BY PATH as ``python -I -S -B [-X importtime] child_main.py FD SPEC HANDLER PATH...``,
never imported. Until the handler module is imported and timed, this script loads
nothing but ``os`` (which the real Lambda bootstrap has loaded too) and the interpreter's
start-up modules: no pytest, no pytest_lee, no ``json`` — a handler that imports
``json`` pays for it, as it does in Lambda.

Protocol on the inherited pipe FD (never the app's stdout, which the parent captures
raw for metric lines): ``phase <name>`` lines before each timed phase (the parent
restarts its timeout at each), then one JSON record per phase, then ``{"kind": "done"}``.
The spec file (JSON: events, context fields, timeout) is read only after the import.

Every phase record carries ``sched``: ``[CPU ns, run-queue wait ns, busy threads]`` over
the phase, from the process's CPU clock (threads that ended included) and its threads'
``/proc/self/task/*/schedstat`` (run-queue wait; a thread is busy when it ran ≥ 1 ms), or
null where schedstat cannot be read. ``pytest_lee.budgets.model`` turns them into Lambda's
time: the CPU at Lambda's share, plus the time blocked, minus the time this busy host kept
the child waiting for a CPU.

``LEE_INIT_END_QUOTA`` (``"FD VALUE"``, removed from the environment before the import):
under ``--lee-cpu lambda-throttled`` the parent opened the cgroup's quota file as FD; the
child writes VALUE (the memory share's quota) there the moment its init ends, so the
switch from the init share happens exactly at the boundary, with no round trip.

Typed with builtins and string annotations only: no ``typing`` import, no
``from __future__`` (both would be imported before the handler is timed).
"""

import os
import sys
import time


def _send(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _sched(start: bool) -> "tuple[int, dict[str, tuple[int, int]] | None]":
    # (process CPU ns, {thread id: (CPU ns, run-queue wait ns)}); None where /proc has no
    # schedstat (not Linux, or a kernel without CONFIG_SCHED_INFO). The CPU clock is read
    # nearest the phase (last at its start, first at its end), so reading /proc is not
    # counted as the phase's CPU: a 20 µs phase would otherwise use more CPU than wall.
    cpu = 0 if start else time.process_time_ns()
    try:
        names = os.listdir("/proc/self/task")
    except OSError:
        return (time.process_time_ns() if start else cpu), None
    threads = {}
    for name in names:
        try:
            with open("/proc/self/task/" + name + "/schedstat", "rb") as stream:
                fields = stream.read().split()
            threads[name] = (int(fields[0]), int(fields[1]))
        except (OSError, ValueError, IndexError):
            continue
    return (time.process_time_ns() if start else cpu), (threads or None)


def _sched_delta(
    before: "tuple[int, dict[str, tuple[int, int]] | None]",
    after: "tuple[int, dict[str, tuple[int, int]] | None]",
) -> "list[int] | None":
    if before[1] is None or after[1] is None:
        return None
    wait = 0
    busy = 0
    for name, (cpu, waited) in after[1].items():
        start = before[1].get(name, (0, 0))
        wait += max(0, waited - start[1])
        if cpu - start[0] >= 1_000_000:
            busy += 1
    return [after[0] - before[0], wait, max(1, busy)]


def _init_end_switch() -> "tuple[int, bytes] | None":
    # Popped before the handler is imported: the handler's environment is Lambda's.
    value = os.environ.pop("LEE_INIT_END_QUOTA", "")
    fd_text, _, quota = value.partition(" ")
    if not fd_text.isdigit() or not quota:
        return None
    return int(fd_text), quota.encode()


def _end_init(switch: "tuple[int, bytes] | None") -> None:
    if switch is None:
        return
    try:
        os.write(switch[0], switch[1])
        os.close(switch[0])
    except OSError:
        pass  # the figures then say so: the invoke ran at the init share


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    message = text[0] if text else ""
    name = type(error).__name__
    return f"{name}: {message}" if message else name


class LambdaContext:
    """The attributes a Lambda handler's ``context`` has, with a per-invocation deadline."""

    def __init__(self, fields: "dict[str, str]", request_id: str, timeout_s: float) -> None:
        self.function_name = fields["function_name"]
        self.function_version = fields["function_version"]
        self.memory_limit_in_mb = fields["memory_limit_in_mb"]
        self.invoked_function_arn = fields["invoked_function_arn"]
        self.log_group_name = fields["log_group_name"]
        self.log_stream_name = fields["log_stream_name"]
        self.aws_request_id = request_id
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _request_id() -> str:
    raw = os.urandom(16).hex()
    return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-a{raw[17:20]}-{raw[20:32]}"


def _mark_stderr(phase: str, importtime: bool) -> None:
    # Separates -X importtime lines by phase; os.write keeps the order with the
    # interpreter's own unbuffered writes to fd 2.
    if importtime:
        sys.stderr.flush()
        os.write(2, f"lee-phase: {phase}\n".encode())


def _high_water_kb() -> int:
    # The child's own peak RSS (VmHWM), reset by exec. The parent's ru_maxrss from wait4 is
    # not: it keeps the peak of the forked copy of pytest, hundreds of MB in a big session.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return -1


def _stdout_at() -> int:
    # Where the app's output stands (stdout is a file the parent reads afterwards),
    # so the parent can tell which lines the cold start printed.
    sys.stdout.flush()
    try:
        return os.lseek(1, 0, os.SEEK_CUR)
    except OSError:
        return -1


def _install_network_guard() -> None:
    # The sandbox names its guard (pytest_lee/sandbox/guard.py, standard library only), run
    # by path: under a network namespace it only names what the kernel refuses anyway,
    # without one it is the isolation.
    path = os.environ.get("_LEE_GUARD")
    if not path:
        return
    with open(path, encoding="utf-8") as stream:
        code = compile(stream.read(), path, "exec")
    namespace = {"__name__": "_lee_guard"}
    exec(code, namespace)
    namespace["install"]()  # type: ignore[operator]


def main() -> int:
    fd = int(sys.argv[1])
    spec_path = sys.argv[2]
    handler = sys.argv[3]
    importtime = sys.argv[4] == "1"
    os.set_inheritable(fd, False)
    # The Lambda runtime flushes stdout/stderr after every write; so do we (per line), and
    # the lines a handler printed before a timeout or a crash are not lost in a buffer.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    sys.stderr.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    sys.path[:0] = sys.argv[5:]
    module_name, _, function_name = handler.rpartition(".")
    _install_network_guard()
    switch = _init_end_switch()

    _send(fd, b"phase import\n")
    _mark_stderr("import", importtime)
    sched_start = _sched(True)
    start = time.perf_counter()
    error = None
    try:
        __import__(module_name)
        function = getattr(sys.modules[module_name], function_name)
    except BaseException as caught:  # the handler's own SystemExit too: a failed init
        if isinstance(caught, AttributeError):
            error = f"handler {handler!r} not found: module {module_name!r} has no attribute {function_name!r}"
        else:
            error = _one_line(caught)
    import_ms = (time.perf_counter() - start) * 1000
    sched_import = _sched_delta(sched_start, _sched(False))
    _end_init(switch)
    _mark_stderr("after-import", importtime)

    import json  # only now: the handler's import above paid for its own json

    imported = {
        "kind": "import",
        "ms": import_ms,
        "error": error,
        "stdout_at": _stdout_at(),
        "hwm_kb": _high_water_kb(),
        "sched": sched_import,
    }
    _send(fd, (json.dumps(imported) + "\n").encode())
    if error is not None:
        return 1
    with open(spec_path, encoding="utf-8") as stream:
        spec = json.load(stream)
    fields = spec["context"]
    timeout_s = spec["timeout_s"]
    for index, event in enumerate(spec["events"]):
        request_id = _request_id()
        _send(fd, f"phase invoke {index}\n".encode())
        _mark_stderr(f"invoke {index}", importtime)
        context = LambdaContext(fields, request_id, timeout_s)
        sched_start = _sched(True)
        start = time.perf_counter()
        failure: str | None = None
        response: object = None
        try:
            response = function(event, context)
        except (
            BaseException
        ) as caught:  # SystemExit/KeyboardInterrupt from a handler is a failed invocation
            failure = _one_line(caught)
        elapsed_ms = (time.perf_counter() - start) * 1000
        sched = _sched_delta(sched_start, _sched(False))
        stdout_at = _stdout_at()
        sys.stderr.flush()
        try:
            encoded = json.dumps(response)
        except (ValueError, TypeError, RecursionError) as caught:  # object(), a set, circular
            # Lambda fails such an invocation (Runtime.MarshalError): so does the child.
            failure = failure or f"response not serializable: {_one_line(caught)}"
            try:
                encoded = json.dumps(response, default=repr)
            except (ValueError, TypeError, RecursionError):
                encoded = json.dumps(repr(response))
        record = (
            '{"kind": "invoke", "index": %d, "ms": %r, "stdout_at": %d, "hwm_kb": %d, '
            '"sched": %s, "error": %s, "response": %s}\n'
            % (
                index,
                elapsed_ms,
                stdout_at,
                _high_water_kb(),
                json.dumps(sched),
                json.dumps(failure),
                encoded,
            )
        )
        _send(fd, record.encode())
    _send(fd, b'{"kind": "done"}\n')
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)
