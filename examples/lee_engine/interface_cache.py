"""Cache interface router: validates keyword arguments and dispatches to cache_core."""

from __future__ import annotations

from typing import Any, Callable, Dict

from cache_core import (
    _execute_delete_implementation,
    _execute_get_implementation,
    _execute_set_implementation,
    _execute_stats_implementation,
    _execute_test_implementation,
)


def _require(kwargs: Dict[str, Any], *names: str) -> Dict[str, Any]:
    for name in names:
        if name not in kwargs:
            raise ValueError(f"cache operation needs '{name}'")
    if "key" in kwargs and not isinstance(kwargs["key"], str):
        raise TypeError("cache key must be a string")
    return kwargs


_OPERATION_DISPATCH: Dict[str, Callable[..., Any]] = {
    "get": lambda **kwargs: _execute_get_implementation(**_require(kwargs, "key")),
    "set": lambda **kwargs: _execute_set_implementation(**_require(kwargs, "key", "value")),
    "delete": lambda **kwargs: _execute_delete_implementation(**_require(kwargs, "key")),
    "stats": lambda **kwargs: _execute_stats_implementation(**kwargs),
    "test_operation": lambda **kwargs: _execute_test_implementation(**kwargs),
}


def execute_cache_operation(operation: str, **kwargs: Any) -> Any:
    try:
        implementation = _OPERATION_DISPATCH[operation]
    except KeyError:
        raise ValueError(f"unknown cache operation '{operation}'") from None
    return implementation(**kwargs)
