"""Where the session keeps pytest-lee's state: its settings and its report.

Feature modules (items, fixtures) read them through these accessors rather than from
``plugin``, so no feature imports the plugin module that imports the features.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_lee.findings import SessionReport
    from pytest_lee.settings import Settings

settings_key = pytest.StashKey["Settings"]()
report_key = pytest.StashKey["SessionReport"]()
write_error_key = pytest.StashKey[str]()  # an output file that could not be written


def lee_settings(config: pytest.Config) -> Settings:
    """The session's settings, read once at configure time.

    A run without ``[tool.lee]`` and without ``--lee-*`` options does not read them
    then (the plugin loads in every pytest run); they are made here on first use.
    """
    settings = config.stash.get(settings_key, None)
    if settings is None:
        from pytest_lee.settings import Settings

        settings = config.stash[settings_key] = Settings(rootdir=config.rootpath)
    return settings


def lee_report(config: pytest.Config) -> SessionReport:
    """The session's report (made on first use, like the settings)."""
    report = config.stash.get(report_key, None)
    if report is None:
        from pytest_lee.findings import SessionReport

        report = config.stash[report_key] = SessionReport()
    return report
