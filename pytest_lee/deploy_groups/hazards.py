"""Hazards outside the registries: the handler and every module it imports, read statically.

A partial deployment also breaks when a file stops matching the names other
files take from it: ``lambda_function.py`` calling ``lambda_failsafe.lambda_failsafe_handler``
while the deployed ``lambda_failsafe.py`` still defines ``lambda_handler``, or
``gateway.py`` importing a wrapper from a ``gateway_wrappers.py`` that does not
define it yet. Starting at ``[tool.lee] handler``, every module reachable through
imports (also imports inside functions, where LEE defers them) is read with
``ast`` — nothing runs — and each ``from M import name``, ``M.name`` and
``import M`` that names a module of the tree is resolved: the name must be
defined, imported or re-exported (``from x import *``, ``__all__``) by M, or be
a submodule. A module with a module-level ``__getattr__`` answers everything.

Results are :class:`CallResult` records under the registry ``[tool.lee] handler``,
one per reference (no line numbers in the identity), so the group search compares
them per reference with both ends like any call site.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from pytest_lee._parse import parse_source
from pytest_lee.deploy_groups.treecheck import CallResult

HANDLER = "[tool.lee] handler"
# What every module has without defining it (`initialization_core.__file__`).
_MODULE_ATTRIBUTES = frozenset(
    {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__package__", "__dict__"}
    | {"__cached__", "__builtins__", "__path__", "__class__"}
)
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


@dataclass
class ModuleFacts:
    """What one module's source says about its names and imports."""

    defined: set[str] = field(default_factory=set)
    star: list[str] = field(default_factory=list)  # modules re-exported with `from x import *`
    all_names: list[str] | None = None
    dynamic: bool = False  # module-level __getattr__
    imports: list[tuple[str, int]] = field(default_factory=list)  # (module, line)
    names: list[tuple[str, str, int]] = field(
        default_factory=list
    )  # (module, name, line) from-imports
    attributes: list[tuple[str, str, int]] = field(default_factory=list)  # (module, attr, line)
    strings: set[str] = field(default_factory=set)  # literals that may name a module (lazy imports)
    error: str | None = None


_FACTS: dict[tuple[str, bytes], ModuleFacts] = {}
_FACTS_LIMIT = 20_000  # modules kept; a simulation sees each distinct file once


def module_names(paths: Collection[str]) -> dict[str, str]:
    """Dotted module name → file, for the ``.py`` files of a tree."""
    modules = {}
    for path in paths:
        if not path.endswith(".py"):
            continue
        parts = path[:-3].split("/")
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            modules[".".join(parts)] = path
    return modules


def facts(module: str, source: bytes) -> ModuleFacts:
    """The :class:`ModuleFacts` of *source*, memoised by content (mixed trees share files).

    Keyed by the content itself: a ``bytes`` object keeps its hash once computed, and
    mixed trees pass the same objects, so a lookup costs no hashing of the file.
    """
    known = _FACTS.get((module, source))
    if known is None:
        if len(_FACTS) >= _FACTS_LIMIT:
            _FACTS.clear()
        known = _FACTS[(module, source)] = _read(module, source)
    return known


def _read(module: str, source: bytes) -> ModuleFacts:
    found = ModuleFacts()
    try:
        tree = parse_source(source)  # serialised: not thread-safe in CPython 3.11
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        found.error = f"{type(error).__name__}: {error}"
        return found
    package = module.rpartition(".")[0]
    for statement in _top_level(tree.body):
        found.defined.update(_bound(statement))
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.dynamic |= statement.name == "__getattr__"
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets
        ):
            try:
                found.all_names = [str(n) for n in ast.literal_eval(statement.value)]
            except (ValueError, TypeError, SyntaxError):
                found.all_names = None
        if isinstance(statement, ast.ImportFrom) and any(a.name == "*" for a in statement.names):
            found.star.append(_absolute(statement, package))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.imports.append((alias.name, node.lineno))
                if alias.asname:
                    aliases[alias.asname] = alias.name
                elif "." not in alias.name:
                    aliases[alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom):
            origin = _absolute(node, package)
            found.imports.append((origin, node.lineno))
            for alias in node.names:
                if alias.name != "*":
                    found.names.append((origin, alias.name, node.lineno))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _DOTTED.match(node.value):
                found.strings.add(node.value)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and isinstance(node.ctx, ast.Load)
        ):
            found.attributes.append((aliases[node.value.id], node.attr, node.lineno))
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".") if package else []
    base = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
    return ".".join([*base, *([node.module] if node.module else [])])


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, into if/try/with blocks (where LEE puts guarded imports)."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.If, ast.Try, ast.With)):
            for block in ("body", "orelse", "finalbody", "handlers"):
                for inner in getattr(statement, block, []):
                    if isinstance(inner, ast.ExceptHandler):
                        yield from _top_level(inner.body)
                    else:
                        yield from _top_level([inner])


