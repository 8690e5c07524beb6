"""Offline children: AWS calls go to a loopback moto server that shares the test's moto state.

Every child — budget run, health check, canary invocation — gets ``AWS_ENDPOINT_URL``
pointing at a ``ThreadedMotoServer`` on 127.0.0.1. moto's threaded server serves the
same in-process backends as ``mock_aws``, so a DynamoDB table a test (or
``[tool.lee.aws] setup``) created in-process is there for the handler in the child.
The sandbox (``pytest_lee.sandbox``) does the rest: the server listens inside the
children's network namespace (where they have one), and nothing else is reachable.

One server per process, started on first use and left running until the process
ends (a daemon thread): its state is whatever ``mock_aws`` holds at the time.
Without moto's server extra the children get a closed loopback port instead, so an
AWS call fails fast. boto3 and moto load only here.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_lee._reference import load_reference
from pytest_lee.errors import LeeError, MissingExtraError
from pytest_lee.settings import FunctionSettings, Settings

_SERVER: dict[str, Any] = {}


def moto_server_url() -> str | None:
    """The loopback moto server's URL (started once per process), or None without moto[server]."""
    from pytest_lee.lambda_runtime.server_log import keep_server_log

    keep_server_log()  # each time: a re-imported server_log (pytester) keeps its own buffer
    if "url" in _SERVER and _SERVER.get("flask") is not sys.modules.get("flask"):
        # pytester's in-process runs drop the modules first imported inside them; moto
        # imports flask's request proxy per request, so a server started on the old flask
        # answers every request with "Working outside of request context". Start anew.
        _SERVER.pop("server").stop()
        _SERVER.clear()
    if "url" not in _SERVER:
        try:
            from moto.server import ThreadedMotoServer
        except ImportError:  # moto without its server extra (flask, werkzeug)
            return None
        from pytest_lee.sandbox.isolation import start_for_children

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)

        def start() -> tuple[str, int]:
            server.start()
            return server.get_host_and_port()

        # In the children's network namespace when there is one: no bridge to cross.
        host, port = start_for_children(start)
        _SERVER.update(server=server, url=f"http://{host}:{port}", flask=sys.modules.get("flask"))
    return str(_SERVER["url"])


def child_aws_environment(
    function: FunctionSettings, region: str, endpoint: str | None
) -> FunctionSettings:
    """*function* with the region and the endpoint its children call (the moto server, a
    ``--lee-endpoint`` one, or none: the sandbox then names a closed loopback port). The
    credentials, config files and the rest are the sandbox's (``pytest_lee.sandbox``)."""
    safety = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    if endpoint is not None:
        safety["AWS_ENDPOINT_URL"] = endpoint
    return dataclasses.replace(
        function, environment=MappingProxyType({**function.environment, **safety})
    )


def run_setup(settings: Settings) -> None:
    """Create the template's resources, then call ``[tool.lee.aws] setup`` (``module:function``,
    importable from the rootdir), inside moto, before any child starts."""
    if settings.aws.resources:
        from pytest_lee.template.moto_state import create_resources

        create_resources(settings.aws.resources, settings.aws.region)
    reference = settings.aws.setup
    if reference is None:
        return
    function = load_reference(settings, reference, "tool.lee.aws.setup")
    try:
        function()
    except Exception as error:
        raise LeeError(
            f"tool.lee.aws.setup {reference}: raised {type(error).__name__}: {error}"
        ) from None


@contextmanager
def offline_children(
    settings: Settings,
    work_dir: Path,
    function: FunctionSettings | None = None,
    code_dir: Path | None = None,
) -> Iterator[FunctionSettings]:
    """For children started outside a rehearsal (budgets, ``lee_cold_start``).

    Starts moto in-process (credentials masked first, so nothing here can sign for a
    real account), calls ``[tool.lee.aws] setup`` inside it, and yields *function*
    (default ``[tool.lee.function]``) with the offline AWS environment. Without moto installed
    the children still get a closed loopback endpoint; a configured ``setup`` then
    needs the ``aws`` extra. Moto starts only when something may call AWS: a ``setup``,
    code in *code_dir* that mentions boto3/botocore, or a ``mock_aws`` the test has
    open (starting moto costs about a second, which a handler that never calls AWS
    should not pay).
    """
    region = settings.aws.region
    function = function or settings.function
    if not _may_call_aws(settings, code_dir):
        yield child_aws_environment(function, region, None)
        return
    try:
        from moto import mock_aws
    except ImportError:
        if settings.aws.setup is not None:
            raise MissingExtraError("[tool.lee.aws] setup", "aws", "moto") from None
        if settings.aws.resources:
            raise MissingExtraError("the template's resources", "aws", "moto") from None
        yield child_aws_environment(function, region, None)
        return
    from pytest_lee.sandbox.credentials import masked_credentials

    with ExitStack() as stack:
        stack.enter_context(masked_credentials(work_dir / "no-credentials"))
        stack.enter_context(_region(region))
        stack.enter_context(mock_aws())  # the default Lambda backend: see rehearsal/fixture.py
        run_setup(settings)
        endpoint = moto_server_url()
        yield child_aws_environment(function, region, endpoint)


@contextmanager
def _region(region: str) -> Iterator[None]:
    """``AWS_REGION``/``AWS_DEFAULT_REGION`` for the block (inside masked credentials,
    which restore both)."""
    import os

    os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = region
    yield


def rehearsal_child(
    settings: Settings, mode: str, endpoint: str | None, work_dir: Path
) -> FunctionSettings:
    """``[tool.lee.function]`` as a rehearsal's children run it: against the loopback moto
    server sharing the rehearsal's state (moto mode), the ``--lee-endpoint`` server (a
    loopback one), and never real AWS (a closed port: the network guard stops the rest)."""
    if mode == "moto":
        endpoint = moto_server_url()
    elif mode != "local":
        endpoint = None
    return child_aws_environment(settings.function, settings.aws.region, endpoint)


def _may_call_aws(settings: Settings, code_dir: Path | None) -> bool:
    if settings.aws.setup is not None or settings.aws.resources or code_dir is None:
        return True
    moto_core = sys.modules.get("moto.core.models")
    if moto_core is not None and getattr(moto_core.MockAWS, "_nested_count", 0) > 0:
        return True  # the test is inside mock_aws: its state is the handler's
    return mentions_aws(code_dir)


def mentions_aws(code_dir: Path) -> bool:
    """True when a ``.py`` file of *code_dir* names boto3 or botocore (a byte search)."""
    for path in code_dir.rglob("*.py"):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if b"boto3" in data or b"botocore" in data:
            return True
    return False
