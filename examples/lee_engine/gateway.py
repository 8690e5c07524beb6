"""Thin wrappers: what the rest of the engine calls instead of touching interfaces."""

from __future__ import annotations

from typing import Any, Optional

from gateway_core import GatewayInterface, execute_operation


def cache_get(key: str) -> Any:
    return execute_operation(GatewayInterface.CACHE, "get", key=key)


def cache_set(key: str, value: Any, ttl: Optional[int] = None) -> bool:
    return execute_operation(GatewayInterface.CACHE, "set", key=key, value=value, ttl=ttl)


def cache_delete(key: str) -> bool:
    return execute_operation(GatewayInterface.CACHE, "delete", key=key)


def cache_stats() -> dict:
    return execute_operation(GatewayInterface.CACHE, "stats")


def log_info(message: str, **fields: Any) -> None:
    execute_operation(GatewayInterface.LOGGING, "info", message=message, fields=fields)


def log_metric(metrics: dict) -> None:
    execute_operation(GatewayInterface.LOGGING, "metric", metrics=metrics)


def http_prepare(method: str, url: str, body: Optional[str] = None) -> dict:
    return execute_operation(GatewayInterface.HTTP, "prepare", method=method, url=url, body=body)
