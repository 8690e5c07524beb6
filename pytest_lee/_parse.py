"""``ast.parse`` that threads may call: one parse at a time.

The deploy-group simulation checks mixed trees from a thread pool, and each check parses
source files. CPython 3.11's AST constructor keeps recursion-depth state that two threads
parsing at once corrupt ("SystemError: AST constructor recursion depth mismatch"), so
every parse of user source in pytest_lee goes through this lock. Parsing is CPU-bound
under the GIL anyway: the lock costs no parallelism.
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse_source(
    source: str | bytes,
    filename: str = "<unknown>",
    *,
    feature_version: tuple[int, int] | None = None,
) -> ast.Module:
    """``ast.parse(source, filename)`` (as *feature_version*'s Python), serialised across threads."""
    with _LOCK:
        return ast.parse(source, filename=filename, feature_version=feature_version)


def parse_expression(source: str) -> ast.expr:
    """The expression *source* (an annotation written as a string), serialised likewise."""
    with _LOCK:
        return ast.parse(source, mode="eval").body
