"""Breaker router: refuses a placeholder that is not callable."""

from breaker_core import call_impl


def execute_breaker_operation(operation, **kwargs):
    if operation == "call":
        if not callable(kwargs.get("func")):
            raise TypeError(f"breaker.call 'func' must be callable, got {type(kwargs.get('func')).__name__}")
        return call_impl(**kwargs)
    raise ValueError(f"Unknown breaker operation: '{operation}'")
