"""What must hold of a package before it ships (NM06-LESS-09's pre-deployment checks).

:class:`Verifier` is fed every archived file once, as the archive is written, and
then asked for everything it found: *problems* (each fails the build, and all of
them are reported together) and *warnings* (reported, never failing by themselves).
Every message starts with the file it is about, so a failed build reads as a list
of files to fix.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import re
import warnings as _warnings
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_lee import _interpreter
from pytest_lee._parse import parse_source
from pytest_lee.errors import LeeError
from pytest_lee.package import model
from pytest_lee.package._glob import match_path
from pytest_lee.package.compiled import CompileCache, cache_key, compiles, feature_for
from pytest_lee.registry_files import registry_module_files

if TYPE_CHECKING:
    from pytest_lee.settings import Settings

# AWS access key ids (long-term AKIA, temporary ASIA) and PEM private key blocks, in
# UTF-8/ASCII and in UTF-16 (either byte order: a Windows editor's "Unicode" file).
_AWS_KEY = re.compile(rb"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
_AWS_KEY_UTF16 = (
    re.compile(rb"(A\0K\0I\0A\0|A\0S\0I\0A\0)(?:[A-Z0-9]\0){16}"),
    re.compile(rb"\0(A\0K\0I\0A|A\0S\0I\0A)(?:\0[A-Z0-9]){16}"),
)
_PRIVATE_KEY = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# AWS's documented example key ids (AKIAIOSFODNN7EXAMPLE, ...), in botocore's docs: not secrets.
_EXAMPLE_SUFFIX = "EXAMPLE"
_RUNTIME = re.compile(r"python(\d+)\.(\d+)\Z")


class Verifier:
    """Collects problems and warnings about one package as its files stream past."""

    def __init__(self, settings: Settings, source: Path, omitted: tuple[str, ...] = ()) -> None:
        self.settings = settings
        self.source = source
        self.omitted = omitted
        self.names: list[str] = []
        self.unzipped = 0
        self.layers_unzipped = 0  # [[tool.lee.layer]]s: Lambda's 250 MB counts them too
        self.sizes: dict[str, int] = {}
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.handler_module, _, self.handler_function = settings.handler.rpartition(".")
        self.handler_candidates = _module_files(self.handler_module)
        self.handler_tree: ast.Module | None = None
        self.handler_file: str | None = None
        self.runtime_version = _runtime_version(settings.function.runtime)
        # [tool.lee.function] python, when it runs: the .py files are compiled with it too.
        self.python = _interpreter.resolve(settings.function.python)
        self._feature = feature_for(self.runtime_version)
        self._compiled = CompileCache(cache_key(self._feature))
        self._runtime_note()

    def _runtime_note(self) -> None:
        running = self.python.version
        runtime = self.settings.function.runtime
        note = _interpreter.note(self.python)
        if note is not None:
            self.warnings.append(note)
        if not self.python.is_running:
            if self.runtime_version not in (None, running):
                self.warnings.append(
                    f".py files were compiled with {self.python.label}, "
                    f"not [tool.lee.function] runtime = {runtime!r}"
                )
        elif self.runtime_version is None:
            self.warnings.append(
                f"[tool.lee.function] runtime = {runtime!r} is not a pythonX.Y runtime; "
                f".py files were compiled with Python {running[0]}.{running[1]} only"
            )
        elif self.runtime_version != running:
            self.warnings.append(
                f".py files were compiled with the running Python {running[0]}.{running[1]}, "
                f"not [tool.lee.function] runtime = {runtime!r}"
            )

    def add_file(
        self, name: str, data: bytes, *, vendored: bool = False, digest: str | None = None
    ) -> None:
        """Check one archived file's content (*digest*: its hex SHA-256, when known).

        A *vendored* file (a dependency pip installed) is compiled and counted, but the
        checks meant for the project's own code — secrets, ``min_lines`` — skip it.
        """
        self.names.append(name)
        self.sizes[name] = len(data)
        self.unzipped += len(data)
        if not vendored:
            self._check_secrets(name, data)
        if name.endswith(".py"):
            handler = name in self.handler_candidates and (
                self.handler_file is None or name.endswith("/__init__.py")
            )  # a package wins over a module of the same name, as at import time
            tree = self._check_compiles(name, data, digest, want_tree=handler)
            if handler:
                self.handler_file, self.handler_tree = name, tree
            if not vendored:
                self._check_length(name, data)

    def finish(self, zipped_size: int, link_problems: list[str]) -> tuple[list[str], list[str]]:
        """All problems and warnings, once every file has been added and the zip written."""
        problems = list(link_problems)
        if not self.names:
            problems.append(f"{self.source}: no files to package")
        problems.extend(self._check_required())
        problems.extend(self._check_registry_modules())
        problems.extend(self._check_handler())
        problems.extend(self.problems)
        problems.extend(self._compile_with_function_python())
        problems.extend(self._check_limits(zipped_size))
        self._compiled.save()
        return problems, list(self.warnings)

    # --- per file ---------------------------------------------------------------------

    def _check_secrets(self, name: str, data: bytes) -> None:
        found = _aws_key(data)
        if found is not None:
            prefix, line = found
            kind = "long-term" if prefix.startswith("AKIA") else "temporary"
            self.problems.append(
                f"{name}:{line}: contains an AWS {kind} access key id ({prefix[:4]}..."
                f"{prefix[4:]}); keys belong in the function's role, not the package"
            )
        match = _PRIVATE_KEY.search(data)
        if match:
            self.problems.append(
                f"{name}:{_line_of(data, match.start())}: contains a private key block "
                f"({match.group().decode()})"
            )

    def _check_compiles(
        self, name: str, data: bytes, digest: str | None, *, want_tree: bool
    ) -> ast.Module | None:
        """Compile once (a source that compiled before is not compiled again); the AST
        only for the handler module, the one file whose definitions are looked into."""
        digest = digest or hashlib.sha256(data).hexdigest()
        if digest in self._compiled and not want_tree:
            return None
        tree: ast.Module | None = None
        try:
            if want_tree:
                with _warnings.catch_warnings():
                    _warnings.simplefilter("ignore")  # SyntaxWarning is not a failure
                    tree = parse_source(data, name)
            compiles(data, name, self._feature)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            if self.python.is_running:  # else the function's Python has the last word
                self.problems.append(f"{_where(name, error)}: does not compile: {_describe(error)}")
            return None
        self._compiled.add(digest)
        return tree

    def _compile_with_function_python(self) -> list[str]:
        """Every archived .py compiled by ``[tool.lee.function] python`` when it is another."""
        if self.python.is_running:
            return []
        names = [n for n in self.names if n.endswith(".py") and (self.source / n).is_file()]
        return _interpreter.compile_problems(self.python, self.source, names)

    def _check_length(self, name: str, data: bytes) -> None:
        minimum = self.settings.min_lines
        if minimum <= 0:
            return
        if name.rpartition("/")[2] == "__init__.py" and not data.strip():
            return
        lines = len(data.splitlines())
        if lines < minimum:
            self.warnings.append(
                f"{name}: {lines} line{'s' if lines != 1 else ''}, under min_lines = {minimum} "
                "(possibly truncated)"
            )

    # --- whole package ----------------------------------------------------------------

    def _left_out(self, pattern: str) -> str:
        omitted = [name for name in self.omitted if match_path(name, pattern)]
        return f" ({', '.join(omitted)} left out by omit)" if omitted else ""

    def _check_required(self) -> list[str]:
        return [
            f"{pattern}: required, but no file in the package matches it{self._left_out(pattern)}"
            for pattern in self.settings.required
            if not any(match_path(name, pattern) for name in self.names)
        ]

    def _check_registry_modules(self) -> list[str]:
        if not self.settings.contracts:
            return []
        try:
            wanted = registry_module_files(dataclasses.replace(self.settings, source=self.source))
        except LeeError as error:
            return [str(error)]
        present = set(self.names)
        return [
            f"{name}: missing from the package, but a [[tool.lee.contract]] registry names it"
            f"{self._left_out(name)}"
            for name in wanted
            if name not in present
        ]

    def _check_handler(self) -> list[str]:
        handler = self.settings.handler
        if self.handler_file is None:
            wanted = " or ".join(self.handler_candidates)
            return [f"{wanted}: handler module missing from the package (handler {handler!r})"]
        if self.handler_tree is None:
            return []  # it does not compile: already reported, nothing to look into
        if not defines(self.handler_tree, self.handler_function):
            return [
                f"{self.handler_file}: does not define {self.handler_function!r} "
                f"(handler {handler!r})"
            ]
        return []

    def _check_limits(self, zipped_size: int) -> list[str]:
        problems = []
        if zipped_size > model.ZIPPED_LIMIT:
            problems.append(
                f"package is {_mb(zipped_size)} zipped, over Lambda's {_mb(model.ZIPPED_LIMIT)} "
                f"limit; largest files: {self._largest()}"
            )
        total = self.unzipped + self.layers_unzipped
        if total > model.UNZIPPED_LIMIT:
            what = "package is" if not self.layers_unzipped else "package and its layers are"
            problems.append(
                f"{what} {_mb(total)} unzipped, over Lambda's {_mb(model.UNZIPPED_LIMIT)} "
                f"limit; largest files: {self._largest()}"
            )
        return problems

    def _largest(self) -> str:
        ranked = sorted(self.sizes.items(), key=lambda item: (-item[1], item[0]))[:3]
        return ", ".join(f"{name} ({_mb(size)})" for name, size in ranked)


def defines(tree: ast.Module, name: str) -> bool:
    """True when module-level code binds *name* (def, class, assignment or import).

    Conditional definitions (under ``if``/``try``/``with``) count, and so does a
    star import, which cannot be ruled out statically.
    """
    return any(_binds(statement, name) for statement in tree.body)


def _binds(node: ast.stmt, name: str) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, ast.Assign):
        return any(_target_binds(target, name) for target in node.targets)
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        return (not isinstance(node, ast.AnnAssign) or node.value is not None) and _target_binds(
            node.target, name
        )
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any(
            alias.name == "*" or (alias.asname or alias.name.partition(".")[0]) == name
            for alias in node.names
        )
    children: list[ast.stmt] = []
    for field_name in ("body", "orelse", "finalbody"):
        children.extend(getattr(node, field_name, []) or [])
    for handler in getattr(node, "handlers", []) or []:
        children.extend(handler.body)
    return any(_binds(child, name) for child in children)


def _target_binds(target: ast.expr, name: str) -> bool:
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_target_binds(element, name) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _target_binds(target.value, name)
    return False


def _module_files(module: str) -> tuple[str, ...]:
    base = module.replace(".", "/")
    return (f"{base}.py", f"{base}/__init__.py")


def _runtime_version(runtime: str) -> tuple[int, int] | None:
    """(3, minor) of a ``python3.N`` runtime; None for anything ``ast.parse`` cannot take
    as a ``feature_version`` (python2.7 is a bare AssertionError there, a 20-digit minor
    an OverflowError): settings refuse those, but a Verifier must not rely on it."""
    match = _RUNTIME.match(runtime)
    if match is None or match.group(1) != "3" or len(match.group(2)) > 3:
        return None
    return (3, int(match.group(2)))


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _line_of_utf16(data: bytes, offset: int, encoding: str) -> int:
    return data[:offset].decode(encoding, "replace").count("\n") + 1


def _aws_key(data: bytes) -> tuple[str, int] | None:
    """(prefix, line) of the first AWS key id that is not AWS's documented example."""
    for match in _AWS_KEY.finditer(data):
        if not match.group().endswith(_EXAMPLE_SUFFIX.encode()):
            return match.group(1).decode(), _line_of(data, match.start())
    if b"\0" not in data:  # no UTF-16 text without NUL bytes: skip the slower patterns
        return None
    for pattern, encoding in zip(_AWS_KEY_UTF16, ("utf-16-le", "utf-16-be")):
        for match in pattern.finditer(data):
            text = match.group().replace(b"\0", b"").decode("ascii")
            if not text.endswith(_EXAMPLE_SUFFIX):
                return text[:4] + ", UTF-16", _line_of_utf16(data, match.start(), encoding)
    return None


def _where(name: str, error: BaseException) -> str:
    line = getattr(error, "lineno", None)
    return f"{name}:{line}" if line else name


def _describe(error: BaseException) -> str:
    message = getattr(error, "msg", None) or str(error) or type(error).__name__
    return f"{type(error).__name__}: {message}"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
