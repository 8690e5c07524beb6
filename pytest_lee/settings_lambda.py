"""``[tool.lee.function]`` values as Lambda itself takes them, checked at configure time.

A 10 MB function name, an environment name holding ``=`` or NUL, a value holding NUL or
an environment over Lambda's 4 KB were accepted and failed later, in a child or at
``CreateFunction``, with a traceback. Each is now a usage error: one line naming the key,
with the value cut short (:func:`shown`). Readers for ``settings_parse.READERS``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_lee._toml import Key, TableReader
from pytest_lee.errors import LeeConfigError

# Lambda's own rules (CreateFunction): a function name is 1-64 letters, digits, '-' and '_';
# an environment key matches [a-zA-Z][a-zA-Z0-9_]+; keys and values hold at most 4 KB.
_FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ENV_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
ENVIRONMENT_LIMIT = 4096


def function_name(read: TableReader, row: Key, value: Any, key: str, rootdir: Path) -> str:
    name = read.string(value, key)
    if not _FUNCTION_NAME.fullmatch(name):
        raise LeeConfigError(
            f"{read.path}: {key} = {shown(name)}: expected a Lambda function name "
            "(1 to 64 letters, digits, '-' or '_')"
        )
    return name


def environment(
    read: TableReader, row: Key, value: Any, key: str, rootdir: Path
) -> Mapping[str, str]:
    """Lambda's rules, at configure time rather than as a traceback at the first child:
    names a process environment and Lambda take, string values without NUL, 4 KB in all."""
    table = read.table(value, key)
    for name, item in table.items():
        if not _ENV_NAME.fullmatch(name):
            raise LeeConfigError(
                f"{read.path}: {key}: {shown(name)}: expected a variable name Lambda accepts "
                "(a letter, then letters, digits or '_'; no '=' and no NUL)"
            )
        if not isinstance(item, str):  # Lambda's environment holds strings, "" included
            raise read.fail(f"{key}.{name}", "a string", item)
        if "\0" in item:
            raise LeeConfigError(
                f"{read.path}: {key}.{name}: the value holds a NUL character, which no "
                "process environment can carry"
            )
    sizes = {name: len(name.encode()) + len(item.encode()) for name, item in table.items()}
    if sum(sizes.values()) > ENVIRONMENT_LIMIT:
        raise LeeConfigError(
            f"{read.path}: {key}: {sum(sizes.values()):,} bytes of names and values, over "
            f"Lambda's 4 KB ({ENVIRONMENT_LIMIT:,} bytes) for a function's environment; "
            f"largest: {max(sizes, key=sizes.__getitem__)}"
        )
    return MappingProxyType(dict(table))


def shown(value: str, limit: int = 60) -> str:
    """*value* as a message shows it: a 10 MB name must not become a 10 MB line."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value):,} characters)"
