"""Gateway of the pattern engine: the real LEE's shape (lazy routers, wrapped errors)."""

import importlib
from enum import Enum


class GatewayInterface(Enum):
    CACHE = "cache"
    SINGLETON = "singleton"
    WEBSOCKET = "websocket"
    BREAKER = "breaker"
    METRICS = "metrics"
    UNUSED = "unused"


_INTERFACE_ROUTERS = {
    GatewayInterface.CACHE: ("interface_cache", "execute_cache_operation"),
    GatewayInterface.SINGLETON: ("interface_singleton", "execute_singleton_operation"),
    GatewayInterface.WEBSOCKET: ("interface_websocket", "execute_websocket_operation"),
    GatewayInterface.BREAKER: ("interface_breaker", "execute_breaker_operation"),
    GatewayInterface.METRICS: ("interface_metrics", "execute_metrics_operation"),
    GatewayInterface.UNUSED: ("interface_unused", "execute_unused_operation"),
}


def execute_operation(interface, operation, **kwargs):
    module_name, func_name = _INTERFACE_ROUTERS[interface]
    func = getattr(importlib.import_module(module_name), func_name)
    try:
        return func(operation, **kwargs)
    except Exception as e:
        raise RuntimeError(f"Failed to execute {interface.value}.{operation}: {e}") from e
