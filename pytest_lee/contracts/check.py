"""One registry key checked: every probe run through the real wiring with spies at the leaves.

Outcome of a probe: ``fail`` when any leaf (or any function on the way, for a
``TypeError`` raised while binding in the wiring) did not accept what it was
passed; ``ok`` when at least one leaf was reached and every call bound;
``inconclusive`` when the call stopped before any leaf for another reason (a
validator rejecting a placeholder, an unknown operation) or returned without
reaching one. A key's status is the worst of its probes (fail > inconclusive > ok).
No pytest in here: the baseline child process runs this module too.
"""

from __future__ import annotations

import fnmatch
import inspect
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_lee.contracts.probes import Probe, call_site_probes, configured_probe, source_files
from pytest_lee.contracts.registry import (
    ContractSetupError,
    describe_signature,
    import_reference,
    key_label,
    key_source,
    load_registry,
    one_line,
    resolve_entry,
)
from pytest_lee.contracts.sandbox import Sandbox
from pytest_lee.contracts.spies import LeafCall, SpySet, definition_site, fix_for, qualified_name

STATUS_ORDER = {"ok": 0, "inconclusive": 1, "fail": 2}
_BINDING_ERROR = re.compile(
    r"^(?P<name>[\w.<>]+)\(\) (?P<what>got an unexpected keyword argument|missing \d+ required|"
    r"takes \d+ positional|takes from \d+ to \d+ positional|got multiple values|"
    r"got some positional-only)"
)


@dataclass(frozen=True)
class ContractSpec:
    """What one ``[[tool.lee.contract]]`` table asks for (JSON-able, for the child process)."""

    registry: str
    dispatcher: str | None = None
    operation: str = "test_operation"
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
    status: str
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
    probes: tuple[ProbeResult, ...] = ()
    implicated: tuple[str, ...] = ()  # source files named by failures (for deploy grouping)

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


def registry_keys(source: Path, spec: ContractSpec) -> list[str]:
    """The registry's key labels; raises :class:`ContractSetupError` with a one-line cause."""
    with Sandbox(source) as sandbox:
        return [key_label(key) for key in load_registry(sandbox, spec.registry)]


def check_key(
    source: Path, spec: ContractSpec, label: str, probes: Sequence[Probe] | None = None
) -> KeyResult:
    """Run every probe for one key (configured + call sites, or *probes*) in a fresh sandbox."""
    if probes is None:
        probes = default_probes(source, spec, label)
    with Sandbox(source) as sandbox:
        try:
            return _check_in(sandbox, spec, label, probes)
        except ContractSetupError as error:
            return KeyResult(spec.registry, label, "fail", str(error))


def check_all(source: Path, spec: ContractSpec) -> list[KeyResult]:
    try:
        labels = registry_keys(source, spec)
    except ContractSetupError as error:
        return [KeyResult(spec.registry, "*", "fail", str(error))]
    return [check_key(source, spec, label) for label in labels]


def default_probes(source: Path, spec: ContractSpec, label: str) -> list[Probe]:
    probes = [configured_probe(spec.operation, spec.kwargs)]
    if spec.dispatcher:
        seen = {probes[0].identity()}
        for probe in call_site_probes(source, spec.dispatcher):
            if probe.key == label and probe.identity() not in seen:
                seen.add(probe.identity())
                probes.append(probe)
    return probes


