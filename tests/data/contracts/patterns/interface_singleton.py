"""Singleton router: validates parameters by name, as LEE's does."""

from singleton_core import _get_impl, _set_impl


def _validate_name_param(kwargs, operation):
    if "name" not in kwargs:
        raise ValueError(f"singleton.{operation} requires 'name' parameter")
    if not isinstance(kwargs["name"], str):
        raise TypeError(f"singleton.{operation} 'name' must be str, got {type(kwargs['name']).__name__}")


def execute_singleton_operation(operation, **kwargs):
    if operation == "get":
        _validate_name_param(kwargs, operation)
        return _get_impl(**kwargs)
    elif operation == "set":
        _validate_name_param(kwargs, operation)
        if "value" not in kwargs:
            raise ValueError(f"singleton.{operation} requires 'value' parameter")
        return _set_impl(**kwargs)
    raise ValueError(f"Unknown singleton operation: {operation}")
