"""Import the user's source afresh for one check, and put the interpreter back afterwards.

Why in-process and not a subprocess per check: the issue asks for twelve interfaces
in well under a second, and a fresh interpreter costs more than that on its own.
So each check gets its own *generation* of the user's modules instead: modules of
the same name that were already imported (by the user's tests, or by an earlier
check) are set aside, the source directory goes first on ``sys.path``, and on the
way out every module loaded from the source directory is dropped, the set-aside
ones come back, ``sys.path`` is restored and every patch is undone. Dispatcher
caches (a fast path that remembered a spy) die with their generation, and module
level containers are restored in place for good measure.

No bytecode is written into the user's source during a check (``__pycache__`` in
a Lambda source tree is junk the package builder has to exclude); compiled code is
memoised per file content in this process instead, so repeated checks stay cheap.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

_CODE_CACHE: dict[tuple[str, int, int], types.CodeType] = {}

# Never set aside or dropped, even when the source directory is the rootdir of a project
# that contains them (pytest-lee's own repository, a virtualenv inside the project).
_PROTECTED = frozenset({"pytest_lee", "pytest", "_pytest", "pluggy", "py", "conftest"})


class Patcher:
    """Attribute, item and closure-cell replacements, undone in reverse order."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def setattr(self, target: Any, name: str, value: Any) -> None:
        old = (
            target.__dict__[name]
            if name in getattr(target, "__dict__", {})
            else getattr(target, name)
        )
        setattr(target, name, value)
        self._undo.append(lambda: setattr(target, name, old))

    def setitem(self, container: Any, key: Any, value: Any) -> None:
        old = container[key]
        container[key] = value
        self._undo.append(lambda: container.__setitem__(key, old))

    def setcell(self, cell: types.CellType, value: Any) -> None:
        old = cell.cell_contents
        cell.cell_contents = value
        self._undo.append(lambda: setattr(cell, "cell_contents", old))

    def keep_contents(self, container: Any) -> None:
        """Restore a mutable module-level container's contents in place on undo."""
        if isinstance(container, dict):
            saved_dict = dict(container)
            self._undo.append(lambda: (container.clear(), container.update(saved_dict)))
        elif isinstance(container, list):
            saved_list = list(container)
            self._undo.append(lambda: container.__setitem__(slice(None), saved_list))
        elif isinstance(container, set):
            saved_set = set(container)
            self._undo.append(lambda: (container.clear(), container.update(saved_set)))

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()


class _CachingLoader(importlib.machinery.SourceFileLoader):
    """Source loader that compiles each file once per content and never writes bytecode."""

    def get_code(self, fullname: str) -> types.CodeType:
        path = self.get_filename(fullname)
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size)
        code = _CODE_CACHE.get(key)
        if code is None:
            code = self.source_to_code(self.get_data(path), path)
            _CODE_CACHE[key] = code
        return code


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds modules under the source directory only, with the caching loader."""

    def __init__(self, source: Path) -> None:
        self.source = str(source)

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> Any:
        search = (
            [self.source]
            if path is None
            else [entry for entry in path if _under(entry, self.source)]
        )
        if not search:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, search)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        origin = spec.origin or ""
        loader = _CachingLoader(fullname, origin)
        return importlib.util.spec_from_file_location(
            fullname,
            origin,
            loader=loader,
            submodule_search_locations=spec.submodule_search_locations,
        )


def _under(path: str | None, root: str) -> bool:
    if not path:
        return False
    try:
        return os.path.commonpath([os.path.abspath(path), root]) == root
    except ValueError:
        return False


def source_module_names(source: Path) -> set[str]:
    """Top-level module names the source directory provides (files and packages)."""
    names = set()
    for entry in source.iterdir():
        if entry.suffix == ".py" and entry.stem.isidentifier():
            names.add(entry.stem)
        elif entry.is_dir() and (entry / "__init__.py").is_file() and entry.name.isidentifier():
            names.add(entry.name)
    return names


class Sandbox:
    """One generation of the user's modules; use as a context manager.

    ``import_module`` imports from the source directory; ``patcher`` collects every
    replacement made while the sandbox is open, undone on exit before the modules
    are dropped.
    """

    def __init__(self, source: Path) -> None:
        self.source = Path(source).resolve()
        self.patcher = Patcher()
        self._saved_path: list[str] = []
        self._shadowed: dict[str, types.ModuleType] = {}
        self._finder = _SourceFinder(self.source)
        self._prefix = str(self.source) + os.sep
        self._relative: dict[str, str] = {}
        self._dont_write_bytecode = sys.dont_write_bytecode

    def __enter__(self) -> Sandbox:
        self._saved_path = list(sys.path)
        top = source_module_names(self.source) - _PROTECTED
        for name in list(sys.modules):
            if name.partition(".")[0] in _PROTECTED:
                continue
            if name.partition(".")[0] in top or self.owns(sys.modules[name]):
                self._shadowed[name] = sys.modules.pop(name)
        sys.path.insert(0, str(self.source))
        sys.meta_path.insert(0, self._finder)
        sys.dont_write_bytecode = True
        importlib.invalidate_caches()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self.patcher.undo()
        finally:
            for name in [name for name, module in sys.modules.items() if self.owns(module)]:
                if name.partition(".")[0] not in _PROTECTED:
                    del sys.modules[name]
            sys.modules.update(self._shadowed)
            if self._finder in sys.meta_path:
                sys.meta_path.remove(self._finder)
            sys.path[:] = self._saved_path
            sys.dont_write_bytecode = self._dont_write_bytecode

    def owns(self, module: Any) -> bool:
        """True for a module loaded from the source directory."""
        return self.owns_file(getattr(module, "__file__", None))

    def owns_file(self, filename: str | None) -> bool:
        # A prefix test, not a path resolution: the finder imports from the resolved source
        # directory, and this runs for every module in sys.modules several times a check.
        if not filename or not filename.startswith(self._prefix):
            return False
        return (
            "-packages" + os.sep not in filename[len(self._prefix) :]
        )  # a virtualenv inside the source

    def import_module(self, name: str) -> types.ModuleType:
        return importlib.import_module(name)

    def user_modules(self) -> Iterator[types.ModuleType]:
        for module in list(sys.modules.values()):
            if isinstance(module, types.ModuleType) and self.owns(module):
                yield module

    def relative(self, filename: str | None) -> str:
        """*filename* relative to the source directory (as shown in messages)."""
        if not filename:
            return "?"
        known = self._relative.get(filename)
        if known is None:
            try:
                known = Path(filename).resolve().relative_to(self.source).as_posix()
            except ValueError:
                known = filename
            self._relative[filename] = known
        return known

    def keep_module_state(self) -> None:
        """Restore every module-level dict, list and set of the user's modules on exit."""
        for module in self.user_modules():
            for value in list(vars(module).values()):
                if type(value) in (dict, list, set):
                    self.patcher.keep_contents(value)
