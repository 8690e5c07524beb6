"""Spies: stand-ins for the leaves that bind each call and never run the real body.

A leaf is replaced *wherever it is reachable* from the user's modules: module
attributes (including other modules' ``from cache_core import f`` bindings),
module-level dicts and lists (dispatch tables, registries holding callables) and
closure cells of module-level functions and of the callables in those tables.
Every replacement goes through the sandbox's :class:`Patcher`, so it is undone
when the check ends, whatever happened. Lambdas that name a leaf as a global
(``lambda **kw: _execute_get_implementation(**kw)``) need nothing special: they
look the name up in the patched module at call time.

On a binding failure the spy raises the ``TypeError`` the real function would
have raised, so the dispatcher behaves as in production (LEE's gateway wraps it
in ``RuntimeError``); the failure is recorded first, so wrapping or swallowing it
cannot hide it.
"""

from __future__ import annotations

import inspect
import re
import reprlib
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_lee.contracts.registry import describe_signature
from pytest_lee.contracts.sandbox import Patcher, Sandbox

_REPR = reprlib.Repr()
_REPR.maxstring = 40
_REPR.maxother = 40


@dataclass(frozen=True)
class LeafCall:
    """One call that reached a leaf, as the spy saw it."""

    leaf: str  # "cache_core._execute_get_implementation"
    where: str  # "cache_core.py:23"
    caller: str  # "interface_cache.py:27"
    arguments: str  # "key='key', timeout=30"
    accepts: str  # "(key: str)"
    error: str | None = None  # "got an unexpected keyword argument 'timeout'"
    fix: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def qualified_name(function: Any) -> str:
    module = getattr(function, "__module__", None) or "?"
    name = getattr(function, "__qualname__", None) or getattr(function, "__name__", repr(function))
    return f"{module}.{name}"


def definition_site(sandbox: Sandbox, function: Any) -> str:
    target = inspect.unwrap(function) if callable(function) else function
    code = getattr(target, "__code__", None)
    if code is None:
        try:
            return f"{sandbox.relative(inspect.getsourcefile(target))}"
        except TypeError:
            return "?"
    return f"{sandbox.relative(code.co_filename)}:{code.co_firstlineno}"


def format_arguments(args: Iterable[Any], kwargs: Mapping[str, Any]) -> str:
    shown = [_REPR.repr(value) for value in args]
    shown += [f"{name}={_REPR.repr(value)}" for name, value in kwargs.items()]
    return ", ".join(shown)


def fix_for(leaf: str, message: str, caller: str) -> str:
    """The one-sentence fix for a binding error message of :meth:`Signature.bind`."""
    unexpected = re.search(r"unexpected keyword argument '([^']+)'", message)
    if unexpected:
        return f"add `{unexpected.group(1)}` to `{leaf}` or accept `**kwargs`"
    missing = re.search(
        r"missing (?:a )?(?:\d+ )?required (?:positional |keyword-only )?argument[s]?:? '?([^']+)'?",
        message,
    )
    if missing:
        name = missing.group(1)
        return f"pass `{name}` at {caller} or give `{name}` a default in `{leaf}`"
    if "positional" in message:
        return f"pass keywords instead of positional arguments at {caller}, or accept `*args` in `{leaf}`"
    multiple = re.search(r"multiple values for argument '([^']+)'", message)
    if multiple:
        return f"pass `{multiple.group(1)}` once at {caller}"
    return f"make the call at {caller} match the parameters of `{leaf}`"


class SpySet:
    """The spies of one check and the calls they recorded, in order."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.calls: list[LeafCall] = []
        self._spies: dict[int, Callable[..., Any]] = {}
        self._reals: dict[int, Any] = {}

    @property
    def count(self) -> int:
        return len(self._spies)

    def install(self, leaves: Iterable[Any], registry: Any = None) -> None:
        for leaf in leaves:
            if id(leaf) not in self._spies:
                self._spies[id(leaf)] = self._make_spy(leaf)
                self._reals[id(leaf)] = leaf
        patcher = self.sandbox.patcher
        for module in self.sandbox.user_modules():
            self._patch_namespace(patcher, module)
        if registry is not None and hasattr(registry, "__setitem__"):
            self._patch_container(patcher, registry, depth=1)

    # --- patching -----------------------------------------------------------

    def _patch_namespace(self, patcher: Patcher, module: types.ModuleType) -> None:
        for name, value in list(vars(module).items()):
            if id(value) in self._spies and value is self._reals[id(value)]:
                patcher.setattr(module, name, self._spies[id(value)])
            elif type(value) in (dict, list):
                self._patch_container(patcher, value, depth=2)
            elif inspect.isfunction(value):
                self._patch_closure(patcher, value)

    def _patch_container(self, patcher: Patcher, container: Any, depth: int) -> None:
        pairs = (
            list(container.items()) if hasattr(container, "items") else list(enumerate(container))
        )
        for key, value in pairs:
            if id(value) in self._spies and value is self._reals[id(value)]:
                patcher.setitem(container, key, self._spies[id(value)])
            elif inspect.isfunction(value):
                self._patch_closure(patcher, value)
            elif depth > 1 and type(value) in (dict, list):
                self._patch_container(patcher, value, depth - 1)

    def _patch_closure(self, patcher: Patcher, function: types.FunctionType) -> None:
        for cell in function.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if id(value) in self._spies and value is self._reals[id(value)]:
                patcher.setcell(cell, self._spies[id(value)])

    # --- the spy ------------------------------------------------------------

    def _make_spy(self, real: Any) -> Callable[..., Any]:
        # Signature, name and place are worked out on the first call only: an engine has
        # hundreds of leaves and a check reaches a handful of them.
        facts: dict[str, Any] = {}
        record = self.calls.append
        sandbox = self.sandbox

        def learn() -> dict[str, Any]:
            if not facts:
                try:
                    facts["signature"] = inspect.signature(real)
                except (TypeError, ValueError):
                    facts["signature"] = None
                facts["leaf"] = qualified_name(real)
                facts["where"] = definition_site(sandbox, real)
                signature = facts["signature"]
                facts["accepts"] = describe_signature(signature) if signature is not None else "(…)"
            return facts

        def observe(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            frame = sys._getframe(2)
            caller = f"{sandbox.relative(frame.f_code.co_filename)}:{frame.f_lineno}"
            known = learn()
            leaf, where, accepts = known["leaf"], known["where"], known["accepts"]
            shown = format_arguments(args, kwargs)
            try:
                if known["signature"] is not None:
                    known["signature"].bind(*args, **kwargs)
            except TypeError as error:
                message = str(error)
                record(
                    LeafCall(
                        leaf, where, caller, shown, accepts, message, fix_for(leaf, message, caller)
                    )
                )
                name = getattr(real, "__name__", "function")
                raise TypeError(f"{name}() {message}") from None
            record(LeafCall(leaf, where, caller, shown, accepts))

        if inspect.iscoroutinefunction(real):

            async def spy(*args: Any, **kwargs: Any) -> None:
                observe(args, kwargs)

        else:

            def spy(*args: Any, **kwargs: Any) -> None:  # type: ignore[misc]
                observe(args, kwargs)

        for attribute in ("__name__", "__qualname__", "__module__", "__doc__"):
            try:
                setattr(spy, attribute, getattr(real, attribute))
            except (AttributeError, TypeError):
                pass
        spy.__lee_spy__ = real  # type: ignore[attr-defined]
        return spy
