"""What the Lambda runtime provides besides the package: ``runtime_provides`` as a path entry.

Each named distribution (and, recursively, the distributions it requires) is found
with ``importlib.metadata`` in the current environment; its top-level import names
are symlinked into one temporary directory, which becomes the child's only path
entry besides the code directory and the standard library. So ``boto3`` is importable
in the child when configured, and ``requests`` is not unless it is provided too.

The default (``["boto3", "botocore"]``, what the real runtime bundles) is best effort:
a default distribution that is not installed is skipped. A list the project set to
anything else must be installed: a missing one is a configuration error.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

from pytest_lee.errors import LeeConfigError
from pytest_lee.sandbox.reaper import owned_prefix
from pytest_lee.settings import FunctionSettings

_DIRS: dict[tuple[str, ...], Path | None] = {}
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def provides_dir(names: tuple[str, ...]) -> Path | None:
    """A directory of symlinks to *names*' import packages (built once per process)."""
    key = tuple(names)
    if key not in _DIRS:
        _DIRS[key] = _build(key)
    return _DIRS[key]


def cleanup() -> None:
    """Remove the directories built by this process (registered with ``atexit``)."""
    for path in _DIRS.values():
        if path is not None:
            shutil.rmtree(path, ignore_errors=True)
    _DIRS.clear()


def _build(names: tuple[str, ...]) -> Path | None:
    if not names:
        return None
    best_effort = names == FunctionSettings().runtime_provides
    distributions: dict[str, metadata.Distribution] = {}
    for name in names:
        try:
            _collect(metadata.distribution(name), distributions)
        except metadata.PackageNotFoundError:
            if best_effort:
                continue
            raise LeeConfigError(
                f"tool.lee.function.runtime_provides: {name!r} is not installed in this environment "
                "(install it, or remove it from the list)"
            ) from None
    target = Path(tempfile.mkdtemp(prefix=owned_prefix("runtime")))
    for distribution in distributions.values():
        for entry in _top_level_entries(distribution):
            link = target / entry.name
            if not link.exists() and not link.is_symlink():
                link.symlink_to(entry)
    return target


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _collect(distribution: metadata.Distribution, seen: dict[str, metadata.Distribution]) -> None:
    key = _normalize(distribution.metadata["Name"] or "")
    if key in seen:
        return
    seen[key] = distribution
    for requirement in distribution.requires or ():
        marker = requirement.partition(";")[2]
        if "extra" in marker:  # only wanted with an extra the runtime does not ask for
            continue
        match = _REQUIREMENT_NAME.match(requirement)
        if match is None:
            continue
        try:
            _collect(metadata.distribution(match.group(1)), seen)
        except metadata.PackageNotFoundError:
            continue  # an unmet optional or platform requirement: not ours to judge


def _top_level_entries(distribution: metadata.Distribution) -> list[Path]:
    """The files and directories that make the distribution importable (and its dist-info)."""
    root = Path(str(distribution.locate_file("")))
    names: set[str] = set()
    for file in distribution.files or ():
        parts = Path(str(file)).parts
        if not parts or parts[0] in ("..", "__pycache__") or parts[0].endswith(".data"):
            continue
        first = parts[0]
        if len(parts) == 1 and not first.endswith((".py", ".so", ".pyd", ".pth")):
            continue
        if first.endswith(".pth"):
            continue
        names.add(first)
    return [root / name for name in sorted(names) if (root / name).exists()]


atexit.register(cleanup)
