"""Inside the contract child: import the tree once, check every key of every contract.

The parent (``runner``) sends what the source says statically — probes, the
import graph, the leaf modules the registry network reaches — and this module
does what needs the user's code: import the registry, resolve each key's
handler, put spies at the leaves (one code swap per leaf function), make every
probe's call through the real wiring and judge it. Each step that runs user code
is announced first (an ``import`` or ``probe`` event) and runs under a time limit
(``SIGALRM``), so the parent can tell which step hung or ended the process when
the child dies and can start a new child that skips it. Standard library only.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import importlib.abc
import importlib.machinery
import inspect
import os
import signal
import sys
import traceback
import types
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_lee.contracts.child import wire as _wire
from pytest_lee.contracts.child.facts import reach
from pytest_lee.contracts.child.judge import EXPLICIT, Judge, ProbeCall, TimeLimit
from pytest_lee.contracts.child.registry import (
    ContractSetupError,
    import_reference,
    key_label,
    load_registry,
    one_line,
    resolve_entry,
)
from pytest_lee.contracts.child.spies import SpySet

Emit = Callable[[dict[str, Any]], None]


class _Broken(importlib.abc.MetaPathFinder):
    """Modules an earlier child hung or died on: importing them now fails at once."""

    def __init__(self, broken: Mapping[str, str]) -> None:
        self.broken = dict(broken)

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname in self.broken:
            raise ImportError(self.broken[fullname])
        return None


class _LeafHook(importlib.abc.MetaPathFinder):
    """A leaf module imported late (inside a router's function) gets its spies on import."""

    def __init__(self, source: str, patterns: Sequence[str], spies: SpySet) -> None:
        self.source, self.patterns, self.spies = source, tuple(patterns), spies

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if not any(fnmatch.fnmatchcase(fullname, pattern) for pattern in self.patterns):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path or [self.source])
        if spec is None or not str(spec.origin or "").startswith(self.source + os.sep):
            return None  # not the user's: the other finders decide, as without this hook
        loader = spec.loader
        execute = getattr(loader, "exec_module", None)
        if execute is None:
            return None
        spies = self.spies

        def exec_module(module: types.ModuleType) -> None:
            execute(module)
            spies.install(_functions(module))

        loader.exec_module = exec_module  # type: ignore[method-assign,union-attr]
        return spec


def _functions(module: types.ModuleType) -> list[Any]:
    return [
        value
        for value in vars(module).values()
        if inspect.isfunction(value) and value.__module__ == module.__name__
    ]


def _alarm(_signum: int, _frame: Any) -> None:
    raise TimeLimit


class Child:
    """One request: every contract of one tree."""

    def __init__(
        self,
        request: Mapping[str, Any],
        emit: Emit,
        read_probes: Callable[[], list[list[dict[str, Any]]]],
    ) -> None:
        self.source = str(Path(request["source"]).resolve())
        self.limit = float(request.get("timeout_s", 3.0))
        self.skip = {tuple(item) for item in request.get("skip", ())}
        self.broken = dict(request.get("broken", {}))
        self.contracts = request["contracts"]
        self.emit = emit
        self.read_probes = read_probes

    def run(self) -> None:
        sys.path.insert(0, self.source)
        # The vendored requirements and the layers, after the code, as on Lambda
        # (contracts/items.py sets it when the function has any).
        extra = os.environ.get("LEE_CONTRACT_PATHS")
        if extra:
            sys.path[1:1] = extra.split(os.pathsep)
        sys.meta_path.insert(0, _Broken(self.broken))
        if hasattr(signal, "setitimer"):
            signal.signal(signal.SIGALRM, _alarm)
        contracts = [_Contract(self, index, raw) for index, raw in enumerate(self.contracts)]
        ready = [contract for contract in contracts if contract.prepare()]
        if ready:  # the parent reads the call sites while this child imports: they come now
            probes = self.read_probes()
            for contract in ready:
                contract.check(probes[contract.index])

    def timed(self, call: Callable[[], Any]) -> Any:
        """*call* under the time limit; :class:`TimeLimit` when it runs past it."""
        if not hasattr(signal, "setitimer"):
            return call()
        signal.setitimer(signal.ITIMER_REAL, self.limit)
        try:
            return call()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def relative(self, filename: str | None) -> str:
        if not filename:
            return "?"
        if filename.startswith(self.source + os.sep):
            return filename[len(self.source) + 1 :].replace(os.sep, "/")
        return filename

    def owns(self, filename: str | None) -> bool:
        if not filename or not filename.startswith(self.source + os.sep):
            return False
        return "-packages" + os.sep not in filename[len(self.source) :]

    def user_frames(self, error: BaseException) -> list[traceback.FrameSummary]:
        return [f for f in traceback.extract_tb(error.__traceback__) if self.owns(f.filename)]


