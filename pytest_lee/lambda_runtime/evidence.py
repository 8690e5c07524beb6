"""What a failure shows of its cause: the response body, the function's own log, and why an
extension module would not import.

A failing 500 used to read ``statusCode 500`` and nothing else, while the cause sat in the
function's log, which the rehearsal dropped. Here a failure carries what CloudWatch would
have had: the first 500 bytes of the body and the last 20 lines the function wrote (stdout,
then stderr: the child keeps them apart, so their interleaving is not known).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

BODY_BYTES = 500
LOG_LINES = 20

_EXTENSION = re.compile(r"(?P<module>.+?)\.cpython-3(?P<minor>\d+)[^/]*\.so$")
_NO_MODULE = re.compile(r"(?:No module named|cannot import name \S+ from) '?([\w.]+)'?")


def body_excerpt(response: Any, limit: int = BODY_BYTES) -> str:
    """The response's ``body`` (as JSON text when not a string), cut at *limit* bytes."""
    body = response.get("body") if isinstance(response, dict) else None
    if body is None:
        return ""
    text = body if isinstance(body, str) else json.dumps(body, default=repr)
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore") + f"… ({len(data)} bytes)"


def log_tail(stdout_lines: Sequence[str], stderr_tail: str, count: int = LOG_LINES) -> list[str]:
    """The last *count* lines the function logged: stdout's, then stderr's."""
    lines = [line for line in stdout_lines if line.strip()]
    lines += [line for line in stderr_tail.splitlines() if line.strip()]
    return lines[-count:]


def extension_hint(error: str | None, files: Iterable[str], version: tuple[int, int]) -> str:
    """When *error* is an import failure and the module it names exists among *files*
    (package-relative paths; a layer's may start with ``python/``) only as a compiled
    extension for another Python, a sentence saying so and what to set (else "")."""
    if not error or ("ImportError" not in error and "ModuleNotFoundError" not in error):
        return ""
    found = _NO_MODULE.search(error)
    if found is None:
        return ""
    wanted = found.group(1).replace(".", "/")
    built = set()
    for name in files:
        name = name.removeprefix("python/")
        match = _EXTENSION.match(name)
        if match and (
            wanted == match.group("module")
            or wanted.startswith(match.group("module") + "/")
            or match.group("module").startswith(wanted + "/")
        ):
            built.add(int(match.group("minor")))
    if not built or version[1] in built:
        return ""
    minor = max(built)
    return (
        f" ({found.group(1)} is a compiled extension built for Python 3.{minor}; the child "
        f"runs Python {version[0]}.{version[1]}: set [tool.lee.function] python = 'python3.{minor}')"
    )


def python_version(described: str) -> tuple[int, int] | None:
    """(3, 12) from a child's interpreter description (``Python 3.12 (/usr/bin/python3.12)``)."""
    found = re.search(r"Python (\d+)\.(\d+)", described or "")
    return (int(found.group(1)), int(found.group(2))) if found else None
