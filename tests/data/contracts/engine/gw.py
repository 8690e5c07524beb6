"""Gateway of the test engine: lazy (module, function) routers and a fast path, as LEE has."""

import importlib
from enum import Enum


class Iface(Enum):
    CACHE = "cache"
    HTTP = "http"


ROUTERS = {
    Iface.CACHE: ("iface_cache", "route_cache"),
    Iface.HTTP: ("iface_http", "route_http"),
}

_FAST = {}
_COUNTS = {}


def dispatch(interface, operation, timeout=30, **kwargs):
    pair = (interface, operation)
    router = _FAST.get(pair)
    try:
        if router is None:
            module_name, function_name = ROUTERS[interface]
            router = getattr(importlib.import_module(module_name), function_name)
            _COUNTS[pair] = _COUNTS.get(pair, 0) + 1
            if _COUNTS[pair] >= 1:
                _FAST[pair] = router
        return router(operation, timeout=timeout, **kwargs)
    except Exception as error:
        raise RuntimeError(f"{interface.value}.{operation} failed: {error}") from error