def _check_in(
    sandbox: Sandbox, spec: ContractSpec, label: str, probes: Sequence[Probe]
) -> KeyResult:
    registry = load_registry(sandbox, spec.registry)
    keys = {key_label(key): key for key in registry}
    if label not in keys:
        raise ContractSetupError(
            f"registry {spec.registry} has no key {label!r} (keys: {', '.join(keys)})"
        )
    key = keys[label]
    handler = resolve_entry(sandbox, spec.registry, key, registry[key])
    handlers = [handler]
    for other, entry in registry.items():
        if other is not key:
            try:
                handlers.append(resolve_entry(sandbox, spec.registry, other, entry))
            except ContractSetupError:
                pass  # that key's own item reports it
    dispatcher = _dispatcher(sandbox, spec)  # imported before the spies go in, like every module
    leaves = _leaves(sandbox, spec, handlers)
    sandbox.keep_module_state()
    spies = SpySet(sandbox)
    spies.install(leaves, registry)
    if dispatcher is None:
        current = resolve_entry(
            sandbox, spec.registry, key, registry[key]
        )  # the spy, when handlers are leaves
        call: Callable[..., Any] = lambda key, operation, **kwargs: current(operation, **kwargs)  # noqa: E731
    else:
        call = dispatcher
    shown_call = spec.dispatcher.replace(":", ".") if spec.dispatcher else qualified_name(handler)
    results = [
        _run_probe(sandbox, spies, spec, key, label, probe, call, shown_call) for probe in probes
    ]
    return _summarise(spec.registry, label, results, sandbox)


def _dispatcher(sandbox: Sandbox, spec: ContractSpec) -> Callable[..., Any] | None:
    if spec.dispatcher is None:
        return None
    _, dispatcher = import_reference(sandbox, spec.dispatcher, "dispatcher")
    if not callable(dispatcher):
        raise ContractSetupError(
            f"dispatcher {spec.dispatcher} is a {type(dispatcher).__name__}, not callable"
        )
    return dispatcher


def _leaves(sandbox: Sandbox, spec: ContractSpec, handlers: list[Callable[..., Any]]) -> list[Any]:
    if not spec.leaves:
        return handlers
    wiring = {spec.registry.partition(":")[0]}
    if spec.dispatcher:
        wiring.add(spec.dispatcher.partition(":")[0])
    leaves: list[Any] = []
    for name in _module_names(sandbox.source):
        if name in wiring or not any(fnmatch.fnmatchcase(name, pattern) for pattern in spec.leaves):
            continue
        try:
            module = sandbox.import_module(name)
        except Exception as error:
            raise ContractSetupError(
                f"leaf module {name!r} (leaves = {list(spec.leaves)}) does not import: {one_line(error)}"
            ) from None
        leaves.extend(
            value
            for value in vars(module).values()
            if inspect.isfunction(value) and value.__module__ == module.__name__
        )
    if not leaves:
        raise ContractSetupError(
            f"leaves = {list(spec.leaves)} match no function of a module in {sandbox.source.name}/"
        )
    return leaves


