"""``[tool.lee.function] python``: children run with it when it runs, else a warning says why."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pytest_lee import _interpreter as interpreter
from pytest_lee.errors import PackageError
from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.package import build_package
from pytest_lee.settings import FunctionSettings, Settings


def other_python() -> str | None:
    """A working interpreter of another version than the running one, if this machine has one."""
    home = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [*home.glob("3.*/bin/python3.*"), *Path("/usr/bin").glob("python3.*")]
    candidates.sort(key=lambda path: path.name, reverse=True)  # the newest first
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for candidate in candidates:
        if not candidate.name.replace("python", "").replace(".", "").isdigit():
            continue
        if candidate.name == f"python{running}" or candidate.name < "python3.10":
            continue
        try:
            done = subprocess.run([candidate, "-I", "-S", "-c", "pass"], timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return str(candidate)
    return None


def test_a_shim_that_exits_127_is_not_used_and_the_warning_says_why(tmp_path):
    shim = tmp_path / "python3.12"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.12: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    found = interpreter.resolve(str(shim))
    assert found.is_running
    assert found.problem is not None
    assert f"{shim} exited with status 127: pyenv: python3.12: command not found" in found.problem
    note = interpreter.note(found)
    assert note is not None and note.endswith(
        f"children run with the running Python {sys.version_info[0]}.{sys.version_info[1]}"
    )


def test_a_missing_interpreter_is_named():
    found = interpreter.resolve("python-lee-does-not-exist")
    assert found.is_running
    assert found.problem is not None
    assert "python = 'python-lee-does-not-exist': not found" in found.problem
    assert interpreter.resolve(None).problem is None


def test_children_and_compilation_use_the_configured_interpreter(tmp_path):
    python = other_python()
    if python is None:
        pytest.skip("no second Python on this machine")
    code = tmp_path / "task"
    code.mkdir()
    (code / "app.py").write_text(
        "import sys\n\ndef handler(event, context):\n    return list(sys.version_info[:2])\n"
    )
    function = FunctionSettings(name="probe", timeout_s=30, runtime_provides=(), python=python)
    resolved = interpreter.resolve(python)
    assert resolved.problem is None and not resolved.is_running
    run = run_handler(code, "app.handler", [{}], function)
    assert run.ok, run.error
    assert run.responses[0] == list(resolved.version)
    assert run.python == resolved.label

    # A compiled distribution built for the running Python is not importable by it.
    provides = tmp_path / "provides"
    provides.mkdir()
    (provides / "pure.py").write_text("VALUE = 1\n")
    tag = sys.implementation.cache_tag
    (provides / f"native.{tag}-x86_64-linux-gnu.so").write_bytes(b"")
    problems = interpreter.provides_problems(resolved, provides)
    assert len(problems) == 1 and problems[0].startswith(
        f"runtime_provides: 'native' is not importable by {resolved.label}: ModuleNotFoundError"
    )

    # The package's .py files are compiled by that interpreter, not the running one.
    source = tmp_path / "src"
    source.mkdir()
    (source / "app.py").write_text(
        textwrap.dedent(
            """
            def handler(event, context):
                return 1
            print(f"{"the same quotes nested: Python 3.12 syntax"}")
            """
        )
    )
    (source / "bad.py").write_text("def broken(:\n")
    settings = Settings(
        rootdir=tmp_path, source=source, handler="app.handler", min_lines=0, function=function
    )
    with pytest.raises(PackageError) as caught:
        build_package(settings, None, out_dir=tmp_path / "zip")
    message = str(caught.value)
    assert (
        f"bad.py:1: does not compile with Python {resolved.version[0]}.{resolved.version[1]}"
        in message
    )
    if resolved.version >= (3, 12):
        assert "app.py" not in message  # valid for it, though the running Python cannot parse it
