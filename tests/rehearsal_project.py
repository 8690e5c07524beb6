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


def run_test_module(
    project: pytest.Pytester, source: str, *args: str, subprocess: bool = False
) -> pytest.RunResult:
    """Write *source* as ``test_it.py`` and run it as a user would (in-process: several
    times faster than a subprocess, which would import pytest, boto3 and moto anew).
    *subprocess* for what needs a clean interpreter: a moto server thread of this process
    must not share the in-process run's moto state."""
    project.makepyfile(test_it=source)
    run = project.runpytest_subprocess if subprocess else project.runpytest_inprocess
    return run("test_it.py", "-p", "no:cacheprovider", *args)
