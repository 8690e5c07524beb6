"""What the source says without running it: one parse per file, and the import network.

Every file of a tree is read once per content hash: its imports are scanned
with regular expressions, and only a file that names the dispatcher is parsed
(``ast``) for call sites. Both are kept by content hash, so the next mixed tree
of a deploy-group simulation (the same files, mostly) reuses them. The import graph
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
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pytest_lee._parse import parse_source

_SKIP_DIRS = {"__pycache__", ".git", ".venv", "venv", "node_modules", "tests", "test"}
_PARSED: dict[bytes, ast.Module | None] = {}
# The parse cache is shared by the deploy-group simulation's threads (the parse itself is
# serialised in pytest_lee._parse: ast.parse is not thread-safe in CPython 3.11).
AST_LOCK = threading.Lock()
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


def parse(path: Path, digest: bytes, data: bytes) -> ast.Module | None:
    """The tree of *path* (content *data*, hash *digest*), parsed once per content; None
    when it does not parse (an unparseable file is the package verifier's business)."""
    with AST_LOCK:
        if digest in _PARSED:
            return _PARSED[digest]
        if len(_PARSED) >= _LIMIT:
            _PARSED.clear()
        tree: ast.Module | None
        try:
            tree = parse_source(data, str(path))
        except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
            tree = None
        _PARSED[digest] = tree
        return tree


def read(path: Path) -> tuple[bytes, bytes]:
    """(content hash, content) of *path*; empty when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return b"", b""
    return hashlib.blake2b(data, digest_size=16).digest(), data


def import_graph(source: Path, paths: Sequence[Path]) -> dict[str, list[str]]:
    """module → the modules of the tree it names (imports, import_module, lazy pairs).

    Read with regular expressions, not ``ast``: the graph needs every file, and a
    full parse of a 130-module engine costs more than importing it. A name the
    scan over-reads (an ``import`` inside a string) only adds an edge, never
    hides one.
    """
    names = {path: module_name(source, path) for path in paths}
    known = {name for name in names.values() if name}
    graph: dict[str, list[str]] = {}
    for path, name in names.items():
        if name is None:
            continue
        digest, data = read(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        cache_key = (digest, package)
        if cache_key not in _EDGES:
            if len(_EDGES) >= _LIMIT:
                _EDGES.clear()
            _EDGES[cache_key] = frozenset(
                _scanned_modules(data.decode("utf-8", "replace"), package)
            )
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


_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.M)
_CALLED = re.compile(r"(?:import_module|__import__)\(\s*['\"]([\w.]+)['\"]")
_PAIR = re.compile(r"[(\[]\s*['\"]([\w.]+)['\"]\s*,\s*['\"]\w+['\"]\s*[)\]]")


def _scanned_modules(text: str, package: str) -> set[str]:
    names: set[str] = set()
    for dots, module, imported in _FROM.findall(text):
        base = _absolute(module or None, len(dots), package)
        if base is None:
            continue
        names.add(base)
        for part in imported.strip("() \t\n").replace("\n", ",").split(","):
            alias = part.strip().split(" ")[0].strip("\\")
            if alias and alias != "*":
                names.add(f"{base}.{alias}" if base else alias)
    for imported in _IMPORT.findall(text):
        names.update(part.strip().split(" ")[0] for part in imported.split(","))
    names.update(_CALLED.findall(text))
    names.update(_PAIR.findall(text))
    return {name for name in names if name and all(part.isidentifier() for part in name.split("."))}


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
