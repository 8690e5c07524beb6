"""``--lee-trace``: which contract call sites run in a cold start and the events.

A failing call site in a wrapper nothing calls is a latent break; one on the cold
start's path is an outage on the next deploy. One extra child (``child/tracer``; never a
measured budget run) imports the handler's module and calls the handler with each event
of the session (the budgets' ``event``/``events``, else the rehearsal's ``event``, else
``{}``), recording every line of the source that runs and every module it imports.

A site is then ``live`` (its line ran), not live (it did not; ``imported`` says whether
its module was imported at all), or ``None`` when nothing was traced.
"""

from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_lee.contracts.watch import child_command
from pytest_lee.sandbox.child import ChildSpec, open_child

if TYPE_CHECKING:
    from pytest_lee.contracts.results import ProbeResult
    from pytest_lee.settings import Settings

GRACE_S = 2.0


@dataclass(frozen=True)
class Trace:
    """What ran: lines by file (relative, posix), the modules' files imported, each step."""

    lines: Mapping[str, frozenset[int]] = field(default_factory=dict)
    imported: frozenset[str] = frozenset()
    steps: tuple[str, ...] = ()
    error: str | None = None

    def live(self, origin: str) -> bool | None:
        """Did the line at *origin* (``file.py:12``) run? None: not a place, or not traced."""
        name, _, line = origin.rpartition(":")
        if self.error is not None or not name or not line.isdigit():
            return None
        return int(line) in self.lines.get(name, frozenset())

    def was_imported(self, origin: str) -> bool | None:
        name = origin.rpartition(":")[0]
        if self.error is not None or not name:
            return None
        return name in self.imported


def run_trace(
    source: Path,
    handler: str,
    events: Sequence[Any],
    *,
    timeout_s: float,
    environment: Mapping[str, str] | None = None,
    paths: Sequence[str] = (),
) -> Trace:
    """One traced child over *source*; a child that fails gives a Trace with ``error``."""
    request = {
        "source": str(Path(source).resolve()),
        "paths": list(paths),
        "handler": handler,
        "events": list(events),
        "timeout_s": timeout_s,
    }
    named = {**(environment or {}), "PYTHONDONTWRITEBYTECODE": "1"}
    limit = (len(events) + 1) * (timeout_s + GRACE_S) + 30.0  # the child stops each step itself
    spec = ChildSpec(
        Path(source), read_only=tuple(Path(path) for path in paths), cpu_s=max(600.0, limit)
    )
    with open_child(spec) as child:  # the one sandbox every child starts through
        request["source"] = str(child.task_root)
        process = child.popen(
            [sys.executable, "-I", "-B", "-c", child_command("tracer")],
            named,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            out, _ = process.communicate(json.dumps(request).encode() + b"\n", timeout=limit)
        except subprocess.TimeoutExpired:
            return Trace(error=f"the traced child did not finish within {limit:g} s")
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # any thread or process the code started
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
    try:
        answer = json.loads(out.decode().splitlines()[0])
    except (ValueError, IndexError):
        return Trace(
            error=f"the traced child ended without a trace (exit status {process.returncode})"
        )
    if "error" in answer:
        return Trace(error=f"the traced child failed: {answer['error']}")
    return Trace(
        {name: frozenset(lines) for name, lines in answer["lines"].items()},
        frozenset(answer["imported"]),
        tuple(answer["steps"]),
    )


def session_events(settings: Settings) -> list[Any]:
    """The events a session replays: the budgets', else the rehearsal's, else ``{}``."""
    budgets = settings.budgets
    if budgets is not None and budgets.event is not None:
        return [dict(budgets.event)]
    if budgets is not None and budgets.events:
        events = []
        for path in sorted(glob.glob(str(settings.rootdir / budgets.events), recursive=True)):
            try:
                events.append(json.loads(Path(path).read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue  # the budgets report a bad event file
        if events:
            return events
    rehearsal = getattr(settings, "rehearsal", None)
    if rehearsal is not None and getattr(rehearsal, "event", None) is not None:
        return [dict(rehearsal.event)]
    return [{}]


def sites(probes: Sequence[ProbeResult], trace: Trace | None) -> list[dict[str, Any]]:
    """``contracts[].sites``: each call site of a key's verdict, live or not (None: untraced)."""
    found: dict[str, dict[str, Any]] = {}
    for probe in probes:
        name, _, line = probe.origin.rpartition(":")
        if not name or not line.isdigit():
            continue  # the configured probe, a hand-written check: no place in the code
        known = found.get(probe.origin)
        if known is not None and known["status"] == "fail":
            continue
        found[probe.origin] = {
            "origin": probe.origin,
            "status": probe.status,
            "layer": probe.layer,
            "live": None if trace is None else trace.live(probe.origin),
            "imported": None if trace is None else trace.was_imported(probe.origin),
        }
    return list(found.values())
