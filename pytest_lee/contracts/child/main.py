"""The contract child process: user code runs here, never in pytest's own process.

``python -I -B -c "...; from pytest_lee.contracts.child.main import main; main()"``
reads one JSON request line on stdin, imports what it names, then reads a second
line with the probes (the parent finds the call sites while the child imports). Before any user code runs it keeps a private
copy of stdout for its reports, points file descriptors 0, 1 and 2 at
``/dev/null`` (a module that prints 100 MB prints them to nowhere) and binds its
own JSON encoder (a module that patches ``json.dumps`` changes nothing here).
It writes one JSON line per event (see ``_inchild``), then ``done``, and leaves
with ``os._exit`` so a non-daemon thread a module started cannot keep it alive.
Standard library only (it imports only ``pytest_lee.contracts`` modules that are).

A request without ``"protocol": 2`` is the older form ``{"source": dir,
"contracts": [spec, ...]}`` (the deploy-group simulation's): it is answered with
one JSON list of probe records, checked through a child of its own.
"""

from __future__ import annotations

import json
import os
import sys
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
        _legacy(json.loads(first + requests.read()))
        return
    report = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    emit = emitter(report)

    decode = json.JSONDecoder().decode  # bound now: a module may patch json.loads at import

    def read_probes() -> dict[str, Any]:
        message: dict[str, Any] = decode(requests.readline().decode())
        return message

    try:
        from pytest_lee.contracts.child.checker import Child

        Child(request, emit, read_probes).run()
    except BaseException as error:
        emit({"event": "crash", "message": f"{type(error).__name__}: {error}"})
    emit({"event": "done"})
    os._exit(0)


def _legacy(request: dict[str, Any]) -> None:
    from pathlib import Path

    from pytest_lee.contracts.check import ContractSpec, check_tree

    specs = [ContractSpec.from_dict(raw) for raw in request["contracts"]]
    records = []
    for result in check_tree(Path(request["source"]), specs):
        for probe in result.probes or (result,):
            records.append(
                {
                    "registry": result.registry,
                    "key": result.key,
                    "call": getattr(probe, "call", "*"),
                    "status": probe.status,
                    "message": probe.message,
                    "implicated": list(probe.implicated),
                    "cause": getattr(probe, "cause", "") or probe.message.split("\n")[0],
                }
            )
    sys.stdout.write(json.dumps(records))


if __name__ == "__main__":
    main()
