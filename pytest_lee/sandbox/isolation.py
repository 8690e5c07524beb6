"""Which isolation children run under: a network namespace where the kernel allows, else the guard.

Decided once per process, at the first child. The namespace path needs a network
namespace (``namespace.SessionNamespace``: root here) and the util-linux tools that
put a child in it with its own mount namespace (``nsenter``, ``unshare``, ``mount``);
a trial child proves the whole chain before any real child uses it. When any of it
is missing the children run under the Python guard (``guard.py``) and the reason is
kept for the session summary, which says once, in one line, which isolation ran.
``LEE_ISOLATION=guard`` forces the guard (tests and CI run the fallback that way).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pytest_lee.sandbox.namespace import NamespaceUnavailable, SessionNamespace

__all__ = ["Isolation", "current", "used"]

FORCE_VARIABLE = "LEE_ISOLATION"
NAMESPACE = "network namespace"
_TOOLS = ("nsenter", "unshare", "mount", "setpriv")
_state: dict[str, Isolation] = {}
_used: set[str] = set()


@dataclass(frozen=True)
class Isolation:
    """The isolation of this process's children."""

    kind: str  # "namespace" or "guard"
    why: str | None = None  # why the guard: what made the namespace unavailable
    namespace: SessionNamespace | None = None
    tools: tuple[tuple[str, str], ...] = ()  # name → path of the tools the chain runs

    @property
    def label(self) -> str:
        """The summary's words: ``network namespace`` or ``python guard (…why…)``."""
        if self.kind == "namespace":
            return NAMESPACE
        return (
            f"python guard ({self.why}; programs other than Python, like curl, are refused: "
            "their network cannot be watched without a namespace)"
        )

    def tool(self, name: str) -> str:
        return dict(self.tools).get(name, name)


def current() -> Isolation:
    """The isolation of this process's children (decided at the first call)."""
    if "isolation" not in _state:
        _state["isolation"] = _decide()
    _used.add("yes")
    return _state["isolation"]


def start_for_children(start: Callable[[], tuple[str, int]]) -> tuple[str, int]:
    """Start a loopback server the children call (*start* returns its host and port):
    inside their network namespace when they have one, else here."""
    namespace = current().namespace
    if namespace is None:
        return start()
    host, port = namespace.inside(start)
    namespace.serves(host, port)
    return host, port


def used() -> Isolation | None:
    """The isolation children ran under in this process, or None when none ran."""
    return _state.get("isolation") if _used else None


def _decide() -> Isolation:
    if os.environ.get(FORCE_VARIABLE, "").strip().lower() == "guard":
        return Isolation("guard", f"{FORCE_VARIABLE}=guard")
    if not sys.platform.startswith("linux"):
        return Isolation("guard", f"no network namespaces on {sys.platform}")
    tools = []
    for name in _TOOLS:
        found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")
        if found is None:
            return Isolation("guard", f"{name} (util-linux) is not installed")
        tools.append((name, found))
    try:
        namespace = SessionNamespace()
    except (NamespaceUnavailable, OSError) as error:
        return Isolation("guard", f"no network namespace: {error}")
    isolation = Isolation("namespace", namespace=namespace, tools=tuple(tools))
    problem = _trial(isolation)
    if problem is not None:
        os.close(namespace.fd)
        return Isolation("guard", problem)
    return isolation


def _trial(isolation: Isolation) -> str | None:
    """Run the chain once with ``true``: None when it works, else the first error line."""
    from pytest_lee.sandbox.mounts import chain

    with tempfile.TemporaryDirectory(prefix="lee-trial-") as scratch:
        root = Path(scratch)
        (root / "tmp").mkdir()
        (root / "ro").mkdir()
        assert isolation.namespace is not None
        argv = chain(
            root,
            namespace_fd=isolation.namespace.fd,
            tools=dict(isolation.tools),
            read_only=(root / "ro",),
            writable=(),
            cpu_s=10,
        )
        try:
            done = subprocess.run(
                [*argv, "true"],
                pass_fds=(isolation.namespace.fd,),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"the namespace chain does not run: {error}"
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"the namespace chain failed: {said[0] if said else done.returncode}"
    return None
