"""The traced child of ``--lee-trace``: a cold start and the events, every line of user code seen.

``python -I -B -c "...; from pytest_lee.contracts.child.tracer import main; main()"``
reads one JSON request on stdin — source directory, layer paths, handler, events, time
limit — imports the handler's module (the cold start) and calls the handler once per
event, with a tracer that records each line of the source directory that runs and each
module of it that is imported. It answers with one JSON line on its private copy of
stdout and leaves with ``os._exit``. A step past its limit is stopped (``SIGALRM``), an
exception ends only its own step: the trace is what ran, whatever the outcome.

This is never a measured run (tracing slows everything down): the budgets never see it.
Standard library only.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import signal
import sys
import time
import types
from collections.abc import Callable
from typing import Any


class _TimeLimit(BaseException):
    """One step ran past its limit (a BaseException: user code's ``except Exception`` passes)."""


class _Context:
    """What a handler may ask of its Lambda context."""

    function_name = "lee-trace"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:lee-trace"
    memory_limit_in_mb = 128
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/lee-trace"
    log_stream_name = "lee-trace"

    def __init__(self, limit: float) -> None:
        self._deadline = time.monotonic() + limit

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def trace(request: dict[str, Any]) -> dict[str, Any]:
    """Run the cold start and the events under the tracer; what ran, by file."""
    source = os.path.realpath(request["source"])
    prefix = source + os.sep
    limit = float(request.get("timeout_s", 3.0))
    lines: dict[str, set[int]] = {}
    steps: list[str] = []

    def local(frame: types.FrameType, event: str, _arg: Any) -> Any:
        if event == "line":
            lines[frame.f_code.co_filename].add(frame.f_lineno)
        return local

    def called(frame: types.FrameType, event: str, _arg: Any) -> Any:
        filename = frame.f_code.co_filename
        if event != "call" or not filename.startswith(prefix):
            return None
        lines.setdefault(filename, set()).add(frame.f_lineno)
        return local

    sys.path[0:0] = [source, *request.get("paths", ())]
    module_name, _, function_name = request["handler"].rpartition(".")

    def step(what: str, call: Callable[[], Any]) -> Any:
        signal.setitimer(signal.ITIMER_REAL, limit)
        sys.settrace(called)
        try:
            result = call()
            steps.append(f"{what}: ok")
            return result
        except _TimeLimit:
            steps.append(f"{what}: did not finish within {limit:g} s")
        except BaseException as error:  # the trace is what ran, whatever the outcome
            steps.append(f"{what}: {type(error).__name__}: {str(error)[:200]}")
        finally:
            sys.settrace(None)
            signal.setitimer(signal.ITIMER_REAL, 0)
        return None

    module = step("cold start", lambda: importlib.import_module(module_name))
    handler = getattr(module, function_name, None) if module is not None else None
    if callable(handler):
        for number, event in enumerate(request.get("events", [{}]), start=1):
            step(f"event {number}", functools.partial(handler, event, _Context(limit)))
    imported = sorted(
        os.path.relpath(path, source).replace(os.sep, "/")
        for path in {getattr(m, "__file__", None) or "" for m in list(sys.modules.values())}
        if path.startswith(prefix)
    )
    return {
        "lines": {
            os.path.relpath(name, source).replace(os.sep, "/"): sorted(numbers)
            for name, numbers in lines.items()
        },
        "imported": imported,
        "steps": steps,
    }


def _alarm(_signum: int, _frame: Any) -> None:
    raise _TimeLimit


def main() -> None:
    request = json.loads(sys.stdin.buffer.readline())
    report = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    encode = json.JSONEncoder().encode  # bound now: user code may patch json
    signal.signal(signal.SIGALRM, _alarm)
    try:
        answer = trace(request)
    except BaseException as error:  # one line back, never a traceback
        answer = {"error": f"{type(error).__name__}: {error}"}
    data = (encode(answer) + "\n").encode()
    while data:
        data = data[os.write(report, data) :]
    os._exit(0)
