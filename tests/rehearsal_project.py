"""The small project the rehearsal tests deploy (not a test module).

``tests/data/rehearsal/project``: one handler, one directory per version of it (``good``,
``raises``, ``hangs``, ...), so ``lee_package("raises")`` builds that version.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent / "data" / "rehearsal" / "project"


def rehearsal_project(pytester: pytest.Pytester) -> pytest.Pytester:
    """Copy the project into *pytester*'s directory."""
    shutil.copytree(PROJECT, pytester.path, dirs_exist_ok=True)
    return pytester


def run_test_module(project: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    """Write *source* as ``test_it.py`` and run it in a subprocess, as a user would."""
    project.makepyfile(test_it=source)
    return project.runpytest_subprocess("test_it.py", "-p", "no:cacheprovider", *args)
