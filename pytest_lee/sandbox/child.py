"""Start one child in the sandbox, and leave nothing of it behind.

::

    with open_child(ChildSpec(task_root=code, read_only=(provides,))) as child:
        (child.box / "spec.json").write_text(...)      # the caller's scratch, rw
        process = child.popen(argv, {"LAMBDA_TASK_ROOT": str(child.task_root)}, ...)
        ...
    # the child's group and marked leftovers killed, its directories removed

The child's directory (``lee-<pid>-<start>-child-*`` in the temp dir) holds ``tmp/``
(its ``/tmp`` and ``TMPDIR``, empty at each start), ``box/`` (``HOME`` and the
caller's scratch) and, under the guard, ``task/``: a fresh copy of
the task root, since only a mount namespace can make it read-only.
"""

from __future__ import annotations

import atexit
import functools
import os
import queue
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_lee.sandbox import isolation as _isolation
from pytest_lee.sandbox import reaper
from pytest_lee.sandbox.endpoint import EndpointError, parse_endpoint
from pytest_lee.sandbox.environment import DEAD_ENDPOINT, child_environment
from pytest_lee.sandbox.mounts import chain

__all__ = ["GUARD_SCRIPT", "ChildSpec", "SandboxedChild", "open_child"]

HERE = Path(__file__).resolve().parent
GUARD_SCRIPT = HERE / "guard.py"
GUARD_VARIABLE = "_LEE_GUARD"
PROGRAMS_VARIABLE = "_LEE_GUARD_PROGRAMS"
_SITE = HERE / "_site"
_PACKAGE_ROOT = HERE.parents[1]  # what holds pytest_lee/: the child scripts live there


@dataclass(frozen=True)
class ChildSpec:
    """What one child needs: its task root (read-only) and other inputs it reads."""

    task_root: Path
    read_only: tuple[Path, ...] = ()
    cpu_s: float = 600.0  # CPU seconds each process of the child may use (ulimit -t)


class SandboxedChild:
    """One child's directories and start; see the module docstring."""

    def __init__(self, spec: ChildSpec, isolation: _isolation.Isolation) -> None:
        self.spec = spec
        self.isolation = isolation
        self.root = Path(tempfile.mkdtemp(prefix=reaper.owned_prefix("child")))
        self.box = self.root / "box"
        self.home = self.box / "home"
        for directory in (self.root / "tmp", self.home):
            directory.mkdir(parents=True)
        self.source = Path(spec.task_root).resolve()
        self.task_root = self.source
        if isolation.kind != "namespace":  # no read-only mount: a fresh copy per start
            self.task_root = self.root / "task"
            shutil.copytree(self.source, self.task_root, symlinks=True)
        self.mark = reaper.new_mark()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def tmp(self) -> str:
        """The child's ``TMPDIR``: ``/tmp`` itself under a mount namespace."""
        return "/tmp" if self.isolation.kind == "namespace" else str(self.root / "tmp")

    def environment(self, named: Mapping[str, str]) -> dict[str, str]:
        """The child's whole environment (``environment.child_environment``) and its marks."""
        extra = {
            reaper.MARK_VARIABLE: self.mark,
            reaper.SESSION_VARIABLE: reaper.session_tag(),
            # Under a namespace the guard only names what the kernel would refuse anyway
            # (the figures' notes and the health check read the names); without one it
            # also refuses programs it cannot watch, and rides along into Python grandchildren.
            GUARD_VARIABLE: str(GUARD_SCRIPT),
        }
        if self.isolation.kind != "namespace":
            extra[PROGRAMS_VARIABLE] = "refuse"
            own = named.get("PYTHONPATH")
            extra["PYTHONPATH"] = os.pathsep.join([str(_SITE), *([own] if own else [])])
        return child_environment(named, home=self.home, tmpdir=self.tmp, extra=extra)

    def popen(
        self, argv: Sequence[str], named: Mapping[str, str], **options: Any
    ) -> subprocess.Popen[bytes]:
        """Start *argv* in the sandbox, with *named* variables (Lambda's, the function's)."""
        env = self.environment(named)
        self._bridge(env.get("AWS_ENDPOINT_URL", DEAD_ENDPOINT))
        pass_fds = tuple(options.pop("pass_fds", ()))
        if self.isolation.namespace is not None:
            pass_fds += (self.isolation.namespace.fd,)
        namespace = self.isolation.namespace
        named_read_only, named_writable = _named_paths(named)
        prefix = chain(
            self.root,
            namespace_fd=namespace.fd if namespace is not None else None,
            tools=dict(self.isolation.tools),
            read_only=(self.source, *self.spec.read_only, *_host_paths(), *named_read_only),
            writable=(self.box, *named_writable),
            cpu_s=self.spec.cpu_s,
            cwd=self.task_root,
        )
        self.process = subprocess.Popen(
            [*prefix, *argv],
            cwd=self.root,
            env=env,
            pass_fds=pass_fds,
            start_new_session=True,  # one process group: a kill reaches its descendants
            **options,
        )
        return self.process

    def _bridge(self, url: str) -> None:
        namespace = self.isolation.namespace
        if namespace is None or url == DEAD_ENDPOINT:
            return
        try:
            endpoint = parse_endpoint(url)
        except EndpointError:
            return
        if endpoint.loopback:
            namespace.bridge(endpoint.host, endpoint.port)

    def from_copy(self, text: str) -> str:
        """*text* with the copy's path written as the task root's own (guard mode)."""
        if self.task_root == self.source:
            return text
        return text.replace(str(self.task_root), str(self.source))

    def close(self) -> None:
        """Kill what is left of the child: its group now; what left the group (its mark)
        and its directories by the cleaner thread (a /proc scan and an rmdir of a dead
        namespace's mount points cost tens of milliseconds of waiting under load)."""
        if self.process is not None:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        _CLEANER.put((self.mark if self.process is not None else None, self.root))


