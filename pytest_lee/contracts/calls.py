"""One layer up and sideways (SIMA): the calls between the modules a registry network reaches.

The gateway's own calls go through the dispatcher and are probed (``probes``). A SIMA
engine also calls sideways and back up: a core calls another core's function, a core
imports a gateway wrapper inside a function (``from gateway import log_info``) and
calls it. Those calls never pass the dispatcher, so no probe reaches them; they break
as surely (a wrapper renamed, a parameter renamed, a name the gateway stopped
exporting). This module reads them statically (``ast``, no user code), as records the
child checks against the real objects (``child/sideways.py``):

- ``bind``: a call of a function of another module of the tree (``from m import f``;
  ``f(...)``, or ``import m``; ``m.f(...)``), with its shape — how many positionals, which
  keywords, whether ``*args``/``**spread`` make part of it unknown;
- ``import``: ``from m import name`` where ``m`` is a module of the tree, at any level
  (an import inside a function only fails when that function runs);
- ``duplicate``: a call passing ``name=`` and ``**kwargs`` where the function stored
  ``kwargs['name']`` earlier (``TypeError: got multiple values for keyword argument``
  whenever that store ran: LEE's ``log_error``), judged here without the child.

Records are kept per file content, so the mixed trees of a deploy-group simulation reuse
them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pytest_lee.contracts.child.facts import module_name, parse, read

_FOUND: dict[tuple[bytes, str], tuple[dict[str, Any], ...]] = {}


def sideways_records(
    source: Path,
    paths: Iterable[Path],
    modules: Iterable[str],
    known: Mapping[str, Iterable[str]],
    *,
    skip: Iterable[tuple[str, str]] = (),
    lookups: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Every record of the files of *modules* (a subset of the tree's modules, *known*: the
    import graph, module → the tree's modules it imports).

    A file that imports no module of the tree and spreads no ``**`` can hold no record and
    is not parsed (parsing is most of the cost). *lookups*: the names a registry goes by
    (its attribute, its module), whose files may call it with a computed key. *skip* are ``(module, function)`` targets checked otherwise (the dispatcher).
    """
    wanted = set(modules)
    tree_modules = set(known)
    lookups = tuple(lookups)
    skipped = set(skip)
    records: list[dict[str, Any]] = []
    for path in paths:
        name = module_name(source, path)
        if name is None or name not in wanted:
            continue
        digest, data = read(path)
        relative = path.relative_to(source).as_posix()
        cache_key = (digest, relative)
        if cache_key not in _FOUND and not _may_hold_records(data, tree_modules, lookups):
            continue  # nothing to read here (not kept: the answer depends on the tree)
        if cache_key not in _FOUND:
            tree = parse(path, digest, data)
            package = name if path.name == "__init__.py" else name.rpartition(".")[0]
            _FOUND[cache_key] = tuple(_Reader(relative, name, package).read(tree)) if tree else ()
        for record in _FOUND[cache_key]:
            target = record.get("module")
            kind = record["kind"]
            if kind == "through":
                if target not in tree_modules:
                    continue
            elif kind != "duplicate" and (target not in tree_modules or target == name):
                continue
            if record["kind"] == "bind" and (target, record["name"]) in skipped:
                continue
            records.append(record)
    return records


