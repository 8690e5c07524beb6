"""Probes: the calls a check makes, configured ones plus the dispatcher's real call sites.

Call sites are found statically (``ast``; no user code runs): every
``execute_operation(GatewayInterface.CACHE, 'get', key=key)`` in the source gives a
key (the enum member name or a string), an operation and keyword names. The
values become placeholders derived from what the enclosing function says about
them — a literal default, then the annotation (``str`` → the parameter's name,
``int`` → 1, ``Optional[...]`` → None, ``dict`` → {}, ``Callable`` → a callable
that does nothing …), else a string. A placeholder a validator rejects makes that
probe inconclusive, never a pass; a call site whose operation or parameter names
the router refuses is a failure (see ``verdict``).
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_lee._parse import parse_expression
from pytest_lee.contracts.child import wire as _wire
from pytest_lee.contracts.child.facts import parse, read, source_files, tree_files

__all__ = ["Probe", "call_site_probes", "configured_probe", "source_files"]

CONFIGURED = "[tool.lee.contract]"
EXPLICIT = "lee_contract.check"


@dataclass(frozen=True)
class Probe:
    """One call to make: ``dispatcher(key, operation, **kwargs)``."""

    key: str | None  # a key label ("CACHE"); None: every key of the registry
    operation: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    shown: str = ""  # the arguments as a reader should see them: "key=<str>"
    origin: str = CONFIGURED  # or "gateway.py:11", or "lee_contract.check"

    @property
    def kind(self) -> str:
        """``configured``, ``explicit`` (a hand-written check) or ``call site``."""
        if self.origin == CONFIGURED:
            return "configured"
        return "explicit" if self.origin == EXPLICIT else "call site"

    def identity(self) -> tuple[str, tuple[str, ...]]:
        return self.operation, tuple(sorted(self.kwargs))

    def to_wire(self) -> dict[str, Any]:
        """JSON-able; raises :class:`~pytest_lee.contracts.child.wire.WireError` naming the argument."""
        kwargs = {
            name: _wire.encode(value, f"argument {name!r}") for name, value in self.kwargs.items()
        }
        return {
            "key": self.key,
            "operation": self.operation,
            "kwargs": kwargs,
            "shown": self.shown,
            "origin": self.origin,
        }


def configured_probe(operation: str, kwargs: Mapping[str, Any]) -> Probe:
    shown = ", ".join(f"{name}={value!r}" for name, value in kwargs.items())
    return Probe(None, operation, dict(kwargs), shown, CONFIGURED)


_FOUND: dict[tuple[bytes, str, str], tuple[Probe, ...]] = {}


def call_site_probes(
    source: Path, dispatcher: str, files: Iterable[str] | None = None
) -> tuple[Probe, ...]:
    """Every statically readable call of *dispatcher* (``module:function``) in *source*.

    *files* (relative paths) are the files that go into the package; excluded test
    files are not call sites. Each file is parsed once per content (see ``facts``).
    """
    module_name, _, function_name = dispatcher.partition(":")
    name = function_name.rpartition(".")[2]
    probes: list[Probe] = []
    for path in tree_files(source, files):
        digest, data = read(path)
        relative = path.relative_to(source).as_posix()
        cache_key = (digest, dispatcher, relative)
        if cache_key not in _FOUND:
            found: tuple[Probe, ...] = ()
            if name.encode() in data:  # only a file that names the dispatcher is parsed
                tree = parse(path, digest, data)
                if tree is not None:
                    finder = _CallFinder(module_name, name, relative)
                    finder.visit(tree, data.decode("utf-8", "replace"))
                    found = tuple(finder.probes)
            _FOUND[cache_key] = found
        probes.extend(_FOUND[cache_key])
    return tuple(probes)


_BLOCKS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


class _CallFinder:
    """The dispatcher's calls in one module, visiting only the statements that can hold one.

    A statement whose lines name neither the dispatcher nor an alias of it is
    skipped whole: a generic walk of every node cost more than parsing the file.
    """

    def __init__(self, module: str, function: str, relative: str) -> None:
        self.module = module
        self.function = function
        self.relative = relative
        self.names = {function}  # bare names that mean the dispatcher here
        self.module_aliases = {module, module.rpartition(".")[2]}
        self.scopes: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self.found: list[tuple[int, int, Probe]] = []
        self.lines: list[int] = []

    @property
    def probes(self) -> list[Probe]:
        return [probe for _, _, probe in sorted(self.found, key=lambda item: item[:2])]

    def visit(self, tree: ast.Module, text: str) -> None:
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == self.module:
                for alias in node.names:
                    if alias.name == self.function:
                        self.names.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == self.module and alias.asname:
                        self.module_aliases.add(alias.asname)
        self.lines = [
            number
            for number, line in enumerate(text.splitlines(), start=1)
            if any(name in line for name in self.names)
        ]
        if self.lines:
            self._statements(tree.body)

    def _holds_a_call(self, node: ast.AST) -> bool:
        low = getattr(node, "lineno", None)
        if low is None:
            return True
        high = getattr(node, "end_lineno", None) or low
        index = bisect.bisect_left(self.lines, low)
        return index < len(self.lines) and self.lines[index] <= high

    def _statements(self, nodes: list[Any]) -> None:
        for node in nodes:
            if not isinstance(node, ast.AST) or not self._holds_a_call(node):
                continue
            scoped = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.scopes.append(node)
            for name, value in ast.iter_fields(node):
                if name in _BLOCKS and isinstance(value, list):
                    self._statements(value)
                elif isinstance(value, ast.AST):
                    self._expressions([value])
                elif isinstance(value, list):
                    self._expressions(value)
            if scoped:
                self.scopes.pop()

    def _expressions(self, values: list[Any]) -> None:
        stack = [value for value in values if isinstance(value, ast.AST)]
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.Name, ast.Constant)) or not self._holds_a_call(node):
                continue
            if isinstance(node, ast.Call) and self._call(node):
                # A dispatcher call: only its values may hold another (the rest is names,
                # constants and attributes, most of the nodes of a wrapper module).
                stack.extend(node.args[2:])
                stack.extend(keyword.value for keyword in node.keywords)
                continue
            stack.extend(ast.iter_child_nodes(node))

    def _call(self, node: ast.Call) -> bool:
        """Record *node* when it is a call of the dispatcher; True when it is one."""
        if not self._is_dispatcher(node.func) or len(node.args) < 2:
            return False
        key = _key_label(node.args[0])
        operation = node.args[1]
        if key is None or not (
            isinstance(operation, ast.Constant) and isinstance(operation.value, str)
        ):
            return True
        kwargs: dict[str, Any] = {}
        shown: list[str] = []
        for keyword in node.keywords:
            if keyword.arg is None:
                continue  # **spread: names unknown statically
            value, text = self._placeholder(keyword.value, keyword.arg)
            kwargs[keyword.arg] = value
            shown.append(f"{keyword.arg}={text}")
        origin = f"{self.relative}:{node.lineno}"
        probe = Probe(key, operation.value, kwargs, ", ".join(shown), origin)
        self.found.append((node.lineno, node.col_offset, probe))
        return True

    def _is_dispatcher(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.names
        if isinstance(func, ast.Attribute) and func.attr == self.function:
            base = func.value
            return isinstance(base, ast.Name) and base.id in self.module_aliases
        return False

    def _placeholder(self, value: ast.expr, name: str) -> tuple[Any, str]:
        if isinstance(value, ast.Constant):
            return value.value, repr(value.value)
        if (
            isinstance(value, ast.Name)
            and value.id not in ("None", "True", "False")
            and self.scopes
        ):
            parameter = _parameter(self.scopes[-1], value.id)
            if parameter is not None:
                return parameter
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
    "Callable": (_wire.CALLABLE, "<callable>"),
}


def _from_annotation(annotation: ast.expr | None, name: str) -> tuple[Any, str]:
    if annotation is None:
        return name, "<str>"
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = parse_expression(annotation.value)
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
