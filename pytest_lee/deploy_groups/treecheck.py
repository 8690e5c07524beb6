"""The deploy-group search's one door to the contract checker: check a tree, get call sites.

Everything the group search decides is a pure function over :class:`CallResult`
records, so the checker behind :func:`tree_calls` (today
:func:`pytest_lee.contracts.runner.run_tree`: one child per tree that imports it once
and checks every key) can change without touching the search. What the search needs from a checker, per tree:

- one record per (registry, key, call site), with a ``call`` that names the call
  without its line number or file (lines move when a file is edited, and whole
  functions move between files — pull request 6 moved 91 into
  ``gateway_wrappers_*.py`` —; the same call in the baseline and in a mixed
  tree must compare equal, so a call already failing at the baseline does not
  look new once it moved);
- a key that cannot be set up: one record with ``call == "*"``; a registry that
  cannot be loaded: ``key == "*"`` too;
- ``status`` ``ok`` / ``fail`` / ``inconclusive``; ``files``: the source files
  the failure names (both ends of a failed call), relative to the tree;
- ``message`` and ``cause`` (one line) for the report; ``origin`` (``file:line``
  of the call site) when known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_lee.errors import LeeError

if TYPE_CHECKING:
    from pytest_lee.contracts.results import ContractSpec, KeyResult

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
    # the leaves the call reached: (function, its file, the first argument as shown)
    reached: tuple[tuple[str, str, str], ...] = ()

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


def tree_calls(source: Path, specs: Sequence[ContractSpec]) -> list[CallResult]:
    """Every contract of *specs* checked against the tree at *source*, as call results.

    The contract checker imports the tree in a child process of its own (one per tree,
    with a time limit per import and per probe), so one mixed tree's modules never meet
    another's and user code never runs here. A checker that fails as a whole gives one
    failing record.
    """
    from pytest_lee.contracts.runner import run_tree

    try:
        return call_results(run_tree(source, specs))
    except LeeError as error:
        return [_crash(f"contract check failed: {error}")]


def call_results(results: Sequence[KeyResult]) -> list[CallResult]:
    """The contract checker's key results as one record per (registry, key, call site)."""
    records: list[CallResult] = []
    for result in results:
        if not result.probes and result.status == "inconclusive":
            continue  # no probe applies to the key (no call site reaches it): nothing was checked
        if not result.probes:  # a key (or a registry: key "*") that cannot be set up
            records.append(
                CallResult(
                    result.registry,
                    result.key,
                    "*",
                    result.status,
                    result.message,
                    files=result.implicated,
                    cause=result.message.split("\n", maxsplit=1)[0],
                )
            )
        records.extend(
            CallResult(
                registry=probe.registry,
                key=probe.key,
                call=probe.call,
                status=probe.status,
                message=probe.message,
                origin=probe.origin,
                files=probe.implicated,
                cause=probe.cause or probe.message.split("\n", maxsplit=1)[0],
                reached=tuple(
                    (leaf.leaf, leaf.where.rpartition(":")[0], _first(leaf.arguments))
                    for leaf in probe.reached
                ),
            )
            for probe in result.probes
        )
    return records


_STRING = re.compile(r"""^(?:'([^'\\]*)'|"([^"\\]*)")(?:,|$)""")


def _first(arguments: str) -> str:
    """The first argument when it is a string as shown (``'reset', key='k'`` → ``reset``), else ""."""
    found = _STRING.match(arguments)
    return (found.group(1) or found.group(2) or "") if found else ""


def _crash(message: str) -> CallResult:
    return CallResult("*", "*", "*", "fail", message, cause=message)
