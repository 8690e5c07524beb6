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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_lee.contracts.probes import Probe
from pytest_lee.contracts.registry import ContractSetupError
from pytest_lee.contracts.spies import LeafCall

STATUS_ORDER = {"ok": 0, "inconclusive": 1, "fail": 2}
DEFAULT_TIMEOUT_S = 3.0  # [tool.lee.function] timeout_s's own default, Lambda's


@dataclass(frozen=True)
class ContractSpec:
    """What one ``[[tool.lee.contract]]`` table asks for (JSON-able, for the child process)."""

    registry: str
    dispatcher: str | None = None
    operation: str | None = "test_operation"  # None: `operation = false`, no configured probe
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    leaves: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, contract: Any) -> ContractSpec:
        return cls(
            contract.registry,
            contract.dispatcher,
            contract.operation,
            dict(contract.kwargs),
            tuple(contract.leaves),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "dispatcher": self.dispatcher,
            "operation": self.operation,
            "kwargs": dict(self.kwargs),
            "leaves": list(self.leaves),
        }


@dataclass(frozen=True)
class ProbeResult:
    registry: str
    key: str
    call: str  # "gateway_core.execute_operation(GatewayInterface.CACHE, 'get', key=<str>)"
    origin: str
    status: str  # ok, fail, inconclusive; "n/a" only in KeyResult.not_applicable
    message: str
    reached: tuple[LeafCall, ...] = ()
    implicated: tuple[str, ...] = ()  # files of the functions on both ends of a failed call
    cause: str = ""  # the failure in a few words: "`cache_core.f` (cache_core.py:23) got ..."


@dataclass(frozen=True)
class KeyResult:
    """A registry key's verdict; truthy when ok, so ``assert lee_contract.check(...)`` reads well."""

    registry: str
    key: str
    status: str
    message: str
    probes: tuple[ProbeResult, ...] = ()  # the probes that apply, in order
    implicated: tuple[str, ...] = ()  # source files named by failures (for deploy grouping)
    not_applicable: tuple[ProbeResult, ...] = ()  # left out of the verdict, with the reason

    def __bool__(self) -> bool:
        return self.status == "ok"

    def __repr__(self) -> str:
        return f"<contract {self.registry}[{self.key}] {self.status}: {self.message}>"

    def as_entry(self) -> dict[str, str]:
        return {
            "registry": self.registry,
            "key": self.key,
            "status": self.status,
            "message": self.message,
        }


def summarise(registry: str, label: str, results: Iterable[ProbeResult]) -> KeyResult:
    """A key's verdict from its probes' results (``n/a`` ones left out)."""
    everything = list(results)
    applying = [r for r in everything if r.status != "n/a"]
    skipped = tuple(r for r in everything if r.status == "n/a")
    if not applying:
        reason = skipped[0].message if skipped else "no configured operation (operation = false)"
        message = f"no probe applies to {label}: no call site reaches it, and {reason}"
        return KeyResult(registry, label, "inconclusive", message, (), (), skipped)
    status = max((r.status for r in applying), key=STATUS_ORDER.__getitem__)
    chosen = [r for r in applying if r.status == status]
    if status == "ok":
        bound = sorted({leaf.leaf for r in applying for leaf in r.reached})
        count = f"{len(applying)} probe{'s' if len(applying) != 1 else ''}"
        message = (
            f"{count} bound to {', '.join(bound)}" if bound else f"{count} accepted by the wiring"
        )
    else:
        message = "\n\n".join(dict.fromkeys(r.message for r in chosen))
        if status == "fail":
            doubtful = [r for r in applying if r.status == "inconclusive"]
            if doubtful:
                message += f"\n\nAlso inconclusive ({len(doubtful)}):\n" + "\n".join(
                    f"  {r.message}" for r in doubtful
                )
    implicated = dict.fromkeys(name for r in chosen if status == "fail" for name in r.implicated)
    return KeyResult(registry, label, status, message, tuple(applying), tuple(implicated), skipped)


def check_tree(
    source: Path,
    specs: Sequence[ContractSpec],
    *,
    files: Iterable[str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    environment: Mapping[str, str] | None = None,
) -> list[KeyResult]:
    """Every key of every contract of the tree at *source*, checked in one child process.

    *files* are the files that go into the package (relative, posix): only they give
    call sites and import edges (default: every ``.py`` under *source*). A contract
    whose registry cannot be loaded gives one result with key ``*``. Results are
    memoised per tree content, so the items of one session share one child.
    """
    from pytest_lee.contracts.runner import run_tree

    return run_tree(source, specs, files=files, timeout_s=timeout_s, environment=environment)


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
    from pytest_lee.contracts.runner import run_key

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
    from pytest_lee.contracts.runner import run_keys

    return run_keys(source, specs, **options)
