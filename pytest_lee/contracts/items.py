"""The auto-collected contract items: one per registry key.

Ids read ``pyproject.toml::contract[gateway_core:_INTERFACE_ROUTERS/CACHE]``. A
registry that cannot be loaded becomes one failing item,
``contract[gateway_core:_INTERFACE_ROUTERS]``, whose failure is the one-line cause
— collection itself never crashes on the user's code. An inconclusive key is
reported as skipped with the reason ("inconclusive: ..."): not a pass, not a fail.

No user code runs in pytest's process: collection asks a child process for the
keys, and the first item checks every key of every contract of the tree in one
more child (``check.check_tree``); the other items read its verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_lee._item import LeeItem
from pytest_lee.errors import LeeError

if TYPE_CHECKING:
    from pytest_lee.contracts.check import ContractSpec, KeyResult
    from pytest_lee.settings import Settings

PATHS_VARIABLE = "LEE_CONTRACT_PATHS"  # contracts/child/checker.py reads it
_VERDICTS = pytest.StashKey[Mapping[str, "KeyResult"]]()


class ContractFailure(LeeError):
    """A contract item's failure: the message is shown as is."""


def contract_source(settings: Settings) -> Path:
    """Where the user's modules live: ``[tool.lee] source``, else the rootdir."""
    return settings.code_root


def packaged_files(settings: Settings) -> tuple[str, ...]:
    """The ``.py`` files that go into the package: only they hold call sites and imports."""
    from pytest_lee.package.select import select_files

    selection = select_files(contract_source(settings), settings.exclude)
    return tuple(item.name for item in selection.files if item.name.endswith(".py"))


def check_options(settings: Settings) -> dict[str, Any]:
    """How every contract check of the session runs: time limit and environment (the
    region, as Lambda sets it), with the vendored requirements and the layers importable (``LEE_CONTRACT_PATHS``, read by the
    child), as the code finds them on Lambda."""
    # Lambda always sets the region: code that makes a boto3 client at import needs it.
    region = settings.aws.region
    environment = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    environment.update(settings.function.environment)
    if settings.requirements is not None or settings.layers:
        import os

        from pytest_lee.package.layers import import_paths

        paths = import_paths(settings)
        if paths:
            environment[PATHS_VARIABLE] = os.pathsep.join(paths)
    return {"timeout_s": settings.function.timeout_s, "environment": environment}


def session_verdicts(config: pytest.Config, settings: Settings) -> Mapping[str, KeyResult]:
    """Every key of every contract, ``registry/key`` → verdict, checked once per session."""
    if _VERDICTS not in config.stash:
        from pytest_lee.contracts.check import ContractSpec, check_tree

        specs = [ContractSpec.from_settings(contract) for contract in settings.contracts]
        results = check_tree(
            contract_source(settings),
            specs,
            files=packaged_files(settings),
            **check_options(settings),
        )
        config.stash[_VERDICTS] = {f"{r.registry}/{r.key}": r for r in results}
    return config.stash[_VERDICTS]


def contract_items(node: pytest.Collector, settings: Settings) -> list[pytest.Item]:
    from pytest_lee.contracts.check import ContractSpec, registries_keys

    source = contract_source(settings)
    items: list[pytest.Item] = []
    seen: set[str] = set()
    specs = [ContractSpec.from_settings(contract) for contract in settings.contracts]
    answers = registries_keys(source, specs, **check_options(settings)) if specs else []
    for spec, labels in zip(specs, answers):
        if isinstance(labels, Exception):
            name = _unique(f"contract[{spec.registry}]", seen)
            items.append(
                ContractSetupItem.from_parent(node, name=name, spec=spec, cause=str(labels))
            )
            continue
        for index, label in enumerate(labels):
            name = _unique(f"contract[{spec.registry}/{label}]", seen)
            items.append(
                ContractItem.from_parent(
                    node, name=name, spec=spec, label=label, source=source, index=index
                )
            )
    return items


def _unique(name: str, seen: set[str]) -> str:
    candidate, number = name, 2
    while candidate in seen:
        candidate, number = f"{name}#{number}", number + 1
    seen.add(candidate)
    return candidate


class ContractItem(LeeItem):
    """Checks one registry key with every probe; adds its verdict to the ``contracts`` section."""

    def __init__(
        self, *, spec: ContractSpec, label: str, source: Path, index: int, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.label = label
        self.source = source
        self.index = (
            index  # the key's place in the registry: the matrix keeps that order under xdist
        )

    def runtest(self) -> None:
        from pytest_lee._stash import lee_report, lee_settings
        from pytest_lee.contracts.check import KeyResult

        verdicts = session_verdicts(self.config, lee_settings(self.config))
        found = verdicts.get(f"{self.spec.registry}/{self.label}")
        if found is None:  # the registry stopped loading, or lost the key, since collection
            whole = verdicts.get(f"{self.spec.registry}/*")
            message = whole.message if whole is not None else "not checked: the key disappeared"
            found = KeyResult(self.spec.registry, self.label, "fail", message)
        result = found
        lee_report(self.config).add("contracts", {**result.as_entry(), "index": self.index})
        if result.status == "fail":
            raise ContractFailure(result.message)
        if result.status == "inconclusive":
            pytest.skip(f"inconclusive: {result.message}")

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"contract {self.spec.registry}[{self.label}]"


class ContractSetupItem(LeeItem):
    """Stands for a registry that cannot be loaded: fails with the one-line cause."""

    def __init__(self, *, spec: ContractSpec, cause: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.cause = cause

    def runtest(self) -> None:
        from pytest_lee._stash import lee_report

        lee_report(self.config).add(
            "contracts",
            {"registry": self.spec.registry, "key": "*", "status": "fail", "message": self.cause},
        )
        raise ContractFailure(self.cause)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"contract {self.spec.registry}"
