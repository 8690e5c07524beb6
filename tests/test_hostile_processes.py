"""Hostile handlers and hostile endings (cases 4 and 11 of the hardening issue): a handler
that escapes its process group, a huge response, a session ended by SIGTERM — alone or
under xdist. Nothing may wait for a timeout, outlive the session or stay in the temp dir.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from budgets_project import budgets_project
from sandbox_helpers import shared_dir

from pytest_lee.lambda_runtime import runner
from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.settings import FunctionSettings

FUNCTION = FunctionSettings(name="probe", timeout_s=20, runtime_provides=())


def alive(pid: int) -> bool:
    """True while *pid* runs (a zombie waiting for a reaper that never comes counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_until(condition, *, limit_s: float = 60.0) -> bool:
    """Poll *condition* until it holds; the limit only stops a broken run from hanging."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


def test_a_handler_that_forks_a_setsid_child_neither_hangs_the_run_nor_leaves_it_running(
    tmp_path: Path,
):
    with shared_dir() as shared:
        _setsid_child(tmp_path, shared / "daemon.pid")


def _setsid_child(tmp_path: Path, pid_file: Path) -> None:
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            f"""
            import os, time
            def handler(event, context):
                if os.fork() == 0:  # a daemon: its own session, the result pipe inherited
                    os.setsid()
                    open({str(pid_file)!r}, "w").write(str(os.getpid()))
                    time.sleep(600)
                    os._exit(0)
                while not os.path.exists({str(pid_file)!r}):
                    time.sleep(0.01)
                return {{"statusCode": 200}}
            """
        )
    )
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    assert (run.ok, run.timed_out, run.error) == (True, False, None)
    daemon = int(pid_file.read_text())
    assert wait_until(lambda: not alive(daemon), limit_s=10), "the setsid child outlived the run"


def test_a_60_mb_response_is_read_whole(monkeypatch: pytest.MonkeyPatch):
    """The parent side alone: 60 MB in one line, written in small pieces, cut in one pass
    (it was quadratic, and a big response was reported as a timeout)."""
    read_fd, write_fd = os.pipe()
    payload = b'{"kind": "invoke", "index": 0, "response": "' + b"x" * 60_000_000 + b'"}\n'

    def feed() -> None:
        with os.fdopen(write_fd, "wb", buffering=0) as out:
            for start in range(0, len(payload), 8192):
                out.write(payload[start : start + 8192])
            out.write(b'{"kind": "done"}\n')

    monkeypatch.setattr(runner, "_exit_watch", lambda pid: None)  # no child: the pipe only
    writer = threading.Thread(target=feed)
    writer.start()
    try:
        records, timed_out_in = runner._read_protocol(read_fd, os.getpid(), 300)
    finally:
        writer.join()
        os.close(read_fd)
    assert timed_out_in is None
    assert [record["kind"] for record in records] == ["invoke", "done"]
    assert len(records[0]["response"]) == 60_000_000


SLEEPER = """\
    import os, time
    def handler(event, context):
        open(os.environ["PID_FILE"], "w").write(str(os.getpid()))
        time.sleep(600)
        return {}
"""


@pytest.mark.parametrize("xdist", [False, True], ids=["alone", "under-xdist"])
def test_sigterm_mid_measurement_leaves_no_temp_dir_and_no_process(pytester, xdist: bool):
    if xdist:
        pytest.importorskip("xdist")
    with shared_dir() as shared:
        _sigterm_mid_measurement(pytester, xdist, shared / "child.pid")


def _sigterm_mid_measurement(pytester: pytest.Pytester, xdist: bool, pid_file: Path) -> None:
    budgets_project(
        pytester, SLEEPER, "runs = 1\n", timeout=600, environment={"PID_FILE": pid_file}
    )
    pytester.makepyfile(test_sleep="def test_it(lee_cold_start):\n    lee_cold_start()\n")
    temp = pytester.mkdir("tmp")
    env = {**os.environ, "TMPDIR": str(temp), "PYTEST_ADDOPTS": ""}
    argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "test_sleep.py"]
    controller = subprocess.Popen(
        argv + (["-n", "1"] if xdist else []),
        cwd=pytester.path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(pid_file.exists, limit_s=120), "the measured child never started"
        child = int(pid_file.read_text())
        workers = [int(p) for p in _children(controller.pid)] if xdist else []
        assert any(name.startswith("lee-") for name in os.listdir(temp))
        controller.send_signal(signal.SIGTERM)
        controller.wait(timeout=120)
    finally:
        if controller.poll() is None:
            controller.kill()
    assert wait_until(lambda: not any(alive(pid) for pid in [child, *workers]), limit_s=10)
    assert wait_until(
        lambda: not [n for n in os.listdir(temp) if n.startswith("lee-")], limit_s=10
    ), os.listdir(temp)


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