def _bound(statement: ast.stmt) -> set[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {
            (alias.asname or alias.name).split(".")[0]
            for alias in statement.names
            if alias.name != "*"
        }
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [statement.target]
    elif isinstance(statement, ast.With):
        targets = [item.optional_vars for item in statement.items if item.optional_vars]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def exports(
    module: str,
    files: Mapping[str, bytes],
    modules: Mapping[str, str],
    seen: frozenset[str] = frozenset(),
) -> set[str] | None:
    """Names importable from *module* in the tree (None: anything, a module ``__getattr__``)."""
    path = modules.get(module)
    if path is None or module in seen:
        return set()
    known = facts(module, files[path])
    if known.dynamic:
        return None
    names = set(known.defined)
    for origin in known.star:
        inner = exports(origin, files, modules, seen | {module})
        if inner is None:
            return None
        inner_facts = facts(origin, files[modules[origin]]) if origin in modules else None
        public = (
            inner_facts.all_names if inner_facts and inner_facts.all_names is not None else None
        )
        names |= set(public) if public is not None else {n for n in inner if not n.startswith("_")}
    prefix = f"{module}."
    names |= {name[len(prefix) :].split(".")[0] for name in modules if name.startswith(prefix)}
    return names


def handler_hazards(
    files: Mapping[str, bytes], handler: str, known_modules: Collection[str] = ()
) -> list[CallResult]:
    """Unresolvable references from the handler module and everything it imports, in *files*.

    *known_modules*: modules of either end of the change set; importing one the tree
    lacks is a hazard (a module removed, or added and not shipped).
    """
    modules = module_names(files)
    module_name, _, function = handler.rpartition(".")
    results: list[CallResult] = []
    if module_name not in modules:
        if module_name not in known_modules:
            return []  # no handler at either end (the default name, unused): nothing to follow
        return [_hazard(module_name, f"handler module {module_name} is missing", "", (), "missing")]
    pending, reached = [module_name], {module_name}
    offered: dict[str, set[str] | None] = {}
    while pending:
        current = pending.pop()
        path = modules[current]
        known = facts(current, files[path])
        if known.error:
            results.append(
                _hazard(path, f"{path} does not compile: {known.error}", path, (path,), "syntax")
            )
            continue
        for target, line in known.imports:
            if target in modules:
                if target not in reached:
                    reached.add(target)
                    pending.append(target)
            elif target in known_modules or not _installed(target):
                results.append(
                    _hazard(
                        path,
                        f"{path}:{line} imports {target}, which is not in this tree "
                        f"(No module named '{target}')",
                        f"{path}:{line}",
                        (path,),
                        f"import {target}",
                    )
                )
        for lazy in sorted(known.strings & modules.keys() - reached):  # registries, importlib
            reached.add(lazy)
            pending.append(lazy)
        for target, name, line in [*known.names, *known.attributes]:
            if target not in modules or name in _MODULE_ATTRIBUTES:
                continue
            if f"{target}.{name}" in modules:
                if f"{target}.{name}" not in reached:
                    reached.add(f"{target}.{name}")
                    pending.append(f"{target}.{name}")
                continue
            if target not in offered:  # once per module and tree: re-exports chain (import *)
                offered[target] = exports(target, files, modules)
            available = offered[target]
            if available is None or name in available:
                continue
            results.append(
                _hazard(
                    path,
                    f"{path}:{line} uses `{target}.{name}`, which {modules[target]} does not define "
                    f"(cannot import name '{name}' from '{target}')",
                    f"{path}:{line}",
                    (path, modules[target]),
                    f"{target}.{name}",
                )
            )
    handler_path = modules[module_name]
    available = exports(module_name, files, modules)
    if (
        available is not None
        and function not in available
        and not facts(module_name, files[handler_path]).error
    ):
        results.append(
            _hazard(
                handler_path,
                f"the handler {handler} is not defined in {handler_path}",
                handler_path,
                (handler_path,),
                f"handler {function}",
            )
        )
    if not results:
        results.append(
            CallResult(HANDLER, module_name, "*", "ok", f"{len(reached)} modules resolved")
        )
    return results


def _hazard(key: str, message: str, origin: str, names: tuple[str, ...], what: str) -> CallResult:
    call = f"{key}: {what}"
    return CallResult(HANDLER, key, call, "fail", message, origin, names, message)


def reachable_files(files: Mapping[str, bytes], handler: str) -> set[str] | None:
    """The files the handler module imports, directly or not (None: no handler module here).

    Lazy imports count: a string literal naming a module of the tree (a registry's
    ``('interface_cache', 'execute_cache_operation')``, ``importlib.import_module('x')``)
    is followed like an import.

    A call site in a file nothing imports cannot run in production: a new
    ``gateway_wrappers_cache.py`` shipped before the ``gateway_wrappers.py`` that
    imports it breaks nothing.
    """
    modules = module_names(files)
    start = handler.rpartition(".")[0]
    if start not in modules:
        return None
    pending, reached = [start], {start}
    while pending:
        known = facts(pending[-1], files[modules[pending.pop()]])
        targets = [t for t, _ in known.imports] + [f"{t}.{n}" for t, n, _ in known.names]
        targets += [name for name in known.strings if name in modules]  # importlib, registries
        for target in targets:
            parts = target.split(".")
            for end in range(1, len(parts) + 1):  # importing a.b imports package a too
                name = ".".join(parts[:end])
                if name in modules and name not in reached:
                    reached.add(name)
                    pending.append(name)
    return {modules[name] for name in reached}


_INSTALLED: dict[str, bool] = {}


def _installed(module: str) -> bool:
    """Whether *module*'s top-level package is importable here (stdlib, the runtime's packages)."""
    top = module.split(".", maxsplit=1)[0]
    if not top:
        return True
    if top not in _INSTALLED:
        import importlib.util

        try:
            _INSTALLED[top] = importlib.util.find_spec(top) is not None
        except (ImportError, ValueError):
            _INSTALLED[top] = False
    return _INSTALLED[top]


def unknown_operations(
    results: Sequence[CallResult], files: Mapping[str, bytes], registries: Collection[str]
) -> list[CallResult]:
    """*results* with each call whose router names no such operation turned into a failure.

    For *registries* checked with the default leaves: the spies sit on the routers
    themselves, so every call binds to ``execute_x_operation(operation, **kwargs)``
    and an operation renamed in a router and its wrapper passes in every mixed
    tree. A router that dispatches by name writes its operations as strings
    (``'get': _get``, ``operation == 'get'``); a call whose operation is not
    among them — while the router names other operations the tree calls, so it
    does dispatch on literals — is what the router's own ``Unknown operation``
    would refuse. Read from the router's source, compared with both ends like
    any call.
    """
    by_router: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        if (
            result.status == "ok"
            and result.registry in registries
            and result.reached
            and not result.origin.startswith("[")  # the configured probe: n/a where unknown
            and _DOTTED.match(result.reached[0][2])
        ):
            by_router.setdefault(result.reached[0][1], []).append(index)
    checked = list(results)
    for path, indexes in by_router.items():
        if path not in files or not path.endswith(".py"):
            continue
        module = path[:-3].replace("/", ".").removesuffix(".__init__")
        named = facts(module, files[path]).strings
        if not any(results[i].reached[0][2] in named for i in indexes):
            continue  # no operation written out: it dispatches some other way
        for index in indexes:
            result = results[index]
            router, _, operation = result.reached[0]
            if operation in named:
                continue
            site = result.origin.rpartition(":")[0] or result.origin
            cause = (
                f"the router `{router}` ({path}) does not dispatch operation {operation!r} "
                f"(no {operation!r} among the operations written in {path})"
            )
            checked[index] = replace(
                result,
                status="fail",
                message=f"{result.call} (call site {result.origin}): {cause}. Fix: call an "
                f"operation {path} dispatches, or ship the {path} that adds {operation!r}.",
                files=tuple(dict.fromkeys((site, path))),
                cause=cause,
            )
    return checked
