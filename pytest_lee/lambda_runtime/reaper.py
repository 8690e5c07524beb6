"""End what a handler left running, even what escaped its process group.

A child runs in its own session, so killing its process group ends everything it
forked — unless a descendant called ``setsid()`` (a daemon, a "background" worker):
then it is in a group of its own, outlives the measurement, and holds the result pipe
open. Every child therefore carries a mark in its environment, which descendants
inherit whatever group they move to; :func:`kill_marked` finds the processes that
carry it through ``/proc`` and kills them. Where there is no ``/proc`` it does nothing
(the process group kill still ran).
"""

from __future__ import annotations

import os
import secrets
import signal

MARK_VARIABLE = "_LEE_RUN_ID"


def new_mark() -> str:
    """A value no other run shares: the child's ``_LEE_RUN_ID``."""
    return secrets.token_hex(8)


def kill_marked(mark: str) -> int:
    """SIGKILL every process whose environment holds ``_LEE_RUN_ID=<mark>``; how many."""
    needle = f"{MARK_VARIABLE}={mark}".encode()
    killed = 0
    for _ in range(3):  # a process may fork while its siblings die: look again
        found = [pid for pid in _pids() if _carries(pid, needle)]
        if not found:
            break
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
    return killed


def _pids() -> list[int]:
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    me = os.getpid()
    return [int(name) for name in names if name.isdigit() and int(name) != me]


def _carries(pid: int, needle: bytes) -> bool:
    try:
        with open(f"/proc/{pid}/environ", "rb") as stream:
            variables = stream.read().split(b"\0")
    except OSError:  # gone, or another user's
        return False
    return needle in variables
