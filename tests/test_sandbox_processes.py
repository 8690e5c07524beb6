"""Processes: every child that runs user code starts in the sandbox, dies with pytest,
has a CPU limit of its own, and what a killed session left is reaped by the next one."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sandbox_helpers import shared_dir

from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.sandbox import reaper
from pytest_lee.settings import FunctionSettings

PACKAGE = Path(__file__).resolve().parents[1] / "pytest_lee"
FUNCTION = FunctionSettings(runtime_provides=(), timeout_s=60)

# (module, enclosing function) → why it may start a process outside the sandbox.
ALLOWED = {
    ("deploy_groups/baseline.py", "_git"): "git reads the baseline ref: no user code runs",
    ("deploy_groups/baseline.py", "_git_tree"): "git archive of the baseline: no user code",
    ("budgets/saved_runs.py", "recorded"): "git rev-parse for the saved run's commit",
    ("package/vendor.py", "_install"): "pip installs requirements (the user's own pins)",
    ("lambda_runtime/limits.py", "_probe_systemd"): "systemd-run --scope probe with `true`",
    ("_interpreter.py", "_resolve"): "the configured interpreter's version probe",
    (
        "_interpreter.py",
        "_run_lines",
    ): "imports the runtime_provides distributions, not the project",
    ("lambda_runtime/bytecode.py", "_mirror_for"): "compileall of runtime_provides: runs no code",
    ("package/bytecode.py", "bytecode_files"): "compiles the package's sources: runs none of them",
}
_OS_CALLS = ("fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp")
_OS_PREFIXES = ("exec", "spawn")
_MODULES = ("subprocess", "multiprocessing", "pty", "asyncio.subprocess")


def _starts_a_process(call: ast.Call, imported: dict[str, str]) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        owner = imported.get(func.value.id, func.value.id)
        name = func.attr
        if owner == "os" and (name in _OS_CALLS or name.startswith(_OS_PREFIXES)):
            return f"os.{name}"
        if owner in _MODULES and not name.endswith(("Error", "Expired", "Exception")):
            return f"{owner}.{name}"
        if owner == "asyncio" and name.startswith("create_subprocess"):
            return f"asyncio.{name}"
    if isinstance(func, ast.Name) and func.id in imported:
        origin = imported[func.id]
        if origin.startswith(("subprocess.", "multiprocessing.", "pty.")) or origin in {
            f"os.{name}" for name in _OS_CALLS
        }:
            return origin
    return None


def process_starts(root: Path = PACKAGE) -> list[tuple[str, str, int, str]]:
    """(module, function, line, call) of every process start outside ``sandbox/``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("sandbox/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    imported[alias.asname or alias.name] = alias.name
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for function in [tree, *ast.walk(tree)]:
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
                continue
            name = getattr(function, "name", "<module>")
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and (what := _starts_a_process(node, imported)):
                    found.append((relative, name, node.lineno, what))
    # A call inside a nested function is found for each enclosing one: keep the innermost.
    innermost: dict[tuple[str, int], tuple[str, str, int, str]] = {}
    for entry in found:
        innermost[(entry[0], entry[2])] = entry
    return sorted(innermost.values())


def test_every_process_start_outside_the_sandbox_is_allowed_with_a_reason():
    unexplained = [
        f"{module}:{line} {call} in {function}()"
        for module, function, line, call in process_starts()
        if (module, function) not in ALLOWED
    ]
    assert unexplained == [], "start these through pytest_lee.sandbox.child.open_child"


def test_the_walker_finds_each_way_of_starting_a_process(tmp_path: Path):
    (tmp_path / "bad.py").write_text(
        textwrap.dedent(
            """
            import os, subprocess, multiprocessing as mp
            from subprocess import Popen
            from os import posix_spawn

            def one():
                subprocess.run(["x"])
                Popen(["x"])
                os.fork()
                os.execv("/bin/x", ["x"])
                posix_spawn("/bin/x", ["x"], {})
                mp.Process(target=print).start()
                os.system("x")
            """
        )
    )
    calls = [call for _, _, _, call in process_starts(tmp_path)]
    assert calls == [
        "subprocess.run",
        "subprocess.Popen",
        "os.fork",
        "os.execv",
        "os.posix_spawn",
        "multiprocessing.Process",
        "os.system",
    ]
    assert list(ALLOWED.values()) and all(ALLOWED.values())  # every exception has a reason


def test_every_process_of_a_child_has_a_cpu_limit_of_its_own(tmp_path: Path):
    """A spinning grandchild that left the group ends by itself, even with nobody left."""
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            """
            import resource, subprocess, sys
            def handler(event, context):
                mine = resource.getrlimit(resource.RLIMIT_CPU)
                grandchild = subprocess.run(
                    [sys.executable, "-c",
                     "import resource; print(resource.getrlimit(resource.RLIMIT_CPU))"],
                    capture_output=True, text=True,
                ).stdout.strip()
                return {"mine": list(mine), "grandchild": grandchild}
            """
        )
    )
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION, timeout_s=1)
    assert run.ok, run.error
    # timeout_s x (events + 1) + 5 s: the most CPU a whole run may need.
    assert run.responses[0] == {"mine": [7, 7], "grandchild": "(7, 7)"}