def _module_names(source: Path) -> list[str]:
    names = []
    for path in source_files(source):
        parts = list(path.relative_to(source).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            names.append(".".join(parts))
    return names


def _run_probe(
    sandbox: Sandbox,
    spies: SpySet,
    spec: ContractSpec,
    key: Any,
    label: str,
    probe: Probe,
    call: Callable[..., Any],
    shown_call: str,
) -> ProbeResult:
    shown_key = key_source(key) if spec.dispatcher else ""  # a handler is called without the key
    arguments = ", ".join(part for part in (shown_key, repr(probe.operation), probe.shown) if part)
    described = f"{shown_call}({arguments})"
    start = len(spies.calls)
    error: BaseException | None = None
    try:
        call(key, probe.operation, **probe.kwargs)
    except Exception as raised:  # the wiring may raise anything; it is what we report
        error = raised
    reached = tuple(spies.calls[start:])
    origin = "configured probe" if probe.origin.startswith("[") else f"call site {probe.origin}"
    failures = [leaf for leaf in reached if not leaf.ok]
    if failures:
        message = "\n\n".join(_leaf_paragraph(described, origin, leaf) for leaf in failures)
        files = tuple(
            dict.fromkeys(_file(place) for leaf in failures for place in (leaf.where, leaf.caller))
        )
        cause = f"`{failures[0].leaf}` ({failures[0].where}) {failures[0].error} (called from {failures[0].caller})"
        return ProbeResult(
            spec.registry, label, described, probe.origin, "fail", message, reached, files, cause
        )
    if error is not None:
        wiring = _wiring_failure(sandbox, described, origin, error)
        if wiring is not None:
            message, files = wiring
            return ProbeResult(
                spec.registry,
                label,
                described,
                probe.origin,
                "fail",
                message,
                reached,
                files,
                one_line(error),
            )
    if reached:
        bound = ", ".join(sorted({leaf.leaf for leaf in reached}))
        return ProbeResult(
            spec.registry,
            label,
            described,
            probe.origin,
            "ok",
            f"{described} bound to {bound}",
            reached,
        )
    if error is not None:
        reason = f"stopped before reaching any leaf: {one_line(error)}{_raised_at(sandbox, _root(error))}"
    else:
        reason = f"returned without reaching any leaf ({_leaf_text(spec)})"
    return ProbeResult(
        spec.registry,
        label,
        described,
        probe.origin,
        "inconclusive",
        f"{described} ({origin}) {reason}",
    )


def _leaf_paragraph(described: str, origin: str, leaf: LeafCall) -> str:
    return (
        f"{described} ({origin}) reached `{leaf.leaf}` ({leaf.where}) from {leaf.caller}, passing "
        f"({leaf.arguments}); it accepts {leaf.accepts}: {leaf.error}. Fix: {leaf.fix}."
    )


def _file(place: str) -> str:
    return place.rpartition(":")[0] if ":" in place else place


def _wiring_failure(
    sandbox: Sandbox, described: str, origin: str, error: BaseException
) -> tuple[str, tuple[str, ...]] | None:
    """A TypeError from binding a call inside the wiring (no spy involved) is a contract failure."""
    root = _root(error)
    match = _BINDING_ERROR.match(str(root)) if isinstance(root, TypeError) else None
    if match is None:
        return None
    name = match.group("name").rpartition(".")[2]
    at = _raised_at(sandbox, root).strip(" ()").removeprefix("at ") or "?"
    target = _find_function(sandbox, name)
    if target is None:
        leaf, where, accepts = name, "?", "(…)"
    else:
        leaf, where, accepts = (
            qualified_name(target),
            definition_site(sandbox, target),
            describe_signature(target),
        )
    detail = str(root).split("() ", 1)[-1]
    message = (
        f"{described} ({origin}) failed in the wiring at {at}: `{leaf}` ({where}) accepts {accepts}: "
        f"{detail}. Fix: {fix_for(leaf, detail, at)}."
    )
    files = tuple(dict.fromkeys(_file(place) for place in (at, where) if place != "?"))
    return message, files


def _root(error: BaseException) -> BaseException:
    while error.__cause__ is not None and error.__cause__ is not error:
        error = error.__cause__
    return error


def _find_function(sandbox: Sandbox, name: str) -> Any:
    for module in sandbox.user_modules():
        value = vars(module).get(name)
        if callable(value) and getattr(value, "__module__", None) == module.__name__:
            return getattr(value, "__lee_spy__", value)
    return None


def _raised_at(sandbox: Sandbox, error: BaseException) -> str:
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if sandbox.owns_file(frame.filename)
    ]
    if not frames:
        return ""
    frame = frames[-1]
    return f" (at {sandbox.relative(frame.filename)}:{frame.lineno})"


def _leaf_text(spec: ContractSpec) -> str:
    return f"leaves = {list(spec.leaves)}" if spec.leaves else "leaves: the registry's handlers"


def _summarise(
    registry: str, label: str, results: list[ProbeResult], sandbox: Sandbox
) -> KeyResult:
    status = max(
        (result.status for result in results), key=STATUS_ORDER.__getitem__, default="inconclusive"
    )
    chosen = [result for result in results if result.status == status]
    if status == "ok":
        bound = sorted({leaf.leaf for result in results for leaf in result.reached})
        message = (
            f"{len(results)} probe{'s' if len(results) != 1 else ''} bound to {', '.join(bound)}"
        )
    else:
        message = "\n\n".join(dict.fromkeys(result.message for result in chosen))
    implicated = dict.fromkeys(
        name for result in chosen if status == "fail" for name in result.implicated
    )
    return KeyResult(registry, label, status, message, tuple(results), tuple(implicated))
