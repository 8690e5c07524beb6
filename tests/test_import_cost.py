"""The plugin loads in every pytest run of every user: importing it must stay cheap."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("boto3", "botocore", "moto", "markdown_it", "ftfy")


def test_importing_the_plugin_loads_no_heavy_dependency():
    code = (
        "import sys, pytest_lee.plugin, pytest_lee.settings, pytest_lee.findings, pytest_lee.report, pytest_lee.collect;"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_a_plain_run_of_a_project_without_tool_lee_loads_no_heavy_dependency(pytester):
    pytester.makeconftest(
        "import sys\n"
        "def pytest_sessionfinish(session):\n"
        f"    loaded = ','.join(m for m in {HEAVY!r} if m in sys.modules)\n"
        "    (session.config.rootpath / 'heavy.txt').write_text(loaded)\n"
    )
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert (pytester.path / "heavy.txt").read_text() == ""
