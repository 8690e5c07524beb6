"""``--lee-baseline``: partial deployments simulated on a small v1 → v2 history.

v1 → v2 changes four files of ``tests/data/contracts/engine``:

- ``gw.py`` starts passing ``timeout=`` (a compatible signature change), which v1's
  ``cache_core.py`` does not take — so it must ship with ``cache_core.py`` (whose
  new ``timeout=30`` parameters are compatible);
- ``http_core.py``: ``retries`` gains a ``None`` default (deprecating), safe alone;
- ``iface_http.py``: ``operation`` renamed to ``op`` (breaking), yet safe alone for the
  contracts, since the gateway passes it positionally.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from lee_helpers import copy_engine

CONTRACT = """
[tool.lee]
source = "engine"

[[tool.lee.contract]]
registry = "gw:ROUTERS"
dispatcher = "gw:dispatch"
operation = "ping"
leaves = ["*_core"]
"""

V1 = {
    "gw.py": [
        (
            "def dispatch(interface, operation, timeout=30, **kwargs):",
            "def dispatch(interface, operation, **kwargs):",
        ),
        ("router(operation, timeout=timeout, **kwargs)", "router(operation, **kwargs)"),
    ],
    "cache_core.py": [
        ("def get_impl(key, timeout=30):", "def get_impl(key):"),
        ("def ping_impl(timeout=30):", "def ping_impl():"),
    ],
    "http_core.py": [
        ("def fetch_impl(url, retries=0, timeout=30):", "def fetch_impl(url, retries, timeout=30):")
    ],
}
V2 = {
    "http_core.py": [
        (
            "def fetch_impl(url, retries=0, timeout=30):",
            "def fetch_impl(url, retries=None, timeout=30):",
        )
    ],
    "iface_http.py": [
        (
            'def route_http(operation, **kwargs):\n    if operation == "ping":',
            'def route_http(op, **kwargs):\n    if op == "ping":',
        )
    ],
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.email=lee@example.com",
            "-c",
            "user.name=lee",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def history(pytester: pytest.Pytester) -> pytest.Pytester:
    """A git repository whose tag v1 has the v1 engine and whose HEAD has v2."""
    pytester.makepyprojecttoml(CONTRACT)
    copy_engine(pytester.path / "engine", V1)
    git(pytester.path, "init", "-q")
    git(pytester.path, "add", ".")
    git(pytester.path, "commit", "-q", "-m", "v1")
    git(pytester.path, "tag", "v1")
    copy_engine(pytester.path / "engine", V2)
    git(pytester.path, "commit", "-q", "-am", "v2: timeout everywhere")
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "contract or deploy", *args)


def make_baseline(pytester: pytest.Pytester, kind: str) -> str:
    if kind == "git ref":
        return "v1"
    v1 = copy_engine(pytester.path / "v1-tree" / "engine", V1)
    if kind == "directory":
        return "v1-tree/engine"
    if kind == "project directory":
        return "v1-tree"
    with zipfile.ZipFile(pytester.path / "v1.zip", "w") as archive:
        for path in sorted(v1.iterdir()):
            archive.write(path, path.name)
    return "v1.zip"


@pytest.mark.parametrize("kind", ["git ref", "directory", "project directory", "zip"])
def test_each_baseline_kind_names_the_pair_that_must_ship_together(
    history: pytest.Pytester, kind: str
) -> None:
    baseline = make_baseline(history, kind)
    result = run(history, "--lee-baseline", baseline, "--lee-json", "out.json")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*lee baseline*",
            f"against {baseline} (*): 4 changed files, * mixed trees checked in * s",
            "must deploy together: gw.py + cache_core.py",
            "  because gw.py alone: `cache_core.ping_impl` (cache_core.py:15) got an unexpected keyword argument 'timeout' (called from iface_cache.py:7)",
            "safe alone: http_core.py, iface_http.py",
        ]
    )
    assert json.loads((history.path / "out.json").read_text())["deploy_groups"] == [
        ["gw.py", "cache_core.py"]
    ]


def test_signature_changes_are_compatible_breaking_or_deprecating(history: pytest.Pytester) -> None:
    result = run(history, "--lee-baseline", "v1", "--lee-json", "out.json")
    result.stdout.fnmatch_lines(
        [
            "compatible  cache_core.py:10 get_impl(key) → (key, timeout=30): new parameter `timeout` with a default (30)",
            "compatible  cache_core.py:15 ping_impl() → (timeout=30): new parameter `timeout` with a default (30)",
            "compatible  gw.py:21 dispatch(interface, operation, **kwargs) → (interface, operation, timeout=30, **kwargs): "
            "new parameter `timeout` with a default (30)",
            "deprecating http_core.py:6 fetch_impl(url, retries, timeout=30) → (url, retries=None, timeout=30): "
            "`retries` is now optional (None default)*",
            "breaking    iface_http.py:6 route_http(operation, **kwargs) → (op, **kwargs): renamed `operation` → `op`",
        ]
    )
    entry = json.loads((history.path / "out.json").read_text())["baseline"][0]
    assert {(s["file"], s["function"], s["kind"]) for s in entry["signatures"]} == {
        ("cache_core.py", "get_impl", "compatible"),
        ("cache_core.py", "ping_impl", "compatible"),
        ("gw.py", "dispatch", "compatible"),
        ("http_core.py", "fetch_impl", "deprecating"),
        ("iface_http.py", "route_http", "breaking"),
    }


def test_require_compatible_fails_the_run_and_says_why(history: pytest.Pytester) -> None:
    result = run(history, "--lee-baseline", "v1", "--lee-require-compatible")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "--lee-require-compatible: 2 problems against v1 (git *):",
            "  - gw.py cannot ship alone; deploy together: gw.py + cache_core.py (`cache_core.ping_impl`*",
            "  - breaking signature change: iface_http.py:6 route_http(operation, **kwargs) → (op, **kwargs): renamed `operation` → `op`",
            "FAILED pyproject.toml::deploy-groups*",
        ]
    )
    assert result.ret == 1


def test_require_compatible_passes_when_every_change_ships_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(CONTRACT)
    copy_engine(pytester.path / "engine", {"cache_core.py": V1["cache_core.py"]})
    git(pytester.path, "init", "-q")
    git(pytester.path, "add", ".")
    git(pytester.path, "commit", "-q", "-m", "v1")
    copy_engine(pytester.path / "engine", {})
    result = run(pytester, "--lee-baseline", "HEAD", "--lee-require-compatible")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["against HEAD (git *): 1 changed file, *", "safe alone: cache_core.py"]
    )
    result.stdout.no_fnmatch_line("*must deploy together*")


def test_a_baseline_that_does_not_exist_is_a_usage_error_naming_it(
    history: pytest.Pytester,
) -> None:
    result = run(history, "--lee-baseline", "v9-no-such-tag")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --lee-baseline v9-no-such-tag: not a git ref of *, nor a directory or zip*"]
    )


def test_a_baseline_outside_git_that_does_not_exist_is_a_usage_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyprojecttoml(CONTRACT)
    copy_engine(pytester.path / "engine", {})
    result = run(pytester, "--lee-baseline", "release-1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --lee-baseline release-1: no such directory or zip, and * is not a git repository"]
    )


def test_require_compatible_without_a_baseline_is_a_usage_error(history: pytest.Pytester) -> None:
    result = run(history, "--lee-require-compatible")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --lee-require-compatible needs --lee-baseline REF*"])


def test_require_compatible_without_a_baseline_is_refused_at_configure_time(
    pytester: pytest.Pytester,
) -> None:
    # Checked when the command line is read: no collection, not even of a broken test file.
    pytester.makepyprojecttoml("[tool.lee]\nmin_lines = 0\n")
    pytester.makepyfile(test_broken="raise SystemExit('collected')\n")
    result = run(pytester, "--lee-require-compatible")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --lee-require-compatible needs --lee-baseline REF*"])
    assert "collected" not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize(
    "flags", [("--lee-baseline", "."), ("--lee-baseline", ".", "--lee-require-compatible")]
)
def test_baseline_flags_without_a_contract_table_are_a_usage_error(
    pytester: pytest.Pytester, flags
) -> None:
    # A CI gate that silently checks nothing would pass without a single contract.
    pytester.makepyprojecttoml("[tool.lee]\nmin_lines = 0\n")
    result = run(pytester, *flags)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: {flags[0]}: no *tool.lee.contract* table in *pyproject.toml, so there is no contract to check"
        ]
    )
