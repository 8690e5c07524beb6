"""Detect a ``--lee-*`` value that moved pytest's rootdir away from the project.

pytest works out its rootdir from the path-like arguments of the command line before
any plugin's options are known. In ``pytest --lee-json ../reports/lee.json`` the value
is, at that moment, just an argument naming an existing path: the rootdir becomes
``../reports`` (or wherever a configuration file lies above it), the project's
``[tool.lee]`` is never read, and the run passes having checked nothing. The ``=``
form (``--lee-json=../reports/lee.json``) is one argument pytest does not take for a
path. Nothing can undo the move once plugins load, so the run stops with a usage error
that says to write the ``=`` form.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_lee.options import OPTIONS

if TYPE_CHECKING:
    import pytest

# The files pytest looks for upward when it chooses a rootdir.
_CONFIG_FILES = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


def moved_rootdir_error(config: pytest.Config) -> str | None:
    """One line when a space-separated ``--lee-*`` value moved the rootdir, else None."""
    if config.getoption("rootdir", None) or config.getoption("inifilename", None):
        return None  # the user chose the rootdir or the configuration file
    invocation = Path(config.invocation_params.dir)
    expected = project_dir(invocation)
    rootdir = Path(config.rootpath)
    if _same(rootdir, expected):
        return None
    argv = [*shlex.split(os.environ.get("PYTEST_ADDOPTS", "")), *config.invocation_params.args]
    for flag, value in space_separated_values(argv):
        path = invocation / value
        if path.exists() and _contains(rootdir, path):
            return (
                f"{flag} {value}: pytest took this value for a test path before pytest-lee's "
                f"options were known, and moved its rootdir to {rootdir}, away from the "
                f"project at {expected} (its [tool.lee] was not read); "
                f"write {flag}={value}, as one argument"
            )
    return None


def space_separated_values(argv: Sequence[str]) -> list[tuple[str, str]]:
    """(flag, value) of each ``--lee-*`` option given as two arguments (``--lee-json PATH``)."""
    flags = {option.flag for option in OPTIONS if option.kind != "flag"}
    return [
        (argument, argv[index + 1]) for index, argument in enumerate(argv[:-1]) if argument in flags
    ]


def project_dir(start: Path) -> Path:
    """Where pytest would put the rootdir without extra arguments: the nearest directory
    upward from *start* with a configuration file, else *start* itself."""
    for directory in (start, *start.parents):
        if any((directory / name).is_file() for name in _CONFIG_FILES):
            return directory
    return start


def _same(first: Path, second: Path) -> bool:
    return os.path.realpath(first) == os.path.realpath(second)


def _contains(directory: Path, path: Path) -> bool:
    real_dir, real_path = Path(os.path.realpath(directory)), Path(os.path.realpath(path))
    return real_path == real_dir or real_dir in real_path.parents
