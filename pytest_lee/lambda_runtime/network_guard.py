"""The child's network guard: any connection to a non-loopback address fails at once, by name.

Children (budget runs, health checks, canary invocations) stand in for Lambda on this
machine; they must never reach the internet, and a handler that would (a real
DynamoDB endpoint, a public API) must fail at once with the host named, not hang for
its SDK's timeout. Loopback stays open: that is where the moto server answers AWS calls.

Executed by ``child_main`` (by path, before the handler's import); standard library
only and imports nothing itself: ``socket`` is patched when something first imports
it (a meta-path finder wraps its loader), so the handler pays its own import of
``socket``, as in Lambda, and a handler that never imports it pays nothing.

Each refusal also writes ``lee-network: blocked HOST:PORT`` to stderr, which the
parent collects (``ChildRun.blocked``) even when the handler swallows the error.
"""

import os
import sys

MYPY = False  # typing is not imported in the child: annotations are strings
if MYPY:  # pragma: no cover
    from typing import Any, NoReturn

PREFIX = "lee-network: blocked "
_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def is_loopback(host: "Any") -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (also IPv4-mapped); names are not resolved."""
    if host is None:
        return True  # getaddrinfo(None, port): the local host's wildcard, for binding
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    text = str(host).strip("[]").lower().rstrip(".")
    if text in _NAMES or text in ("::1", "0:0:0:0:0:0:0:1"):
        return True
    if text.startswith("::ffff:"):
        text = text[len("::ffff:") :]
    parts = text.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(part.isdigit() for part in parts)


def refuse(host: "Any", port: "Any") -> "NoReturn":
    """Record and raise: the handler sees a connection error naming the host."""
    shown = f"{host}:{port}" if port is not None else f"{host}"
    try:
        os.write(2, f"{PREFIX}{shown}\n".encode("utf-8", "replace"))
    except OSError:
        pass
    raise ConnectionRefusedError(
        111,
        f"pytest-lee network guard: {shown} is not a loopback address; children never reach "
        "the internet (AWS calls go to the moto server at AWS_ENDPOINT_URL)",
    )


def patch(socket_module: "Any") -> None:
    """Guard ``socket_module``'s name look-ups and connections."""
    original_getaddrinfo = socket_module.getaddrinfo
    original_gethostbyname = socket_module.gethostbyname
    original_gethostbyname_ex = socket_module.gethostbyname_ex
    base = socket_module.socket
    original_connect = base.connect
    original_connect_ex = base.connect_ex

    def getaddrinfo(host: "Any", port: "Any", *args: "Any", **kwargs: "Any") -> "Any":
        if not is_loopback(host):
            refuse(host, port)
        return original_getaddrinfo(host, port, *args, **kwargs)

    def gethostbyname(host: "Any") -> "Any":
        if not is_loopback(host):
            refuse(host, None)
        return original_gethostbyname(host)

    def gethostbyname_ex(host: "Any") -> "Any":
        if not is_loopback(host):
            refuse(host, None)
        return original_gethostbyname_ex(host)

    def check(address: "Any") -> None:
        if isinstance(address, tuple) and address and not is_loopback(address[0]):
            refuse(address[0], address[1] if len(address) > 1 else None)

    def connect(self: "Any", address: "Any") -> "Any":
        check(address)
        return original_connect(self, address)

    def connect_ex(self: "Any", address: "Any") -> "Any":
        check(address)
        return original_connect_ex(self, address)

    socket_module.getaddrinfo = getaddrinfo
    socket_module.gethostbyname = gethostbyname
    socket_module.gethostbyname_ex = gethostbyname_ex
    base.connect = connect
    base.connect_ex = connect_ex


class _GuardedLoader:
    def __init__(self, loader: "Any") -> None:
        self.loader = loader

    def create_module(self, spec: "Any") -> "Any":
        return self.loader.create_module(spec)

    def exec_module(self, module: "Any") -> None:
        self.loader.exec_module(module)
        patch(module)


class _SocketFinder:
    """Finds ``socket`` with the other finders, and patches it once it has run."""

    def find_spec(self, name: str, path: "Any" = None, target: "Any" = None) -> "Any":
        if name != "socket":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)  # once is enough, and no recursion below
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None and spec.loader is not None:
                spec.loader = _GuardedLoader(spec.loader)
                return spec
        return None


def install() -> None:
    """Guard ``socket`` now if it is loaded, else when it is first imported."""
    if "socket" in sys.modules:
        patch(sys.modules["socket"])
    else:
        sys.meta_path.insert(0, _SocketFinder())
