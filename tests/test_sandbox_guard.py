"""Children never reach the internet: any non-loopback connection fails at once, by name."""

from __future__ import annotations

import socket
import textwrap
import threading
from pathlib import Path

import pytest

from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.sandbox.guard import is_loopback
from pytest_lee.settings import FunctionSettings

NO_PROVIDES = FunctionSettings(runtime_provides=())


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("127.evil.example", False),
        ("dynamodb.us-east-1.amazonaws.com", False),
        ("8.8.8.8", False),
    ],
)
def test_only_loopback_addresses_count_as_loopback(host: str, expected: bool):
    assert is_loopback(host) is expected


def handler_dir(tmp_path: Path, source: str) -> Path:
    (tmp_path / "app.py").write_text(textwrap.dedent(source))
    return tmp_path


def test_a_connection_to_a_public_host_fails_at_once_naming_it(tmp_path: Path):
    code = handler_dir(
        tmp_path,
        """
        import socket

        def handler(event, context):
            socket.create_connection(("api.example.com", 443), timeout=30)
        """,
    )
    run = run_handler(code, "app.handler", [{}], NO_PROVIDES, timeout_s=20)
    assert run.blocked == ("api.example.com:443",)
    assert run.error is not None
    assert "api.example.com:443 is not a loopback address" in run.error


def test_a_swallowed_refusal_is_still_reported(tmp_path: Path):
    code = handler_dir(
        tmp_path,
        """
        import socket

        def handler(event, context):
            for address in (("93.184.216.34", 80), ("2606:2800:220:1::", 80)):
                try:
                    socket.socket().connect(address)
                except OSError:
                    pass
            return {"statusCode": 200}
        """,
    )
    run = run_handler(code, "app.handler", [{}], NO_PROVIDES, timeout_s=20)
    assert run.ok
    # (An IPv6 literal on an IPv4 socket fails in the address parser, before any connect.)
    assert run.blocked[0] == "93.184.216.34:80"


def test_the_aws_endpoint_on_loopback_stays_open(tmp_path: Path):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def accept_one() -> None:
        listener.accept()[0].close()

    accepted = threading.Thread(target=accept_one, daemon=True)
    accepted.start()
    code = handler_dir(
        tmp_path,
        f"""
        import socket

        def handler(event, context):
            socket.create_connection(("localhost", {port}), timeout=5).close()
            return {{"statusCode": 200}}
        """,
    )
    try:
        # The one loopback server outside a child it reaches: its AWS_ENDPOINT_URL (bridged
        # into the network namespace; under the guard, any loopback address is open).
        function = FunctionSettings(
            runtime_provides=(), environment={"AWS_ENDPOINT_URL": f"http://localhost:{port}"}
        )
        run = run_handler(code, "app.handler", [{}], function, timeout_s=20)
    finally:
        listener.close()
    assert run.ok, run.error
    assert run.blocked == ()


def test_the_guard_costs_the_handler_nothing_until_it_imports_socket(tmp_path: Path):
    code = handler_dir(
        tmp_path,
        """
        import sys

        def handler(event, context):
            return {"socket_loaded": "socket" in sys.modules}
        """,
    )
    run = run_handler(code, "app.handler", [{}], NO_PROVIDES, timeout_s=20)
    assert run.responses == ({"socket_loaded": False},)


@pytest.mark.parametrize("body", ["object()", "{1, 2}"])
def test_a_response_lambda_cannot_serialise_is_a_function_error(tmp_path: Path, body: str):
    code = handler_dir(tmp_path, f"def handler(event, context):\n    return {body}\n")
    run = run_handler(code, "app.handler", [{}], NO_PROVIDES, timeout_s=20)
    assert run.invoke_errors[0] is not None
    assert run.invoke_errors[0].startswith("response not serializable: TypeError: Object of type")
