# The plugin's own tests drive pytest-lee as users run it: through pytester.
from __future__ import annotations

import os
import shutil
import tempfile

import pytest

pytest_plugins = ["pytester"]


def pytest_configure(config: pytest.Config) -> None:
    """Every test's pytest-lee cache (compiled hashes, vendored trees) in a directory of this
    run, never the user's ``~/.cache/pytest-lee``; ``LEE_NETWORK=1`` lets ``network`` tests run."""
    if "LEE_CACHE_DIR" not in os.environ:
        directory = tempfile.mkdtemp(prefix="lee-test-cache-")
        os.environ["LEE_CACHE_DIR"] = directory
        config.add_cleanup(lambda: shutil.rmtree(directory, ignore_errors=True))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("LEE_NETWORK") == "1":
        return
    skip = pytest.mark.skip(reason="reaches the package registry: run with LEE_NETWORK=1")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)