class _Contract:
    def __init__(self, child: Child, index: int, contract: Mapping[str, Any]) -> None:
        self.child, self.index = child, index
        spec = contract["spec"]
        self.registry: str = spec["registry"]
        self.dispatcher: str | None = spec.get("dispatcher")
        self.patterns: tuple[str, ...] = tuple(spec.get("leaves", ()))
        self.by_key: dict[str | None, list[tuple[int, ProbeCall]]] = {}
        self.configured: set[tuple[str, tuple[str, ...]]] = set()
        self.keys_only = bool(contract.get("keys_only"))
        self.wanted = contract.get("keys")
        self.graph: dict[str, list[str]] = contract.get("graph", {})
        self.leaf_modules: list[str] = contract.get("leaf_modules", [])
        self.leaves_exist = bool(contract.get("leaves_exist", True))

    def set_probes(self, raw: Sequence[Mapping[str, Any]]) -> None:
        probes = [_probe(item) for item in raw]
        for number, probe in enumerate(probes):  # grouped once: a key sees its own probes
            self.by_key.setdefault(probe.key, []).append((number, probe))
        self.configured = {probe.identity for probe in probes if probe.key is None}

    def emit(self, event: str, **fields: Any) -> None:
        self.child.emit({"event": event, "contract": self.index, **fields})

    def load(self, what: str, module: str, call: Callable[[], Any]) -> Any:
        """Run one import step of user code, announced and under the time limit."""
        self.emit("import", what=what, module=module, limit=self.child.limit)
        try:
            return self.child.timed(call)
        except TimeLimit:
            raise ContractSetupError(
                f"{what}: module {module!r} did not finish importing within {self.child.limit:g} s "
                "([tool.lee.function] timeout_s)"
            ) from None

    def prepare(self) -> bool:
        """Every import step (registry, handlers, dispatcher, leaf modules); False: nothing to check."""
        module = self.registry.partition(":")[0]
        try:
            self.registry_map = self.load(
                f"registry {self.registry}", module, lambda: load_registry(self.registry)
            )
        except ContractSetupError as error:
            self.emit("setup", key="*", message=str(error))
            return False
        self.labels = {key_label(key): key for key in self.registry_map}
        self.emit("keys", keys=list(self.labels))
        if self.keys_only:
            return False
        self.wanted_labels = [
            label for label in self.labels if self.wanted is None or label in self.wanted
        ]
        self.handler_map, self.problems = self.handlers(self.registry_map, self.labels)
        try:
            self.dispatch = self.load_dispatcher()
            self.leaf_functions, self.broken_leaves = self.import_leaves()
        except ContractSetupError as error:
            for label in self.wanted_labels:
                self.emit("setup", key=label, message=str(error))
            return False
        return True

    def check(self, probes: Sequence[Mapping[str, Any]]) -> None:
        """Spies at the leaves, every probe of every wanted key, spies removed."""
        self.set_probes(probes)
        spies = SpySet(self.child.relative)
        hook = None
        try:
            self.install(spies)
            if self.patterns:
                hook = _LeafHook(self.child.source, self.patterns, spies)
                sys.meta_path.insert(0, hook)
            judge = Judge(self.child, spies, self.registry, self.dispatcher)
            for label in self.wanted_labels:
                problem = self.problems.get(label) or self.leaf_problem(
                    self.handler_map.get(label), self.broken_leaves
                )
                if problem is not None:
                    self.emit("setup", key=label, message=problem)
                    continue
                handler = self.handler_map[label]
                self.check_key(judge, self.labels[label], label, handler, self.dispatch)
        finally:
            if hook is not None and hook in sys.meta_path:
                sys.meta_path.remove(hook)
            spies.remove()

    def handlers(
        self, registry: Mapping[Any, Any], labels: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        handlers: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for label, key in labels.items():
            entry = registry[key]
            module = entry[0] if _is_pair(entry) else getattr(entry, "__module__", "") or ""
            try:
                handlers[label] = self.load(
                    f"registry {self.registry}[{label}]",
                    module,
                    functools.partial(resolve_entry, self.registry, key, entry),
                )
            except ContractSetupError as error:
                problems[label] = str(error)
        return handlers, problems

    def load_dispatcher(self) -> Callable[..., Any] | None:
        if self.dispatcher is None:
            return None
        module = self.dispatcher.partition(":")[0]
        _, value = self.load(
            f"dispatcher {self.dispatcher}",
            module,
            lambda: import_reference(self.dispatcher or "", "dispatcher"),
        )
        if not callable(value):
            raise ContractSetupError(
                f"dispatcher {self.dispatcher} is a {type(value).__name__}, not callable"
            )
        return value  # type: ignore[no-any-return]

    def import_leaves(self) -> tuple[list[Any], dict[str, str]]:
        """The leaf modules' functions, and the leaf modules that failed to import (→ message)."""
        if not self.patterns:
            return [], {}
        broken: dict[str, str] = {}
        functions: list[Any] = []
        for name in self.leaf_modules:
            try:
                module = self.load(
                    f"leaf module {name!r} (leaves = {list(self.patterns)})",
                    name,
                    functools.partial(importlib.import_module, name),
                )
            except ContractSetupError as error:
                broken[name] = str(error)
                continue
            except (Exception, SystemExit, KeyboardInterrupt) as error:
                broken[name] = (
                    f"leaf module {name!r} (leaves = {list(self.patterns)}) does not import: "
                    f"{one_line(error)}"
                )
                continue
            functions.extend(_functions(module))
        if not functions and not broken and not self.leaves_exist:
            raise ContractSetupError(
                f"leaves = {list(self.patterns)} match no module of {Path(self.child.source).name}/"
            )
        return functions, broken

    def install(self, spies: SpySet) -> None:
        if self.patterns:
            spies.install(self.leaf_functions)
            return
        for other in spies.install(self.handler_map.values()):
            self.wrap(spies, self.registry_map, self.labels, self.handler_map, other)

    def wrap(
        self,
        spies: SpySet,
        registry: Mapping[Any, Any],
        labels: Mapping[str, Any],
        handlers: Mapping[str, Any],
        handler: Any,
    ) -> None:
        """A handler that is no plain function (a callable object): spied where it is looked up."""
        spy = spies.wrapper(handler)
        for label, value in handlers.items():
            if value is not handler:
                continue
            entry = registry[labels[label]]
            if _is_pair(entry):
                setattr(sys.modules[entry[0]], entry[1], spy)
            elif hasattr(registry, "__setitem__"):
                registry[labels[label]] = spy

    def leaf_problem(self, handler: Any, broken: Mapping[str, str]) -> str | None:
        if not broken or handler is None:
            return None
        # From the key's own router: the dispatcher's module reaches every router, so not from it.
        reached = reach(self.graph, [getattr(handler, "__module__", "")])
        for name, message in broken.items():
            if name in reached:
                return message
        return None

    def check_key(
        self,
        judge: Judge,
        key: Any,
        label: str,
        handler: Any,
        dispatcher: Callable[..., Any] | None,
    ) -> None:
        if dispatcher is None:
            current = handler
            call: Callable[..., Any] = lambda key, operation, **kwargs: current(operation, **kwargs)  # noqa: E731
        else:
            call = dispatcher
        for number, probe in self.by_key.get(None, []) + self.by_key.get(label, []):
            if (
                probe.key is not None
                and probe.origin != EXPLICIT
                and probe.identity in self.configured
            ):
                continue  # the configured probe makes this very call already
            if (self.index, label, number) in self.child.skip:
                continue
            self.emit("probe", key=label, index=number, limit=self.child.limit)
            result = judge.run(probe, key, label, call, handler)
            self.emit("result", key=label, index=number, **result)
        self.emit("checked", key=label)


def _probe(raw: Mapping[str, Any]) -> ProbeCall:
    return ProbeCall(
        raw.get("key"),
        raw["operation"],
        _wire.decode(raw.get("kwargs", {})),
        raw.get("shown", ""),
        raw.get("origin", "[tool.lee.contract]"),
    )


def _is_pair(entry: Any) -> bool:
    return (
        isinstance(entry, (tuple, list))
        and len(entry) == 2
        and all(isinstance(p, str) for p in entry)
    )