class _Cleaner:
    """One daemon thread that ends marked leftovers and removes child directories; what is
    queued at exit is done before the interpreter ends (a ``kill -9`` leaves it to the
    next session's reaper)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str | None, Path]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def put(self, task: tuple[str | None, Path]) -> None:
        self._queue.put(task)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="lee-cleaner", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            task = self._queue.get()
            try:
                _clean(task)
            finally:
                self._queue.task_done()

    def drain(self) -> None:
        """Wait until everything queued is done."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.join()
        else:  # no worker (a fork, or it never started): do it here
            while not self._queue.empty():
                _clean(self._queue.get_nowait())
                self._queue.task_done()


def _clean(task: tuple[str | None, Path]) -> None:
    mark, root = task
    if mark is not None:
        reaper.kill_marked(mark)
    shutil.rmtree(root, ignore_errors=True)


_CLEANER = _Cleaner()
atexit.register(_CLEANER.drain)


def drain() -> None:
    """Finish every queued clean-up now (what a test checks afterwards must be gone)."""
    _CLEANER.drain()


@contextmanager
def open_child(spec: ChildSpec) -> Iterator[SandboxedChild]:
    """A sandboxed child's place; everything of it is gone when the block exits."""
    isolation = _isolation.current()
    reaper.reap_gone_sessions()
    child = SandboxedChild(spec, isolation)
    try:
        yield child
    finally:
        child.close()


def _named_paths(named: Mapping[str, str]) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """(read-only, writable) paths under ``/tmp`` that the caller's variables name.

    A value that is one path (``LOG=/tmp/run/imports.log`` in ``[tool.lee.function]
    environment``) shares its directory with the host, writable: the user asked for it by
    name (a test counting cold starts through a file keeps working). A list of paths
    (``LEE_CONTRACT_PATHS``: the vendored requirements and layers a contract child
    imports) stays readable, read-only, behind the child's own ``/tmp``.
    """
    read_only: set[Path] = set()
    writable: set[Path] = set()
    for value in named.values():
        if "/tmp/" not in value or "\0" in value:
            continue
        entries = value.split(os.pathsep)
        for entry in entries:
            if not entry.startswith("/tmp/"):
                continue
            path = Path(entry)
            with suppress(OSError):
                if len(entries) > 1:
                    if path.exists():
                        read_only.add(path)
                    continue
                directory = path if path.is_dir() else path.parent
                if directory.is_dir() and directory != Path("/tmp"):
                    writable.add(directory)
    return tuple(sorted(read_only)), tuple(sorted(writable))


@functools.lru_cache(maxsize=1)
def _host_paths() -> tuple[Path, ...]:
    """What every child reads of this installation: pytest_lee's scripts and the interpreter."""
    paths = {_PACKAGE_ROOT, Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix)}
    with suppress(AttributeError):
        paths.update(Path(entry) for entry in site.getsitepackages())
    return tuple(path.resolve() for path in paths if path.is_dir())
