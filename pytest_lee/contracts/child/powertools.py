"""AWS Lambda Powertools resolvers as registries: each route's path parameters must bind.

``registry = "app:app"`` naming an ``APIGatewayRestResolver`` (or ``APIGatewayHttpResolver``,
``ALBResolver``, ``LambdaFunctionUrlResolver``), routers included with ``include_router``:
one key per route, ``"GET /orders/<order_id>"``. Powertools calls a route's function with
the path's parameters as keywords (``get_order(order_id=...)``); a parameter the path
does not give and nothing else supplies (a default, ``Depends()``, a ``Request``
annotation, or with ``enable_validation`` the query, headers and body) is missing at
the first request, and a path parameter the function does not take is unexpected.

Powertools is never imported here: the user's module imported it, and the resolver is
recognised by its type's module. Its routes are read from its internals
(``_static_routes``/``_dynamic_routes`` of ``Route`` objects with ``method``, ``path``,
``func``), tested with the versions pinned in the ``test`` extra; when they are not
found the registry fails with one line naming the installed version. Standard library only.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from importlib import metadata
from typing import Any

from pytest_lee.contracts.child.binding import describe, fixes, problems
from pytest_lee.contracts.child.registry import ContractSetupError, describe_signature
from pytest_lee.contracts.child.spies import qualified_name

TESTED = ">=3.37,<4"  # the range pinned in the test extra
_PARAMETER = re.compile(r"<(\w+)>")


class ResolverRegistry(dict):  # type: ignore[type-arg]
    """Route key → route function, read from a resolver (kept for how routes are called)."""

    resolver: Any = None
    validation: bool = False


def is_resolver(value: Any) -> bool:
    module = getattr(type(value), "__module__", "") or ""
    return module.startswith("aws_lambda_powertools.event_handler")


def as_registry(reference: str, value: Any) -> Any:
    """A resolver as its routes; anything else as it is."""
    return resolver_routes(reference, value) if is_resolver(value) else value


def resolver_routes(reference: str, value: Any) -> ResolverRegistry:
    """The resolver's routes, keyed ``"GET /orders/<order_id>"`` (in registration order)."""
    try:
        routes = [*value._static_routes, *value._dynamic_routes]
        found = ResolverRegistry(
            (f"{route.method.upper()} {route.path}", route.func) for route in routes
        )
    except (AttributeError, TypeError) as error:
        raise ContractSetupError(
            f"registry {reference} is a {type(value).__name__} of aws-lambda-powertools "
            f"{_version()}, whose routes cannot be read (pytest-lee reads them from its "
            f"internals, tested with {TESTED}): {type(error).__name__}: {error}"
        ) from None
    found.resolver = value
    found.validation = bool(getattr(value, "_enable_validation", False))
    return found


def judge_route(
    label: str, function: Any, validation: bool, relative: Callable[[str | None], str]
) -> dict[str, Any]:
    """Does the route's function take the route's path parameters, and need nothing else?"""
    path = label.partition(" ")[2]
    given = _PARAMETER.findall(path)
    leaf = qualified_name(function)
    code = getattr(inspect.unwrap(function), "__code__", None)
    where = f"{relative(code.co_filename)}:{code.co_firstlineno}" if code else "?"
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return _out(
            "inconclusive", label, f"route {label}: `{leaf}` has no signature to bind", where
        )
    supplied = [name for name, parameter in signature.parameters.items() if _supplied(parameter)]
    found = problems(
        signature, 0, [*given, *(n for n in supplied if n not in given)], double_star=validation
    )
    shown = ", ".join(f"{name}=<str>" for name in given)
    call = f"{leaf}({shown})"
    reached = {
        "leaf": leaf,
        "where": where,
        "caller": f"route {label}",
        "arguments": shown,
        "accepts": describe_signature(signature),
        "error": describe(found) or None,
        "fix": fixes(leaf, found, f"the route {path!r}") if found else None,
    }
    if not found:
        result = _out("ok", call, f"route {label} binds to `{leaf}` ({where})", where)
    else:
        message = (
            f"route {label} calls `{leaf}` ({where}) with its path parameters ({shown or 'none'}); "
            f"it accepts {reached['accepts']}: {describe(found)}. Fix: {reached['fix']}."
        )
        result = _out("fail", call, message, where)
        result["implicated"] = [where.rpartition(":")[0]]
        result["cause"] = f"`{leaf}` ({where}) {found[0]} (route {label})"
    result["reached"] = [reached]
    return result


def _supplied(parameter: inspect.Parameter) -> bool:
    """Supplied by Powertools besides the path: ``Depends()``/params objects, a Request."""
    default = parameter.default
    if default is not inspect.Parameter.empty:
        return (getattr(type(default), "__module__", "") or "").startswith("aws_lambda_powertools")
    annotation = parameter.annotation
    name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return name == "Request" or str(name).endswith(".Request")


def _out(status: str, call: str, message: str, origin: str) -> dict[str, Any]:
    return {
        "status": status,
        "message": message,
        "call": call,
        "origin": origin,
        "reached": [],
        "implicated": [],
        "cause": message.split("\n", 1)[0],
        "layer": "registry",
    }


def _version() -> str:
    try:
        return metadata.version("aws-lambda-powertools")
    except metadata.PackageNotFoundError:
        return "(version unknown)"
