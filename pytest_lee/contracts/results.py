"""What contract checks produce: the spec of one contract, each probe's result, and the
verdict of a key (the worst of the probes that apply: fail > inconclusive > ok).

Plain data, so it crosses the process boundary to the child as JSON. A probe that does
not apply (the configured operation is not one of the key's) is left out of the verdict;
an inconclusive probe never hides a failing one, and a key no probe applies to is
inconclusive, saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_lee.contracts.child.spies import LeafCall

STATUS_ORDER = {"ok": 0, "inconclusive": 1, "fail": 2}


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
    layer: str = "gateway"  # "gateway": a dispatcher call; "sideways": a call between modules


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
