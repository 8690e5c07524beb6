"""The ``deploy-groups`` item: the partial-deployment simulation against ``--lee-baseline``.

It runs once per session and fails under ``--lee-require-compatible`` when a changed
file cannot ship alone or a signature change breaks. A baseline that does not exist
is a usage error, raised at collection, before anything runs. docs/deploy-groups.md
says what the verdicts mean.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_lee._item import LeeItem
from pytest_lee.errors import LeeError

if TYPE_CHECKING:
    from pytest_lee.settings import Settings


class DeployGroupsFailure(LeeError):
    """The deploy-groups item's failure: the message is shown as is."""


def deploy_group_items(node: pytest.Collector, settings: Settings) -> list[pytest.Item]:
    """The one ``deploy-groups`` item when ``--lee-baseline`` is given."""
    if not settings.options.baseline:
        return []
    from pytest_lee.deploy_groups.baseline import BaselineError, resolve_baseline

    try:
        baseline = resolve_baseline(
            settings.options.baseline, settings, node.config.invocation_params.dir
        )
    except BaselineError as error:
        raise pytest.UsageError(str(error)) from None
    return [DeployGroupsItem.from_parent(node, name="deploy-groups", baseline=baseline)]


class DeployGroupsItem(LeeItem):
    """The partial-deployment simulation against ``--lee-baseline``, once per session."""

    def __init__(self, *, baseline: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.baseline = baseline

    def runtest(self) -> None:
        from pytest_lee._stash import lee_report, lee_settings
        from pytest_lee.deploy_groups.baseline import simulate

        settings = lee_settings(self.config)
        report = lee_report(self.config)
        outcome = simulate(self.baseline, settings)
        for group in outcome.groups:
            report.add("deploy_groups", list(group))
        report.add("baseline", outcome.as_entry())
        if settings.options.require_compatible:
            problems = outcome.incompatibilities()
            if problems:
                raise DeployGroupsFailure(
                    f"--lee-require-compatible: {len(problems)} problem{'s' if len(problems) != 1 else ''} "
                    f"against {self.baseline.label}:\n" + "\n".join(f"  - {p}" for p in problems)
                )

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"deploy groups against {self.baseline.label}"
