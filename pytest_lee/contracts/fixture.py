"""``lee_contract``: hand-written contract checks and the whole matrix, for tests to assert on.

``check(registry, key, operation=None, /, **kwargs)`` takes the dispatcher and
leaves of the ``[[tool.lee.contract]]`` table naming that registry (without one, it
binds ``handler(operation, **kwargs)`` directly). With an operation it makes exactly
that one call; without, it runs the configured probe and the call-site probes, as
the auto-collected item does. Registry, key and operation are positional-only so
any keyword, ``key=`` included, reaches the dispatcher. Results are truthy when ok
and their repr carries the message, so ``assert lee_contract.check(...)`` explains
itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_lee.contracts.check import (
    ContractSpec,
    KeyResult,
    ProbeResult,
    check_key,
    registry_keys,
)
from pytest_lee.contracts.items import contract_source
from pytest_lee.contracts.probes import Probe
from pytest_lee.contracts.registry import ContractSetupError, key_label

if TYPE_CHECKING:
    from pytest_lee.report import SessionReport
    from pytest_lee.settings import Settings


class ContractChecker:
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
        except (
            ContractSetupError
        ) as error:  # a failed result like any other setup problem, not a traceback
            result = KeyResult(registry, label, "fail", str(error))
            self._record(result)
            return result
        probes = None
        if operation is not None:
            shown = ", ".join(f"{name}={value!r}" for name, value in kwargs.items())
            probes = [Probe(label, operation, kwargs, shown, "lee_contract.check")]
        result = check_key(self.source, spec, label, probes)
        self._record(result)
        return result

    def matrix(self) -> list[ProbeResult]:
        """Every configured registry × key × probe, in order."""
        rows: list[ProbeResult] = []
        for contract in self.settings.contracts:
            spec = ContractSpec.from_settings(contract)
            try:
                labels = registry_keys(self.source, spec)
            except ContractSetupError as error:
                rows.append(
                    ProbeResult(
                        spec.registry, "*", spec.registry, "[tool.lee.contract]", "fail", str(error)
                    )
                )
                continue
            for index, label in enumerate(labels):
                result = check_key(self.source, spec, label)
                self._record(result, index)
                if result.probes:
                    rows.extend(result.probes)
                else:
                    rows.append(
                        ProbeResult(
                            spec.registry,
                            label,
                            spec.registry,
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
