"""A real session for the HTML report tests (not a test module).

A small project with every section: the contract test engine (``tests/data/contracts/engine``)
with the incident applied (``CACHE`` fails: its core lost ``timeout``), a handler
``app.handler`` measured by ``--lee-budgets``, and a test module that rehearses a good
deployment then a version that raises in its health check (rolled back). Against the
unedited engine (``v1/engine``, ``--lee-baseline v1``) the change set has a real group
(``http_core.py`` renamed ``retries`` to ``attempts``, and ``wrappers.py`` passes the new
name: neither ships alone), a file safe alone (a comment in ``gw.py``) and a failure of
the new version whatever ships (``CACHE``). It runs once per test process, as a user runs
it (``python -m pytest`` in a fresh interpreter), with ``--lee-html`` and ``--lee-json``;
the tests read what it wrote.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from lee_helpers import CORE_LEAVES, copy_engine

PYPROJECT = f"""
[tool.lee]
source = "engine"
handler = "app.handler"
min_lines = 0

[tool.lee.function]
name = "demo"
timeout_s = 10
runtime_provides = []

[tool.lee.budgets]
runs = 2
event = {{ test = "true" }}
cold_start_ms = {{ target = 1, acceptable = 2000 }}
import_ms = {{ acceptable = 1000 }}
max_memory_mb = {{ acceptable = 1 }}
{CORE_LEAVES}
"""

APP = """\
import json
import wrappers


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event)}
"""

RAISES = """\
def handler(event, context):
    raise RuntimeError("broken on purpose")
"""

# A baseline saved earlier on another machine: the report's trend starts from it.
OLD_BASELINE = """\
{"metrics": {"cold_start_ms": {"median": 40.0, "p95": 45.0, "higher_is_better": false},
             "import_ms": {"median": 30.0, "p95": 33.0, "higher_is_better": false}},
 "recorded": {"machine": "ci-runner (x86_64, 2 CPUs)", "python": "3.12.1", "commit": "abc1234",
              "date": "2026-01-01T00:00:00+00:00"}}
"""

REHEARSAL = """\
def test_a_broken_version_is_rolled_back(lee_rehearsal, lee_package):
    assert lee_rehearsal.deploy(lee_package()).promoted
    bad = lee_rehearsal.deploy(lee_package("broken"))
    assert bad.rolled_back and lee_rehearsal.alias_version == "1"
"""


@dataclass(frozen=True)
class Session:
    root: Path
    html: Path
    json: Path
    stdout: str
    returncode: int


_SESSIONS: dict[str, Session] = {}


def html_session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    """Build the project and run it once per process; later calls get the same session."""
    if "session" not in _SESSIONS:
        _SESSIONS["session"] = _run(tmp_path_factory.mktemp("html-project"))
    return _SESSIONS["session"]


# The new version against the baseline (the unedited engine): the incident, a group, a comment.
CHANGES = {
    "cache_core.py": [("def get_impl(key, timeout=30):", "def get_impl(key):")],
    "http_core.py": [("def fetch_impl(url, retries=0,", "def fetch_impl(url, attempts=0,")],
    "wrappers.py": [("url=url, retries=retries)", "url=url, attempts=retries)")],
    "gw.py": [("import importlib\n", "import importlib  # v2\n")],
}


def _run(root: Path) -> Session:
    baseline = copy_engine(root / "v1" / "engine")
    (baseline / "app.py").write_text(APP)
    engine = copy_engine(root / "engine", CHANGES)
    (engine / "app.py").write_text(APP)
    broken = root / "broken"
    shutil.copytree(engine, broken)
    (broken / "app.py").write_text(RAISES)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "test_rehearse.py").write_text(REHEARSAL)
    (root / ".lee" / "baselines").mkdir(parents=True)
    (root / ".lee" / "baselines" / "january.json").write_text(OLD_BASELINE)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:hypothesispytest",  # it imports all of Hypothesis: ~1 s for no property test
            "--lee-budgets",
            "--lee-baseline",
            "v1",
            "--lee-html",
            "report.html",
            "--lee-json",
            "report.json",
            "-rfE",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Session(
        root, root / "report.html", root / "report.json", result.stdout, result.returncode
    )
