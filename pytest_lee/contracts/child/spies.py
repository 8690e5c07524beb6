"""Spies: the leaves' bodies replaced by one that binds each call and records it.

A leaf is spied by swapping its ``__code__`` (and ``__kwdefaults__``) for a spy's,
so the function object keeps its identity: every reference to it — module
attributes, other modules' ``from cache_core import f``, dispatch dicts, closure
cells, fast-path caches filled at import — now runs the spy, and installing costs
one swap per leaf instead of a walk of every module's namespace per check (the
walk made the cost grow with the square of the interfaces). The child process
that does this exits afterwards; :meth:`SpySet.remove` still puts every code back,
because two contracts of one tree may put their leaves at different places.

On a binding failure the spy raises the ``TypeError`` the real function would
have raised, so the dispatcher behaves as in production; the failure is recorded
first, so wrapping or swallowing it cannot hide it. Standard library only.
"""

from __future__ import annotations

import inspect
import reprlib
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_lee.contracts.child.binding import binds, describe, fixes, problems, shape_of
from pytest_lee.contracts.child.registry import describe_signature

_REPR = reprlib.Repr()
_REPR.maxstring = 40
_REPR.maxother = 40
_STATE = "_lee_spy_state"


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

    def as_dict(self) -> dict[str, str | None]:
        return {
            "leaf": self.leaf,
            "where": self.where,
            "caller": self.caller,
            "arguments": self.arguments,
            "accepts": self.accepts,
            "error": self.error,
            "fix": self.fix,
        }


def qualified_name(function: Any) -> str:
    module = getattr(function, "__module__", None) or "?"
    name = getattr(function, "__qualname__", None) or getattr(function, "__name__", repr(function))
    return f"{module}.{name}"


def format_arguments(args: Iterable[Any], kwargs: Mapping[str, Any]) -> str:
    shown = [_REPR.repr(value) for value in args]
    shown += [f"{name}={_REPR.repr(value)}" for name, value in kwargs.items()]
    return ", ".join(shown)


_SPY_CODES: dict[tuple[int, bool], types.CodeType] = {}


def _spy_code(free: int, is_async: bool) -> types.CodeType:
    """A spy body with *free* free variables (a code swap must keep the closure's size)."""
    known = _SPY_CODES.get((free, is_async))
    if known is not None:
        return known
    names = [f"_lee_free{index}" for index in range(free)]
    lines = ["def _lee_outer():"]
    lines += [f"    {name} = None" for name in names]
    lines.append(f"    {'async ' if is_async else ''}def _lee_spy(*args, {_STATE}=None, **kwargs):")
    if names:
        lines.append(f"        if False: ({', '.join(names)},)")
    lines += [f"        return {_STATE}(args, kwargs)", "    return _lee_spy"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<lee-spy>", "exec"), namespace)
    code: types.CodeType = namespace["_lee_outer"]().__code__
    _SPY_CODES[(free, is_async)] = code
    return code


def _stand_in(real: Any) -> Any:
    """A copy of function *real* with its real body, for ``inspect`` once the body is swapped."""
    if not isinstance(real, types.FunctionType):
        return real
    copy = types.FunctionType(
        real.__code__, real.__globals__, real.__name__, real.__defaults__, real.__closure__
    )
    copy.__kwdefaults__ = real.__kwdefaults__
    copy.__qualname__ = real.__qualname__
    copy.__module__ = real.__module__
    copy.__annotations__ = real.__annotations__
    if hasattr(real, "__wrapped__"):
        copy.__wrapped__ = real.__wrapped__  # type: ignore[attr-defined]
    return copy


class SpySet:
    """The spies of one contract and the calls they recorded, in order."""

    def __init__(self, relative: Callable[[str | None], str]) -> None:
        self.relative = relative
        self.calls: list[LeafCall] = []
        self._swapped: dict[int, tuple[types.FunctionType, types.CodeType, Any]] = {}

    @property
    def count(self) -> int:
        return len(self._swapped)

    def install(self, leaves: Iterable[Any]) -> list[Any]:
        """Spy on every function among *leaves*; returns the leaves that are not functions."""
        others = []
        for leaf in leaves:
            function = getattr(leaf, "__func__", leaf)  # a bound method: its function
            if isinstance(function, types.FunctionType):
                self._swap(function)
            else:
                others.append(leaf)
        return others

    def is_spied(self, function: Any) -> bool:
        return id(getattr(function, "__func__", function)) in self._swapped

    def remove(self) -> None:
        for function, code, kwdefaults in self._swapped.values():
            function.__code__ = code
            function.__kwdefaults__ = kwdefaults
        self._swapped.clear()

    def wrapper(self, real: Any) -> Callable[..., Any]:
        """A spy function standing for a callable that is not a plain function."""
        observe = self._observer(real)

        def spy(*args: Any, **kwargs: Any) -> Any:
            return observe(args, kwargs)

        return spy

    def _swap(self, function: types.FunctionType) -> None:
        if id(function) in self._swapped:
            return
        observe = self._observer(function)
        code = function.__code__
        is_async = bool(code.co_flags & inspect.CO_COROUTINE)
        self._swapped[id(function)] = (function, code, function.__kwdefaults__)
        function.__code__ = _spy_code(len(code.co_freevars), is_async)
        function.__kwdefaults__ = {_STATE: observe}

    def _observer(self, real: Any) -> Callable[[tuple[Any, ...], dict[str, Any]], None]:
        # The signature, name and place are worked out on the first call only (an engine has
        # thousands of leaves and a probe reaches one), from a stand-in that keeps the real
        # body: after the swap, the function itself has the spy's.
        stand_in = _stand_in(real)
        facts: dict[str, Any] = {}
        record = self.calls.append
        relative = self.relative
        name = getattr(real, "__name__", "function")

        def learn() -> dict[str, Any]:
            if not facts:
                facts["shape"] = shape_of(stand_in)
                facts["leaf"] = qualified_name(real)
                facts["where"] = self._site(stand_in)
            return facts

        def signature() -> inspect.Signature | None:
            if "signature" not in facts:
                try:
                    facts["signature"] = inspect.signature(stand_in)
                except (TypeError, ValueError):
                    facts["signature"] = None
            found: inspect.Signature | None = facts["signature"]
            return found

        def observe(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            frame = sys._getframe(2)
            caller = f"{relative(frame.f_code.co_filename)}:{frame.f_lineno}"
            known = learn()
            leaf, where, shape = known["leaf"], known["where"], known["shape"]
            shown = format_arguments(args, kwargs)
            if shape is not None and binds(
                shape, len(args), list(kwargs), star=False, double_star=False
            ):
                record(LeafCall(leaf, where, caller, shown, ""))  # what it accepts: on failure only
                return
            real_signature = signature()
            found = problems(real_signature, len(args), list(kwargs)) if real_signature else []
            accepts = describe_signature(real_signature) if real_signature is not None else "(…)"
            if found:  # CPython's own error first, then what it would not have reached
                fix = fixes(leaf, found, caller)
                record(LeafCall(leaf, where, caller, shown, accepts, describe(found), fix))
                raise TypeError(f"{name}() {found[0]}")
            record(LeafCall(leaf, where, caller, shown, accepts))

        return observe

    def _site(self, function: Any) -> str:
        target = inspect.unwrap(function) if callable(function) else function
        code = getattr(getattr(target, "__func__", target), "__code__", None)
        if code is None:
            try:
                return self.relative(inspect.getsourcefile(target))
            except TypeError:
                return "?"
        return f"{self.relative(code.co_filename)}:{code.co_firstlineno}"
