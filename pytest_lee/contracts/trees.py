"""Mixed trees — the baseline with some changed files swapped in — built and checked once each.

Implements the group search's ``Oracle``: every file set is checked at most
once (memoised; concurrent asks for the same set wait for one check), up to
*workers* at a time. A check is the contract checker (through
:func:`treecheck.check_tree`, in its own interpreter) plus the static handler
hazards (:mod:`hazards`, in-process, on the file contents: no disk needed).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pytest_lee.contracts.hazards import handler_hazards, module_names, reachable_files
from pytest_lee.contracts.treecheck import CallResult, check_tree

Checker = Callable[[Path, Sequence[Mapping[str, Any]]], list[CallResult]]


class TreeRunner:
    """Checks mixed trees in parallel, memoised per file set."""

    def __init__(
        self,
        scratch: Path,
        base: Mapping[str, bytes],
        current: Mapping[str, bytes],
        specs: Sequence[Mapping[str, Any]],
        *,
        handler: str | None,
        workers: int,
        checker: Checker = check_tree,
    ) -> None:
        self.scratch, self.base, self.current, self.specs = scratch, base, current, specs
        self.handler = handler
        self.checker = checker
        self.known_modules = set(module_names(base)) | set(module_names(current))
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self.workers = max(1, workers)
        self._lock = threading.Lock()
        self._futures: dict[frozenset[str], Future[list[CallResult]]] = {}

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
            root = Path(tempfile.mkdtemp(prefix="mix-", dir=self.scratch))
            try:
                for name, data in content.items():
                    path = root / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                results = self.checker(root, self.specs)
            finally:
                shutil.rmtree(root, ignore_errors=True)
        if self.handler:
            reached = reachable_files(content, self.handler)
            if reached is not None:
                results = [r for r in results if _runs(r, reached)]
            results += handler_hazards(content, self.handler, self.known_modules)
        return results

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
