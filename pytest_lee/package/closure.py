"""The handler's import closure: does every module it imports exist where Lambda looks?

A package can compile file by file and still fail its first cold start: ``import
shared_utilities`` of a module that was never written, or was left in another
repository. Lambda finds a module in the function's code (this package, its vendored
dependencies), the layers (``/opt/python``), the runtime's own packages (boto3 and what
it needs) or the standard library of the runtime's Python; nothing else.

Read statically (``ast``, no user code runs), from the handler's module through every
module of the package it imports:

- a **problem** (the build fails): an import at module level, not guarded, in a module
  the cold start imports (the handler's module and those its module-level imports reach)
  that resolves nowhere;
- a **warning**: the same import inside a function (it fails when that function runs),
  inside ``try``/``except ImportError`` or under an ``if`` (the author expected it might be
  missing, or decided when it imports), or in a packaged module the handler never imports.

Each message names the importer and line.
"""

from __future__ import annotations

import ast
import sys
import warnings as _warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_lee._parse import parse_source
from pytest_lee.errors import LeeError

if TYPE_CHECKING:
    from pytest_lee.settings import Settings

# What the Lambda Python runtimes bundle (boto3 and its dependencies): the import names of
# [tool.lee.function] runtime_provides' default, known even when they are not installed here.
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six", "awslambdaric"}
)
# Standard-library modules removed in a Python version (the running one's list is the base).
_REMOVED = {
    (3, 12): {"distutils", "imp", "asynchat", "asyncore", "smtpd"},
    (3, 13): {
        "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib",
        "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu",
        "xdrlib", "lib2to3",
    },
}  # fmt: skip
_NOWHERE = "found nowhere Lambda looks (package, layers, runtime, standard library)"
_GUARDS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


@dataclass(frozen=True)
class Import:
    """One imported module name, where it is written and how."""

    module: str  # absolute, dotted
    line: int
    inner: bool  # inside a function
    guarded: bool  # inside try/except ImportError (or broader), or under an if
    maybe: bool = False  # `from pkg import name`: pkg.name, if it is a submodule (reach only)


def closure_problems(
    settings: Settings,
    source: Path,
    names: Iterable[str],
    *,
    handler_module: str,
    runtime_version: tuple[int, int] | None,
    warnings: list[str],
) -> list[str]:
    """The verifier's entry point: problems returned, warnings appended to *warnings*."""
    archived = list(names)
    own = {
        name: (source / name).read_bytes()
        for name in archived
        if name.endswith(".py") and (source / name).is_file()
    }
    found_problems, found_warnings = import_closure(
        own,
        [*archived, *_layer_names(settings)],
        handler_module,
        standard_library(runtime_version) | _runtime_names(settings),
    )
    warnings.extend(found_warnings)
    return found_problems


def import_closure(
    sources: Mapping[str, bytes],
    names: Iterable[str],
    handler_module: str,
    standard: Iterable[str],
) -> tuple[list[str], list[str]]:
    """(problems, warnings) of the import closure of *handler_module*.

    *sources*: the package's own ``.py`` files (archive name → content); *names*: every
    archived file name and every layer file name (relative to ``/opt/python``), which
    say what exists; *standard*: the standard library's top-level module names.
    """
    modules = _module_names(names)
    tops = {module.partition(".")[0] for module in modules}
    available = tops | set(standard)
    files = {_dotted(name): name for name in sources}
    imports = {module: _imports(files[module], sources[files[module]]) for module in files}
    cold = _reached(imports, handler_module, inner=False)
    ever = _reached(imports, handler_module, inner=True)
    problems: list[str] = []
    later: dict[tuple[str, str, str], list[int]] = {}  # one warning per file, module and why
    for module in sorted(imports):
        for found in imports[module]:
            if found.maybe or _resolves(found.module, available, modules):
                continue
            if module in cold and not found.inner and not found.guarded:
                problems.append(
                    f"{files[module]}:{found.line}: imports `{found.module}`, {_NOWHERE}: "
                    "the cold start fails"
                )
                continue
            if module not in ever:
                why = "a module the handler never imports"
            elif found.guarded:
                why = "guarded: try/except ImportError or a condition"
            elif found.inner:
                why = "inside a function: it fails when that runs"
            else:
                why = "a module imported only inside a function"
            later.setdefault((files[module], found.module, why), []).append(found.line)
    warnings = [
        f"{name}:{','.join(str(line) for line in lines)}: imports `{module}`, {_NOWHERE} ({why})"
        for (name, module, why), lines in later.items()
    ]
    return problems, warnings


def standard_library(version: tuple[int, int] | None) -> frozenset[str]:
    """The standard library's top-level names for the runtime's Python (running one's base)."""
    names = set(sys.stdlib_module_names)
    for removed_in, removed in _REMOVED.items():
        if version is not None and version >= removed_in:
            names -= removed
    return frozenset(names)


