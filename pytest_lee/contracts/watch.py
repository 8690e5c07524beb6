"""One contract child process: start it, send the request, read its events, stop it.

The child announces each step that runs user code (an ``import`` or a ``probe``
event carrying its limit); the watchdog here allows that limit plus
:data:`GRACE_S` from the announcement, and pytest-lee's own work between steps
:data:`OWN_LIMIT_S`. When time runs out the whole process group is killed — any
thread or process the user's code started goes with it — and the caller learns
which step it was in (``runner`` charges that step and starts the next child).

Both pipes are served by one loop that never blocks on either: a registry network of
700 modules has the parent writing 100 KiB of call sites while the child writes an
event per module it imports, and blocking writes on both sides deadlocked there, with
no time limit able to fire.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_lee.sandbox.child import ChildSpec, open_child
from pytest_lee.sandbox.output import printable

_ROOT = str(Path(__file__).resolve().parents[2])
# The sandbox's guard first (run by path, when the sandbox names it), then the child.
_COMMAND = (
    "import os, sys\n"
    "guard = os.environ.get('_LEE_GUARD')\n"
    "if guard:\n"
    "    with open(guard, encoding='utf-8') as stream:\n"
    "        namespace = {{'__name__': '_lee_guard'}}\n"
    "        exec(compile(stream.read(), guard, 'exec'), namespace)\n"
    "    namespace['install']()\n"
    "sys.path.insert(0, {root!r})\n"
    "from pytest_lee.contracts.child.{module} import main\n"
    "main()\n"
)


def child_command(module: str) -> str:
    """``python -c`` source that installs the sandbox's guard, then runs
    ``pytest_lee.contracts.child.<module>.main`` (``main``, the checker; ``tracer``)."""
    return _COMMAND.format(root=_ROOT, module=module)


# CPU seconds any process of a contract child may use (its steps have their own limits).
CPU_LIMIT_S = 600.0
OWN_LIMIT_S = 60.0  # pytest-lee's own work between two steps of user code, start-up included
GRACE_S = 2.0  # past a step's limit before the watchdog stops a child that ignored SIGALRM


@dataclass
class Events:
    """What the children of one request reported, merged across restarts."""

    keys: dict[int, list[str]] = field(default_factory=dict)
    setups: dict[tuple[int, str], str] = field(default_factory=dict)
    results: dict[tuple[int, str, int], dict[str, Any]] = field(default_factory=dict)
    checked: set[tuple[int, str]] = field(default_factory=set)
    crash: str | None = None


def run_child(
    request: dict[str, Any],
    probes: Callable[[], dict[str, Any]],
    *,
    timeout_s: float,
    environment: Mapping[str, str] | None,
    cwd: Path,
    events: Events,
) -> tuple[dict[str, Any] | None, str] | None:
    """One child; None when it finished, else (the step it was in, why it ended).

    Started by the sandbox (``pytest_lee.sandbox``): its environment is built from
    scratch (``environment`` on top: the function's own), its task root — *cwd*, the
    source tree — is read-only or a fresh copy, and it has no network.
    """
    named = {**(environment or {}), "PYTHONDONTWRITEBYTECODE": "1"}
    with (
        open_child(
            ChildSpec(
                cwd,
                # the vendored requirements and layers the child imports from (read-only)
                read_only=tuple(Path(path) for path in request.get("paths", ())),
                cpu_s=max(CPU_LIMIT_S, timeout_s * 10),
            )
        ) as child,
        tempfile.TemporaryFile() as errors,
    ):
        if "source" in request:
            request = {**request, "source": str(child.task_root)}
        process = child.popen(
            [sys.executable, "-I", "-B", "-c", child_command("main")],
            named,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        try:
            outgoing = _Outgoing(process.stdin, request, probes)
            return _exchange(
                process, outgoing, timeout_s, events, errors, from_copy=child.from_copy
            )
        finally:
            _stop(process)


class _Outgoing:
    """What is still to be written to the child's stdin, written only when the pipe has room.

    The request goes first; the probes are read from the source once it is out (the
    child imports meanwhile). A write never blocks: a child that is itself writing
    events (one per module it imports) while its stdin is full would otherwise wait on
    this process while this process waits on it.
    """

    def __init__(
        self,
        pipe: Any,
        request: dict[str, Any],
        probes: Callable[[], dict[str, Any]],
    ) -> None:
        self.pipe = pipe  # the file object owns the descriptor: kept until closed here
        self.fd: int = pipe.fileno()
        self.data = memoryview(json.dumps(request).encode() + b"\n")
        self.probes: Callable[[], dict[str, Any]] | None = probes
        os.set_blocking(self.fd, False)

    @property
    def open(self) -> bool:
        return self.fd >= 0

    def write(self) -> None:
        """As much as the pipe takes now; the probes queued once the request is out."""
        while self.open:
            if not self.data:
                if self.probes is None:
                    self.close()
                    return
                probes, self.probes = self.probes, None
                self.data = memoryview(json.dumps(probes()).encode() + b"\n")
            try:
                written = os.write(self.fd, self.data)
            except BlockingIOError:
                return
            except (BrokenPipeError, OSError):  # the child ended (os._exit at import): EOF says why
                self.close()
                return
            self.data = self.data[written:]

    # Called with the descriptor just before it is closed: the exchange takes it out of its
    # selector first. Closed first, the descriptor can stay in the epoll set (a process
    # another thread is forking holds the pipe until it execs) and report events under a
    # number the selector no longer knows: select() then returns nothing at once, and that
    # read as "the step ran out of time" (a baseline 'did not finish within 3 s' in 1 s,
    # which hid a real break and called its file safe alone).
    before_close: Callable[[int], object] | None = None

    def close(self) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            if self.before_close is not None:
                self.before_close(fd)
            self.pipe.close()  # nothing buffered in it: every byte went through os.write


def _exchange(
    process: subprocess.Popen[bytes],
    outgoing: _Outgoing,
    timeout_s: float,
    events: Events,
    errors: Any,
    *,
    from_copy: Callable[[str], str],
) -> tuple[dict[str, Any] | None, str] | None:
    """Feed the child and read its events in one loop that never blocks on either pipe.

    A step's deadline is judged only when the child has nothing to say: events waiting
    in the pipe while this process was busy (reading the call sites) are read first.
    """
    assert process.stdout is not None
    fd = process.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    selector.register(outgoing.fd, selectors.EVENT_WRITE)
    outgoing.before_close = selector.unregister
    lines = _Lines()
    steps = _Steps()
    step: dict[str, Any] | None = None
    deadline = time.monotonic() + OWN_LIMIT_S
    try:
        while True:
            ready = selector.select(max(0.0, deadline - time.monotonic()))
            if not ready:
                if time.monotonic() < deadline:
                    continue  # woken without an event of ours: not a timeout
                return (
                    step,
                    f"did not finish within {timeout_s:g} s ([tool.lee.function] timeout_s)",
                )
            for key, _ in ready:
                if key.fd != fd:
                    outgoing.write()  # unregisters its descriptor itself when it closes
                    continue
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    status = process.wait()
                    errors.seek(0)
                    tail = errors.read().decode("utf-8", "replace").strip().splitlines()
                    if step is None and tail:
                        return None, f"contract child failed: {printable(from_copy(tail[-1]))}"
                    return step, f"ended the contract child process ({_exit_text(status)})"
                for line in lines.feed(chunk):
                    event = _escaped(json.loads(from_copy(line.decode("utf-8", "replace"))))
                    kind = event["event"]
                    if kind == "done":
                        return None
                    step = steps.after(event)
                    limit = timeout_s + GRACE_S if step is not None else OWN_LIMIT_S
                    deadline = time.monotonic() + limit
                    _record(events, event)
    finally:
        selector.close()
        outgoing.close()


class _Steps:
    """Which step of user code the child is in, from its events.

    An ``import`` event is a step; a ``probes`` event announces a key's probes, run in that
    order, and each of their results ends one and starts the next.
    """

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.key: tuple[int, str] = (-1, "")

    def after(self, event: dict[str, Any]) -> dict[str, Any] | None:
        kind = event["event"]
        if kind == "import":
            return event
        if kind == "probes":
            self.key = (event["contract"], event["key"])
            self.pending = list(reversed(event["indexes"]))
        elif kind == "result" and self.pending and self.pending[-1] == event["index"]:
            if (event["contract"], event["key"]) == self.key:
                self.pending.pop()
        elif kind != "result":
            self.pending = []
        if kind in ("probes", "result") and self.pending:
            contract, key = self.key
            return {"event": "probe", "contract": contract, "key": key, "index": self.pending[-1]}
        return None


class _Lines:
    """Complete lines out of a byte stream, in time linear in its size (a long line too)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def feed(self, chunk: bytes) -> list[bytes]:
        if b"\n" not in chunk:
            self.parts.append(chunk)
            return []
        head, *middle, tail = chunk.split(b"\n")
        first = b"".join([*self.parts, head])
        self.parts = [tail] if tail else []
        return [first, *middle]


def _escaped(value: Any) -> Any:
    """*value* with control characters escaped in every string (user text: messages, names)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    return value


def _record(events: Events, event: dict[str, Any]) -> None:
    kind = event["event"]
    if kind == "keys":
        events.keys[event["contract"]] = event["keys"]
    elif kind == "setup":
        events.setups[(event["contract"], event["key"])] = event["message"]
    elif kind == "result":
        events.results[(event["contract"], event["key"], event["index"])] = event
    elif kind == "checked":
        events.checked.add((event["contract"], event["key"]))
    elif kind == "crash":
        events.crash = f"contract child failed: {printable(event['message'])}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # with any thread or process user code started
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _exit_text(status: int) -> str:
    if status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"exit status {status}"