class _Reader:
    """The records of one module: imports resolved per scope, calls resolved through them."""

    def __init__(self, relative: str, module: str, package: str) -> None:
        self.relative, self.module, self.package = relative, module, package
        self.records: list[dict[str, Any]] = []

    def read(self, tree: ast.Module) -> list[dict[str, Any]]:
        self._scope(tree.body, {}, "<module>", None)
        return self.records

    def _scope(
        self,
        body: list[ast.stmt],
        outer: Mapping[str, tuple[str, str | None]],
        function: str,
        node: ast.FunctionDef | ast.AsyncFunctionDef | None,
    ) -> None:
        names = dict(outer)  # local name → (module, attribute or None for the module itself)
        nested: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        calls: list[ast.Call] = []
        stores: list[tuple[int, str]] = []
        removals: list[tuple[int, str]] = []
        spread = node.args.kwarg.arg if node is not None and node.args.kwarg else None
        picked: dict[str, tuple[tuple[str, str | None], str | None]] = {}  # h = ROUTES.get(key)
        tries: list[tuple[int, int]] = []  # a module-level import under try may be missing
        for child in _walk_scope(body):
            if isinstance(child, ast.Try):
                tries.append((child.lineno, child.end_lineno or child.lineno))
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                nested.append(child)
            elif isinstance(child, ast.ImportFrom):
                guarded = any(low <= child.lineno <= high for low, high in tries)
                self._import_from(
                    child, names, node is not None, record=node is not None or guarded
                )
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.asname:
                        names[alias.asname] = (alias.name, None)
                    else:
                        head = alias.name.partition(".")[0]
                        names[head] = (head, None)
            elif isinstance(child, ast.Call):
                calls.append(child)
                if spread is not None:
                    _spread_change(child, spread, stores, removals)
            elif spread is not None and isinstance(child, (ast.Assign, ast.Delete)):
                _spread_item(child, spread, stores, removals)
            if (
                isinstance(child, ast.Assign)
                and len(child.targets) == 1
                and isinstance(child.targets[0], ast.Name)
            ):
                looked_up = self._lookup(child.value, names)
                if looked_up is not None:
                    picked[child.targets[0].id] = looked_up
        for call in calls:
            self._call(call, names, function)
            self._through(call, names, picked, function)
            if spread is not None:
                self._duplicate(call, spread, stores, removals, function)
        for inner in nested:
            qualified = inner.name if function == "<module>" else f"{function}.{inner.name}"
            self._scope(inner.body, names, qualified, inner)

    def _import_from(
        self,
        node: ast.ImportFrom,
        names: dict[str, tuple[str, str | None]],
        inner: bool,
        *,
        record: bool,
    ) -> None:
        """The names it binds; a record to check, unless the module importing it ran it
        unguarded at import (then the name exists, or the module failed to import)."""
        base = _absolute(node.module, node.level, self.package)
        if base is None:
            return
        for alias in node.names:
            if alias.name == "*":
                continue
            names[alias.asname or alias.name] = (base, alias.name)
            if not record:
                continue
            self.records.append(
                {
                    "kind": "import",
                    "origin": f"{self.relative}:{node.lineno}",
                    "caller": self.module,
                    "module": base,
                    "name": alias.name,
                    "function_level": inner,
                }
            )

    def _call(
        self, call: ast.Call, names: Mapping[str, tuple[str, str | None]], function: str
    ) -> None:
        target: tuple[str, str] | None = None
        func = call.func
        if isinstance(func, ast.Name) and func.id in names:
            module, attribute = names[func.id]
            if attribute is not None:
                target = (module, attribute)
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in names
        ):
            module, attribute = names[func.value.id]
            target = (module if attribute is None else f"{module}.{attribute}", func.attr)
        if target is None:
            return
        self.records.append(
            {
                "kind": "bind",
                "origin": f"{self.relative}:{call.lineno}",
                "caller": self.module,
                "function": function,
                "module": target[0],
                "name": target[1],
                **_shape(call),
            }
        )

    def _lookup(
        self, node: ast.expr, names: Mapping[str, tuple[str, str | None]]
    ) -> tuple[tuple[str, str | None], str | None] | None:
        """``ROUTES[key]``, ``ROUTES.get(key)``, ``getattr(module, name)``: (what, literal key)."""
        if isinstance(node, ast.Subscript):
            base, key = node.value, node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
        ):
            base, key = node.func.value, node.args[0]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
        ):
            base, key = node.args[0], node.args[1]
        else:
            return None
        target = self._resolve(base, names)
        if target is None:
            return None
        literal = (
            key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
        )
        return target, literal

    def _resolve(
        self, node: ast.expr, names: Mapping[str, tuple[str, str | None]]
    ) -> tuple[str, str | None] | None:
        if isinstance(node, ast.Name):
            return names.get(node.id, (self.module, node.id))  # else a global of this module
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module, attribute = names.get(node.value.id, (None, None))
            if module is not None and attribute is None:
                return module, node.attr
        return None

    def _through(
        self,
        call: ast.Call,
        names: Mapping[str, tuple[str, str | None]],
        picked: Mapping[str, tuple[tuple[str, str | None], str | None]],
        function: str,
    ) -> None:
        """A call of a value looked up with a key: maybe a registry's handler (the child knows)."""
        func = call.func
        found = picked.get(func.id) if isinstance(func, ast.Name) else self._lookup(func, names)
        if found is None:
            return
        (module, attribute), key = found
        self.records.append(
            {
                "kind": "through",
                "origin": f"{self.relative}:{call.lineno}",
                "caller": self.module,
                "function": function,
                "module": module,
                "name": attribute,
                "key": key,
                "callee": _shown(func, 60),
                **_shape(call),
            }
        )

    def _duplicate(
        self,
        call: ast.Call,
        spread: str,
        stores: list[tuple[int, str]],
        removals: list[tuple[int, str]],
        function: str,
    ) -> None:
        if not any(
            k.arg is None and isinstance(k.value, ast.Name) and k.value.id == spread
            for k in call.keywords
        ):
            return
        for keyword in call.keywords:
            if keyword.arg is None:
                continue
            stored = [line for line, key in stores if key == keyword.arg and line < call.lineno]
            if not stored:
                continue
            last = max(stored)
            if any(key == keyword.arg and last < line <= call.lineno for line, key in removals):
                continue
            self.records.append(
                {
                    "kind": "duplicate",
                    "origin": f"{self.relative}:{call.lineno}",
                    "caller": self.module,
                    "module": self.module,
                    "function": function,
                    "keyword": keyword.arg,
                    "spread": spread,
                    "stored": f"{self.relative}:{last}",
                    "callee": _shown(call.func),
                }
            )


