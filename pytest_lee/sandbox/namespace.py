"""The session's network namespace: only ``lo``, and the loopback AWS endpoint bridged in.

One namespace per pytest process, made on first use by a short-lived thread: a
network namespace belongs to a *thread* in Linux, so ``unshare(CLONE_NEWNET)`` there
moves that thread alone; it brings ``lo`` up, keeps a descriptor of the namespace
and leaves. Children join it with ``nsenter --net=/proc/self/fd/N`` (``child``), so
nothing they run — Python, C, curl, grandchildren — has a route off the machine.

The loopback moto server is started *inside* (:meth:`SessionNamespace.inside`: a
thread takes its creator's namespaces, so the server's threads and socket live there).
For an endpoint that runs elsewhere (a ``--lee-endpoint`` server), the bridge: a thread
of *this* process enters the namespace, binds the same ``host:port`` on its ``lo``, and
returns; each connection accepted there is forwarded to the real endpoint by a thread
in pytest's own namespace. A socket
stays in the namespace it was made in, so no helper process and no thread runs in
the measured interpreter. Needs ``CAP_SYS_ADMIN`` (root); elsewhere ``isolation``
falls back to the Python guard and says why.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import select
import socket
import struct
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["NamespaceUnavailable", "SessionNamespace"]

CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1


class NamespaceUnavailable(Exception):
    """Why no network namespace can be made here (one line)."""


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _in_thread(work: Callable[[], Any]) -> Any:
    """Run *work* in a fresh thread (whose namespace changes stay its own); its result."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as error:  # handed to the caller
            box["error"] = error

    thread = threading.Thread(target=run, name="lee-netns", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


class SessionNamespace:
    """A network namespace with only ``lo`` up, and the bridges into it."""

    def __init__(self) -> None:
        self.fd = _in_thread(self._make)
        self._bridged: set[tuple[str, int]] = set()
        self._lock = threading.Lock()

    @staticmethod
    def _make() -> int:
        libc = _libc()
        if libc.unshare(CLONE_NEWNET) != 0:
            raise NamespaceUnavailable(f"unshare(CLONE_NEWNET): {os.strerror(ctypes.get_errno())}")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            request = struct.pack("16sh", b"lo", 0)
            flags = struct.unpack("16sh", fcntl.ioctl(probe, _SIOCGIFFLAGS, request))[1]
            fcntl.ioctl(probe, _SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | _IFF_UP))
        return os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)

    def inside(self, start: Callable[[], Any]) -> Any:
        """Call *start* in a thread that has entered the namespace; its result. Threads it
        starts are inside too (a thread takes its creator's namespaces): a server started
        so (the loopback moto server) listens where the children are, with no bridge."""

        def entered() -> Any:
            if _libc().setns(self.fd, CLONE_NEWNET) != 0:
                raise NamespaceUnavailable(f"setns: {os.strerror(ctypes.get_errno())}")
            return start()

        return _in_thread(entered)

    def serves(self, host: str, port: int) -> None:
        """Note that ``host:port`` is served inside already: :meth:`bridge` leaves it alone."""
        with self._lock:
            self._bridged.add((host, port))

    def bridge(self, host: str, port: int) -> None:
        """Make ``host:port`` inside the namespace reach ``host:port`` here (once per address)."""
        with self._lock:
            if (host, port) in self._bridged:
                return
            listeners = _in_thread(lambda: self._listen(host, port))
            self._bridged.add((host, port))
        for listener in listeners:
            threading.Thread(
                target=_accept, args=(listener, host, port), name="lee-bridge", daemon=True
            ).start()

    def _listen(self, host: str, port: int) -> list[socket.socket]:
        libc = _libc()
        if libc.setns(self.fd, CLONE_NEWNET) != 0:  # this thread only, and it ends after
            raise NamespaceUnavailable(f"setns: {os.strerror(ctypes.get_errno())}")
        names = ("127.0.0.1", "::1") if host.lower().rstrip(".") == "localhost" else (host,)
        listeners = []
        for name in names:
            family = socket.AF_INET6 if ":" in name else socket.AF_INET
            with contextlib.suppress(OSError):  # ::1 may be off in the kernel
                listeners.append(socket.create_server((name, port), family=family))
        if not listeners:
            raise NamespaceUnavailable(f"cannot listen on {host}:{port} in the namespace")
        return listeners


def _accept(listener: socket.socket, host: str, port: int) -> None:
    while True:
        try:
            inside, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_pump, args=(inside, host, port), daemon=True).start()


def _pump(inside: socket.socket, host: str, port: int) -> None:
    """Copy bytes both ways until either side closes."""
    try:
        outside = socket.create_connection((host, port), timeout=30)
    except OSError:
        inside.close()
        return
    outside.settimeout(None)
    with inside, outside:
        peers = {inside: outside, outside: inside}
        open_ends = 2
        while open_ends:
            ready, _, _ = select.select(list(peers), [], [], 300)
            if not ready:
                return
            for end in ready:
                try:
                    data = end.recv(1 << 16)
                except OSError:
                    return
                if not data:
                    with contextlib.suppress(OSError):
                        peers[end].shutdown(socket.SHUT_WR)
                    del peers[end]
                    open_ends -= 1
                    continue
                try:
                    peers[end].sendall(data)
                except OSError:
                    return
