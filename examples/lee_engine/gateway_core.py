"""Gateway core: the single entry point every request and every wrapper goes through.

The SIMA pattern (NM06-LESS-09): gateway -> interface router -> core implementation.
Routers are resolved lazily from ``(module, function)`` entries, as the production
engine does, and cached in a fast path once a pair has been used three times.
"""

from __future__ import annotations

import importlib
from enum import Enum
from typing import Any, Callable, Dict, Tuple

DEFAULT_TIMEOUT = 30


class GatewayInterface(Enum):
    CACHE = "cache"
    LOGGING = "logging"
    HTTP = "http"


_INTERFACE_ROUTERS: Dict[GatewayInterface, Tuple[str, str]] = {
    GatewayInterface.CACHE: ("interface_cache", "execute_cache_operation"),
    GatewayInterface.LOGGING: ("interface_logging", "execute_logging_operation"),
    GatewayInterface.HTTP: ("interface_http", "execute_http_operation"),
}

# Fast path: after the third call for the same (interface, operation) pair the
# resolved router is kept here and importlib is skipped.
_FAST_PATH: Dict[Tuple[GatewayInterface, str], Callable[..., Any]] = {}
_CALL_COUNTS: Dict[Tuple[GatewayInterface, str], int] = {}
_FAST_PATH_AFTER = 3


def _resolve_router(interface: GatewayInterface) -> Callable[..., Any]:
    module_name, function_name = _INTERFACE_ROUTERS[interface]
    module = importlib.import_module(module_name)
    return getattr(module, function_name)


def execute_operation(
    interface: GatewayInterface,
    operation: str,
    timeout: int = DEFAULT_TIMEOUT,
    **kwargs: Any,
) -> Any:
    """Route one operation to its interface; every failure surfaces as RuntimeError."""
    pair = (interface, operation)
    router = _FAST_PATH.get(pair)
    try:
        if router is None:
            router = _resolve_router(interface)
            _CALL_COUNTS[pair] = _CALL_COUNTS.get(pair, 0) + 1
            if _CALL_COUNTS[pair] >= _FAST_PATH_AFTER:
                _FAST_PATH[pair] = router
        return router(operation, timeout=timeout, **kwargs)
    except Exception as error:
        raise RuntimeError(
            f"{interface.value}.{operation} failed: {type(error).__name__}: {error}"
        ) from error


def initialize_gateway() -> int:
    """Resolve every router once so the first request does not pay for it."""
    for interface in GatewayInterface:
        _resolve_router(interface)
    return len(_INTERFACE_ROUTERS)
