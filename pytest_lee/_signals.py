"""SIGTERM ends a pytest-lee session the way Ctrl-C does: with its cleanups run.

By default SIGTERM kills the interpreter where it stands: no ``finally``, no
``atexit``, so every temporary directory in use (``lee-run-*``, ``lee-measure-*``,
``lee-runtime-*``, ``lee-baseline-*``) stays behind and a measured child, in its own
session, keeps running. Turned into :class:`Terminated` (a ``KeyboardInterrupt``, so
pytest ends the session as for Ctrl-C), the same cleanups run as for Ctrl-C: the runner
kills its child's group, temporary directories are removed, atexit handlers run.
Another SIGTERM within
:data:`_GRACE_S` seconds is ignored (they come in pairs); a later one kills at once.

Under pytest-xdist the workers are the controller's children, and a signal sent to
the controller alone never reaches them: each worker asks the kernel for a SIGTERM when
its parent dies (Linux ``PR_SET_PDEATHSIG``), and cleans up the same way.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

_PR_SET_PDEATHSIG = 1
_GRACE_S = 5.0


class Terminated(KeyboardInterrupt):
    """The session received SIGTERM."""


def terminate_gracefully() -> Callable[[], None] | None:
    """Install the SIGTERM handler when nobody else has one; returns how to undo it."""
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return None  # someone else's policy (a CI runner's plugin, the user's conftest)

    received: list[float] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if not received:
            received.append(time.monotonic())
            raise Terminated(f"signal {signum} (SIGTERM)")
        # Signals often come in pairs (a parent's death, a supervisor's kill): one within
        # the grace period must not cut the cleanup short; one after it kills at once.
        if time.monotonic() - received[0] > _GRACE_S:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, handler)

    def undo() -> None:
        if signal.getsignal(signal.SIGTERM) is handler:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

    return undo


def die_with_parent() -> None:
    """Ask for SIGTERM when the parent process dies (an xdist worker: its controller)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass
