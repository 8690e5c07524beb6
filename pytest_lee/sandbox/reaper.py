"""End what a child left running, and what a killed session left behind.

A child runs in its own session, so killing its process group ends everything it
forked — unless a descendant called ``setsid()``: then it outlives the run and holds
the result pipe open. Every child therefore carries two marks in its environment,
which descendants inherit whatever group they move to: ``_LEE_RUN_ID`` (this child)
and ``_LEE_SESSION`` (the pytest process that started it: its pid and start time).
:func:`kill_marked` ends a child's leftovers through ``/proc``.

After a ``kill -9`` of pytest, nothing of it runs any more to clean up. So the next
session, at its first child, reaps what a gone session left (:func:`reap_gone_sessions`):
processes carrying its marker, ``lee-<pid>-<start>-*`` temp dirs, vendor ``install-*``
scratch — only when the owning pytest's pid *and* start time show it is gone (a pid
is reused; the pair is not), and says how many.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MARK_VARIABLE",
    "SESSION_VARIABLE",
    "Reaped",
    "kill_marked",
    "new_mark",
    "owned_prefix",
    "reap_gone_sessions",
    "session_tag",
]

MARK_VARIABLE = "_LEE_RUN_ID"
SESSION_VARIABLE = "_LEE_SESSION"
_reaped: dict[str, Reaped] = {}
_tag: dict[str, str] = {}
MIN_AGE_S = 60.0


@dataclass(frozen=True)
class Reaped:
    """What :func:`reap_gone_sessions` removed."""

    processes: int = 0
    directories: int = 0

    def line(self) -> str | None:
        if not (self.processes or self.directories):
            return None
        return (
            f"reaped what a killed pytest-lee session left: {self.processes} process(es), "
            f"{self.directories} temp dir(s)"
        )


def new_mark() -> str:
    """A value no other run shares: the child's ``_LEE_RUN_ID``."""
    return secrets.token_hex(8)


def start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (``/proc/PID/stat`` field 22)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            stat = stream.read()
    except OSError:
        return None
    fields = stat[stat.rfind(b")") + 2 :].split()
    return fields[19].decode() if len(fields) > 19 else None


def session_tag() -> str:
    """``<pid>-<start time>`` of this process: the owner a leftover names (read once per pid)."""
    pid = os.getpid()
    if _tag.get("pid") != str(pid):  # a forked process is another owner
        _tag.update(pid=str(pid), tag=f"{pid}-{start_time(pid) or 0}")
    return _tag["tag"]


def owned_prefix(what: str) -> str:
    """A temp dir prefix that names this session: ``lee-<pid>-<start>-<what>-``."""
    return f"lee-{session_tag()}-{what}-"


def kill_marked(mark: str, variable: str = MARK_VARIABLE) -> int:
    """SIGKILL every process whose environment holds ``variable=mark``; how many."""
    needle = f"{variable}={mark}".encode()
    killed = 0
    for _ in range(3):  # a process may fork while its siblings die: look again
        found = [pid for pid in _pids() if needle in _environment(pid)]
        if not found:
            break
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
    return killed


def is_gone(tag: str) -> bool:
    """True when the session *tag* names (``pid-start``) no longer runs."""
    pid, _, started = tag.partition("-")
    if not pid.isdigit():
        return False
    now = start_time(int(pid))
    return now is None or now != started


def reap_gone_sessions(temp_dirs: tuple[Path, ...] = ()) -> Reaped:
    """Once per process: end and remove what sessions that are gone left (module docstring)."""
    if "done" in _reaped:
        return Reaped()
    processes = 0
    mine = session_tag()
    prefix = f"{SESSION_VARIABLE}=".encode()
    for pid in _pids():
        for variable in _environment(pid):
            if variable.startswith(prefix):
                tag = variable[len(prefix) :].decode("ascii", "replace")
                if tag != mine and is_gone(tag):
                    try:
                        os.kill(pid, signal.SIGKILL)
                        processes += 1
                    except (ProcessLookupError, PermissionError):
                        pass
    directories = 0
    for root in (Path(tempfile.gettempdir()), *temp_dirs):
        directories += _remove_gone(root)
    _reaped["done"] = Reaped(processes, directories)
    return _reaped["done"]


def last_reaped() -> Reaped | None:
    """What this process's :func:`reap_gone_sessions` and :func:`remove_gone` removed."""
    return _reaped.get("done") or _reaped.get("scratch")


def remove_gone(root: Path) -> int:
    """Remove the ``lee-*``/``install-*`` dirs in *root* (a vendor cache) of gone sessions."""
    removed = _remove_gone(root)
    if removed:
        before = _reaped.get("done") or _reaped.get("scratch") or Reaped()
        after = Reaped(before.processes, before.directories + removed)
        _reaped["done" if "done" in _reaped else "scratch"] = after
    return removed


def _remove_gone(root: Path) -> int:
    removed = 0
    try:
        entries = list(root.glob("lee-*-*-*")) + list(root.glob("install-*"))
    except OSError:
        return 0
    for entry in entries:
        if entry.name.startswith("install-"):
            tag = entry.name[len("install-") :].rpartition("-")[0]
        else:
            parts = entry.name.split("-")
            tag = f"{parts[1]}-{parts[2]}"
        if entry.is_dir() and not entry.is_symlink() and is_gone(tag) and _old(entry):
            shutil.rmtree(entry, ignore_errors=True)
            removed += not entry.exists()
    return removed


def _old(path: Path) -> bool:
    """Older than a minute: a session in another pid namespace sharing this temp dir (its
    pid invisible here) has touched its directories more recently than that."""
    try:
        return time.time() - path.stat().st_mtime > MIN_AGE_S
    except OSError:
        return False


def _pids() -> list[int]:
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    me = os.getpid()
    return [int(name) for name in names if name.isdigit() and int(name) != me]


def _environment(pid: int) -> list[bytes]:
    try:
        with open(f"/proc/{pid}/environ", "rb") as stream:
            return stream.read().split(b"\0")
    except OSError:  # gone, or another user's
        return []
