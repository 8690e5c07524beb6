"""``--lee-baseline`` trees holding symbolic links that loop or point at absolute paths.

A directory baseline with a link loop was copied about 40 levels deep and ended in a
~970-line traceback; a git baseline with an absolute link was a traceback too. Each such
link is now skipped with one line, and the comparison runs on the rest.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from lee_helpers import CORE_LEAVES, copy_engine

APP = "def handler(event, context):\n    return {version}\n"


def project(pytester: pytest.Pytester) -> None:
    """The contract engine as ``src`` plus an ``app.py`` whose v2 differs from v1."""
    pytester.makepyprojecttoml(
        f'[tool.lee]\nsource = "src"\nhandler = "app.handler"\n{CORE_LEAVES}'
    )
    copy_engine(pytester.path / "src")
    (pytester.path / "src" / "app.py").write_text(APP.format(version=2))


def run(pytester: pytest.Pytester, baseline: str) -> tuple[pytest.RunResult, dict]:
    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "-k",
        "deploy",
        "--lee-baseline",
        baseline,
        "--lee-json",
        "out.json",
    )
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=1)
    return result, json.loads((pytester.path / "out.json").read_text())["baseline"][0]


@pytest.mark.parametrize(
    ("name", "target", "line"),
    [
        ("loop", ".", "loop: symlink loops back into the tree (-> .); skipped in the baseline"),
        (
            "passwd",
            "/etc/passwd",
            "passwd: absolute symlink (-> /etc/passwd); skipped in the baseline",
        ),
    ],
    ids=["loop", "absolute"],
)
def test_a_directory_baseline_skips_a_looping_or_absolute_link_with_one_line(
    pytester: pytest.Pytester, name: str, target: str, line: str
):
    project(pytester)
    old = copy_engine(pytester.path / "old")
    (old / "app.py").write_text(APP.format(version=1))
    (old / name).symlink_to(target)
    result, entry = run(pytester, "old")
    assert entry["skipped"] == [line]
    assert entry["changed"] == ["app.py"]  # nothing from /etc, nothing 40 levels deep
    result.stdout.fnmatch_lines([f"skipped: {line}"])


def test_a_git_baseline_skips_an_absolute_link_with_one_line(pytester: pytest.Pytester):
    project(pytester)
    source = pytester.path / "src"
    (source / "app.py").write_text(APP.format(version=1))
    (source / "passwd").symlink_to("/etc/passwd")
    (source / "loop").symlink_to("loop")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=pytester.path, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    (source / "app.py").write_text(APP.format(version=2))
    (source / "passwd").unlink()
    (source / "loop").unlink()
    result, entry = run(pytester, "HEAD")
    assert entry["skipped"] == [
        "passwd: absolute symlink (-> /etc/passwd); skipped in the baseline",
        "loop: broken or looping symlink (-> loop); skipped in the baseline",
    ]
    assert entry["changed"] == ["app.py"]
    result.stdout.fnmatch_lines(["skipped: passwd: absolute symlink (-> /etc/passwd)*"])
