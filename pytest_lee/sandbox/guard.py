"""The fallback network guard: an audit hook in every Python process of a child.

Under a network namespace it only names what the kernel refuses anyway (a handler
that swallows the error is still reported); where no namespace can be made
(``isolation``) it is the isolation, and refuses programs too. Run BY PATH (never
imported: standard library only, and it imports nothing itself) by the budget child
before the handler's import, by the contract child's command, and by every Python
grandchild through ``_site/sitecustomize.py`` on its ``PYTHONPATH``.

``sys.addaudithook`` sees the interpreter's own audit events, which ``_socket`` raises
in C: so a handler that uses ``_socket`` directly, reloads ``socket`` or sends UDP
datagrams is refused like one that calls ``socket.create_connection``. Refused:

- ``connect``/``sendto``/``sendmsg`` (TCP Fast Open too) to a non-loopback address, and
  every resolver call (``getaddrinfo``, ``gethostbyname``, ``gethostbyaddr``,
  ``getnameinfo``) for a name that is not loopback;
- a ctypes look-up of the C library's socket and resolver functions;
- starting a program other than Python (``curl``, a shell): its network cannot be
  watched from here. Python grandchildren carry this guard along.

Each refusal writes ``lee-network: blocked WHAT`` to stderr (the parent reports it even
when the handler swallows the error) and raises ``ConnectionRefusedError`` (network) or
``PermissionError`` (programs) naming what was refused.
"""

import os
import sys

MYPY = False  # typing is not imported in the child: annotations are strings
if MYPY:  # pragma: no cover
    from typing import Any, NoReturn

PREFIX = "lee-network: blocked "
_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_ADDRESSED = {"socket.connect": 1, "socket.sendto": 1, "socket.sendmsg": 1}
_RESOLVERS = ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr")
_PROGRAMS = ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.system")
# Set by the sandbox only without a network namespace (a namespace covers programs too).
_REFUSE_PROGRAMS = os.environ.get("_LEE_GUARD_PROGRAMS") == "refuse"
_SYMBOLS = frozenset(
    (
        "connect",
        "sendto",
        "sendmsg",
        "sendmmsg",
        "getaddrinfo",
        "gethostbyname",
        "gethostbyname2",
        "gethostbyname_r",
        "gethostbyname2_r",
        "gethostbyaddr",
        "res_query",
        "res_search",
        "res_nquery",
        "res_nsearch",
        "res_send",
        "syscall",
    )
)


def is_loopback(host: "Any") -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (also IPv4-mapped); names are not resolved."""
    if host is None:
        return True  # getaddrinfo(None, port): the local host's wildcard, for binding
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    text = str(host).strip("[]").lower().rstrip(".")
    if "%" in text:
        text = text.partition("%")[0]  # fe80::1%eth0: the zone does not make it local
    if text in _NAMES or text in ("::1", "0:0:0:0:0:0:0:1"):
        return True
    if text.startswith("::ffff:"):
        text = text[len("::ffff:") :]
    parts = text.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(part.isdigit() for part in parts)


def _say(what: str) -> None:
    try:
        os.write(2, f"{PREFIX}{what}\n".encode("utf-8", "replace"))
    except OSError:
        pass


def refuse(host: "Any", port: "Any") -> "NoReturn":
    """Record and raise: the handler sees a connection error naming the host."""
    shown = f"{host}:{port}" if port is not None else f"{host}"
    _say(shown)
    raise ConnectionRefusedError(
        111,
        f"pytest-lee network guard: {shown} is not a loopback address; children never reach "
        "the internet (AWS calls go to the moto server at AWS_ENDPOINT_URL)",
    )


def _refuse_program(program: "Any") -> "NoReturn":
    name = os.path.basename(os.fsdecode(program)) if program else "?"
    _say(f"program {name}")
    raise PermissionError(
        1,
        f"pytest-lee network guard: {name} is not Python, and without a network namespace "
        "its network cannot be watched; children may start only Python here",
    )


def _is_python(program: "Any") -> bool:
    if not program:
        return False
    name = os.path.basename(os.fsdecode(program))
    return name.startswith("python") or os.path.realpath(program) == os.path.realpath(
        sys.executable
    )


def _program(event: str, args: "Any") -> "Any":
    if event == "subprocess.Popen":
        executable, argv = args[0], args[1]
        if executable:
            return executable
        if isinstance(argv, (str, bytes)):
            return argv.split()[0] if argv.split() else argv
        return argv[0] if argv else None
    if event == "os.system":
        return "sh"
    if event == "os.spawn":
        return args[1]
    return args[0]


_WATCHED = frozenset((*_ADDRESSED, *_RESOLVERS, "socket.getnameinfo", *_PROGRAMS, "ctypes.dlsym"))


def _hook(event: str, args: "Any") -> None:
    if event not in _WATCHED:  # thousands of import/open/exec events: leave at once
        return
    index = _ADDRESSED.get(event)
    if index is not None:
        address = args[index]
        host = address[0] if isinstance(address, tuple) and address else None
        if isinstance(host, (str, bytes)) and not is_loopback(host):
            refuse(host, address[1] if len(address) > 1 else None)
    elif event in _RESOLVERS:
        if not is_loopback(args[0]):
            refuse(args[0], args[1] if event == "socket.getaddrinfo" else None)
    elif event == "socket.getnameinfo":
        address = args[0]
        if isinstance(address, tuple) and address and not is_loopback(address[0]):
            refuse(address[0], None)
    elif event in _PROGRAMS and _REFUSE_PROGRAMS:
        program = _program(event, args)
        if not _is_python(program):
            _refuse_program(program)
    elif event == "ctypes.dlsym" and isinstance(args[1], str) and args[1] in _SYMBOLS:
        _say(f"ctypes {args[1]}")
        raise PermissionError(1, f"pytest-lee network guard: ctypes {args[1]} is refused")


def install() -> None:
    """Add the hook (an audit hook cannot be removed: it lasts as long as the process)."""
    sys.addaudithook(_hook)
