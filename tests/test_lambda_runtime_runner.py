"""run_handler: a fresh, isolated interpreter per call, with children that behave predictably."""

from __future__ import annotations

import importlib.util
import os
import textwrap
from pathlib import Path

import pytest
from sandbox_helpers import isolation_kind

from pytest_lee.errors import LeeConfigError
from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.settings import FunctionSettings

FUNCTION = FunctionSettings(
    name="probe", memory_mb=256, timeout_s=5, environment={"STAGE": "test"}, runtime_provides=()
)


def write(directory: Path, name: str, source: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return path


def test_the_handler_sees_a_lambda_like_process(tmp_path):
    write(
        tmp_path,
        "app",
        """
        import os, sys
        LOADED_BEFORE = sorted(m for m in ("json", "pytest", "pytest_lee", "site") if m in sys.modules)

        def handler(event, context):
            return {
                "loaded_before": LOADED_BEFORE,
                "path": sys.path[:1],
                "env": {k: os.environ.get(k) for k in ("STAGE", "AWS_LAMBDA_FUNCTION_NAME",
                        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "LAMBDA_TASK_ROOT", "TZ", "HOME")},
                "context": [context.function_name, context.memory_limit_in_mb, context.function_version,
                            context.invoked_function_arn.endswith(":function:probe"),
                            context.log_group_name, len(context.aws_request_id)],
                "remaining_ok": 0 < context.get_remaining_time_in_millis() <= 5000,
                "event": event,
            }
        """,
    )
    run = run_handler(tmp_path, "app.handler", [{"n": 1}, {"n": 2}], FUNCTION)
    assert run.ok, run.error
    cold, warm = run.responses
    assert cold["loaded_before"] == []
    # The task root: the package itself, read-only, under a mount namespace; a fresh copy
    # of it under the guard.
    task_root = str(tmp_path.resolve()) if isolation_kind() == "namespace" else cold["path"][0]
    assert cold["path"] == [task_root]
    assert cold["env"] == {
        "STAGE": "test",
        "AWS_LAMBDA_FUNCTION_NAME": "probe",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "LAMBDA_TASK_ROOT": task_root,
        "TZ": ":UTC",
        "HOME": cold["env"]["HOME"],
    }
    # A private HOME, never the developer's (botocore would find ~/.aws through it).
    assert cold["env"]["HOME"] not in (None, os.environ.get("HOME"), os.path.expanduser("~"))
    assert cold["context"] == ["probe", "256", "$LATEST", True, "/aws/lambda/probe", 36]
    assert cold["remaining_ok"] and warm["event"] == {"n": 2}
    assert (
        run.import_ms is not None and run.first_invoke_ms is not None and len(run.request_ms) == 1
    )
    assert run.max_rss_mb is not None and run.max_rss_mb > 1
    assert not (tmp_path / "__pycache__").exists()


def test_the_handler_can_reach_no_real_credentials(tmp_path):
    write(
        tmp_path,
        "app",
        """
        import os

        def handler(event, context):
            names = ("AWS_ACCESS_KEY_ID", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED")
            return {name: os.environ.get(name) for name in names}
        """,
    )
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    assert run.ok, run.error
    assert run.responses[0] == {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@pytest.mark.skipif(
    importlib.util.find_spec("requests") is None, reason="needs requests in the dev venv"
)
def test_a_module_only_the_dev_venv_has_is_not_importable(tmp_path):
    write(tmp_path, "app", "import requests\n\ndef handler(event, context):\n    return 1\n")
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    assert not run.ok
    assert run.error == "ModuleNotFoundError: No module named 'requests'"
    provided = run_handler(
        tmp_path, "app.handler", [{}], FunctionSettings(runtime_provides=("requests",))
    )
    assert provided.ok, provided.error


def test_a_configured_runtime_package_that_is_not_installed_is_a_config_error(tmp_path):
    write(tmp_path, "app", "def handler(event, context):\n    return 1\n")
    with pytest.raises(LeeConfigError, match="'no-such-dist-xyz' is not installed"):
        run_handler(
            tmp_path, "app.handler", [{}], FunctionSettings(runtime_provides=("no-such-dist-xyz",))
        )


def test_a_crash_is_reported_with_the_signal_and_the_stderr_tail(tmp_path):
    write(
        tmp_path,
        "app",
        """
        import os, sys
        def handler(event, context):
            print("about to crash", file=sys.stderr, flush=True)
            os.kill(os.getpid(), 9)
        """,
    )
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    assert (run.ok, run.returncode, run.error) == (
        False,
        -9,
        "exited with signal 9 (invocation 1 of 1)",
    )
    assert run.stderr_tail == "about to crash"


def test_a_hang_is_killed_at_the_timeout(tmp_path):
    write(
        tmp_path,
        "app",
        """
        import subprocess, sys, time
        def handler(event, context):
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            print("hanging")
            time.sleep(60)
        """,
    )
    run = run_handler(tmp_path, "app.handler", [{}, {}], FUNCTION, timeout_s=0.5)
    assert run.timed_out and not run.ok
    assert run.error == "timed out after 0.5 s (invocation 1 of 2)"
    assert run.stdout_lines == ("hanging",)


def test_a_handler_that_is_missing_or_fails_to_import_is_named(tmp_path):
    write(tmp_path, "app", "x = 1\n")
    write(tmp_path, "broken", "raise RuntimeError('config missing')\n")
    assert run_handler(tmp_path, "app.handler", [{}], FUNCTION).error == (
        "handler 'app.handler' not found: module 'app' has no attribute 'handler'"
    )
    assert (
        run_handler(tmp_path, "broken.handler", [{}], FUNCTION).error
        == "RuntimeError: config missing"
    )
    assert run_handler(tmp_path, "nothere.handler", [{}], FUNCTION).error == (
        "ModuleNotFoundError: No module named 'nothere'"
    )


def test_exceptions_and_5xx_are_invocation_errors_not_crashes(tmp_path):
    write(
        tmp_path,
        "app",
        """
        def handler(event, context):
            if event == "raise":
                raise ValueError("bad input")
            return {"statusCode": event}
        """,
    )
    run = run_handler(tmp_path, "app.handler", [200, "raise", 503, 404], FUNCTION)
    assert run.invoke_errors == (None, "ValueError: bad input", "statusCode 503", None)
    assert run.error == "invocation 2 of 4: ValueError: bad input"
    assert run.returncode == 0 and not run.timed_out


def test_importtime_lists_the_handlers_imports_by_phase(tmp_path):
    write(tmp_path, "helper_lazy", "VALUE = 1\n")
    write(tmp_path, "helper_eager", "VALUE = 2\n")
    write(
        tmp_path,
        "app",
        """
        import helper_eager
        def handler(event, context):
            import helper_lazy
            return helper_lazy.VALUE
        """,
    )
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION, importtime=True)
    phases = {timing.module: timing.phase for timing in run.imports}
    assert phases["app"] == "import" and phases["helper_eager"] == "import"
    assert phases["helper_lazy"] == "invoke 0"
    assert "import time" not in run.stderr_tail
