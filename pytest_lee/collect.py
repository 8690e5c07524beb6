"""The items pytest-lee adds to a session from ``[tool.lee]``.

They hang under a ``pyproject.toml`` node, so their ids read
``pyproject.toml::package``, ``pyproject.toml::contract[...]`` and
``pyproject.toml::budget[cold_start_ms]``, and ``-k``/``-m`` select them as usual.
They are added when the run collects directories (a plain ``pytest``, ``testpaths``,
``pytest tests/``), not when the user names particular files or test ids.
Each feature's item module is imported only when its table is configured.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_lee._item import LeeConfigNode, LeeItem

__all__ = ["LeeConfigNode", "LeeItem", "lee_items", "wants_lee_items"]

if TYPE_CHECKING:
    from pytest_lee.settings import Settings


def wants_lee_items(config: pytest.Config, settings: Settings) -> bool:
    """True unless every argument names a file or a test id (and ``--lee-budgets`` is not given)."""
    args = config.args or [str(config.rootpath)]
    for arg in args:
        path_part = arg.split("::", 1)[0]
        if "::" not in arg and Path(config.invocation_params.dir, path_part).is_dir():
            return True
    return settings.options.budgets


def lee_items(session: pytest.Session, settings: Settings) -> list[pytest.Item]:
    if not settings.configured or settings.pyproject is None:
        return []
    node = LeeConfigNode.from_parent(session, path=settings.pyproject)
    items: list[pytest.Item] = []
    if settings.source is not None:
        from pytest_lee.package.items import package_items

        items.extend(package_items(node, settings))
    if settings.contracts:
        from pytest_lee.contracts.items import contract_items

        items.extend(contract_items(node, settings))
        from pytest_lee.deploy_groups.items import deploy_group_items

        items.extend(deploy_group_items(node, settings))
    if settings.budgets is not None:
        from pytest_lee.budgets.items import budget_items

        items.extend(budget_items(node, settings))
    # Items added after collection are invisible to the collection count ("collected N
    # items") unless their node reports them, as a collected file would.
    collected: list[pytest.Item | pytest.Collector] = list(items)
    node.ihook.pytest_collectreport(
        report=pytest.CollectReport(node.nodeid, "passed", None, collected)
    )
    return items
