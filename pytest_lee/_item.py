"""The nodes pytest-lee adds to a session: the ``pyproject.toml`` node and the item base.

A module of its own so that feature items (``package.items``, ``contracts.items``,
``budgets.items``) and ``collect``, which creates them, do not import one another.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from pytest_lee.errors import LeeError


class LeeConfigNode(pytest.File):
    """The ``pyproject.toml`` that declares ``[tool.lee]``; its children are built by features."""

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:  # pragma: no cover
        return []  # children are created by lee_items()


class LeeItem(pytest.Item):
    """Base of every item pytest-lee adds: a failure is a ``LeeError`` whose message is the
    whole report, shown as is (no traceback of pytest-lee's own frames)."""

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, LeeError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)
