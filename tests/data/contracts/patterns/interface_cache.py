"""Cache router: a dispatch dict of lambdas, unknown operations refused."""

from cache_core import _get, _set

_DISPATCH = {
    "get": lambda **kwargs: _get(**kwargs),
    "set": lambda **kwargs: _set(**kwargs),
}


def execute_cache_operation(operation, **kwargs):
    if operation not in _DISPATCH:
        raise ValueError(f"Unknown cache operation: '{operation}'. Valid operations: get, set")
    return _DISPATCH[operation](**kwargs)
