"""The files a contract registry names, found statically so the package builder can require them.

NM06-LESS-09's outage was a deployment missing the module a registry pointed to.
The package builder calls :func:`registry_module_files` and adds the result to the
required files, so a zip without ``interface_cache.py`` is refused before upload.
No user code is imported: the registry module is parsed with ``ast`` and the
registry's literal entries are read — ``(module, function)`` pairs, names bound by
``from module import function`` and ``module.function`` attributes — together with
the registry's and the dispatcher's own modules. Entries computed at run time are
not visible here; the contract items still check them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_lee._parse import parse_source

if TYPE_CHECKING:
    from pytest_lee.settings import Settings


def registry_module_files(settings: Settings) -> tuple[str, ...]:
    """``.py`` files (relative to ``settings.source``, posix, sorted) the registries name."""
    source = settings.code_root
    files: set[str] = set()
    for contract in settings.contracts:
        registry_module, _, attribute = contract.registry.partition(":")
        files.add(module_file(source, registry_module))
        if contract.dispatcher:
            files.add(module_file(source, contract.dispatcher.partition(":")[0]))
        for name in registry_module_names(source, registry_module, attribute):
            files.add(module_file(source, name))
    return tuple(sorted(files))


def module_file(source: Path, dotted: str) -> str:
    """``a.b`` → ``a/b.py`` (or ``a/b/__init__.py`` when that is what exists)."""
    base = Path(*dotted.split("."))
    package = base / "__init__.py"
    if (source / package).is_file() and not (source / base.with_suffix(".py")).is_file():
        return package.as_posix()
    return base.with_suffix(".py").as_posix()


def registry_module_names(source: Path, registry_module: str, attribute: str) -> list[str]:
    """Modules the registry ``registry_module:attribute`` names, in order of appearance."""
    path = source / module_file(source, registry_module)
    try:
        tree = parse_source(path.read_text(encoding="utf-8"), str(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return []  # a missing or broken registry module is reported by the items and the verifier
    imported = _imported_names(tree)
    names: list[str] = []
    for value in _registry_values(tree, attribute):
        name = _module_of(value, imported, registry_module)
        if name is None:
            continue
        is_lazy = isinstance(value, (ast.Tuple, ast.List))
        if is_lazy or _in_source(source, name):
            names.append(name)
    return list(dict.fromkeys(names))


def _registry_values(tree: ast.Module, attribute: str) -> Iterable[ast.expr]:
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == attribute:
                    yield from _mapping_values(node.value)
                elif _is_item_of(target, attribute):
                    yield node.value
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
            and node.target.id == attribute
        ):
            yield from _mapping_values(node.value)


def _is_item_of(target: ast.expr, attribute: str) -> bool:
    return (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id == attribute
    )


def _mapping_values(value: ast.expr) -> Iterable[ast.expr]:
    if isinstance(value, ast.Dict):
        yield from (item for item in value.values if item is not None)
    elif (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"
    ):
        yield from (keyword.value for keyword in value.keywords)


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """local name → module it comes from (``from m import f`` → f: m; ``import m as x`` → x: m)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.partition(".")[0]] = (
                    alias.name if alias.asname else alias.name.partition(".")[0]
                )
    return names


def _module_of(value: ast.expr, imported: dict[str, str], own_module: str) -> str | None:
    if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == 2:
        first = value.elts[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
        return None
    if isinstance(value, ast.Name):
        return imported.get(value.id, own_module)
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        return imported.get(value.value.id)
    return None


def _in_source(source: Path, dotted: str) -> bool:
    base = source.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()
