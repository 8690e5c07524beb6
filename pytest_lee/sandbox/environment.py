"""A child's environment, built from scratch: nothing of the developer's shell but an allowlist.

On a plain ``pytest``, a registry module that calls boto3 at import used the
developer's real ``AWS_ACCESS_KEY_ID``, the ``~/.aws`` profile (and ran its
``credential_process``) and the developer's proxy: the contract children inherited
the session's whole environment. Now every child gets, in this order (later wins):

1. from pytest's environment only :data:`ALLOWED` (the command path, the locale, the
   time zone, the dynamic linker's path the interpreter itself may need);
2. what the caller names: Lambda's own variables, ``[tool.lee.function] environment``,
   ``AWS_ENDPOINT_URL`` (minus proxy variables and credential sources: Lambda reserves
   those names too);
3. the sandbox's own: the fake key pair, ``AWS_CONFIG_FILE``/``AWS_SHARED_CREDENTIALS_FILE``
   on ``/dev/null``, no instance metadata, a private ``HOME`` and ``TMPDIR``, the
   endpoint (a closed loopback port when none was given) and the session's marker.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pytest_lee.sandbox.credentials import EMPTY_FILES, FAKE_VALUE, REMOVED, REMOVED_PREFIXES

__all__ = ["ALLOWED", "DEAD_ENDPOINT", "child_environment", "is_dropped"]

# Where a child's AWS calls go when nothing else was named: a closed loopback port.
DEAD_ENDPOINT = "http://127.0.0.1:1"
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
ALLOWED = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "LC_COLLATE",
    "LC_MESSAGES",
    "LC_NUMERIC",
    "LC_TIME",
    "TZ",
    "LD_LIBRARY_PATH",
)
_PROXIES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy")


def is_dropped(name: str) -> bool:
    """True for a name no child may take from the caller: proxies (any case), credential sources."""
    return (
        name.lower() in _PROXIES
        or name in REMOVED
        or name.startswith(REMOVED_PREFIXES)
        or name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
        or name in ("AWS_SECURITY_TOKEN", *EMPTY_FILES)
    )


def child_environment(
    named: Mapping[str, str],
    *,
    home: Path,
    tmpdir: str,
    extra: Mapping[str, str] = {},
) -> dict[str, str]:
    """The whole environment of one child (see the module docstring for the order)."""
    env = {name: os.environ[name] for name in ALLOWED if name in os.environ}
    env.setdefault("PATH", DEFAULT_PATH)
    env.update((name, value) for name, value in named.items() if not is_dropped(name))
    endpoint = named.get("AWS_ENDPOINT_URL") or DEAD_ENDPOINT
    for name in EMPTY_FILES:
        env[name] = os.devnull  # botocore reads no profile, SSO session or credential_process
    env.update(
        AWS_ACCESS_KEY_ID=FAKE_VALUE,
        AWS_SECRET_ACCESS_KEY=FAKE_VALUE,
        AWS_SESSION_TOKEN=FAKE_VALUE,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL=endpoint,
        HOME=str(home),
        TMPDIR=tmpdir,
        **extra,
    )
    return env
