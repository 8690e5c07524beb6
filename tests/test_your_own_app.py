"""docs/your-own-app.md, run as written: its files (a SAM app), then its commands.

``requests`` comes from a wheel this test builds (``--no-index --find-links``), so CI does
not need the registry; with ``LEE_NETWORK=1`` the real one is fetched from PyPI instead.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from wheels import make_wheel, use_wheels

DOC = Path(__file__).resolve().parents[1] / "docs" / "your-own-app.md"
FILE_BLOCK = re.compile(r'^```\w+ title="(?P<name>[^"]+)"\n(?P<body>.*?)^```$', re.S | re.M)
CONSOLE_BLOCK = re.compile(r"^```console\n(?P<body>.*?)^```$", re.S | re.M)


def doc_files() -> dict[str, str]:
    return {match["name"]: match["body"] for match in FILE_BLOCK.finditer(DOC.read_text())}


def fenced_blocks() -> list[tuple[str, str]]:
    """(info string, body) of every fenced block of the page, in order."""
    blocks: list[tuple[str, str]] = []
    info, body = None, []
    for line in DOC.read_text().splitlines(keepends=True):
        if info is None and line.startswith("```"):
            info, body = line[3:].strip(), []
        elif info is not None and line.rstrip("\n") == "```":
            blocks.append((info, "".join(body)))
            info = None
        elif info is not None:
            body.append(line)
    return blocks


def doc_commands() -> list[list[str]]:
    lines = "".join(match["body"] for match in CONSOLE_BLOCK.finditer(DOC.read_text()))
    return [shlex.split(line[2:]) for line in lines.splitlines() if line.startswith("$ ")]


def test_the_page_shows_a_sam_app_one_line_of_configuration_and_a_rehearsal():
    assert set(doc_files()) == {
        "template.yaml",
        "src/app.py",
        "src/requirements.txt",
        "layer/pricing.py",
        "events/00_health.json",
        "events/10_create.json",
        "pyproject.toml",
        "tests/test_deploy.py",
    }
    lee = doc_files()["pyproject.toml"].split("[tool.lee.budgets]")[0]
    assert lee.strip() == '[tool.lee]\ntemplate = "template.yaml"'  # nothing retyped
    assert doc_commands() == [["pytest"], ["pytest", "--lee-budgets"]]


def test_your_own_sam_app_in_five_minutes(pytester, monkeypatch):
    pytest.importorskip("moto.server", reason="needs moto[server] (the aws extra)")
    outside = pytester.path.parent  # the cache and pytest's temp dirs, as for a user: not collected
    if os.environ.get("LEE_NETWORK") == "1":
        monkeypatch.setenv("LEE_CACHE_DIR", str(outside / "cache"))
    else:
        version = "__version__ = '2.99.0'\n"
        make_wheel(
            outside / "wheels", "requests", "2.99.0", files={"requests/__init__.py": version}
        )
        use_wheels(monkeypatch, outside / "wheels", outside / "cache")
    for name, body in doc_files().items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    plain, budgets = doc_commands()
    first = pytester.runpytest_subprocess(
        *plain[1:], "-p", "no:cacheprovider", f"--basetemp={outside / 'tmp1'}"
    )
    # package, the rehearsal, a contract item per route of app.py's ROUTES (found from the
    # template, no table); budgets skipped
    first.assert_outcomes(passed=5, skipped=2)
    first.stdout.fnmatch_lines(["*lee contracts*"])
    second = pytester.runpytest_subprocess(
        *budgets[1:], "-p", "no:cacheprovider", f"--basetemp={outside / 'tmp2'}"
    )
    second.assert_outcomes(passed=7)  # the same, with the two budgets
    (shown,) = [body for info, body in fenced_blocks() if not info]  # the output the page shows
    second.stdout.fnmatch_lines(
        ["*lee budgets*", "*cold_start_ms*", shown.rstrip("\n"), "*status codes: 200 × *, 201 × *"]
    )
