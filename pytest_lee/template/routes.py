"""The handler's route registry, found in its source: a SAM app's contracts without a table.

A SAM app with API events dispatches them through a registry its handler module holds:
a dict keyed by ``"GET /orders/{id}"`` (called with a computed key), or an AWS Lambda
Powertools resolver (``app = APIGatewayRestResolver()``). With ``template = …`` and no
``[[tool.lee.contract]]`` table, pytest-lee reads the handler module (and the modules it
imports names from) with ``ast`` — no code runs — and checks each such registry with the
handler as its dispatcher, so the template's events are matched against its routes with
nothing retyped. A project that writes a ``[[tool.lee.contract]]`` table is never second-
guessed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from pytest_lee._parse import parse_source

# A route key as API Gateway events name them: a method, a space, a path.
_ROUTE_KEY = re.compile(r"^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)\s+/", re.I)


@dataclass(frozen=True)
class FoundRegistry:
    """A registry the handler's code holds: ``module:name``, and how it was recognised."""

    registry: str
    kind: str  # "routes dict" or "Powertools resolver"


def handler_registries(code_dir: Path, handler: str) -> list[FoundRegistry]:
    """The route registries of *handler*'s module and of the modules it imports names from
    (module-level only), in the order they are found; [] when the module cannot be read."""
    module = handler.rpartition(".")[0]
    tree = _tree(code_dir, module)
    if tree is None:
        return []
    found = _registries(module, tree)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported = _tree(code_dir, node.module)
            if imported is None:
                continue
            names = {alias.name for alias in node.names}
            found += [
                item
                for item in _registries(node.module, imported)
                if item.registry.rpartition(":")[2] in names
            ]
    return list(dict.fromkeys(found))


def _tree(code_dir: Path, module: str) -> ast.Module | None:
    path = code_dir.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        try:
            return parse_source(candidate.read_bytes(), str(candidate))
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def _registries(module: str, tree: ast.Module) -> list[FoundRegistry]:
    found = []
    for node in tree.body:
        targets, value = _assignment(node)
        if value is None:
            continue
        kind = _kind(value)
        if kind is None:
            continue
        found += [
            FoundRegistry(f"{module}:{target.id}", kind)
            for target in targets
            if isinstance(target, ast.Name)
        ]
    return found


def _assignment(node: ast.stmt) -> tuple[list[ast.expr], ast.expr | None]:
    if isinstance(node, ast.Assign):
        return list(node.targets), node.value
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return [node.target], node.value
    return [], None


def _kind(value: ast.expr) -> str | None:
    if isinstance(value, ast.Dict) and any(
        isinstance(key, ast.Constant) and isinstance(key.value, str) and _ROUTE_KEY.match(key.value)
        for key in value.keys
    ):
        return "routes dict"
    if isinstance(value, ast.Call):
        called = value.func
        name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
        if name.endswith("Resolver"):
            return "Powertools resolver"
    return None