def _shape(call: ast.Call) -> dict[str, Any]:
    """What a static call passes, as far as the source says."""
    shown = [_shown(arg) for arg in call.args]
    shown += [f"{k.arg}=…" if k.arg else f"**{_shown(k.value)}" for k in call.keywords]
    return {
        "positional": sum(not isinstance(arg, ast.Starred) for arg in call.args),
        "star": any(isinstance(arg, ast.Starred) for arg in call.args),
        "keywords": [keyword.arg for keyword in call.keywords if keyword.arg is not None],
        "double_star": any(keyword.arg is None for keyword in call.keywords),
        "shown": ", ".join(shown),
    }


_INDENTED_IMPORT = re.compile(
    rb"^[ \t]+(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w.]+))", re.M
)
_FROM_IMPORT = re.compile(rb"^from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.M)
_IMPORT_AS = re.compile(rb"^import[ \t]+([\w.]+)(?:[ \t]+as[ \t]+(\w+))?", re.M)
_STORE = re.compile(rb"\w\[[ \t]*['\"]\w+['\"][ \t]*\][ \t]*=[^=]|\.update\(|\.setdefault\(")


def _may_hold_records(data: bytes, tree_modules: set[str], lookups: Iterable[str]) -> bool:
    """Could this file hold a record? A cheap reading of its bytes; parsing is most of the cost.

    Yes when it imports a module of the tree inside a function or a ``try`` (indented), calls
    a name imported from the tree with an argument that is not only ``**spread`` (a call
    made only of a spread can fail no check), stores a key into a dict it may spread, or
    names a registry (``ROUTES[key](...)``).
    """
    if any(name.encode() in data for name in lookups if name):
        return True
    for found in _INDENTED_IMPORT.finditer(data):
        module = (found.group(1) or found.group(2)).decode()
        if module.startswith(".") or module in tree_modules:
            return True
    names: list[bytes] = []
    for module, imported in _FROM_IMPORT.findall(data):
        if module.startswith(b".") or module.decode() in tree_modules:
            for part in imported.strip(b"() \t\n").replace(b"\n", b",").split(b","):
                words = part.split()
                if words:
                    names.append(words[-1].strip(b"\\"))
    for module, alias in _IMPORT_AS.findall(data):
        if module.decode() in tree_modules:
            bound = re.escape(alias or module.split(b".")[0])
            names.append(bound + rb"\.\w+")
            if re.search(rb"getattr\(\s*" + bound + rb"\s*,", data):
                return True  # getattr(module, name)(...): maybe a module used as a registry
    if names:
        pattern = (
            rb"(?<![\w.])(?:"
            + b"|".join(n if b"\\." in n else re.escape(n) for n in names)
            + rb")\(\s*(?!\*\*|\))"
        )
        if re.search(pattern, data):
            return True
    return b"**" in data and _STORE.search(data) is not None


def _walk_scope(body: list[ast.stmt]) -> Iterable[ast.AST]:
    """Every node of one scope, nested function bodies left out (they are scopes of their own)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(reversed(node.decorator_list))
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _spread_item(
    node: ast.Assign | ast.Delete,
    spread: str,
    stores: list[tuple[int, str]],
    removals: list[tuple[int, str]],
) -> None:
    targets = node.targets
    for target in targets:
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == spread
            and isinstance(target.slice, ast.Constant)
            and isinstance(target.slice.value, str)
        ):
            into = removals if isinstance(node, ast.Delete) else stores
            into.append((node.lineno, target.slice.value))


def _spread_change(
    call: ast.Call, spread: str, stores: list[tuple[int, str]], removals: list[tuple[int, str]]
) -> None:
    """``kwargs.pop('x')`` removes, ``kwargs.setdefault('x', …)``/``kwargs.update(x=…)`` store."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == spread
    ):
        return
    first = call.args[0] if call.args else None
    literal = (
        first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    )
    if func.attr == "pop" and literal is not None:
        removals.append((call.lineno, literal))
    elif func.attr == "setdefault" and literal is not None:
        stores.append((call.lineno, literal))
    elif func.attr == "update":
        stores.extend((call.lineno, k.arg) for k in call.keywords if k.arg is not None)


def _shown(node: ast.expr, width: int = 30) -> str:
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError):
        return "…"
    return text if len(text) <= width else text[: width - 1] + "…"


def _absolute(module: str | None, level: int, package: str) -> str | None:
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) or None
