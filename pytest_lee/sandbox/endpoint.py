"""Is an endpoint URL on this machine? Read the way botocore and urllib3 read it.

``--lee-endpoint='http://10.9.9.9\\@127.0.0.1:5000/'`` passed a check made with
``urlsplit`` (host ``127.0.0.1``, after a user part ``10.9.9.9\\``) while urllib3, which
opens botocore's connections, read the host as ``10.9.9.9``. So an endpoint is
loopback only when its authority is plain (a host and an optional port: no user part,
no backslash, no percent-escape, no whitespace) and every parser at hand — ``urlsplit``,
and urllib3's ``parse_url`` when installed — reads the same loopback host and port.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Endpoint", "EndpointError", "is_loopback_host", "parse_endpoint"]

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_AUTHORITY = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::[0-9]{1,5})?")


class EndpointError(ValueError):
    """The URL is not one this module can read the same way as botocore."""


@dataclass(frozen=True)
class Endpoint:
    """An http(s) endpoint as every parser reads it."""

    url: str
    scheme: str
    host: str  # without brackets
    port: int
    loopback: bool


def is_loopback_host(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost: names are not resolved."""
    text = host.strip("[]").lower().rstrip(".")
    if text in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def parse_endpoint(url: str) -> Endpoint:
    """*url* read as botocore would; EndpointError (one line) when the readings could differ."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError("expected an http(s) URL such as http://127.0.0.1:5000")
    if not _AUTHORITY.fullmatch(parts.netloc):
        raise EndpointError(
            f"the host part {parts.netloc!r} is not a plain host[:port] (no user part, "
            "backslash or escape), so urllib3 may read another host than it shows"
        )
    try:
        port = parts.port
    except ValueError:
        raise EndpointError("the port is not a number from 0 to 65535") from None
    default = 443 if parts.scheme == "https" else 80
    host = parts.hostname
    other = _urllib3_reading(url)
    if other is not None and (other[0].strip("[]").lower(), other[1] or default) != (
        host.lower(),
        port or default,
    ):
        raise EndpointError(
            f"urllib3 reads the host as {other[0]!r}, the standard library as {host!r}"
        )
    return Endpoint(url, parts.scheme, host, port or default, is_loopback_host(host))


def _urllib3_reading(url: str) -> tuple[str, int | None] | None:
    try:
        from urllib3.util import parse_url
    except ImportError:  # without urllib3, the plain-authority check above stands alone
        return None
    try:
        parsed = parse_url(url)
    except ValueError as error:
        raise EndpointError(f"urllib3 cannot read it: {error}") from None
    return (parsed.host or "", parsed.port)
