"""Which tests claim which lessons: a static (AST) scan for ``lee_ref`` marks.

No test module is imported or run — linting the knowledge base must be safe on any
checkout and fast. Found: ``@pytest.mark.lee_ref(...)`` (or ``@mark.lee_ref`` after
``from pytest import mark``) on functions, methods and classes; module-level
``pytestmark = ...`` (one mark or a list/tuple); and ``pytest.param(..., marks=...)``, in a
parametrize decorator or in a module-level list the decorator names.
Arguments must be string literals, or module-level constants bound once to a string or a
tuple of strings (``*LESS_09_ITEMS``); anything else is reported, never guessed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pytest_lee.kb._paths import display_path

__all__ = ["ScanProblem", "TestIndex", "TestRef", "find_test_files", "scan_tests"]

_NO_ARGUMENTS = (
    "lee_ref without arguments enforces nothing: lee_ref('NM06-LESS-09', 'item text', ...)"
)


@dataclass(frozen=True)
class TestRef:
    """One ``lee_ref(ref, *items)`` mark. ``path`` is the file as displayed (relative to
    the root, posix); ``line`` the line of the mark; ``nodeids`` the tests it applies to,
    as pytest would name them without parameter ids (``tests/test_x.py::TestA::test_b``;
    a module mark lists every test of the module, a class mark every method);
    ``param`` the index of the ``pytest.param`` it sits in (None elsewhere)."""

    __test__ = False  # not a pytest test class

    ref: str
    items: tuple[str, ...]
    path: str
    line: int
    nodeids: tuple[str, ...]
    param: int | None = None


@dataclass(frozen=True)
class ScanProblem:
    """A test file or mark lee-kb could not read: (path, line, one-line message).
    ``fatal`` is True when a whole file could not be read (syntax error, unreadable): its
    marks are unknown, so the run is incomplete."""

    path: str
    line: int
    message: str
    fatal: bool = False


@dataclass(frozen=True)
class TestIndex:
    """All marks of the scanned test files, the problems met, and how many files were read."""

    __test__ = False

    refs: tuple[TestRef, ...]
    problems: tuple[ScanProblem, ...]
    files: int


def find_test_files(paths: Iterable[Path]) -> Iterator[Path]:
    """``test_*.py`` / ``*_test.py`` under each path (a file given directly is taken as is)."""
    for path in paths:
        if path.is_file():
            yield path
        elif path.is_dir():
            found = {p for pattern in ("test_*.py", "*_test.py") for p in path.rglob(pattern)}
            yield from sorted(p for p in found if "__pycache__" not in p.parts)


def scan_tests(paths: Iterable[Path], root: Path) -> TestIndex:
    """Scan every test file under ``paths``; display paths are relative to ``root``."""
    refs: list[TestRef] = []
    problems: list[ScanProblem] = []
    files = 0
    for file in find_test_files(paths):
        files += 1
        display = display_path(file, root)
        try:
            source = file.read_bytes()
            tree = ast.parse(source, filename=display)
        except SyntaxError as error:
            problems.append(
                ScanProblem(
                    display,
                    error.lineno or 1,
                    f"syntax error, lee_ref marks not read: {error.msg}",
                    True,
                )
            )
            continue
        except (OSError, ValueError) as error:
            problems.append(ScanProblem(display, 1, f"cannot read test file: {error}", True))
            continue
        except (RecursionError, MemoryError):  # Python itself could not compile it either
            problems.append(
                ScanProblem(
                    display,
                    1,
                    "too deeply nested for Python to parse, lee_ref marks not read",
                    True,
                )
            )
            continue
        if b"lee_ref" not in source:
            continue
        _Scanner(display, refs, problems).module(tree)
    return TestIndex(tuple(refs), tuple(problems), files)


class _Scanner:
    def __init__(self, display: str, refs: list[TestRef], problems: list[ScanProblem]) -> None:
        self.constants: dict[str, str | tuple[str, ...]] = {}
        self.lists: dict[str, ast.expr] = {}
        self.display = display
        self.refs = refs
        self.problems = problems

    def module(self, tree: ast.Module) -> None:
        bound = _bound_once(tree)
        self.constants = _constants(bound)
        # ``CASES = [pytest.param(..., marks=...)]`` used as ``parametrize("case", CASES)``
        self.lists = {
            name: node for name, node in bound.items() if isinstance(node, (ast.List, ast.Tuple))
        }
        all_tests = tuple(self._tests(tree.body, self.display))
        for node in tree.body:
            if (
                isinstance(node, (ast.Assign, ast.AnnAssign))
                and _targets_pytestmark(node)
                and node.value is not None
            ):
                for mark in _marks(node.value):
                    self._mark(mark, all_tests)
        self._scope(tree.body, self.display)

    def _scope(self, body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                nodeid = f"{prefix}::{node.name}"
                for decorator in node.decorator_list:
                    self._mark(decorator, (nodeid,))
                self._params(node, nodeid)
            elif isinstance(node, ast.ClassDef):
                class_id = f"{prefix}::{node.name}"
                methods = tuple(self._tests(node.body, class_id))
                for decorator in node.decorator_list:
                    self._mark(decorator, methods or (class_id,))
                for inner in node.body:
                    if isinstance(inner, ast.Assign) and _targets_pytestmark(inner):
                        for mark in _marks(inner.value):
                            self._mark(mark, methods or (class_id,))
                self._scope(node.body, class_id)

    def _tests(self, body: list[ast.stmt], prefix: str) -> Iterator[str]:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
                "test"
            ):
                yield f"{prefix}::{node.name}"
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                yield from self._tests(node.body, f"{prefix}::{node.name}")

    def _params(self, function: ast.FunctionDef | ast.AsyncFunctionDef, nodeid: str) -> None:
        """``pytest.param(..., marks=...)`` inside the function's parametrize decorators, or
        in a module-level list a decorator names."""
        for decorator in function.decorator_list:
            named = [
                self.lists[n.id]
                for n in ast.walk(decorator)
                if isinstance(n, ast.Name) and n.id in self.lists
            ]
            for source in (decorator, *named):
                self._params_in(source, nodeid)

    def _params_in(self, source: ast.expr, nodeid: str) -> None:
        for node in ast.walk(source):
            if isinstance(node, ast.Call) and _dotted(node.func).endswith("param"):
                position = _param_position(source, node)
                for keyword in node.keywords:
                    if keyword.arg == "marks":
                        for mark in _marks(keyword.value):
                            self._mark(mark, (nodeid,), param=position)

    def _mark(self, node: ast.expr, nodeids: tuple[str, ...], param: int | None = None) -> None:
        if not isinstance(node, ast.Call):
            if _dotted(node).split(".")[-1] == "lee_ref":  # ``@pytest.mark.lee_ref`` without a call
                self.problems.append(ScanProblem(self.display, node.lineno, _NO_ARGUMENTS))
            return
        if _dotted(node.func).split(".")[-1] != "lee_ref":
            return
        if node.keywords or not node.args:
            self.problems.append(
                ScanProblem(
                    self.display,
                    node.lineno,
                    "lee_ref takes positional strings only: lee_ref('NM06-LESS-09', 'item text', ...)",
                )
            )
            return
        values: list[str] = []
        for argument in node.args:
            value = self._value(argument)
            if value is None:
                self.problems.append(
                    ScanProblem(
                        self.display,
                        argument.lineno,
                        "lee_ref arguments must be string literals (or module-level constants of them) "
                        "so lee-kb can read them without importing the test",
                    )
                )
                return
            values.extend(value)
        if not values:  # ``lee_ref(*EMPTY)``
            self.problems.append(ScanProblem(self.display, node.lineno, _NO_ARGUMENTS))
            return
        self.refs.append(
            TestRef(values[0], tuple(values[1:]), self.display, node.lineno, nodeids, param)
        )

    def _value(self, argument: ast.expr) -> list[str] | None:
        """A literal string, a module constant naming one, or ``*CONSTANT`` of several."""
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            return [argument.value]
        if isinstance(argument, ast.Name) and isinstance(self.constants.get(argument.id), str):
            return [self.constants[argument.id]]  # type: ignore[list-item]
        if isinstance(argument, ast.Starred) and isinstance(argument.value, ast.Name):
            found = self.constants.get(argument.value.id)
            if isinstance(found, tuple):
                return list(found)
        return None


def _bound_once(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level names bound exactly once (a name rebound later is not guessed at),
    with the expression bound."""
    values: dict[str, ast.expr] = {}
    bound: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    bound[target.id] = bound.get(target.id, 0) + 1
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and node.value is not None:
                values[targets[0].id] = node.value
    return {name: value for name, value in values.items() if bound.get(name) == 1}


def _constants(bound: dict[str, ast.expr]) -> dict[str, str | tuple[str, ...]]:
    """Of the names bound once, those bound to a string or a tuple/list of strings."""
    found: dict[str, str | tuple[str, ...]] = {}
    for name, node in bound.items():
        try:
            value = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        if isinstance(value, str):
            found[name] = value
        elif isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
            found[name] = tuple(value)
    return found


def _marks(node: ast.expr | None) -> list[ast.expr]:
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts)
    return [node] if node is not None else []


def _targets_pytestmark(node: ast.Assign | ast.AnnAssign) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _param_position(decorator: ast.expr, param: ast.Call) -> int | None:
    for node in ast.walk(decorator):
        if isinstance(node, (ast.List, ast.Tuple)) and param in node.elts:
            return node.elts.index(param)
    return None
