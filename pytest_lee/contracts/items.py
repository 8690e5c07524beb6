"""The auto-collected contract items: one per registry key.

Ids read ``pyproject.toml::contract[gateway_core:_INTERFACE_ROUTERS/CACHE]``. A
registry that cannot be loaded becomes one failing item,
``contract[gateway_core:_INTERFACE_ROUTERS]``, whose failure is the one-line cause
— collection itself never crashes on the user's code. An inconclusive key is
reported as skipped with the reason ("inconclusive: ..."): not a pass, not a fail.

No user code runs in pytest's process: collection asks a child process for the
keys, and the first item checks every key of every contract of the tree in one
more child (``runner.run_tree``); the other items read its verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_lee._item import LeeItem
from pytest_lee.errors import LeeError

if TYPE_CHECKING:
    from pytest_lee.contracts.results import ContractSpec, KeyResult
    from pytest_lee.contracts.trace import Trace
    from pytest_lee.settings import Settings

_VERDICTS = pytest.StashKey[Mapping[str, "KeyResult"]]()
_TRACE = pytest.StashKey["Trace | None"]()


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
    region, as Lambda sets it), with the vendored requirements and the layers on the
    child's ``sys.path`` after the code, in Lambda's order (``package.layers.import_paths``)."""
    # Lambda always sets the region: code that makes a boto3 client at import needs it.
    region = settings.aws.region
    environment = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    environment.update(settings.function.environment)
    paths: tuple[str, ...] = ()
    if settings.requirements is not None or settings.layers:
        from pytest_lee.package.layers import import_paths

        paths = tuple(import_paths(settings))
    return {"timeout_s": settings.function.timeout_s, "environment": environment, "paths": paths}


def session_verdicts(config: pytest.Config, settings: Settings) -> Mapping[str, KeyResult]:
    """Every key of every contract, ``registry/key`` → verdict, checked once per session."""
    if _VERDICTS not in config.stash:
        from pytest_lee.contracts.results import ContractSpec
        from pytest_lee.contracts.runner import run_tree

        specs = [ContractSpec.from_settings(contract) for contract in settings.contracts]
        results = run_tree(
            contract_source(settings),
            specs,
            files=packaged_files(settings),
            **check_options(settings),
        )
        config.stash[_VERDICTS] = {f"{r.registry}/{r.key}": r for r in results}
    return config.stash[_VERDICTS]


def session_trace(config: pytest.Config, settings: Settings) -> Trace | None:
    """With ``--lee-trace``: what one traced cold start and the events ran (once a session)."""
    if not settings.options.trace:
        return None
    if _TRACE not in config.stash:
        from pytest_lee.contracts.trace import run_trace, session_events

        options = check_options(settings)
        config.stash[_TRACE] = run_trace(
            contract_source(settings),
            settings.handler,
            session_events(settings),
            timeout_s=options["timeout_s"],
            environment=options["environment"],
            paths=options["paths"],
        )
    return config.stash[_TRACE]


def api_events(settings: Settings) -> tuple[tuple[str, str], ...]:
    """The template's ``Api``/``HttpApi`` events of the function (the SAM reader's)."""
    return tuple(getattr(settings.function, "api_events", ()))


def contract_items(node: pytest.Collector, settings: Settings) -> list[pytest.Item]:
    from pytest_lee.contracts import events as template
    from pytest_lee.contracts.results import ContractSpec
    from pytest_lee.contracts.runner import run_keys

    source = contract_source(settings)
    items: list[pytest.Item] = []
    seen: set[str] = set()
    specs = [ContractSpec.from_settings(contract) for contract in settings.contracts]
    answers = run_keys(source, specs, **check_options(settings)) if specs else []
    for spec, labels in zip(specs, answers):
        if isinstance(labels, Exception):
            name = _unique(f"contract[{spec.registry}]", seen)
            items.append(
                ContractSetupItem.from_parent(node, name=name, spec=spec, cause=str(labels))
            )
            continue
        events = api_events(settings) if template.applies(labels) else ()
        dead = set(template.unevented(events, labels)) if events else set()
        for index, label in enumerate(labels):
            name = _unique(f"contract[{spec.registry}/{label}]", seen)
            item = ContractItem.from_parent(
                node, name=name, spec=spec, label=label, source=source, index=index
            )
            if label in dead:
                item.no_event = (
                    f"route {label} has no Api/HttpApi event in the template: API Gateway never "
                    "routes a request to it. Fix: add the event, or remove the route."
                )
            items.append(item)
        for method, path in template.unrouted(events, labels):
            cause = (
                f"template event {method} {path} has no route in {spec.registry} (keys: "
                f"{', '.join(labels)}): API Gateway sends it to a handler that cannot serve it. "
                "Fix: add the route, or remove the event."
            )
            name = _unique(f"contract[{spec.registry}/event {method} {path}]", seen)
            items.append(
                ContractSetupItem.from_parent(
                    node, name=name, spec=spec, cause=cause, key=f"event {method} {path}"
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
        self.no_event: str | None = None  # a route no template event reaches

    def runtest(self) -> None:
        from pytest_lee._stash import lee_report, lee_settings
        from pytest_lee.contracts.results import KeyResult

        verdicts = session_verdicts(self.config, lee_settings(self.config))
        found = verdicts.get(f"{self.spec.registry}/{self.label}")
        if found is None:  # the registry stopped loading, or lost the key, since collection
            whole = verdicts.get(f"{self.spec.registry}/*")
            message = whole.message if whole is not None else "not checked: the key disappeared"
            found = KeyResult(self.spec.registry, self.label, "fail", message)
        result = found
        if self.no_event is not None:
            message = (
                self.no_event if result.status == "ok" else f"{self.no_event}\n\n{result.message}"
            )
            result = KeyResult(result.registry, result.key, "fail", message, result.probes)
        from pytest_lee.contracts.trace import sites

        trace = session_trace(self.config, lee_settings(self.config))
        entry = {**result.as_entry(), "index": self.index, "sites": sites(result.probes, trace)}
        if trace is not None and trace.error is not None:
            entry["trace"] = trace.error
        lee_report(self.config).add("contracts", entry)
        if result.status == "fail":
            raise ContractFailure(result.message)
        if result.status == "inconclusive":
            pytest.skip(f"inconclusive: {result.message}")

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"contract {self.spec.registry}[{self.label}]"


class ContractSetupItem(LeeItem):
    """Stands for a registry that cannot be loaded: fails with the one-line cause."""

    def __init__(self, *, spec: ContractSpec, cause: str, key: str = "*", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.cause = cause
        self.key = key

    def runtest(self) -> None:
        from pytest_lee._stash import lee_report

        lee_report(self.config).add(
            "contracts",
            {
                "registry": self.spec.registry,
                "key": self.key,
                "status": "fail",
                "message": self.cause,
            },
        )
        raise ContractFailure(self.cause)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"contract {self.spec.registry}"
