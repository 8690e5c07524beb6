"""What a response says about itself, beyond ``statusCode``.

An API Gateway handler answers ``{"statusCode": …}``; an Alexa smart-home or other
directive handler answers an envelope, ``{"event": {"header": {"name": "ErrorResponse",
…}, "payload": {"type": …, "message": …}}}``, with no status at all. Counting only 5xx
hid 40 of the real engine's 125 replayed responses (Alexa error responses) and 20 more
without a status: here both are named, so budgets and the canary can show them next to
``error_rate``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ResponseCounts:
    """How many responses answered with an error envelope, and how many carried no status."""

    error_responses: int = 0
    no_status: int = 0

    def as_json(self) -> dict[str, int]:
        return {"error_responses": self.error_responses, "no_status": self.no_status}


def status_code(response: Any) -> int | None:
    """The response's ``statusCode`` when it is an int (a bool is not a status)."""
    if isinstance(response, Mapping):
        code = response.get("statusCode")
        if isinstance(code, int) and not isinstance(code, bool):
            return code
    return None


def error_response(response: Any) -> str | None:
    """``"ErrorResponse: INTERNAL_ERROR: …"`` for a directive-style error envelope, else None.

    Alexa's smart-home API (and directive protocols modelled on it) put the verdict in
    ``event.header.name``; the payload's ``type`` and ``message`` say why.
    """
    if not isinstance(response, Mapping):
        return None
    event = response.get("event")
    header = event.get("header") if isinstance(event, Mapping) else None
    name = header.get("name") if isinstance(header, Mapping) else None
    if not isinstance(name, str) or not name.endswith("ErrorResponse"):
        return None
    payload = event.get("payload") if isinstance(event, Mapping) else None
    parts = [name]
    if isinstance(payload, Mapping):
        parts.extend(str(payload[key]) for key in ("type", "message") if payload.get(key))
    return ": ".join(parts)


def count_responses(responses: Iterable[Any]) -> ResponseCounts:
    """Error envelopes and responses without a status among *responses* (an error envelope
    has no status either: it is counted in both)."""
    errors = missing = 0
    for response in responses:
        if error_response(response) is not None:
            errors += 1
        if status_code(response) is None:
            missing += 1
    return ResponseCounts(error_responses=errors, no_status=missing)
