"""Values that cross the process boundary between pytest and the contract child.

Probe arguments travel as JSON. JSON has no tuple, set, bytes or callable, and
the placeholders the call-site reader builds need them (``*args`` → ``()``, an
``int`` annotation → ``1``, a ``Callable`` annotation → a callable), so those
are tagged: ``{"$lee": "tuple", "items": [...]}``. Anything else (an object, a
function of the test) cannot be rebuilt in another interpreter and is refused
with the argument's name. Standard library only: the child imports this.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from typing import Any

TAG = "$lee"


class WireError(ValueError):
    """A probe argument that cannot cross into the child; the message names it."""


def encode(value: Any, where: str) -> Any:
    """*value* as JSON-able data; raises :class:`WireError` naming *where* otherwise."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return {TAG: "float", "repr": repr(value)}
        return value
    if isinstance(value, list):
        return [encode(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, tuple):
        return {
            TAG: "tuple",
            "items": [encode(item, f"{where}[{i}]") for i, item in enumerate(value)],
        }
    if isinstance(value, (set, frozenset)):
        items = sorted((encode(item, f"{where} item") for item in value), key=repr)
        return {TAG: "set", "items": items}
    if isinstance(value, bytes):
        return {TAG: "bytes", "base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Mapping):
        encoded: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise WireError(
                    f"{where} has a {type(key).__name__} key {key!r}: only str keys cross into "
                    "the contract child process"
                )
            if key == TAG:
                raise WireError(f"{where} uses the reserved key {TAG!r}")
            encoded[key] = encode(item, f"{where}[{key!r}]")
        return encoded
    if isinstance(value, Placeholder):
        return {TAG: value.kind}
    raise WireError(
        f"{where} is a {type(value).__name__}: contract checks run in a child process, so values "
        "must be JSON-able (str, int, float, bool, None, list, dict with str keys), tuple, set, "
        "bytes, or lee_contract.CALLABLE"
    )


def decode(data: Any) -> Any:
    """The value :func:`encode` wrote."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if isinstance(data, dict):
        tag = data.get(TAG)
        if tag is None:
            return {key: decode(item) for key, item in data.items()}
        if tag == "tuple":
            return tuple(decode(item) for item in data["items"])
        if tag == "set":
            return {decode(item) for item in data["items"]}
        if tag == "bytes":
            return base64.b64decode(data["base64"])
        if tag == "float":
            return float(data["repr"])
        if tag == "callable":
            return _callable_placeholder
        raise WireError(f"unknown tagged value {tag!r}")
    return data


class Placeholder:
    """A stand-in value built in the child (today: a callable that does nothing)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"<{self.kind}>"


CALLABLE = Placeholder("callable")


def _callable_placeholder(*args: Any, **kwargs: Any) -> None:
    """What a ``Callable`` placeholder is in the child: accepts anything, does nothing."""
