"""HTTP interface router."""

from __future__ import annotations

from typing import Any, Callable, Dict

from http_core import _execute_prepare_implementation, _execute_test_implementation


def _require(kwargs: Dict[str, Any], *names: str) -> Dict[str, Any]:
    for name in names:
        if name not in kwargs:
            raise ValueError(f"http operation needs '{name}'")
    return kwargs


_OPERATION_DISPATCH: Dict[str, Callable[..., Any]] = {
    "prepare": lambda **kwargs: _execute_prepare_implementation(
        **_require(kwargs, "method", "url")
    ),
    "test_operation": lambda **kwargs: _execute_test_implementation(**kwargs),
}


def execute_http_operation(operation: str, **kwargs: Any) -> Any:
    try:
        implementation = _OPERATION_DISPATCH[operation]
    except KeyError:
        raise ValueError(f"unknown http operation '{operation}'") from None
    return implementation(**kwargs)
