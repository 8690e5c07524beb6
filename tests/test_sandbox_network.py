"""Network: nothing a child runs — Python, C, curl, grandchildren — leaves the machine.

Under a network namespace the kernel has no route but ``lo`` (checked from inside the
child); under the guard (``LEE_ISOLATION=guard``) each attack is refused before its
system call, by name. The target is 192.0.2.1 (TEST-NET-1: nobody's server), port 9.
The endpoint check is attacked through ``--lee-endpoint``.
"""

from __future__ import annotations

import shutil
import socket
import textwrap
from pathlib import Path

import pytest
from sandbox_helpers import isolation_kind

from pytest_lee.errors import LeeConfigError
from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.rehearsal.target import resolve_target
from pytest_lee.sandbox.endpoint import parse_endpoint
from pytest_lee.settings import CommandLine, FunctionSettings

FUNCTION = FunctionSettings(runtime_provides=(), timeout_s=60)
TARGET = ("192.0.2.1", 9)

ATTACKS = f"""
import ctypes, importlib, os, socket, subprocess, sys
import _socket

TARGET = {TARGET!r}


def attempt(name, action, outcomes):
    try:
        result = action()
    except BaseException as error:  # the attack failed: how
        outcomes[name] = "refused: " + type(error).__name__ + ": " + str(error)[:120]
    else:
        outcomes[name] = "went through: " + repr(result)[:120]


def tcp():
    return socket.create_connection(TARGET, timeout=5)


def udp():
    return socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", TARGET)


def raw_socket_module():
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    s.settimeout(5)
    return s.connect(TARGET)


def reloaded_socket():
    return importlib.reload(socket).create_connection(TARGET, timeout=5)


def fast_open():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    return s.sendto(b"GET /", getattr(socket, "MSG_FASTOPEN", 0x20000000), TARGET)


def resolver():
    return socket.getaddrinfo("example.com", 80)


def c_connect():
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.socket(2, 1, 0)
    address = bytes([2, 0, 0, TARGET[1]]) + bytes(int(p) for p in TARGET[0].split(".")) + bytes(8)
    result = libc.connect(fd, address, 16)
    if result != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return result


def python_grandchild():
    done = subprocess.run(
        [sys.executable, "-c",
         "import socket; socket.create_connection({TARGET!r}, timeout=5); print('connected')"],
        capture_output=True, text=True, timeout=60,
    )
    if "connected" not in done.stdout:
        raise OSError(done.stderr.strip().splitlines()[-1])
    return done.stdout


def curl():
    done = subprocess.run(
        ["curl", "-sS", "-m", "5", "http://{TARGET[0]}:{TARGET[1]}/"],
        capture_output=True, text=True, timeout=60,
    )
    if done.returncode != 0:
        raise OSError(done.returncode, done.stderr.strip())
    return done.stdout


def handler(event, context):
    outcomes = {{}}
    for name in event["attacks"]:
        attempt(name, globals()[name], outcomes)
    # /proc/self/net is the reading process's own network namespace (sysfs is the host's).
    with open("/proc/self/net/dev") as dev:
        interfaces = sorted(line.split(":")[0].strip() for line in dev.readlines()[2:])
    return {{"outcomes": outcomes, "interfaces": interfaces}}
"""

NAMES = [
    "tcp",
    "udp",
    "raw_socket_module",
    "reloaded_socket",
    "fast_open",
    "resolver",
    "c_connect",
    "python_grandchild",
]


def _attack(tmp_path: Path, names: list[str]) -> dict[str, object]:
    (tmp_path / "attacks.py").write_text(textwrap.dedent(ATTACKS))
    run = run_handler(tmp_path, "attacks.handler", [{"attacks": names}], FUNCTION)
    assert run.ok, f"{run.error}\n{run.stderr_tail}"
    response: dict[str, object] = run.responses[0]
    return response


def test_no_attack_from_a_handler_reaches_the_network(tmp_path: Path):
    response = _attack(tmp_path, NAMES)
    outcomes = response["outcomes"]
    assert isinstance(outcomes, dict)
    went = {name: outcome for name, outcome in outcomes.items() if "went through" in outcome}
    assert went == {}
    if isolation_kind() == "namespace":  # the kernel's view: no interface but lo
        assert response["interfaces"] == ["lo"]
    else:  # the guard refused each one before its system call, by name
        for name in NAMES:
            assert "pytest-lee network guard" in outcomes[name] or "192.0.2.1" in outcomes[name], (
                name,
                outcomes[name],
            )


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_a_handler_that_shells_out_to_curl_does_not_reach_the_network(tmp_path: Path):
    outcome = _attack(tmp_path, ["curl"])["outcomes"]["curl"]  # type: ignore[index]
    assert outcome.startswith("refused"), outcome
    if isolation_kind() == "guard":
        assert "curl is not Python" in outcome


def test_a_loopback_server_of_the_host_that_is_not_the_endpoint_is_out_of_reach(tmp_path: Path):
    if isolation_kind() != "namespace":
        pytest.skip("under the guard, loopback is open: only a namespace has a loopback of its own")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    (tmp_path / "app.py").write_text(
        "import socket\n"
        "def handler(event, context):\n"
        "    try:\n"
        f"        socket.create_connection(('127.0.0.1', {port}), timeout=5)\n"
        "    except OSError as error:\n"
        "        return type(error).__name__\n"
        "    return 'connected'\n"
    )
    try:
        run = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    finally:
        listener.close()
    assert run.responses == ("ConnectionRefusedError",)


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_the_kernel_sees_no_connection_off_the_machine(tmp_path: Path):
    """``strace -f -e trace=network`` of the whole run: no connect/sendto leaves loopback."""
    import os
    import subprocess
    import sys

    (tmp_path / "attacks.py").write_text(textwrap.dedent(ATTACKS))
    script = (
        "from pathlib import Path\n"
        "from pytest_lee.lambda_runtime.runner import run_handler\n"
        "from pytest_lee.settings import FunctionSettings\n"
        f"run = run_handler(Path({str(tmp_path)!r}), 'attacks.handler', "
        f"[{{'attacks': {NAMES!r}}}], FunctionSettings(runtime_provides=()), timeout_s=60)\n"
        "assert run.ok, run.error\n"
    )
    trace = tmp_path / "trace.txt"
    package_root = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace)]
        + [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": package_root},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if "ptrace" in done.stderr and done.returncode != 0:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    left = [
        line
        for line in trace.read_text().splitlines()
        if "192.0.2.1" in line and "ENETUNREACH" not in line
    ]
    assert left == [], "\n".join(left)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://10.9.9.9\\@127.0.0.1:5000/",
        "http://user@127.0.0.1:5000/",
        "http://127.0.0.1%2f@10.0.0.1/",
        "http://127.0.0.1:5000\\@10.0.0.1/",
    ],
)
def test_an_endpoint_that_only_looks_loopback_is_refused(endpoint: str):
    with pytest.raises(LeeConfigError, match=r"^--lee-endpoint"):
        resolve_target(CommandLine(endpoint=endpoint))


def test_the_endpoint_is_read_as_urllib3_reads_it():
    urllib3 = pytest.importorskip("urllib3")
    for url in ("http://127.0.0.1:5000/", "http://localhost:4566", "http://[::1]:5000"):
        parsed = parse_endpoint(url)
        theirs = urllib3.util.parse_url(url)
        assert (parsed.host, parsed.port, parsed.loopback) == (
            theirs.host.strip("[]"),
            theirs.port,
            True,
        )
