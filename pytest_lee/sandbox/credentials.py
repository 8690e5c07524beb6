"""Mask every AWS credential source in this process (pytest's) for a block, and restore it after.

moto intercepts botocore's requests, but a rehearsal that somehow escaped moto (an
``AWS_ENDPOINT_URL`` it does not recognise, a client made before the mock) must still
find nothing that signs a request for a real account. So every variable the
credential chain reads is replaced by a fake or removed, the config and credentials
files point at empty files, instance metadata is switched off, and the previous
environment comes back exactly as it was — including variables that were unset.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

FAKE_VALUE = "testing"
REGION = "us-east-1"

# Replaced by a fake value: a static key pair that no account accepts.
FAKED = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")

# Removed: every other way botocore finds (or assumes) an identity.
REMOVED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ENDPOINT_URL",
)
# Service-specific endpoints (AWS_ENDPOINT_URL_LAMBDA, ...) are removed by prefix:
# an endpoint moto does not recognise would let a request through to the network.
REMOVED_PREFIXES = ("AWS_ENDPOINT_URL_",)

# Pointed at empty files so no profile, SSO session or credential_process is found.
EMPTY_FILES = ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")

# Set for the rehearsal: a fixed region and no instance-metadata look-ups.
FIXED = {"AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true"}


def masked_names(environ: Mapping[str, str]) -> tuple[str, ...]:
    """Every variable :func:`masked_credentials` changes, given the current environment."""
    prefixed = tuple(name for name in environ if name.startswith(REMOVED_PREFIXES))
    return (*FAKED, *REMOVED, *prefixed, *EMPTY_FILES, *FIXED)


@contextmanager
def masked_credentials(empty_dir: Path, *, fake: bool = True) -> Iterator[None]:
    """Mask credential sources in ``os.environ`` until the block exits.

    ``fake=False`` leaves the environment alone: rehearsing against real AWS with
    ``--lee-allow-real-aws`` needs the caller's own credentials and region.
    """
    saved = {name: os.environ.get(name) for name in masked_names(os.environ)}
    try:
        if fake:
            empty_dir.mkdir(parents=True, exist_ok=True)
            for name in FAKED:
                os.environ[name] = FAKE_VALUE
            for name in saved:
                if name in REMOVED or name.startswith(REMOVED_PREFIXES):
                    os.environ.pop(name, None)
            for name in EMPTY_FILES:
                empty = empty_dir / name.lower()
                empty.write_text("")
                os.environ[name] = str(empty)
            os.environ.update(FIXED)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
