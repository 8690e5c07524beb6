"""What the source says without running it: one parse per file, and the import network.

Every file of a tree is parsed once (``ast``), and the parse is kept by content
hash, so the call-site reader, the import graph and the next mixed tree of a
deploy-group simulation (the same files, mostly) reuse it. The import graph
answers which modules the registry network reaches — ``leaves`` globs apply to
those only, so a module nothing imports (``home_assistant/ha_devices_core.py``)
cannot fail every key by failing to import. Edges are ``import``/``from``
statements (relative ones resolved), ``importlib.import_module("x")`` and
two-string pairs whose first names a module of the tree (LEE's lazy
``("interface_cache", "execute_cache_operation")`` entries). Standard library only.
"""

from __future__ import annotations

import ast
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

_SKIP_DIRS = {"__pycache__", ".git", ".venv", "venv", "node_modules", "tests", "test"}
_PARSED: dict[bytes, ast.Module | None] = {}
_EDGES: dict[tuple[bytes, str], frozenset[str]] = {}
_LIMIT = 20_000  # parses kept; a deploy-group simulation sees each distinct file once


def source_files(source: Path) -> list[Path]:
    """Every ``.py`` file under *source*, test and tool directories left out, sorted."""
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(
            name for name in dirnames if name not in _SKIP_DIRS and not name.startswith(".")
        )
        found.extend(Path(directory, name) for name in sorted(filenames) if name.endswith(".py"))
    return found


def tree_files(source: Path, files: Iterable[str] | None = None) -> list[Path]:
    """*files* (relative, posix; those that go into the package) as paths, else every file."""
    if files is None:
        return source_files(source)
    wanted = {name for name in files if name.endswith(".py")}
    return [path for path in source_files(source) if path.relative_to(source).as_posix() in wanted]


def module_name(source: Path, path: Path) -> str | None:
    """``pkg/mod.py`` → ``pkg.mod``; ``pkg/__init__.py`` → ``pkg``; None when not importable."""
    parts = list(path.relative_to(source).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if parts and all(part.isidentifier() for part in parts):
        return ".".join(parts)
    return None


def parse(path: Path) -> tuple[bytes, ast.Module | None]:
    """(content hash, tree) of *path*; the tree is None when the file does not parse."""
    try:
        data = path.read_bytes()
    except OSError:
        return b"", None
    digest = hashlib.blake2b(data, digest_size=16).digest()
    if digest not in _PARSED:
        if len(_PARSED) >= _LIMIT:
            _PARSED.clear()
            _EDGES.clear()
        try:
            _PARSED[digest] = ast.parse(data, filename=str(path))
        except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
            _PARSED[digest] = None  # an unparseable file is the package verifier's business
    return digest, _PARSED[digest]


def import_graph(source: Path, paths: Sequence[Path]) -> dict[str, list[str]]:
    """module → the modules of the tree it names (imports, import_module, module-name strings)."""
    names = {path: module_name(source, path) for path in paths}
    known = {name for name in names.values() if name}
    graph: dict[str, list[str]] = {}
    for path, name in names.items():
        if name is None:
            continue
        digest, tree = parse(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        cache_key = (digest, package)
        if cache_key not in _EDGES:
            _EDGES[cache_key] = frozenset(_named_modules(tree, package)) if tree else frozenset()
        graph[name] = sorted(_in_tree(_EDGES[cache_key], known))
    return graph


def reach(graph: Mapping[str, Iterable[str]], roots: Iterable[str]) -> set[str]:
    """Every module reachable from *roots* (included) along the graph's edges."""
    seen: set[str] = set()
    todo = [root for root in roots if root]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(graph.get(name, ()))
        parent = name.rpartition(".")[0]
        if parent:
            todo.append(parent)  # importing pkg.mod runs pkg/__init__.py first
    return seen


def _in_tree(candidates: Iterable[str], known: set[str]) -> set[str]:
    found = set()
    for candidate in candidates:
        if candidate in known:
            found.add(candidate)
        else:  # `from a.b import c` where c is a function: a.b is the module
            head = candidate.rpartition(".")[0]
            if head in known:
                found.add(head)
    return found


def _named_modules(tree: ast.Module, package: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            if base is None:
                continue
            names.add(base)
            names.update(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
        elif isinstance(node, ast.Call) and _is_import_call(node.func) and node.args:
            names.update(_strings(node.args[:1]))
        elif isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == 2:
            pair = _strings(node.elts)
            if len(pair) == 2:  # a lazy ("module", "function") entry
                names.add(pair[0])
    return {name for name in names if all(part.isidentifier() for part in name.split("."))}


def _is_import_call(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__")


def _strings(nodes: Sequence[ast.expr]) -> list[str]:
    return [
        node.value
        for node in nodes
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _absolute(module: str | None, level: int, package: str) -> str | None:
    if level == 0:
        return module or None
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base)
