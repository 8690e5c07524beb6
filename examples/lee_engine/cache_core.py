"""Cache core: the in-memory cache every request goes through.

``_MISSING`` is the sentinel that marks an absent entry. It must never leave this
module: NM06-BUG-01 was a sentinel that leaked into callers and made the first
``cache_get`` of every cold start slow (NM06-LESS-10).
"""

from __future__ import annotations

import time
from typing import Any, Dict, Optional, Tuple

_MISSING = object()
_STORE: Dict[str, Tuple[Any, Optional[float]]] = {}
_STATS = {"hits": 0, "misses": 0, "sets": 0}
DEFAULT_TTL = 300


def _sanitize(value: Any) -> Any:
    return None if value is _MISSING else value


def _execute_get_implementation(key: str, timeout: int = 30) -> Any:
    value, expires = _STORE.get(key, (_MISSING, None))
    if value is not _MISSING and expires is not None and expires < time.monotonic():
        del _STORE[key]
        value = _MISSING
    _STATS["hits" if value is not _MISSING else "misses"] += 1
    return _sanitize(value)


def _execute_set_implementation(
    key: str, value: Any, ttl: Optional[int] = None, timeout: int = 30
) -> bool:
    lifetime = DEFAULT_TTL if ttl is None else ttl
    _STORE[key] = (value, time.monotonic() + lifetime if lifetime > 0 else None)
    _STATS["sets"] += 1
    return True


def _execute_delete_implementation(key: str, timeout: int = 30) -> bool:
    return _STORE.pop(key, _MISSING) is not _MISSING


def _execute_stats_implementation(timeout: int = 30) -> Dict[str, int]:
    return {**_STATS, "entries": len(_STORE)}


def _execute_test_implementation(timeout: int = 30) -> Dict[str, Any]:
    return {"interface": "cache", "ok": True, "timeout": timeout}
