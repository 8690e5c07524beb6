"""Reading ``pyproject.toml`` tables with errors that name the file, the key and the value.

Shared by ``[tool.lee]`` (``settings``) and ``[tool.lee.kb]`` (``kb.config``), so both
readers reject a bad value the same way: one ``LeeConfigError`` line, with the closest
known key suggested for a typo. Numbers must be finite: a ``nan`` level would pass every
comparison, and an ``inf`` timeout would never fire.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_lee.errors import LeeConfigError


def load_pyproject(pyproject: Path) -> dict[str, Any] | None:
    """The parsed *pyproject*, or None when there is no such file."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        with pyproject.open("rb") as stream:
            document: dict[str, Any] = tomllib.load(stream)
            return document
    except FileNotFoundError:
        return None
    except OSError as error:
        raise LeeConfigError(f"{pyproject}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise LeeConfigError(f"{pyproject}: not valid TOML: {error}") from None
    except RecursionError:
        raise LeeConfigError(f"{pyproject}: not valid TOML: nested too deeply") from None


def tool_table(document: Mapping[str, Any] | None, pyproject: Path) -> dict[str, Any] | None:
    """``[tool.lee]`` of a parsed pyproject, or None when it has none."""
    if document is None:
        return None
    tool = document.get("tool", {})
    table = tool.get("lee") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise LeeConfigError(f"{pyproject}: [tool.lee] must be a table")
    return table


def finite_float(value: Any) -> float | None:
    """*value* as a finite float, or None when it is not a finite number (bools are not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer with hundreds of digits
        return None
    return number if math.isfinite(number) else None


def closest(name: str, known: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the known name closest to *name*, or ``""``."""
    import difflib  # only on the way to a usage error

    matches = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


class Key:
    """One key of a ``pyproject.toml`` table, declared once for its parser, model and docs.

    *kind* names how the value is read: one of the plain kinds :meth:`TableReader.value`
    reads (``string``, ``strings``, ``integer``, ``number``, ``choice``, ``reference``,
    ``table``) or a kind the table's own parser handles (``settings_parse.READERS``).
    *bounds* are ``(minimum, maximum)`` for numbers (``number``: the minimum is excluded),
    *choices* the values a ``choice`` takes. *type* and *shown* replace the type and the
    default the docs derive from the rest. A plain class: ``settings_keys`` builds ~50 of
    them, and a dataclass costs import time.
    """

    __slots__ = (
        "bounds",
        "choices",
        "default",
        "field",
        "help",
        "kind",
        "name",
        "shown",
        "table",
        "type",
    )

    def __init__(
        self,
        table: str,
        name: str,
        kind: str,
        default: Any,
        help: str,
        *,
        bounds: tuple[float, float | None] | None = None,
        choices: tuple[str, ...] = (),
        type: str | None = None,
        shown: str | None = None,
        field: str | None = None,
    ) -> None:
        self.table, self.name, self.kind, self.default, self.help = table, name, kind, default, help
        self.bounds, self.choices, self.type, self.shown = bounds, choices, type, shown
        self.field = field or name  # the model's attribute the value lands in

    def __repr__(self) -> str:
        return f"Key({self.table!r}, {self.name!r}, {self.kind!r})"

    @property
    def path(self) -> str:
        """The key as written in messages: ``tool.lee.function.memory_mb``."""
        return f"{self.table}.{self.name}"


class TableReader:
    """Type checks that name the file and key of the value they reject."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, expected: str, value: Any) -> LeeConfigError:
        return LeeConfigError(f"{self.path}: {key}: expected {expected}, got {value!r}")

    def known_keys(
        self, table: Mapping[str, Any], known: Sequence[str], key: str, what: str = "key"
    ) -> None:
        for name in table:
            if name not in known:
                raise LeeConfigError(
                    f"{self.path}: {key}: unknown {what} {name!r}{closest(name, known)}"
                )

    def table(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "a table", value)
        return value

    def tables(self, value: Any, key: str) -> list[dict[str, Any]]:
        """An array of tables (``[[key]]``); a single table counts as one."""
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise LeeConfigError(f"{self.path}: {key}: expected [[{key}]] tables")
        return value

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(key, "a non-empty string", value)
        return value

    def choice(self, value: Any, key: str, choices: Sequence[str]) -> str:
        if value not in choices:
            raise self.fail(key, "one of " + ", ".join(repr(choice) for choice in choices), value)
        return str(value)

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise self.fail(key, "a list of strings", value)
        return tuple(value)

    def reference(self, value: Any, key: str) -> str:
        """A ``module:attribute`` reference."""
        text = self.string(value, key)
        module, _, attribute = text.partition(":")
        if not module or not attribute:
            raise self.fail(key, "'module:attribute'", value)
        return text

    def value(self, key: Key, value: Any, where: str) -> Any:
        """*value* of the plain-kind *key*, checked; *where* names it in the message."""
        if key.kind == "string":
            return self.string(value, where)
        if key.kind == "strings":
            return self.strings(value, where)
        if key.kind == "reference":
            return self.reference(value, where)
        if key.kind == "choice":
            return self.choice(value, where, key.choices)
        if key.kind == "table":
            from types import MappingProxyType

            return MappingProxyType(dict(self.table(value, where)))
        low, high = key.bounds or (0, None)
        if key.kind == "integer":
            return self.integer(value, where, minimum=int(low), maximum=_int_or_none(high))
        if key.kind == "number":
            return self.number(value, where, positive=low == 0, maximum=high)
        raise ValueError(f"{key!r}: kind {key.kind!r} is not a plain kind")

    def integer(self, value: Any, key: str, *, minimum: int, maximum: int | None = None) -> int:
        bounds = (
            f"a whole number >= {minimum}"
            if maximum is None
            else (f"a whole number from {minimum} to {maximum}")
        )
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, bounds, value)
        if value < minimum or (maximum is not None and value > maximum):
            raise self.fail(key, bounds, value)
        return value

    def number(
        self, value: Any, key: str, *, positive: bool = False, maximum: float | None = None
    ) -> float:
        expected = "a finite number" + (" > 0" if positive else "")
        if maximum is not None:
            expected += f" up to {maximum:g}"
        number = finite_float(value)
        if number is None or (positive and number <= 0):
            raise self.fail(key, expected, value)
        if maximum is not None and number > maximum:
            raise self.fail(key, expected, value)
        return number


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)
