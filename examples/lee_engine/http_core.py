"""HTTP core: prepares outbound requests. It never opens a socket; the engine runs offline."""

from __future__ import annotations

from typing import Any, Dict, Optional
from urllib.parse import urlsplit

_METHODS = {"GET", "POST", "PUT", "DELETE"}


def _execute_prepare_implementation(
    method: str, url: str, body: Optional[str] = None, timeout: int = 30
) -> Dict[str, Any]:
    if method.upper() not in _METHODS:
        raise ValueError(f"unsupported HTTP method {method!r}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    return {
        "method": method.upper(),
        "host": parts.netloc,
        "path": parts.path or "/",
        "body_bytes": len(body.encode()) if body else 0,
        "timeout": timeout,
    }


def _execute_test_implementation(timeout: int = 30) -> Dict[str, Any]:
    return {"interface": "http", "ok": True, "timeout": timeout}
