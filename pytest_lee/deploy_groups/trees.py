"""Mixed trees — the baseline with some changed files swapped in — built and checked once each.

Implements the group search's ``Oracle``: every file set is checked at most
once (memoised; concurrent asks for the same set wait for one check), up to
*workers* at a time. A check is the contract checker (through
:func:`treecheck.tree_calls`, in its own interpreter) plus the static handler
hazards (:mod:`hazards`, in-process, on the file contents: no disk needed).

A mixed tree is mostly the same files as the last one, so each distinct file
content is written once into a store, compiled once it is in a second tree (a
hash-checked ``.pyc``: the interpreter checks it against the source's hash, so
it can never be stale), and mixed trees are hard links to the store, their
``__pycache__`` included. The child runs with ``-B`` and writes no bytecode, so
without the store it compiled the whole engine again for every tree (a quarter
of a tree's CPU time on the LEE engine). Tree directories are kept and updated
in place — the next tree swaps the file or two that differ — under a fresh name
each time; one that user code left files in is thrown away. Where hard links
fail, files are copied. (User code that rewrites its own source file would
rewrite the store: no engine does that at import or in a router.)
"""

from __future__ import annotations

import hashlib
import itertools
import os
import py_compile
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_lee.contracts.results import ContractSpec
from pytest_lee.deploy_groups.hazards import (
    handler_hazards,
    module_names,
    reachable_files,
    unknown_operations,
)
from pytest_lee.deploy_groups.treecheck import CallResult, tree_calls

Checker = Callable[[Path, Sequence[ContractSpec]], list[CallResult]]


class TreeRunner:
    """Checks mixed trees in parallel, memoised per file set."""

    def __init__(
        self,
        scratch: Path,
        base: Mapping[str, bytes],
        current: Mapping[str, bytes],
        specs: Sequence[ContractSpec],
        *,
        handler: str | None,
        workers: int,
        checker: Checker = tree_calls,
    ) -> None:
        self.scratch, self.base, self.current, self.specs = scratch, base, current, specs
        self.handler = handler
        self.checker = checker
        self.known_modules = set(module_names(base)) | set(module_names(current))
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self.workers = max(1, workers)
        self._lock = threading.Lock()
        self._futures: dict[frozenset[str], Future[list[CallResult]]] = {}
        self.store = ContentStore(scratch / "store")
        # Tree directories kept between checks, each with what it holds: the next tree only
        # swaps the files that differ (a mixed tree differs from the last in a file or two).
        self._slots: list[tuple[Path, Mapping[str, bytes], set[str]]] = []
        self._names = itertools.count()
        # contracts whose spies sit on the routers: their operations are read statically
        self.router_leaves = {spec.registry for spec in specs if not spec.leaves}

    @property
    def trees(self) -> int:
        return len(self._futures)

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    def prefetch(self, sets: Collection[frozenset[str]]) -> None:
        for files in sets:
            self._future(files)

    def results(self, files: frozenset[str]) -> list[CallResult]:
        return self._future(files).result()

    def _future(self, files: frozenset[str]) -> Future[list[CallResult]]:
        with self._lock:
            future = self._futures.get(files)
            if future is None:
                future = self._futures[files] = self.pool.submit(self._check, files)
            return future

    def mixed(self, files: frozenset[str]) -> dict[str, bytes]:
        """The baseline with *files* swapped in (a file the new tree lacks is removed)."""
        tree = {name: content for name, content in self.base.items() if name not in files}
        tree.update({name: self.current[name] for name in files if name in self.current})
        return tree

    def _check(self, files: frozenset[str]) -> list[CallResult]:
        content = self.mixed(files)
        results: list[CallResult] = []
        if self.specs:
            root, before, compiled = self._slot()
            kept = False
            try:
                compiled = self.store.update(root, before, content, compiled)
                # A fresh name for each tree: nothing keyed by the path (the checker's memo,
                # an interpreter's caches) can take this tree for the one before.
                root = root.rename(self.scratch / f"mix-{next(self._names)}")
                results = self.checker(root, self.specs)
                kept = _listing(root) == self.store.layout(content, compiled)
            finally:
                if kept:
                    with self._lock:
                        self._slots.append((root, content, compiled))
                else:  # user code left files behind (or the update failed): start afresh
                    shutil.rmtree(root, ignore_errors=True)
            if self.router_leaves:
                results = unknown_operations(results, content, self.router_leaves)
        if self.handler:
            reached = reachable_files(content, self.handler)
            if reached is not None:
                results = [r for r in results if _runs(r, reached)]
            results += handler_hazards(content, self.handler, self.known_modules)
        return results

    def _slot(self) -> tuple[Path, Mapping[str, bytes], set[str]]:
        with self._lock:
            if self._slots:
                return self._slots.pop()
        return Path(tempfile.mkdtemp(prefix="mix-", dir=self.scratch)), {}, set()

    def map(self, function: Callable[[str], Any], items: Sequence[str]) -> list[Any]:
        """Run per-file searches side by side (their trees go through the same pool)."""
        if len(items) <= 1:
            return [function(item) for item in items]
        with ThreadPoolExecutor(max_workers=self.workers) as outer:
            return list(outer.map(function, items))


