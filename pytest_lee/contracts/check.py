"""Contract verdicts: what one key's probes say together, and the calls that produce them.

The probes run in a child process (``runner`` → ``_child`` → ``judge``); here
their results become a key's verdict. A probe that does not apply (the
configured operation is not one of the key's) is left out. The key's status is
the worst of the others (fail > inconclusive > ok), so an inconclusive probe
never hides a failing one; a key no probe applies to is inconclusive, saying so.

Entry points (no pytest in here; the deploy-group simulation calls them on mixed
trees): :func:`check_tree` (every key of every contract, one child per tree),
:func:`check_all` (one contract), :func:`check_key` (one key, optionally with
explicit probes), :func:`registry_keys` and :func:`registries_keys` (key labels only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_lee.contracts.child.registry import ContractSetupError
from pytest_lee.contracts.probes import Probe
from pytest_lee.contracts.results import (
    DEFAULT_TIMEOUT_S,
    STATUS_ORDER,
    ContractSpec,
    KeyResult,
    ProbeResult,
    summarise,
)
from pytest_lee.contracts.runner import run_key, run_keys, run_tree

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "STATUS_ORDER",
    "ContractSetupError",
    "ContractSpec",
    "KeyResult",
    "ProbeResult",
    "check_all",
    "check_key",
    "check_tree",
    "registries_keys",
    "registry_keys",
    "summarise",
]


def check_tree(
    source: Path,
    specs: Sequence[ContractSpec],
    *,
    files: Iterable[str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    environment: Mapping[str, str] | None = None,
    paths: Sequence[str] = (),
) -> list[KeyResult]:
    """Every key of every contract of the tree at *source*, checked in one child process.

    *files* are the files that go into the package (relative, posix): only they give
    call sites and import edges (default: every ``.py`` under *source*). *paths* go on
    the child's ``sys.path`` after *source* (the function's layers). A contract whose
    registry cannot be loaded gives one result with key ``*``. Results are memoised per
    tree content, so the items of one session share one child.
    """
    return run_tree(
        source, specs, files=files, timeout_s=timeout_s, environment=environment, paths=paths
    )


def check_all(source: Path, spec: ContractSpec, **options: Any) -> list[KeyResult]:
    return check_tree(source, [spec], **options)


def check_key(
    source: Path,
    spec: ContractSpec,
    label: str,
    probes: Sequence[Probe] | None = None,
    **options: Any,
) -> KeyResult:
    """One key: every default probe, or exactly *probes* (a hand-written check)."""
    return run_key(source, spec, label, probes, **options)


def registry_keys(source: Path, spec: ContractSpec, **options: Any) -> list[str]:
    """The registry's key labels; raises :class:`ContractSetupError` with a one-line cause."""
    (answer,) = registries_keys(source, [spec], **options)
    if isinstance(answer, Exception):
        raise answer
    return answer


def registries_keys(
    source: Path, specs: Sequence[ContractSpec], **options: Any
) -> list[list[str] | ContractSetupError]:
    """Every contract's key labels (or its one-line setup error), from one child process."""
    return run_keys(source, specs, **options)
