"""Probes: the calls a check makes, configured ones plus the dispatcher's real call sites.

Call sites are found statically (``ast``; no user code runs): every
``execute_operation(GatewayInterface.CACHE, 'get', key=key)`` in the source gives a
key (the enum member name or a string), an operation and keyword names. The
values become placeholders derived from what the enclosing function says about
them — a literal default, then the annotation (``str`` → the parameter's name,
``int`` → 1, ``Optional[...]`` → None, ``dict`` → {} …), else a string. A
placeholder a validator rejects makes that probe inconclusive, never a pass.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_SKIP_DIRS = {"__pycache__", ".git", ".venv", "venv", "node_modules", "tests", "test"}


@dataclass(frozen=True)
class Probe:
    """One call to make: ``dispatcher(key, operation, *args, **kwargs)``."""

    key: str | None  # a key label ("CACHE"); None: every key of the registry
    operation: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    shown: str = ""  # the arguments as a reader should see them: "key=<str>"
    origin: str = "[tool.lee.contract]"  # or "gateway.py:11"

    def identity(self) -> tuple[str, tuple[str, ...]]:
        return self.operation, tuple(sorted(self.kwargs))


def configured_probe(operation: str, kwargs: Mapping[str, Any]) -> Probe:
    shown = ", ".join(f"{name}={value!r}" for name, value in kwargs.items())
    return Probe(None, operation, dict(kwargs), shown, "[tool.lee.contract]")


def source_files(source: Path) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(
            name for name in dirnames if name not in _SKIP_DIRS and not name.startswith(".")
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(directory, name)


_CACHE: dict[tuple[str, str, tuple[tuple[str, int, int], ...]], tuple[Probe, ...]] = {}


def call_site_probes(source: Path, dispatcher: str) -> tuple[Probe, ...]:
    """Every statically readable call of *dispatcher* (``module:function``) in *source*."""
    files = list(source_files(source))
    fingerprint = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    cache_key = (str(source), dispatcher, fingerprint)
    if cache_key not in _CACHE:
        module_name, _, function_name = dispatcher.partition(":")
        probes: list[Probe] = []
        for path in files:
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue  # an unparseable file is the package verifier's business
            relative = path.relative_to(source).as_posix()
            finder = _CallFinder(module_name, function_name.rpartition(".")[2], relative)
            finder.visit(tree)
            probes.extend(finder.probes)
        _CACHE.clear()
        _CACHE[cache_key] = tuple(probes)
    return _CACHE[cache_key]


class _CallFinder(ast.NodeVisitor):
    def __init__(self, module: str, function: str, relative: str) -> None:
        self.module = module
        self.function = function
        self.relative = relative
        self.names = {function}  # bare names that mean the dispatcher here
        self.module_aliases = {module, module.rpartition(".")[2]}
        self.scopes: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self.probes: list[Probe] = []

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == self.module:
            for alias in node.names:
                if alias.name == self.function:
                    self.names.add(alias.asname or alias.name)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == self.module and alias.asname:
                self.module_aliases.add(alias.asname)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.append(node)
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        if not self._is_dispatcher(node.func) or len(node.args) < 2:
            return
        key = _key_label(node.args[0])
        operation = node.args[1]
        if key is None or not (
            isinstance(operation, ast.Constant) and isinstance(operation.value, str)
        ):
            return
        kwargs: dict[str, Any] = {}
        shown: list[str] = []
        for keyword in node.keywords:
            if keyword.arg is None:
                continue  # **spread: names unknown statically
            value, text = self._placeholder(keyword.value, keyword.arg)
            kwargs[keyword.arg] = value
            shown.append(f"{keyword.arg}={text}")
        self.probes.append(
            Probe(key, operation.value, kwargs, ", ".join(shown), f"{self.relative}:{node.lineno}")
        )

    def _is_dispatcher(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.names
        if isinstance(func, ast.Attribute) and func.attr == self.function:
            base = func.value
            return isinstance(base, ast.Name) and base.id in self.module_aliases
        return False

    def _placeholder(self, value: ast.expr, name: str) -> tuple[Any, str]:
        try:
            literal = ast.literal_eval(value)
            return literal, repr(literal)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            pass
        if isinstance(value, ast.Name) and self.scopes:
            parameter = _parameter(self.scopes[-1], value.id)
            if parameter is not None:
                return parameter
        if isinstance(value, (ast.Dict, ast.DictComp)):
            return {}, "<dict>"
        if isinstance(value, (ast.List, ast.ListComp)):
            return [], "<list>"
        return name, "<str>"


def _key_label(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr  # GatewayInterface.CACHE → CACHE
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)):
        return node.value if isinstance(node.value, str) else repr(node.value)
    return None


def _parameter(
    function: ast.FunctionDef | ast.AsyncFunctionDef, name: str
) -> tuple[Any, str] | None:
    arguments = function.args
    if arguments.vararg is not None and arguments.vararg.arg == name:
        return (), "<tuple>"
    if arguments.kwarg is not None and arguments.kwarg.arg == name:
        return {}, "<dict>"
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: dict[str, ast.expr] = dict(
        zip([a.arg for a in positional][::-1], arguments.defaults[::-1])
    )
    for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        if default is not None:
            defaults[argument.arg] = default
    for argument in [*positional, *arguments.kwonlyargs]:
        if argument.arg != name:
            continue
        if name in defaults:
            try:
                literal = ast.literal_eval(defaults[name])
                return literal, repr(literal)
            except (ValueError, TypeError, SyntaxError):
                pass
        return _from_annotation(argument.annotation, name)
    return None


_BY_TYPE: dict[str, tuple[Any, str]] = {
    "int": (1, "<int>"),
    "float": (1.0, "<float>"),
    "bool": (True, "<bool>"),
    "bytes": (b"", "<bytes>"),
    "dict": ({}, "<dict>"),
    "Dict": ({}, "<dict>"),
    "Mapping": ({}, "<dict>"),
    "list": ([], "<list>"),
    "List": ([], "<list>"),
    "Sequence": ([], "<list>"),
    "tuple": ((), "<tuple>"),
    "Tuple": ((), "<tuple>"),
    "set": (set(), "<set>"),
}


def _from_annotation(annotation: ast.expr | None, name: str) -> tuple[Any, str]:
    if annotation is None:
        return name, "<str>"
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return name, "<str>"
    if isinstance(annotation, ast.Subscript):
        outer = _type_name(annotation.value)
        if outer == "Optional":
            return None, "None"
        if outer in _BY_TYPE:
            value, text = _BY_TYPE[outer]
            return (type(value)() if isinstance(value, (dict, list, set)) else value), text
        return name, "<str>"
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return None, "None"  # X | None
    type_name = _type_name(annotation)
    if type_name in _BY_TYPE:
        value, text = _BY_TYPE[type_name]
        return (type(value)() if isinstance(value, (dict, list, set)) else value), text
    return name, "<str>"


def _type_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""
