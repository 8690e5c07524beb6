"""The small project the budgets tests run ``pytest --lee-budgets`` on (not a test module).

One handler, ``src/app.py``, measured as ``app.handler`` with nothing provided by the
runtime; each test file gives the handler's source, the ``[tool.lee.budgets]`` body and
the function's environment (files through which a test sees or steers its children).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

PYPROJECT = """\
[tool.lee]
source = "src"
handler = "app.handler"
min_lines = 0

[tool.lee.function]
name = "probe"
timeout_s = {timeout}
runtime_provides = []
environment = {environment}

[tool.lee.budgets]
{budgets}
"""


def budgets_project(
    pytester: pytest.Pytester,
    app: str,
    budgets: str,
    *,
    timeout: float = 10,
    environment: Mapping[str, str | Path] | None = None,
) -> pytest.Pytester:
    """Write ``pyproject.toml`` and ``src/app.py`` into *pytester*'s directory."""
    table = ", ".join(
        f"{name} = {json.dumps(str(value))}" for name, value in (environment or {}).items()
    )
    pytester.makefile(
        ".toml",
        pyproject=PYPROJECT.format(
            timeout=timeout, environment=f"{{ {table} }}" if table else "{}", budgets=budgets
        ),
    )
    pytester.mkdir("src")
    (pytester.path / "src" / "app.py").write_text(textwrap.dedent(app))
    return pytester