def test_a_child_dies_with_the_pytest_that_started_it(tmp_path: Path):
    """kill -9 of the starting process: the hanging child goes too (PR_SET_PDEATHSIG)."""
    with shared_dir() as shared:
        pid_file = shared / "child.pid"
        (tmp_path / "app.py").write_text(
            "import os, time\n"
            "def handler(event, context):\n"
            f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
            "    time.sleep(600)\n"
        )
        script = (
            "import sys; from pathlib import Path\n"
            "from pytest_lee.lambda_runtime.runner import run_handler\n"
            "from pytest_lee.settings import FunctionSettings\n"
            f"run_handler(Path({str(tmp_path)!r}), 'app.handler', [{{}}], "
            "FunctionSettings(runtime_provides=()), timeout_s=600)\n"
        )
        env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
        starter = subprocess.Popen([sys.executable, "-c", script], env=env)
        try:
            assert _wait(pid_file.exists, 120), "the child never started"
            child = int(pid_file.read_text())
            os.kill(starter.pid, signal.SIGKILL)
            starter.wait()
            assert _wait(lambda: not _alive(child), 30), "the child outlived its pytest"
        finally:
            if starter.poll() is None:
                starter.kill()


def test_the_next_session_reaps_only_what_a_gone_session_left(tmp_path: Path, monkeypatch):
    """A leftover names its session by pid *and* start time: a reused pid is not its owner."""
    monkeypatch.setattr(reaper.tempfile, "gettempdir", lambda: str(tmp_path))
    gone = tmp_path / "lee-999999999-1-child-abc"
    mine = tmp_path / f"lee-{reaper.session_tag()}-child-def"
    reused = tmp_path / f"lee-{os.getpid()}-1-child-ghi"  # this pid, another start time
    for directory in (gone, mine, reused):
        directory.mkdir()
        os.utime(directory, (time.time() - 120, time.time() - 120))  # past MIN_AGE_S
    orphan = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"],
        env={**os.environ, reaper.SESSION_VARIABLE: "999999999-1"},
        start_new_session=True,
    )
    try:
        monkeypatch.setitem(reaper._reaped, "done", None)
        reaper._reaped.clear()
        reaped = reaper.reap_gone_sessions()
        assert orphan.wait(timeout=30) == -signal.SIGKILL
    finally:
        if orphan.poll() is None:
            orphan.kill()
    assert (gone.exists(), mine.exists(), reused.exists()) == (False, True, False)
    assert reaped.processes >= 1 and reaped.directories == 2
    assert reaped.line() is not None and "process" in reaped.line()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(condition, limit_s: float) -> bool:
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
