"""The runtime-provided packages as Lambda's runtime has them: already compiled.

Lambda's Python runtime ships boto3 and botocore with their ``.pyc`` files, so a cold
start never compiles them. Here the ``runtime_provides`` directory links into this
environment's site-packages, which holds bytecode for the Python that installed them:
a child running another Python (``[tool.lee.function] python = python3.12`` from a
3.11 venv) found no ``cpython-312`` files and compiled all of botocore at every cold
start (about a third of its import), which Lambda never does.

So, for a child Python that lacks them, the provided packages get a mirror: real
directories where the sources have ``.py`` files, links to every file and to every
directory without Python code (botocore's ``data``), and their ``__pycache__`` compiled
once by that Python (``compileall``). Mirrors live under the cache directory
(``runtime-bytecode/cpython-XY-<key>``, the key from what is linked and its
modification times, so an upgrade makes a new one) and are made atomically (a
temporary directory renamed into place), so sessions and xdist workers share them.

The function's own and vendored files are NOT covered: Lambda compiles them at every
cold start unless the package ships bytecode (``[tool.lee] compile``, see
``pytest_lee.package.bytecode`` — another cache, of another thing).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pytest_lee._interpreter import Interpreter

__all__ = ["has_bytecode", "runtime_packages"]

_MIRRORS: dict[tuple[str, str], Path] = {}


def runtime_packages(provides: Path | None, python: Interpreter) -> Path | None:
    """*provides*, or its compiled mirror when *python* has no bytecode there (made once)."""
    if provides is None:
        return None
    key = (str(provides), python.executable)
    if key not in _MIRRORS:
        _MIRRORS[key] = _mirror_for(provides, python)
    return _MIRRORS[key]


def has_bytecode(entry: Path, tag: str) -> bool:
    """True when package *entry* (or module ``x.py``) has ``__pycache__`` for *tag*."""
    if entry.is_dir():
        init = entry / "__init__.py"
        if not init.is_file():
            return True  # a namespace or data directory: nothing to compile at its top
        return (entry / "__pycache__" / f"__init__.{tag}.pyc").is_file()
    if entry.suffix == ".py":
        return (entry.parent / "__pycache__" / f"{entry.stem}.{tag}.pyc").is_file()
    return True


def _tag(python: Interpreter) -> str:
    return f"cpython-{python.version[0]}{python.version[1]}"


def _mirror_for(provides: Path, python: Interpreter) -> Path:
    tag = _tag(python)
    entries = sorted(provides.iterdir())
    if all(has_bytecode(entry.resolve(), tag) for entry in entries):
        return provides
    from pytest_lee.package.compiled import cache_dir

    fingerprint = hashlib.sha256()
    for entry in entries:
        target = entry.resolve()
        stat = target.stat()
        fingerprint.update(f"{entry.name}\0{target}\0{stat.st_mtime_ns}\0".encode())
    root = cache_dir() / "runtime-bytecode"
    mirror = root / f"{tag}-{fingerprint.hexdigest()[:16]}"
    if mirror.is_dir():
        return mirror
    try:
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
        building.chmod(0o755)  # mkdtemp's 0700 would hide it from a child of another user
    except OSError:
        return provides  # no cache directory: the children compile, as before
    try:
        for entry in entries:
            _link_tree(entry.resolve(), building / entry.name)
        # compileall of runtime_provides packages: compiles, runs none of them (not through the sandbox).
        subprocess.run(
            [python.executable, "-I", "-S", "-m", "compileall", "-q", "-j", "0", str(building)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=600,
            check=False,
        )
        os.rename(building, mirror)
    except OSError:  # another session renamed its mirror first, or the disk is full
        shutil.rmtree(building, ignore_errors=True)
        return mirror if mirror.is_dir() else provides
    except subprocess.TimeoutExpired:
        shutil.rmtree(building, ignore_errors=True)
        return provides
    return mirror


def _link_tree(source: Path, target: Path) -> None:
    """Real directories where there is Python code below, links for everything else."""
    if not source.is_dir() or not _has_python(source):
        target.symlink_to(source)
        return
    target.mkdir()
    for child in sorted(source.iterdir()):
        if child.name == "__pycache__":
            continue
        _link_tree(child, target / child.name)


def _has_python(directory: Path) -> bool:
    return any(name.endswith(".py") for _, _, files in os.walk(directory) for name in files)
