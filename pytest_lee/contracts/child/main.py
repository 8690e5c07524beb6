"""The contract child process: user code runs here, never in pytest's own process.

``python -I -B -c "...; from pytest_lee.contracts.child.main import main; main()"``
reads one JSON request line on stdin, imports what it names, then reads a second
line with the probes (the parent finds the call sites while the child imports). Before any user code runs it keeps a private
copy of stdout for its reports, points file descriptors 0, 1 and 2 at
``/dev/null`` (a module that prints 100 MB prints them to nowhere) and binds its
own JSON encoder (a module that patches ``json.dumps`` changes nothing here).
It writes one JSON line per event (see ``_inchild``), then ``done``, and leaves
with ``os._exit`` so a non-daemon thread a module started cannot keep it alive.
Standard library only (it imports only ``pytest_lee.contracts.child`` modules).
A request without ``"protocol": 2`` is refused: every parent speaks this one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

PROTOCOL = 2


def emitter(fd: int) -> Callable[[dict[str, Any]], None]:
    encode = json.JSONEncoder(ensure_ascii=True, default=repr).encode
    write = os.write

    def emit(event: dict[str, Any]) -> None:
        data = (encode(event) + "\n").encode("ascii")
        while data:
            data = data[write(fd, data) :]

    return emit


def main() -> None:
    requests = os.fdopen(os.dup(0), "rb")  # private: user code reading stdin reads nothing
    first = requests.readline()
    request = json.loads(first)
    if request.get("protocol") != PROTOCOL:
        raise SystemExit(f"contract child: expected a protocol {PROTOCOL} request")
    report = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    emit = emitter(report)

    decode = json.JSONDecoder().decode  # bound now: a module may patch json.loads at import

    def read_probes() -> list[list[dict[str, Any]]]:
        probes: list[list[dict[str, Any]]] = decode(requests.readline().decode())["probes"]
        return probes

    try:
        from pytest_lee.contracts.child.checker import Child

        Child(request, emit, read_probes).run()
    except BaseException as error:
        emit({"event": "crash", "message": f"{type(error).__name__}: {error}"})
    emit({"event": "done"})
    os._exit(0)


if __name__ == "__main__":
    main()
