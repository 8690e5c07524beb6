"""Registries called with a key computed at run time: every value must bind every such call.

An API Gateway handler rarely calls a dispatcher with a literal key; it looks the
handler up with what the event says and calls it::

    handler = ROUTES.get(f"{method} {resource}")
    return handler(path_params=..., query=..., body=..., user_id=...)

The parent finds such calls statically (``ROUTES[key](...)``, ``ROUTES.get(key)(...)``,
``h = ROUTES.get(key); h(...)``, ``getattr(module, name)(...)``; ``calls``); here a
call applies to a registry when what it looks up *is* the registry object, and it is
bound (as CPython binds, see ``binding``) to every value of the registry — or to the
one value of a literal key. Nothing is called: no ``operation`` or ``kwargs`` needed.
Standard library only.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pytest_lee.contracts.child.binding import describe, fixes, problems
from pytest_lee.contracts.child.registry import describe_signature
from pytest_lee.contracts.child.spies import qualified_name


def through_registry(
    records: Sequence[Mapping[str, Any]], registry: Any
) -> list[Mapping[str, Any]]:
    """The records whose looked-up object is *registry* itself (identity, not name)."""
    found = []
    for record in records:
        module = sys.modules.get(record["module"])
        if module is None:
            continue
        value = module if record["name"] is None else getattr(module, record["name"], None)
        if value is registry or value is getattr(registry, "source", registry):
            found.append(record)
    return found


def judge_through(
    record: Mapping[str, Any], label: str, handler: Any, relative: Callable[[str | None], str]
) -> dict[str, Any]:
    """One computed-key call bound to one key's handler."""
    origin = record["origin"]
    leaf = qualified_name(handler)
    code = getattr(inspect.unwrap(handler), "__code__", None)
    where = f"{relative(code.co_filename)}:{code.co_firstlineno}" if code else "?"
    call = f"{record['callee']}({record['shown']})"
    computed = "a literal key" if record.get("key") is not None else "a key computed at run time"
    described = f"{call} (call site {origin}, {computed})"
    try:
        signature = inspect.signature(handler)
    except (TypeError, ValueError):
        return _out(
            "inconclusive", described, f"{described}: `{leaf}` has no signature to bind", origin, []
        )
    found = problems(
        signature,
        record["positional"],
        record["keywords"],
        star=record["star"],
        double_star=record["double_star"],
    )
    accepts = describe_signature(signature)
    reached = {
        "leaf": leaf,
        "where": where,
        "caller": origin,
        "arguments": record["shown"],
        "accepts": accepts,
        "error": describe(found) or None,
        "fix": fixes(leaf, found, origin) if found else None,
    }
    if not found:
        return _out(
            "ok",
            described,
            f"{described} binds to `{leaf}` ({where}) for {label!r}",
            origin,
            [reached],
        )
    message = (
        f"{described} reaches `{leaf}` ({where}) for {label!r}, which accepts {accepts}: "
        f"{describe(found)}. Fix: {fixes(leaf, found, origin)}."
    )
    result = _out("fail", described, message, origin, [reached])
    result["implicated"] = list(
        dict.fromkeys(place.rpartition(":")[0] for place in (origin, where))
    )
    result["cause"] = f"`{leaf}` ({where}) {found[0]} (called from {origin})"
    return result


def _out(
    status: str, call: str, message: str, origin: str, reached: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "status": status,
        "message": message,
        "call": call,
        "origin": origin,
        "reached": reached,
        "implicated": [],
        "cause": message.split("\n", 1)[0],
        "layer": "registry",
    }
