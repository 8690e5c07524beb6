"""What a refusal is about: the call site's operation, a parameter it did not pass, or a value.

When a probe stops before any leaf, something in the wiring refused it. Whose
fault that is decides the verdict:

- the **operation** written at the call site is not one the router dispatches
  (``ValueError("Unknown singleton operation: 'optimize_memory'")``, a
  ``KeyError('optimize_memory')`` from a dispatch dict) → the call site is broken;
- a **parameter** the router requires is not passed
  (``"websocket.send requires 'connection' parameter"`` while the call site passes
  ``connection_id``) → the call site is broken;
- a **value** is refused (``"'key' must be str, got int"``, ``"must be callable"``):
  the value is a placeholder the probe made up, so nothing is known → inconclusive.

Pure functions on the exception's type and text; standard library only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass

_UNKNOWN = re.compile(
    r"\b(unknown|unsupported|invalid|unrecognized|unrecognised|not supported|not recognized|"
    r"not a valid|no such|not found|not implemented|not available|no handler|no route)\b",
    re.IGNORECASE,
)
_VALUE = re.compile(
    r"\bmust be\b|\bexpected\b|\bgot (?:an? )?\w+|\bnot (?:a |an )?(?:str|int|dict|list|callable)",
    re.I,
)
_REQUIRED = (
    re.compile(
        r"\brequires? (?:an? |the )?['\"`]?(?P<name>\w+)['\"`]? (?:parameter|argument|param|field|key|kwarg)",
        re.IGNORECASE,
    ),
    re.compile(
        r"['\"`](?P<name>\w+)['\"`] (?:parameter |argument |param |field |key )?is (?:required|missing)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bmissing (?:required )?(?:parameter|argument|param|field|key|kwarg)s?:? ['\"`]?(?P<name>\w+)",
        re.IGNORECASE,
    ),
)


@dataclass(frozen=True)
class Refusal:
    """``kind``: ``operation``, ``parameter``, ``value`` or ``other``; ``text`` follows "the router"."""

    kind: str
    name: str
    text: str


def classify(error_type: str, message: str, operation: str, passed: Collection[str]) -> Refusal:
    """Why the wiring refused ``operation`` called with keywords *passed*."""
    key_error = _key_error_name(error_type, message)
    if key_error == operation or _names_operation(message, operation):
        return Refusal("operation", operation, f"does not dispatch operation {operation!r}")
    required = key_error if key_error is not None else _required_name(message)
    if required is not None and required not in passed and required != operation:
        return Refusal("parameter", required, f"requires {required!r}{_passes(required, passed)}")
    named = required or next((name for name in passed if _quoted(name, message)), None)
    if named is not None or _VALUE.search(message):
        return Refusal("value", named or "", "refused a placeholder value")
    return Refusal("other", "", "stopped the call")


def _quoted(name: str, message: str) -> bool:
    return re.search(rf"['\"`]{re.escape(name)}['\"`]", message) is not None


def _key_error_name(error_type: str, message: str) -> str | None:
    if error_type != "KeyError":
        return None
    match = re.fullmatch(r"""['"](\w+)['"]""", message.strip())
    return match.group(1) if match else None


def _names_operation(message: str, operation: str) -> bool:
    if not operation or not _UNKNOWN.search(message):
        return False
    return re.search(rf"(?<![\w.]){re.escape(operation)}(?!\w)", message) is not None


def _required_name(message: str) -> str | None:
    for pattern in _REQUIRED:
        match = pattern.search(message)
        if match:
            return match.group("name")
    return None


def _passes(required: str, passed: Collection[str]) -> str:
    if not passed:
        return ", which the call does not pass (it passes no keyword)"
    similar = [name for name in passed if required in name or name in required]
    similar += difflib.get_close_matches(required, [n for n in passed if n not in similar], 1, 0.6)
    if similar:
        return f", which the call does not pass (it passes `{similar[0]}`)"
    return f", which the call does not pass (it passes {', '.join(f'`{n}`' for n in passed)})"