_CALL_SITE = re.compile(r"\(call site ([\w./-]+\.py):\d+\)")


def _runs(result: CallResult, reached: set[str]) -> bool:
    """False for a failure at a call site in a file the handler never imports in this tree."""
    if result.status == "ok":
        return True
    origin = result.origin.rpartition(":")[0] if result.origin else ""
    if not origin:
        found = _CALL_SITE.search(result.message)
        origin = found.group(1) if found else ""
    return not origin or origin in reached


@dataclass
class _Stored:
    path: Path
    uses: int = 0  # trees that held this content
    compiled: Path | None = None
    tried: bool = False  # compiled already tried (None then: it does not compile)


class ContentStore:
    """Each distinct file content written once; trees are hard links to it.

    A content is compiled once it is in a second tree: a file only one tree holds
    (200 vendored modules only a zip baseline has) is compiled by the child if it
    is imported at all, as without the store.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._known: dict[bytes, _Stored] = {}  # keyed by the content: bytes keep their hash
        self.links = True  # False once a hard link failed: copy from then on
        self._tag = f".{sys.implementation.cache_tag}.pyc" if sys.implementation.cache_tag else ""

    def build(self, root: Path, files: Mapping[str, bytes]) -> set[str]:
        """The tree *files* (relative path → content) at *root*; returns the files compiled."""
        return self.update(root, {}, files, set())

    def update(
        self,
        root: Path,
        old: Mapping[str, bytes],
        new: Mapping[str, bytes],
        compiled: Collection[str],
    ) -> set[str]:
        """Turn the tree at *root*, built from *old* (with bytecode for *compiled*), into *new*.

        Only files that differ are touched. Returns the files that have bytecode now.
        """
        placed = set(compiled)
        for name, data in old.items():
            if name not in new or not _same(new[name], data):
                self._remove(root, name)
                placed.discard(name)
        for name, data in new.items():
            stored = self._stored(name, data)
            stored.uses += 1
            path = root / name
            if name not in old or not _same(old[name], data):
                path.parent.mkdir(parents=True, exist_ok=True)
                self._place(stored.path, path, data)
            if name in placed or stored.uses < 2 or not name.endswith(".py") or not self._tag:
                continue
            bytecode = self._compiled(stored, name)
            if bytecode is not None:
                (path.parent / "__pycache__").mkdir(exist_ok=True)
                self._place(bytecode, self.compiled_path(path), None)
                placed.add(name)
        return placed

    def compiled_path(self, path: Path) -> Path:
        return path.parent / "__pycache__" / f"{path.name[:-3]}{self._tag}"

    def layout(self, files: Collection[str], compiled: Collection[str]) -> set[str]:
        """Every file a tree holds, bytecode included (relative, posix)."""
        found = set(files)
        for name in compiled:
            head, _, tail = name.rpartition("/")
            found.add(f"{head}/__pycache__/{tail[:-3]}{self._tag}".lstrip("/"))
        return found

    def _remove(self, root: Path, name: str) -> None:
        path = root / name
        path.unlink(missing_ok=True)
        if name.endswith(".py") and self._tag:
            self.compiled_path(path).unlink(missing_ok=True)
        for directory in (path.parent / "__pycache__", *path.parents):
            if directory == root or root not in directory.parents:
                break
            try:
                directory.rmdir()  # an empty package directory would import as a namespace
            except OSError:
                if directory.name != "__pycache__":
                    break

    def _place(self, stored: Path, path: Path, data: bytes | None) -> None:
        if self.links:
            try:
                os.link(stored, path)
                return
            except OSError:
                self.links = False
        if data is None:
            shutil.copyfile(stored, path)
        else:
            path.write_bytes(data)

    def _stored(self, name: str, data: bytes) -> _Stored:
        known = self._known.get(data)
        if known is not None:
            return known
        with self._lock:
            known = self._known.get(data)
            if known is None:
                digest = hashlib.blake2b(data, digest_size=16).hexdigest()
                path = self.root / f"{digest}{Path(name).suffix}"
                path.write_bytes(data)
                known = self._known[data] = _Stored(path)
        return known

    def _compiled(self, stored: _Stored, name: str) -> Path | None:
        """A hash-checked ``.pyc`` of *stored* (None: it does not compile)."""
        with self._lock:
            if stored.tried:
                return stored.compiled
            target = stored.path.with_suffix(".pyc")
            try:
                py_compile.compile(
                    str(stored.path),
                    cfile=str(target),
                    dfile=name,
                    doraise=True,
                    optimize=0,  # the child runs without -O, whatever this process runs with
                    invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
                )
                stored.compiled = target
            except (py_compile.PyCompileError, OSError, ValueError, RecursionError, MemoryError):
                stored.compiled = None  # the child compiles it and says what is wrong
            stored.tried = True
            return stored.compiled


def _same(one: bytes, other: bytes) -> bool:
    return one is other or one == other


def _listing(root: Path) -> set[str]:
    found: set[str] = set()
    for directory, _, names in os.walk(root):
        inside = Path(directory).relative_to(root).as_posix()
        found.update(name if inside == "." else f"{inside}/{name}" for name in names)
    return found
