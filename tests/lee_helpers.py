"""Setup shared by ``tests/test_package_*.py`` and ``tests/test_contracts_*.py``.

Not a test module (no ``test_`` prefix): the test modules import it by name, as
pytest puts their own directory on ``sys.path``. Only setup lives here — every
assertion stays in the test that makes it.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from pytest_lee.settings import Settings

# A minimal handler module that binds `handler` and compiles everywhere.
APP = "import json\n\n\ndef handler(event, context):\n    return json.dumps(event)\n"

# The LEE-shaped engine the contract tests copy and edit (see its modules' docstrings).
CONTRACT_ENGINE = Path(__file__).parent / "data" / "contracts" / "engine"

# The contract table most contract tests run: spies at every *_core function.
CORE_LEAVES = """
[[tool.lee.contract]]
registry = "gw:ROUTERS"
dispatcher = "gw:dispatch"
operation = "ping"
kwargs = { timeout = 30 }
leaves = ["*_core"]
"""


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{relative name: text or bytes}`` under *root* and return *root*."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def package_settings(source: Path, **overrides: Any) -> Settings:
    """Settings packaging *source* (rootdir its parent), handler ``app.handler``, no length warnings."""
    values: dict[str, Any] = {
        "rootdir": source.parent,
        "source": source,
        "handler": "app.handler",
        "min_lines": 0,
    }
    values.update(overrides)
    return Settings(**values)


def copy_engine(target: Path, edits: Mapping[str, Sequence[tuple[str, str]]] = {}) -> Path:
    """Copy the contract engine to *target* (replacing it), then apply ``{file: [(old, new), ...]}``.

    Each *old* must occur in its file, so an edit that no longer applies fails the
    test instead of silently testing the unedited engine.
    """
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(CONTRACT_ENGINE, target)
    for name, replacements in edits.items():
        path = target / name
        text = path.read_text()
        for old, new in replacements:
            assert old in text, f"{old!r} not in {name}"
            text = text.replace(old, new)
        path.write_text(text)
    return target


def contract_project(
    pytester: pytest.Pytester,
    contract: str = CORE_LEAVES,
    edits: Mapping[str, Sequence[tuple[str, str]]] = {},
) -> Path:
    """A pytester project: the engine as ``engine/`` (edited) under ``[tool.lee] source`` + *contract*."""
    engine = copy_engine(pytester.path / "engine", edits)
    pytester.makepyprojecttoml(f'[tool.lee]\nsource = "engine"\n{contract}')
    return engine
