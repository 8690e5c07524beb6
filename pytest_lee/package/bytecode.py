"""``[tool.lee] compile = true``: ship ``__pycache__/*.cpython-3XY.pyc`` for the runtime's Python.

Lambda's ``/var/task`` is read-only, so a package without bytecode is compiled at every
cold start (the import pays for it each time). With ``compile = true`` every ``.py`` of the
package gets its ``.pyc`` beside it, compiled by the runtime's own Python (``[tool.lee.
function] python``, which must be the runtime's version: a ``cpython-311`` file is
ignored by ``python3.12``), as **unchecked-hash** pycs (PEP 552): the interpreter loads
them without comparing a timestamp, which a zip's 1980-01-01 dates would defeat, and the
bytes depend only on the source, so the same tree gives the same zip.

Compiled in one subprocess of that Python with ``PYTHONHASHSEED=0`` (set and frozenset
constants are marshalled in hash order) and each file's name as Lambda will see it
(``/var/task/<name>``). A file that does not compile gets no ``.pyc`` (the package's own
compile check reports it). The ``.pyc`` files are kept under the cache directory by the
SHA-256 of name, source and Python version (``shipped-bytecode/``), so a rebuild compiles
only what changed. This is not the compile check's cache (``compile-check``: which vendored
sources compiled cleanly) nor the runtime-provided packages' bytecode
(``lambda_runtime.bytecode``: what Lambda's own runtime ships compiled).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_lee.errors import PackageError
from pytest_lee.package.select import SourceFile

if TYPE_CHECKING:
    from pytest_lee.settings import Settings

__all__ = ["bytecode_files", "pyc_name", "with_bytecode"]

TASK_ROOT = "/var/task"
_COMPILER = r"""
import json, py_compile, sys
jobs = json.load(sys.stdin)
done = []
for source, target, shown in jobs:
    try:
        py_compile.compile(source, cfile=target, dfile=shown, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        done.append(target)
    except (py_compile.PyCompileError, OSError, ValueError):
        pass
print(json.dumps(done))
"""


def pyc_name(name: str, version: tuple[int, int]) -> str:
    """``pkg/mod.py`` → ``pkg/__pycache__/mod.cpython-312.pyc`` (the cache tag of CPython)."""
    folder, _, file = name.rpartition("/")
    stem = file[: -len(".py")]
    cached = f"__pycache__/{stem}.cpython-{version[0]}{version[1]}.pyc"
    return f"{folder}/{cached}" if folder else cached


def bytecode_files(
    files: list[SourceFile],
    *,
    python: str,
    version: tuple[int, int],
    workdir: Path,
    timeout_s: float = 600.0,
) -> list[SourceFile]:
    """The ``.pyc`` of every ``.py`` in *files*, compiled by *python* into *workdir*."""
    sources = [item for item in files if item.name.endswith(".py")]
    if not sources:
        return []
    jobs = [
        (str(item.path), str(workdir / pyc_name(item.name, version)), f"{TASK_ROOT}/{item.name}")
        for item in sources
    ]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONHASHSEED": "0"}
    try:
        # compiles the package's sources with the runtime's Python: runs none of them (not through the sandbox).
        done = subprocess.run(
            [python, "-I", "-S", "-c", _COMPILER],
            input=json.dumps(jobs),
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout_s,
            check=False,
        )
        compiled = set(json.loads(done.stdout or "[]"))
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        raise PackageError(
            f"compile = true: cannot compile with {python}: {error}", during="build"
        ) from None
    return [
        SourceFile(pyc_name(item.name, version), Path(target), False, item.vendored)
        for item, (_, target, _) in zip(sources, jobs)
        if target in compiled
    ]


def runtime_version(runtime: str) -> tuple[int, int] | None:
    """``python3.12`` → (3, 12); None for a runtime that is not CPython's."""
    match = re.fullmatch(r"python(\d+)\.(\d+)", runtime)
    return (int(match.group(1)), int(match.group(2))) if match else None


def with_bytecode(settings: Settings, files: list[SourceFile]) -> list[SourceFile]:
    """*files* and their ``.pyc`` for the runtime's Python, in archive-name order."""
    from pytest_lee import _interpreter as interpreter
    from pytest_lee.package.compiled import cache_dir

    runtime = settings.function.runtime
    wanted = runtime_version(runtime)
    python = interpreter.resolve(settings.function.python)
    if wanted is None or python.version != wanted:
        have = f"{python.version[0]}.{python.version[1]}"
        raise PackageError(
            f"compile = true: the runtime is {runtime}, the Python here is {have} "
            f"({python.executable}); Lambda ignores bytecode of another version: set "
            "[tool.lee.function] python to the runtime's interpreter",
            during="build",
        )
    store = cache_dir() / "shipped-bytecode"
    keyed: dict[str, Path] = {}
    missing: list[SourceFile] = []
    for item in files:
        if not item.name.endswith(".py"):
            continue
        try:
            digest = hashlib.sha256(
                f"{wanted}\0{item.name}\0".encode() + item.path.read_bytes()
            ).hexdigest()
        except OSError:
            continue  # the archive step reports an unreadable file
        cached = store / digest[:2] / f"{digest}.pyc"
        keyed[item.name] = cached
        if not cached.is_file():
            missing.append(item)
    if missing:
        scratch = store / f"tmp-{os.getpid()}"
        source_of = {pyc_name(item.name, wanted): item.name for item in missing}
        try:
            made = bytecode_files(
                missing, python=python.executable, version=wanted, workdir=scratch
            )
            for compiled in made:
                target = keyed[source_of[compiled.name]]
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(compiled.path, target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    shipped = [
        SourceFile(pyc_name(name, wanted), path, False, size=path.stat().st_size)
        for name, path in keyed.items()
        if path.is_file()
    ]
    return sorted([*files, *shipped], key=lambda item: item.name)
