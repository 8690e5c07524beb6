"""The deploy-group search's one door to the contract checker: check a tree, get call sites.

Everything the group search decides is a pure function over :class:`CallResult`
records, so the checker behind :func:`check_tree` can change (today: the
``_child`` process that runs :func:`pytest_lee.contracts.check.check_all`;
tomorrow: a child that imports a tree once and checks every key) without touching
the search. What the search needs from a checker, per tree:

- one record per (registry, key, call site), with a ``call`` that names the call
  without its line number (lines move when a file is edited; the same call in the
  baseline and in a mixed tree must compare equal);
- a key that cannot be set up: one record with ``call == "*"``; a registry that
  cannot be loaded: ``key == "*"`` too;
- ``status`` ``ok`` / ``fail`` / ``inconclusive``; ``files``: the source files
  the failure names (both ends of a failed call), relative to the tree;
- ``message`` and ``cause`` (one line) for the report; ``origin`` (``file:line``
  of the call site) when known.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_CHILD = (
    "import sys; sys.path.insert(0, {root!r}); from pytest_lee.contracts._child import main; main()"
)

Identity = tuple[str, str, str]


@dataclass(frozen=True)
class CallResult:
    """One call site of one registry key, as checked in one tree."""

    registry: str  # "gateway_core:_INTERFACE_ROUTERS", or "[tool.lee] handler"
    key: str  # "CACHE"; "*": the whole registry
    call: str  # "gateway_core.execute_operation(GatewayInterface.CACHE, 'get', key=<str>)"; "*": the whole key
    status: str  # "ok", "fail", "inconclusive"
    message: str = ""
    origin: str = ""  # "gateway_wrappers_cache.py:23" when known
    files: tuple[str, ...] = ()  # source files the failure names
    cause: str = ""  # the failure in one line

    @property
    def identity(self) -> Identity:
        return self.registry, self.key, self.call

    def as_entry(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "key": self.key,
            "call": self.call,
            "status": self.status,
            "origin": self.origin,
            "cause": self.cause or self.message.split("\n", maxsplit=1)[0],
            "files": list(self.files),
        }


def check_tree(
    source: Path, specs: Sequence[Mapping[str, Any]], *, timeout: float = 300
) -> list[CallResult]:
    """Every contract of *specs* (``ContractSpec.as_dict()``) checked against the tree at *source*.

    Runs in a fresh interpreter, so one mixed tree's modules never meet another's.
    A checker that crashes gives one failing record naming its last line of stderr.
    """
    request = json.dumps({"source": str(source), "contracts": list(specs)})
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-B", "-c", _CHILD.format(root=_PACKAGE_ROOT)],
            input=request,
            capture_output=True,
            text=True,
            cwd=source,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return [_crash(f"contract check timed out after {timeout:.0f} s")]
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [_crash(f"contract check crashed: {tail}")]
    return [from_record(record) for record in json.loads(done.stdout)]


def from_record(record: Mapping[str, Any]) -> CallResult:
    """A checker's JSON record (``_child`` today) as a :class:`CallResult`."""
    message = str(record.get("message", ""))
    return CallResult(
        registry=str(record["registry"]),
        key=str(record["key"]),
        call=str(record.get("call", "*")),
        status=str(record["status"]),
        message=message,
        origin=str(record.get("origin", "")),
        files=tuple(record.get("implicated", record.get("files", ())) or ()),
        cause=str(record.get("cause") or message.split("\n", maxsplit=1)[0]),
    )


def _crash(message: str) -> CallResult:
    return CallResult("*", "*", "*", "fail", message, cause=message)
