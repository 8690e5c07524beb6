"""Logging interface router."""

from __future__ import annotations

from typing import Any, Callable, Dict

from logging_core import (
    _execute_info_implementation,
    _execute_metric_implementation,
    _execute_test_implementation,
)


def _require(kwargs: Dict[str, Any], *names: str) -> Dict[str, Any]:
    for name in names:
        if name not in kwargs:
            raise ValueError(f"logging operation needs '{name}'")
    return kwargs


_OPERATION_DISPATCH: Dict[str, Callable[..., Any]] = {
    "info": lambda **kwargs: _execute_info_implementation(**_require(kwargs, "message")),
    "metric": lambda **kwargs: _execute_metric_implementation(**_require(kwargs, "metrics")),
    "test_operation": lambda **kwargs: _execute_test_implementation(**kwargs),
}


def execute_logging_operation(operation: str, **kwargs: Any) -> Any:
    try:
        implementation = _OPERATION_DISPATCH[operation]
    except KeyError:
        raise ValueError(f"unknown logging operation '{operation}'") from None
    return implementation(**kwargs)
