"""One contract child process: start it, send the request, read its events, stop it.

The child announces each step that runs user code (an ``import`` or a ``probe``
event carrying its limit); the watchdog here allows that limit plus
:data:`GRACE_S` from the announcement, and pytest-lee's own work between steps
:data:`OWN_LIMIT_S`. When time runs out the whole process group is killed — any
thread or process the user's code started goes with it — and the caller learns
which step it was in (``runner`` charges that step and starts the next child).
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
    "from pytest_lee.contracts.child.main import main\n"
    "main()\n"
)
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
    probes: Callable[[], list[list[dict[str, Any]]]],
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
        open_child(ChildSpec(cwd, cpu_s=max(CPU_LIMIT_S, timeout_s * 10))) as child,
        tempfile.TemporaryFile() as errors,
    ):
        if "source" in request:
            request = {**request, "source": str(child.task_root)}
        process = child.popen(
            [sys.executable, "-I", "-B", "-c", _COMMAND.format(root=_ROOT)],
            named,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        try:
            _send(process, request, probes)
            return _watch(process, timeout_s, events, errors, child.from_copy)
        finally:
            _stop(process)


def _send(
    process: subprocess.Popen[bytes],
    request: dict[str, Any],
    probes: Callable[[], list[list[dict[str, Any]]]],
) -> None:
    """The request, then the probes: the child imports while the call sites are read here."""
    assert process.stdin is not None
    try:
        process.stdin.write(json.dumps(request).encode() + b"\n")
        process.stdin.flush()
        process.stdin.write(json.dumps({"probes": probes()}).encode() + b"\n")
        process.stdin.close()
    except BrokenPipeError:  # the child ended early (os._exit at import): _watch says why
        pass


def _watch(
    process: subprocess.Popen[bytes],
    timeout_s: float,
    events: Events,
    errors: Any,
    from_copy: Callable[[str], str],
) -> tuple[dict[str, Any] | None, str] | None:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    pending = b""
    step: dict[str, Any] | None = None
    limit = OWN_LIMIT_S
    deadline = time.monotonic() + limit
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return (
                    step,
                    f"did not finish within {timeout_s:g} s ([tool.lee.function] timeout_s)",
                )
            if not selector.select(remaining):
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                status = process.wait()
                errors.seek(0)
                tail = errors.read().decode("utf-8", "replace").strip().splitlines()
                if step is None and tail:
                    return None, f"contract child failed: {printable(from_copy(tail[-1]))}"
                return step, f"ended the contract child process ({_exit_text(status)})"
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                event = _escaped(json.loads(from_copy(line.decode("utf-8", "replace"))))
                kind = event["event"]
                if kind == "done":
                    return None
                step = event if kind in ("import", "probe") else None
                limit = timeout_s + GRACE_S if step is not None else OWN_LIMIT_S
                deadline = time.monotonic() + limit
                _record(events, event)
    finally:
        selector.close()


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
