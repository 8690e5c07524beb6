"""One probe's call through the real wiring, and its verdict (runs in the contract child).

- ``fail``: a leaf (or a function on the way: a ``TypeError`` from binding) did not
  accept what it was passed; or the wiring refused what the call site *wrote* — an
  operation it does not dispatch, a parameter it requires that the call does not
  pass (``verdict``); or the call did not return within the time limit.
- ``ok``: every leaf reached bound, or the wiring returned without complaint.
- ``inconclusive``: the wiring refused a placeholder value the probe made up, or
  stopped the call for a reason that says nothing about the call site.
- ``n/a``: the configured probe's operation (or required parameters) is not one
  of this key's: it does not apply and is left out of the key's verdict.

Every message names the call (and where it was written) and where the refusal was
raised. Standard library only.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pytest_lee.contracts.child.registry import describe_signature, key_source, one_line
from pytest_lee.contracts.child.spies import LeafCall, SpySet, fix_for, qualified_name
from pytest_lee.contracts.child.verdict import classify

if TYPE_CHECKING:
    import traceback


class Child(Protocol):
    """What a judge asks of the child (``checker.Child``), named here: the checker imports
    this module, so this module does not import the checker."""

    limit: float  # seconds a probe may run

    def timed(self, call: Callable[[], Any]) -> Any: ...
    def relative(self, filename: str | None) -> str: ...
    def owns(self, filename: str | None) -> bool: ...
    def user_frames(self, error: BaseException) -> list[traceback.FrameSummary]: ...


CONFIGURED = "[tool.lee.contract]"


class TimeLimit(BaseException):
    """Raised by SIGALRM when one import or one probe runs past its limit (a BaseException,
    so user code's ``except Exception`` cannot swallow it)."""


EXPLICIT = "lee_contract.check"
_BINDING_ERROR = re.compile(
    r"^(?P<name>[\w.<>]+)\(\) (?P<what>got an unexpected keyword argument|missing \d+ required|"
    r"takes \d+ positional|takes from \d+ to \d+ positional|got multiple values|"
    r"got some positional-only)"
)


@dataclass(frozen=True)
class ProbeCall:
    key: str | None
    operation: str
    kwargs: Mapping[str, Any]
    shown: str
    origin: str

    @property
    def identity(self) -> tuple[str, tuple[str, ...]]:
        return self.operation, tuple(sorted(self.kwargs))

    @property
    def where(self) -> str:
        if self.origin == CONFIGURED:
            return "configured probe"
        if self.origin == EXPLICIT:
            return "lee_contract.check"
        return f"call site {self.origin}"


class Judge:
    def __init__(self, child: Child, spies: SpySet, registry: str, dispatcher: str | None) -> None:
        self.child, self.spies, self.registry, self.dispatcher = child, spies, registry, dispatcher

    def run(
        self, probe: ProbeCall, key: Any, label: str, call: Callable[..., Any], handler: Any
    ) -> dict[str, Any]:
        shown_call = (
            self.dispatcher.replace(":", ".") if self.dispatcher else qualified_name(handler)
        )
        shown_key = (
            key_source(key) if self.dispatcher else ""
        )  # a handler is called without the key
        arguments = ", ".join(
            part for part in (shown_key, repr(probe.operation), probe.shown) if part
        )
        described = f"{shown_call}({arguments})"
        start = len(self.spies.calls)
        error: BaseException | None = None
        timed_out = False
        try:
            self.child.timed(lambda: call(key, probe.operation, **probe.kwargs))
        except TimeLimit:
            timed_out = True
        except (Exception, SystemExit, KeyboardInterrupt) as raised:  # what the wiring raised
            error = raised
        reached = tuple(self.spies.calls[start:])
        result = _Result(described, probe, reached)
        failures = [leaf for leaf in reached if not leaf.ok]
        if failures:
            return result.leaf_failures(failures)
        if timed_out:
            return result.out(
                "fail",
                f"{described} ({probe.where}) did not return within {self.child.limit:g} s "
                "([tool.lee.function] timeout_s)",
                cause=f"did not return within {self.child.limit:g} s",
            )
        if error is not None:
            root = _root(error)
            wiring = self._wiring_failure(described, probe, root)
            if wiring is not None:
                return result.out("fail", wiring[0], implicated=wiring[1], cause=one_line(root))
        if reached:
            bound = ", ".join(sorted({leaf.leaf for leaf in reached}))
            return result.out("ok", f"{described} bound to {bound}")
        if error is None:
            return result.out(
                "ok", f"{described} returned without reaching a leaf (handled in the wiring)"
            )
        return self._refusal(result, described, probe, label, _root(error))

    def _refusal(
        self, result: _Result, described: str, probe: ProbeCall, label: str, root: BaseException
    ) -> dict[str, Any]:
        text = str(root)
        if isinstance(root, KeyError) and root.args:
            text = repr(root.args[0])
        refusal = classify(type(root).__name__, text, probe.operation, list(probe.kwargs))
        at = self._raised_at(root) or probe.origin
        raised = f"{one_line(root)} (at {at})"
        if refusal.kind in ("operation", "parameter"):
            if probe.origin == CONFIGURED:
                return result.out(
                    "n/a",
                    f"the configured probe {described} does not apply to {label}: the wiring "
                    f"{refusal.text}: {raised}",
                )
            if refusal.kind == "operation":
                fix = f"call an operation the router at {at} dispatches, or add {probe.operation!r} to it"
            else:
                fix = f"pass `{refusal.name}` at {probe.origin}"
            message = (
                f"{described} ({probe.where}): the wiring {refusal.text}: {raised}. Fix: {fix}."
            )
            files = tuple(
                dict.fromkeys(_file(place) for place in (probe.origin, at) if ":" in place)
            )
            return result.out("fail", message, implicated=files, cause=f"{refusal.text} ({raised})")
        if refusal.kind == "value":
            reason = f"the wiring refused a placeholder value the probe made up: {raised}"
        else:
            reason = f"stopped before reaching any leaf: {raised}"
        return result.out("inconclusive", f"{described} ({probe.where}) {reason}")

    def _wiring_failure(
        self, described: str, probe: ProbeCall, root: BaseException
    ) -> tuple[str, tuple[str, ...]] | None:
        """A TypeError from binding a call inside the wiring (no spy involved) is a failure."""
        match = _BINDING_ERROR.match(str(root)) if isinstance(root, TypeError) else None
        if match is None:
            return None
        name = match.group("name").rpartition(".")[2]
        at = self._raised_at(root) or probe.origin
        target = self._find_function(name)
        if target is None:
            leaf, where, accepts = f"{name}", f"called at {at}", "(…)"
        else:
            code = target.__code__
            leaf, accepts = qualified_name(target), describe_signature(target)
            where = f"{self.child.relative(code.co_filename)}:{code.co_firstlineno}"
        detail = str(root).split("() ", 1)[-1]
        message = (
            f"{described} ({probe.where}) failed in the wiring at {at}: `{leaf}` ({where}) accepts "
            f"{accepts}: {detail}. Fix: {fix_for(leaf, detail, at)}."
        )
        files = tuple(dict.fromkeys(_file(place) for place in (at, where) if ":" in place))
        return message, files

    def _find_function(self, name: str) -> Any:
        for module in list(sys.modules.values()):
            if not self.child.owns(getattr(module, "__file__", None)):
                continue
            value = vars(module).get(name)
            if (
                callable(value)
                and getattr(value, "__module__", None) == module.__name__
                and hasattr(value, "__code__")
                and not self.spies.is_spied(value)
            ):
                return value
        return None

    def _raised_at(self, error: BaseException) -> str:
        frames = self.child.user_frames(error)
        if not frames:
            return ""
        return f"{self.child.relative(frames[-1].filename)}:{frames[-1].lineno}"


class _Result:
    def __init__(self, described: str, probe: ProbeCall, reached: tuple[LeafCall, ...]) -> None:
        self.described, self.probe, self.reached = described, probe, reached

    def out(
        self, status: str, message: str, *, implicated: tuple[str, ...] = (), cause: str = ""
    ) -> dict[str, Any]:
        return {
            "status": status,
            "message": message,
            "call": self.described,
            "origin": self.probe.origin,
            "reached": [leaf.as_dict() for leaf in self.reached],
            "implicated": list(implicated),
            "cause": cause or message.split("\n", maxsplit=1)[0],
        }

    def leaf_failures(self, failures: list[LeafCall]) -> dict[str, Any]:
        paragraphs = [
            f"{self.described} ({self.probe.where}) reached `{leaf.leaf}` ({leaf.where}) from "
            f"{leaf.caller}, passing ({leaf.arguments}); it accepts {leaf.accepts}: {leaf.error}. "
            f"Fix: {leaf.fix}."
            for leaf in failures
        ]
        files = tuple(
            dict.fromkeys(_file(place) for leaf in failures for place in (leaf.where, leaf.caller))
        )
        first = failures[0]
        cause = f"`{first.leaf}` ({first.where}) {first.error} (called from {first.caller})"
        return self.out("fail", "\n\n".join(paragraphs), implicated=files, cause=cause)


def _file(place: str) -> str:
    return place.rpartition(":")[0] if ":" in place else place


def _root(error: BaseException) -> BaseException:
    while error.__cause__ is not None and error.__cause__ is not error:
        error = error.__cause__
    return error
