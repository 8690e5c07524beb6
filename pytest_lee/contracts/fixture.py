"""``lee_contract``: hand-written contract checks and the whole matrix, for tests to assert on.

``check(registry, key, operation=None, /, **kwargs)`` takes the dispatcher and
leaves of the ``[[tool.lee.contract]]`` table naming that registry (without one, it
binds ``handler(operation, **kwargs)`` directly). With an operation it makes exactly
that one call; without, it runs the configured probe and the call-site probes, as
the auto-collected item does. Registry, key and operation are positional-only so
any keyword, ``key=`` included, reaches the dispatcher. Results are truthy when ok
and their repr carries the message, so ``assert lee_contract.check(...)`` explains
itself.

The call is made in a child process, so the keyword values must cross a process
boundary: JSON-able values (str, int, float, bool, None, lists, dicts with str
keys), tuples, sets, bytes, and ``lee_contract.CALLABLE`` (a callable that does
nothing). Anything else raises :class:`ContractArgumentError` naming the argument.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_lee.contracts.check import ContractSpec, KeyResult, ProbeResult, check_key, check_tree
from pytest_lee.contracts.child.registry import ContractSetupError, key_label
from pytest_lee.contracts.child.wire import CALLABLE, WireError
from pytest_lee.contracts.items import check_options, contract_source, packaged_files
from pytest_lee.contracts.probes import EXPLICIT, Probe
from pytest_lee.errors import LeeError

if TYPE_CHECKING:
    from pytest_lee.findings import SessionReport
    from pytest_lee.settings import Settings


class ContractArgumentError(LeeError, TypeError):
    """A ``lee_contract.check`` keyword whose value cannot cross into the child process."""


class ContractChecker:
    CALLABLE = CALLABLE

    def __init__(self, settings: Settings, report: SessionReport) -> None:
        self.settings = settings
        self.report = report
        self.source = contract_source(settings)

    def spec(self, registry: str) -> ContractSpec:
        for contract in self.settings.contracts:
            if contract.registry == registry:
                return ContractSpec.from_settings(contract)
        if ":" not in registry:
            raise ContractSetupError(f"registry {registry!r}: expected 'module:attribute'")
        return ContractSpec(registry)

    def check(
        self, registry: str, key: Any, operation: str | None = None, /, **kwargs: Any
    ) -> KeyResult:
        """Check one key: one call when *operation* is given, else every default probe."""
        label = key_label(key)
        try:
            spec = self.spec(registry)
        except ContractSetupError as error:  # a failed result like any setup problem
            result = KeyResult(registry, label, "fail", str(error))
            self._record(result)
            return result
        probes = None
        if operation is not None:
            shown = ", ".join(f"{name}={value!r}" for name, value in kwargs.items())
            probes = [Probe(label, operation, kwargs, shown, EXPLICIT)]
            try:
                probes[0].to_wire()
            except WireError as error:
                raise ContractArgumentError(
                    f"lee_contract.check({registry!r}, {label!r}, {operation!r}): {error}"
                ) from None
        options = check_options(self.settings)
        result = check_key(
            self.source, spec, label, probes, files=packaged_files(self.settings), **options
        )
        self._record(result)
        return result

    def matrix(self) -> list[ProbeResult]:
        """Every configured registry × key × probe that applies, in order."""
        specs = [ContractSpec.from_settings(contract) for contract in self.settings.contracts]
        results = check_tree(
            self.source,
            specs,
            files=packaged_files(self.settings),
            **check_options(self.settings),
        )
        rows: list[ProbeResult] = []
        counts: dict[str, int] = {}
        for result in results:
            if result.key != "*":
                self._record(result, counts.get(result.registry, 0))
                counts[result.registry] = counts.get(result.registry, 0) + 1
            if result.probes:
                rows.extend(result.probes)
            else:
                rows.append(
                    ProbeResult(
                        result.registry,
                        result.key,
                        result.registry,
                        "[tool.lee.contract]",
                        result.status,
                        result.message,
                    )
                )
        return rows

    def _record(self, result: KeyResult, index: int | None = None) -> None:
        entry: dict[str, Any] = result.as_entry()
        if index is not None:
            entry["index"] = index
        if entry not in self.report.entries("contracts"):
            self.report.add("contracts", entry)
