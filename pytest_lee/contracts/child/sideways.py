"""Checking the calls between the modules of a registry network against the real objects.

The parent reads the calls statically (``pytest_lee.contracts.calls``); here each one is
held against what the tree really defines once imported: does the module define the
name imported from it, does the call bind to the function's real signature (bound as
CPython binds, see ``binding``). Nothing is called. Each finding is charged to the
registry key whose router is nearest to the calling module in the import network (a
finding in ``logging_core`` belongs to LOGGING, whose router imports it), the gateway's
own modules to the keys their dispatcher calls name. Standard library only.
"""

from __future__ import annotations

import difflib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pytest_lee.contracts.child.binding import describe, fixes, problems
from pytest_lee.contracts.child.registry import describe_signature
from pytest_lee.contracts.child.spies import qualified_name

Load = Callable[[str], Any]  # imports a module under the time limit; raises when it cannot


def judge_records(
    records: Sequence[Mapping[str, Any]],
    load: Load,
    relative: Callable[[str | None], str],
    skip: Iterable[Any] = (),
) -> list[dict[str, Any]]:
    """A result (``fail`` only: a call that binds says nothing a reader needs) per finding."""
    skipped = {id(value) for value in skip}
    modules: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    for record in records:
        kind = record["kind"]
        if kind == "duplicate":
            results.append(_duplicate(record))
            continue
        module = _module(record["module"], load, modules)
        if module is None:
            continue  # a module that does not import is reported where it is imported
        if kind == "import":
            found = _import(record, module, relative)
        else:
            found = _bind(record, module, relative, skipped)
        if found is not None:
            results.append(found)
    return results


def _module(name: str, load: Load, modules: dict[str, Any]) -> Any:
    if name not in modules:
        try:
            modules[name] = sys.modules.get(name) or load(name)
        except BaseException:
            modules[name] = None
    return modules[name]


def _import(
    record: Mapping[str, Any], module: Any, relative: Callable[[str | None], str]
) -> dict[str, Any] | None:
    name, module_name = record["name"], record["module"]
    if hasattr(module, name):
        return None
    if (
        hasattr(module, "__path__")
        and importlib.util.find_spec(f"{module_name}.{name}") is not None
    ):
        return None  # a submodule, imported by this very statement
    where = relative(getattr(module, "__file__", None))
    close = difflib.get_close_matches(
        name, [n for n in vars(module) if not n.startswith("_")], 1, 0.75
    )
    hint = f"import `{close[0]}`" if close else f"define `{name}` in `{module_name}`"
    scope = (
        "inside a function: it fails when that function runs"
        if record.get("function_level")
        else "at import"
    )
    call = f"from {module_name} import {name}"
    message = (
        f"`{call}` ({record['origin']}): module `{module_name}` ({where}) does not define "
        f"`{name}` ({scope}). Fix: {hint}, or stop importing it at {record['origin']}."
    )
    return _result(
        record,
        call,
        message,
        (record["origin"], where),
        f"ImportError: cannot import name {name!r}",
    )


def _candidates(name: str, module: Any) -> list[str]:
    """The module's public names sharing a word with *name* (difflib over all is slow)."""
    words = {word for word in name.split("_") if len(word) > 2}
    return [
        other
        for other in vars(module)
        if not other.startswith("_") and words & set(other.split("_"))
    ]


def _bind(
    record: Mapping[str, Any],
    module: Any,
    relative: Callable[[str | None], str],
    skipped: set[int],
) -> dict[str, Any] | None:
    target = getattr(module, record["name"], None)
    if target is None or id(target) in skipped or not callable(target):
        return None  # a missing name is the import record's finding
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    found = problems(
        signature,
        record["positional"],
        record["keywords"],
        star=record["star"],
        double_star=record["double_star"],
    )
    if not found:
        return None
    callee = qualified_name(target)
    code = getattr(inspect.unwrap(target), "__code__", None)
    where = (
        f"{relative(code.co_filename)}:{code.co_firstlineno}"
        if code
        else relative(getattr(module, "__file__", None))
    )
    origin = record["origin"]
    call = f"{callee}({record['shown']})"
    message = (
        f"{call} (call site {origin}, in `{record['caller']}.{record['function']}`) does not bind "
        f"to `{callee}` ({where}), which accepts {describe_signature(signature)}: {describe(found)}. "
        f"Fix: {fixes(callee, found, origin)}."
    )
    return _result(
        record,
        call,
        message,
        (origin, where),
        f"`{callee}` ({where}) {found[0]} (called from {origin})",
    )


def _duplicate(record: Mapping[str, Any]) -> dict[str, Any]:
    keyword, spread, origin = record["keyword"], record["spread"], record["origin"]
    call = f"{record['callee']}(…, {keyword}=…, **{spread})"
    message = (
        f"{call} (call site {origin}, in `{record['caller']}.{record['function']}`) passes "
        f"`{keyword}` twice once `{spread}['{keyword}']` is stored ({record['stored']}): "
        f"TypeError: got multiple values for keyword argument '{keyword}'. Fix: pass `{keyword}` "
        f"once at {origin} (pop it from `{spread}`, or drop `{keyword}=`)."
    )
    return _result(
        record,
        call,
        message,
        (origin,),
        f"got multiple values for keyword argument '{keyword}' (at {origin})",
    )


def _result(
    record: Mapping[str, Any], call: str, message: str, places: Iterable[str], cause: str
) -> dict[str, Any]:
    return {
        "status": "fail",
        "message": message,
        "call": call,
        "origin": record["origin"],
        "reached": [],
        "implicated": list(dict.fromkeys(place.rpartition(":")[0] or place for place in places)),
        "cause": cause,
        "caller": record["caller"],
        "layer": "sideways",
    }


def owners(
    graph: Mapping[str, Iterable[str]],
    handlers: Mapping[str, str],
    cut: Iterable[str],
    named: Mapping[str, Iterable[str]],
) -> Callable[[str], list[str]]:
    """Which keys a finding in a module belongs to.

    *handlers*: key label → its router's module; *cut*: modules no path may cross (the
    registry's, the dispatcher's, a facade re-exporting the wrappers: through them every
    router reaches every other); *named*: module → the keys its dispatcher calls name (a
    gateway wrapper module, which no router reaches without a facade, belongs to the
    interfaces it calls).
    """
    blocked = set(cut)
    distance: dict[str, dict[str, int]] = {}
    for label, start in handlers.items():
        seen = {start: 0}
        frontier = [start]
        while frontier:
            following: list[str] = []
            for name in frontier:
                for other in graph.get(name, ()):
                    if other not in seen and other not in blocked:
                        seen[other] = seen[name] + 1
                        following.append(other)
            frontier = following
        for name, steps in seen.items():
            distance.setdefault(name, {})[label] = steps

    def of(module: str) -> list[str]:
        by_key = distance.get(module)
        if not by_key:
            return list(dict.fromkeys(named.get(module, ())))
        nearest = min(by_key.values())
        return [label for label, steps in by_key.items() if steps == nearest]

    return of