def _runtime_names(settings: Settings) -> frozenset[str]:
    """``runtime_provides`` as import names (its default: what the runtime bundles)."""
    from pytest_lee.package.provides import provides_dir
    from pytest_lee.settings import FunctionSettings

    provides = settings.function.runtime_provides
    names = RUNTIME_PROVIDED if provides == FunctionSettings().runtime_provides else frozenset()
    try:
        directory = provides_dir(provides)
    except LeeError:
        return names  # a runtime_provides that is not installed: the budgets say so
    if directory is None:
        return names
    found = {entry.name.partition(".")[0] for entry in directory.iterdir()}
    return names | {name for name in found if name.isidentifier()}


def _layer_names(settings: Settings) -> list[str]:
    from pytest_lee.package.layers import PREFIX, layer_files

    found: list[str] = []
    for layer in settings.layers:
        try:
            found.extend(item.name.removeprefix(PREFIX) for item in layer_files(settings, layer))
        except LeeError:
            continue  # a layer that cannot be built is the layer build's own failure
    # /opt/python/lib/pythonX.Y/site-packages is on the path as well as /opt/python.
    return [
        name.split("/site-packages/", 1)[1] if name.startswith("lib/") else name
        for name in found
        if not name.startswith("lib/") or "/site-packages/" in name
    ]


def _module_names(names: Iterable[str]) -> set[str]:
    """Every importable dotted name the files make: modules, packages, namespace packages."""
    modules: set[str] = set()
    for name in names:
        parts = name.split("/")
        for depth in range(1, len(parts)):  # directories: packages or namespace packages
            if all(part.isidentifier() for part in parts[:depth]):
                modules.add(".".join(parts[:depth]))
        stem = parts[-1].split(".")[0]
        if (
            parts[-1].endswith((".py", ".so", ".pyd"))
            and stem.isidentifier()
            and stem != "__init__"
        ):
            modules.add(".".join([*parts[:-1], stem]))
    return modules


def _dotted(name: str) -> str:
    parts = name.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolves(module: str, available: set[str], modules: set[str]) -> bool:
    top = module.partition(".")[0]
    if top not in available:
        return False
    if top in modules:  # the package's own, vendored or a layer's: the submodule must exist
        return module in modules
    return True


def _reached(imports: Mapping[str, list[Import]], start: str, *, inner: bool) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        if not module or module in seen or module not in imports:
            continue
        seen.add(module)
        parent = module.rpartition(".")[0]
        if parent:
            todo.append(parent)
        for found in imports[module]:
            # The cold start reaches what is imported unconditionally: a guarded import
            # (try/except ImportError, a condition) may never run — urllib3 imports its
            # emscripten support only `if sys.platform == "emscripten"`.
            if inner or not (found.inner or found.guarded):
                todo.append(found.module)
                todo.append(found.module.rpartition(".")[0])  # from pkg import module
    return seen


def _imports(name: str, data: bytes) -> list[Import]:
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            tree = parse_source(data, name)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # the compile check reports it
    parts = _dotted(name).split(".")
    package = parts if name.endswith("__init__.py") else parts[:-1]
    found: list[Import] = []
    _visit(tree.body, package, found, inner=False, guarded=False)
    return found


def _visit(
    body: list[ast.stmt], package: list[str], found: list[Import], *, inner: bool, guarded: bool
) -> None:
    for node in body:
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, node.lineno, inner, guarded) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            if module is not None and module != "__future__":
                found.append(Import(module, node.lineno, inner, guarded))
                for alias in node.names:  # from pkg import submodule
                    if alias.name != "*":
                        found.append(
                            Import(f"{module}.{alias.name}", node.lineno, inner, guarded, True)
                        )
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _visit(node.body, package, found, inner=True, guarded=guarded)
        elif isinstance(node, ast.If) and _type_checking(node.test):
            _visit(node.orelse, package, found, inner=inner, guarded=guarded)
        elif isinstance(node, ast.If):
            # Conditional at run time (requests' `if has_simplejson: from simplejson import
            # …`): the author decided when it imports — a warning, like try/except ImportError.
            _visit(node.body, package, found, inner=inner, guarded=True)
            _visit(node.orelse, package, found, inner=inner, guarded=True)
        elif isinstance(node, ast.Try):
            catches = any(_catches_import_error(handler) for handler in node.handlers)
            _visit(node.body, package, found, inner=inner, guarded=guarded or catches)
            for handler in node.handlers:
                _visit(handler.body, package, found, inner=inner, guarded=guarded)
            _visit(node.orelse, package, found, inner=inner, guarded=guarded)
            _visit(node.finalbody, package, found, inner=inner, guarded=guarded)
        else:
            for field in ("body", "orelse", "finalbody"):
                value = getattr(node, field, None)
                if isinstance(value, list):
                    _visit(value, package, found, inner=inner, guarded=guarded)
            for case in getattr(node, "cases", ()):
                _visit(case.body, package, found, inner=inner, guarded=guarded)


def _absolute(node: ast.ImportFrom, package: list[str]) -> str | None:
    if node.level == 0:
        return node.module
    if node.level - 1 > len(package):
        return None
    base = package[: len(package) - (node.level - 1)]
    if node.module:
        base = [*base, node.module]
    return ".".join(base) or None


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kind = handler.type
    if kind is None:
        return True
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(
        (isinstance(k, ast.Name) and k.id in _GUARDS)
        or (isinstance(k, ast.Attribute) and k.attr in _GUARDS)
        for k in kinds
    )


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )
