"""Where a rehearsal runs: moto in-process (the default), a local endpoint, or real AWS.

``--lee-endpoint URL`` sends the same calls to any endpoint boto3 can reach. A
loopback endpoint (a moto server, LocalStack) gets the same fake credentials as moto
in-process. Anything else is real AWS as far as we can tell, refused unless
``--lee-allow-real-aws`` is given — and even then never on the function named in
``[tool.lee.function]``: a rehearsal works on a copy, never on production. The flag
alone changes nothing: without ``--lee-endpoint`` rehearsals stay in moto.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pytest_lee.errors import LeeConfigError, LeeError
from pytest_lee.sandbox.credentials import REGION
from pytest_lee.sandbox.endpoint import EndpointError, parse_endpoint
from pytest_lee.settings import CommandLine


@dataclass(frozen=True)
class Target:
    """``mode`` is ``"moto"``, ``"local"`` (a loopback endpoint) or ``"real"``."""

    mode: str
    endpoint: str | None = None

    @property
    def fake_credentials(self) -> bool:
        return self.mode != "real"

    def describe(self) -> str:
        if self.mode == "moto":
            return "moto in-process"
        return f"{'real AWS at ' if self.mode == 'real' else ''}{self.endpoint}"

    def check_function(self, function_name: str, production_name: str) -> None:
        """Refuse to touch the production function on real AWS."""
        __tracebackhide__ = True
        if self.mode == "real" and same_function(function_name, production_name):
            copy = bare_function_name(production_name) + "-rehearsal"
            raise LeeError(
                f"refusing to rehearse on {function_name!r} at {self.endpoint}: it is the "
                "[tool.lee.function] name, production itself; rehearse on a copy "
                f"(lee_rehearsal.function_name = {copy!r})"
            )

    def clients(self) -> tuple[Any, Any]:
        """(lambda, iam) boto3 clients for this target; boto3 is imported here, not before."""
        import boto3
        from botocore.config import Config

        config = Config(
            retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=60
        )
        session = boto3.session.Session(
            region_name=_region(self.endpoint) if self.mode == "real" else REGION
        )
        if self.mode == "moto":
            return session.client("lambda", config=config), session.client("iam", config=config)
        lambda_client = session.client("lambda", endpoint_url=self.endpoint, config=config)
        # A moto server or LocalStack serves every service at one URL; real IAM is global.
        iam_endpoint = None if self.mode == "real" else self.endpoint
        return lambda_client, session.client("iam", endpoint_url=iam_endpoint, config=config)


def bare_function_name(identifier: str) -> str:
    """The function name in any form Lambda's ``FunctionName`` accepts.

    ``LEE``, ``LEE:production`` (a qualifier), the partial ARNs ``function:LEE``,
    ``123456789012:function:LEE`` and ``us-east-1:123456789012:function:LEE``, and
    ``arn:aws:lambda:us-east-1:123456789012:function:LEE[:qualifier]`` all name the
    function ``LEE``: the production guard compares this, not the spelling. Whatever
    precedes it, the name is the part after ``function``.
    """
    parts = identifier.strip().split(":")
    if "function" in parts[:-1]:
        return parts[parts.index("function") + 1]
    return parts[0]


def same_function(first: str, second: str) -> bool:
    """True when both identifiers name one function. Case is ignored on purpose: Lambda
    tells ``LEE`` from ``lee``, but a guard that errs must err towards refusing."""
    return bare_function_name(first).casefold() == bare_function_name(second).casefold()


def resolve_target(options: CommandLine) -> Target:
    """The target the command line asks for; LeeConfigError (one line) when it is refused."""
    endpoint = options.endpoint
    if endpoint is None:
        return Target("moto")
    try:
        parsed = parse_endpoint(endpoint)
    except EndpointError as error:
        raise LeeConfigError(f"--lee-endpoint {endpoint!r}: {error}") from None
    if parsed.loopback:
        return Target("local", endpoint)
    if not options.allow_real_aws:
        raise LeeConfigError(
            f"--lee-endpoint {endpoint}: not a loopback address, so possibly real AWS; "
            "rehearsals reach real AWS only with --lee-allow-real-aws (and never on the "
            "[tool.lee.function] name)"
        )
    return Target("real", endpoint)


def _region(endpoint: str | None) -> str | None:
    """The region in a regional endpoint (``lambda.eu-west-1.amazonaws.com``), else the default."""
    host = urlsplit(endpoint or "").hostname or ""
    labels = host.split(".")
    if len(labels) >= 4 and labels[0] == "lambda" and labels[-2] == "amazonaws":
        return labels[1]
    return None
