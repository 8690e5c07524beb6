"""Registries: a mapping key → handler, or key → ``(module, function)`` resolved lazily.

Everything that can go wrong with a user's registry is turned into a
:class:`ContractSetupError` whose message is one line naming the reference and the
cause — the item shows that line instead of a traceback. This runs in the
contract child process (standard library only), where the user's source is first
on ``sys.path``.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import os
import traceback
from collections.abc import Callable, Mapping
from typing import Any


class ContractSetupError(Exception):
    """The registry, an entry or the dispatcher cannot be used; the message is one line."""


def key_label(key: Any) -> str:
    """How a registry key appears in item ids and messages: ``CACHE``, ``cache``, ``3``."""
    if isinstance(key, enum.Enum):
        return key.name
    if isinstance(key, str):
        return key
    return repr(key)


def key_source(key: Any) -> str:
    """How a registry key is written in code: ``GatewayInterface.CACHE``, ``'cache'``."""
    if isinstance(key, enum.Enum):
        return f"{type(key).__name__}.{key.name}"
    return repr(key)


def one_line(error: BaseException) -> str:
    """``ModuleNotFoundError: No module named 'x'`` (the root cause of a wrapped error)."""
    while error.__cause__ is not None and error.__cause__ is not error:
        error = error.__cause__
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def import_reference(reference: str, what: str) -> tuple[Any, Any]:
    """Resolve ``module:attribute`` (attribute may be dotted); returns (module, object)."""
    module_name, _, attribute = reference.partition(":")
    try:
        module = importlib.import_module(module_name)
    except (
        Exception,
        SystemExit,
        KeyboardInterrupt,
    ) as error:  # the user's module may raise anything on import
        raise ContractSetupError(
            f"{what} {reference}: module {module_name!r} does not import: {one_line(error)}"
            f"{_origin(error)}"
        ) from None
    value: Any = module
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise ContractSetupError(
                f"{what} {reference}: module {module_name!r} has no attribute {attribute!r}"
            ) from None
    return module, value


class ModuleRegistry(dict):  # type: ignore[type-arg]
    """A module named as a registry (``getattr(handlers, name)(...)``): its public functions."""

    source: Any = None


def load_registry(
    reference: str, convert: Callable[[str, Any], Any] | None = None
) -> Mapping[Any, Any]:
    """The registry as a mapping; *convert* turns other objects into one (a resolver's routes)."""
    _, value = import_reference(reference, "registry")
    if convert is not None:
        value = convert(reference, value)
    if inspect.ismodule(value):
        functions = ModuleRegistry(
            (name, item)
            for name, item in vars(value).items()
            if inspect.isfunction(item)
            and item.__module__ == value.__name__
            and not name.startswith("_")
        )
        functions.source = value
        value = functions
    if not isinstance(value, Mapping):
        raise ContractSetupError(
            f"registry {reference} is a {type(value).__name__}, expected a mapping of key → handler "
            "or key → (module, function)"
        )
    if not value:
        raise ContractSetupError(f"registry {reference} is empty")
    return value


def resolve_entry(reference: str, key: Any, entry: Any) -> Callable[..., Any]:
    """The handler an entry stands for, importing ``(module, function)`` entries."""
    where = f"registry {reference}[{key_source(key)}]"
    if _is_lazy(entry):
        module_name, function_name = entry
        try:
            module = importlib.import_module(module_name)
        except (Exception, SystemExit, KeyboardInterrupt) as error:
            raise ContractSetupError(
                f"{where} = {tuple(entry)!r}: module {module_name!r} does not import: {one_line(error)}"
                f"{_origin(error)}"
            ) from None
        if not hasattr(module, function_name):
            raise ContractSetupError(
                f"{where} = {tuple(entry)!r}: module {module_name!r} has no function {function_name!r}"
            )
        entry = getattr(module, function_name)
    if not callable(entry):
        raise ContractSetupError(
            f"{where} is a {type(entry).__name__}, expected a callable or a (module, function) pair"
        )
    handler: Callable[..., Any] = entry
    return handler


def _is_lazy(entry: Any) -> bool:
    return (
        isinstance(entry, (tuple, list))
        and len(entry) == 2
        and all(isinstance(part, str) for part in entry)
    )


def describe_signature(function: Any) -> str:
    """``(key: str, timeout: int = 30)``: annotations unquoted, no return annotation."""
    try:
        signature = (
            function if isinstance(function, inspect.Signature) else inspect.signature(function)
        )
    except (TypeError, ValueError):
        return "(…)"
    parameters = [
        parameter.replace(annotation=_Text(parameter.annotation))
        if isinstance(parameter.annotation, str)
        else parameter
        for parameter in signature.parameters.values()
    ]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


class _Text(str):
    """An annotation kept as text (``from __future__ import annotations``), shown unquoted."""

    def __repr__(self) -> str:
        return str(self)


def _origin(error: BaseException) -> str:
    """`` (at pkg/file.py:12)`` for a SyntaxError or the innermost user frame of an import error."""
    if isinstance(error, SyntaxError) and error.filename:
        return f" (at {_shown(error.filename)}:{error.lineno})"
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if "importlib" not in frame.filename and "pytest_lee" not in frame.filename:
            return f" (at {_shown(frame.filename)}:{frame.lineno})"
    return ""


def _shown(filename: str) -> str:
    """Relative to the source directory (the child's working directory) when inside it."""
    here = os.getcwd() + os.sep
    if filename.startswith(here):
        return filename[len(here) :].replace(os.sep, "/")
    return filename.rsplit("/", 1)[-1]
