"""Import hooks of the contract child: modules that hang are refused, late leaves are spied.

Standard library only.
"""

from __future__ import annotations

import fnmatch
import importlib.abc
import importlib.machinery
import inspect
import os
import types
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_lee.contracts.child.spies import SpySet


class Broken(importlib.abc.MetaPathFinder):
    """Modules an earlier child hung or died on: importing them now fails at once."""

    def __init__(self, broken: Mapping[str, str]) -> None:
        self.broken = dict(broken)

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname in self.broken:
            raise ImportError(self.broken[fullname])
        return None


class LeafHook(importlib.abc.MetaPathFinder):
    """A leaf module imported late (inside a router's function) gets its spies on import."""

    def __init__(self, source: str, patterns: Sequence[str], spies: SpySet) -> None:
        self.source, self.patterns, self.spies = source, tuple(patterns), spies

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if not any(fnmatch.fnmatchcase(fullname, pattern) for pattern in self.patterns):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path or [self.source])
        if spec is None or not str(spec.origin or "").startswith(self.source + os.sep):
            return None  # not the user's: the other finders decide, as without this hook
        loader = spec.loader
        execute = getattr(loader, "exec_module", None)
        if execute is None:
            return None
        spies = self.spies

        def exec_module(module: types.ModuleType) -> None:
            execute(module)
            spies.install(module_functions(module))

        loader.exec_module = exec_module  # type: ignore[method-assign,union-attr]
        return spec


def module_functions(module: types.ModuleType) -> list[Any]:
    return [
        value
        for value in vars(module).values()
        if inspect.isfunction(value) and value.__module__ == module.__name__
    ]
