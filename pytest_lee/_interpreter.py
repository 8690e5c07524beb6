"""Which Python the children run with: ``[tool.lee.function] python``, when it works.

A name on ``PATH`` is not proof of an interpreter: a pyenv shim named ``python3.12``
exists whatever versions are active, and exits 127 when none provides it. So the
configured interpreter is run once (``-I -S -c`` printing its version) and used only
when that succeeds; otherwise children run with the running Python and the reason is
reported where the figures are (the measurement's notes, the package's warnings).

With another interpreter, the ``runtime_provides`` directory (symlinks into this
environment's site-packages) must be importable by it: pure-Python distributions are
(boto3, botocore), compiled ones built for another Python are not, and
:func:`provides_problems` says which.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Interpreter", "compile_problems", "provides_problems", "resolve"]

_PROBE = "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.executable)"
_cache: dict[str | None, Interpreter] = {}
_provides_cache: dict[tuple[str, str], list[str]] = {}


@dataclass(frozen=True)
class Interpreter:
    """The interpreter children run with, and why the configured one is not it (if so)."""

    executable: str
    version: tuple[int, int]
    problem: str | None = None  # set when [tool.lee.function] python was not usable

    @property
    def is_running(self) -> bool:
        return os.path.realpath(self.executable) == os.path.realpath(sys.executable)

    @property
    def label(self) -> str:
        return f"Python {self.version[0]}.{self.version[1]} ({self.executable})"


def resolve(python: str | None) -> Interpreter:
    """The interpreter for ``function.python`` (None: the running one); probed once."""
    if python not in _cache:
        _cache[python] = _resolve(python)
    return _cache[python]


def _running(problem: str | None = None) -> Interpreter:
    return Interpreter(sys.executable, (sys.version_info[0], sys.version_info[1]), problem)


def _resolve(python: str | None) -> Interpreter:
    if python is None:
        return _running()
    found = python if os.sep in python else shutil.which(python)
    if found is None or not Path(found).exists():
        return _running(f"[tool.lee.function] python = {python!r}: not found{_hint(python)}")
    try:
        # the configured interpreter's version probe: no user code, so not through the sandbox.
        done = subprocess.run(
            [found, "-I", "-S", "-c", _PROBE],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return _running(f"[tool.lee.function] python = {python!r}: {found} does not run: {error}")
    lines = done.stdout.decode("utf-8", "replace").split()
    if done.returncode != 0 or len(lines) != 2:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return _running(
            f"[tool.lee.function] python = {python!r}: {found} exited with status "
            f"{done.returncode}{': ' + said[0] if said else ''}{_hint(python)}"
        )
    major, _, minor = lines[0].partition(".")
    return Interpreter(lines[1], (int(major), int(minor)))


def _hint(python: str) -> str:
    """Where pyenv keeps that version, since its shim would not run it."""
    name = os.path.basename(python)
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    try:
        candidates = sorted(root.glob(f"*/bin/{name}"))
    except OSError:
        return ""
    return f" (give its path instead, e.g. {candidates[-1]})" if candidates else ""


def note(interpreter: Interpreter) -> str | None:
    """The warning that children do not run with the configured interpreter, if they do not."""
    if interpreter.problem is None:
        return None
    running = f"{interpreter.version[0]}.{interpreter.version[1]}"
    return f"{interpreter.problem}; children run with the running Python {running}"


_IMPORTS = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
for name in sys.argv[2:]:
    try:
        importlib.import_module(name)
    except BaseException as error:
        print(json.dumps([name, "%s: %s" % (type(error).__name__, error)]))
"""


def provides_problems(interpreter: Interpreter, provides: Path | None) -> list[str]:
    """The ``runtime_provides`` import names *interpreter* cannot import, one line each."""
    if provides is None or interpreter.is_running:
        return []
    key = (interpreter.executable, str(provides))
    if key not in _provides_cache:
        names = sorted(
            {
                entry.name.partition(".")[0]
                for entry in provides.iterdir()
                if not entry.name.endswith((".dist-info", ".egg-info"))
                and (entry.is_dir() or entry.suffix in (".py", ".so"))
                and entry.name.partition(".")[0].isidentifier()
            }
        )
        _provides_cache[key] = _run_lines(interpreter, _IMPORTS, [str(provides), *names])
    return [
        f"runtime_provides: {name!r} is not importable by {interpreter.label}: {why}"
        f"{' (a compiled distribution built for another Python)' if 'ImportError' in why else ''}"
        for name, why in (json.loads(line) for line in _provides_cache[key])
    ]


_COMPILE = """
import json, sys, warnings
warnings.simplefilter("ignore")
root = sys.argv[1]
for name in sys.stdin.read().splitlines():
    try:
        with open(root + "/" + name, "rb") as stream:
            compile(stream.read(), name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        print(json.dumps([name, getattr(error, "lineno", None), "%s: %s" % (type(error).__name__, getattr(error, "msg", None) or error)]))
"""


def compile_problems(interpreter: Interpreter, root: Path, names: list[str]) -> list[str]:
    """``name:line: does not compile with Python X.Y: ...`` for *names* under *root*."""
    if interpreter.is_running or not names:
        return []
    version = f"{interpreter.version[0]}.{interpreter.version[1]}"
    problems = []
    for line in _run_lines(interpreter, _COMPILE, [str(root)], stdin="\n".join(names)):
        parsed = json.loads(line)
        if len(parsed) != 3:  # the interpreter itself did not run
            problems.append(str(parsed[-1]))
            continue
        name, number, why = parsed
        where = f"{name}:{number}" if number else name
        problems.append(f"{where}: does not compile with Python {version}: {why}")
    return problems


def _run_lines(
    interpreter: Interpreter, script: str, args: list[str], stdin: str = ""
) -> list[str]:
    try:
        # imports the runtime_provides distributions, never the project: not through the sandbox.
        done = subprocess.run(
            [interpreter.executable, "-I", "-S", "-B", "-c", script, *args],
            input=stdin.encode(),
            capture_output=True,
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return [json.dumps(["*", f"{interpreter.executable} did not run: {error}"])]
    return [line for line in done.stdout.decode("utf-8", "replace").splitlines() if line]
