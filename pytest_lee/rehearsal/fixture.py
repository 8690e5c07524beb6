"""``lee_rehearsal`` / ``lee_rehearsal_session``: one rehearsal environment per fixture.

Order matters and is the point of this module: credentials are masked *before*
boto3 makes a client and moto's mock starts *before* any client exists, so no call
of the rehearsal can be signed for, or sent to, a real account; both are undone, in
reverse, when the fixture ends. boto3 and moto are imported here, inside the
function, so a test run that never rehearses never loads them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest

from pytest_lee.errors import LeeError, MissingExtraError
from pytest_lee.findings import SessionReport
from pytest_lee.settings import Settings


@contextmanager
def rehearsal_session(
    settings: Settings, report: SessionReport | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """Yield a :class:`~pytest_lee.rehearsal.session.Rehearsal`; fail in one line when it cannot be had."""
    problem: str | None = None
    try:
        stack_factory = _prepare(settings, report, tmp_path_factory)
    except LeeError as error:
        problem = str(error)
    if problem is not None:  # outside the except block: no "during handling" chain in the report
        pytest.fail(problem, pytrace=False)
    with stack_factory() as rehearsal:
        yield rehearsal


def _prepare(
    settings: Settings, report: SessionReport | None, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    from pytest_lee.rehearsal.target import resolve_target

    target = resolve_target(settings.options)
    mock_aws = _import_extras(target.mode == "moto")
    work_dir = tmp_path_factory.mktemp("lee-rehearsal")

    @contextmanager
    def opened() -> Iterator[Any]:
        from pytest_lee.lambda_runtime.offline import run_setup
        from pytest_lee.rehearsal.session import Rehearsal
        from pytest_lee.sandbox.credentials import masked_credentials

        with ExitStack() as stack:
            stack.enter_context(
                masked_credentials(work_dir / "no-credentials", fake=target.fake_credentials)
            )
            if target.fake_credentials:  # the region children and moto use
                os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = settings.aws.region
            if mock_aws is not None:
                # moto's default Lambda backend: with use_docker=False (the "simple" backend)
                # moto 5.2 publishes layers where CreateFunction never looks (it reads the
                # default backend), so a function with layers was refused. We never invoke
                # through moto (children run the bytes), so Docker is never asked for.
                stack.enter_context(mock_aws())
                run_setup(settings)  # [tool.lee.aws] setup, inside moto, before any child
            lambda_client, iam_client = target.clients()
            yield Rehearsal(
                settings,
                report,
                work_dir=work_dir,
                target=target,
                lambda_client=lambda_client,
                iam_client=iam_client,
            )

    return opened


def _import_extras(need_moto: bool) -> Any:
    """moto's ``mock_aws`` (or None when an endpoint replaces it); MissingExtraError without the extra."""
    try:
        import boto3  # noqa: F401
        import botocore  # noqa: F401
    except ImportError:
        raise MissingExtraError("a rehearsal", "aws", "boto3") from None
    if not need_moto:
        return None
    try:
        from moto import mock_aws
    except ImportError:
        raise MissingExtraError("a rehearsal", "aws", "moto") from None
    return mock_aws
