"""The real call sites: each line below reproduces one pattern of the LEE snapshot."""

from typing import Any, Callable

from gateway_core import GatewayInterface, execute_operation


def cache_get(key: str) -> Any:
    return execute_operation(GatewayInterface.CACHE, "get", key=key)


def cache_warm(keys: list) -> Any:
    return execute_operation(GatewayInterface.CACHE, "warm", keys=keys)


def singleton_get(name: str) -> Any:
    return execute_operation(GatewayInterface.SINGLETON, "get", name=name)


def singleton_register(name: str, instance: Any) -> Any:
    return execute_operation(GatewayInterface.SINGLETON, "set", name=name, instance=instance)


def singleton_optimize() -> Any:
    return execute_operation(GatewayInterface.SINGLETON, "optimize_memory")


def websocket_send(connection_id: str, message: str) -> Any:
    return execute_operation(GatewayInterface.WEBSOCKET, "send", connection_id=connection_id, message=message)


def breaker_call(name: str, func: Any) -> Any:
    return execute_operation(GatewayInterface.BREAKER, "call", name=name, func=func)


def breaker_call_typed(name: str, func: Callable[..., Any]) -> Any:
    return execute_operation(GatewayInterface.BREAKER, "call", name=name, func=func)


def metrics_record(name: str, value: float) -> Any:
    return execute_operation(GatewayInterface.METRICS, "record", name=name, value=value, tags={})


def metrics_summary() -> Any:
    return execute_operation(GatewayInterface.METRICS, "summary")


def metrics_for(interface: str) -> Any:
    return execute_operation(GatewayInterface.METRICS, "record", interface=interface, name="n", value=1.0)


def breaker_reset(name: str) -> Any:
    return execute_operation(GatewayInterface.BREAKER, "reset", name=name)
