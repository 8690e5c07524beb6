"""NM06-LESS-09 on the example engine: the gateway → interface → core contract, checked.

The engine's ``[[tool.lee.contract]]`` (root ``pyproject.toml``) puts the spies at
``*_core``: LEE's routers take ``**kwargs``, so a keyword breaks only where it lands.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "examples" / "lee_engine"
REGISTRY = "gateway_core:_INTERFACE_ROUTERS"


def engine_project(pytester: pytest.Pytester) -> Path:
    """A copy of the engine under the root pyproject's own contract table."""
    from pytest_lee.settings import load_settings

    (contract,) = load_settings(ROOT).contracts
    shutil.copytree(
        ENGINE, pytester.path / "lee_engine", ignore=shutil.ignore_patterns("__pycache__")
    )
    kwargs = ", ".join(f"{name} = {value!r}" for name, value in contract.kwargs.items())
    pytester.makepyprojecttoml(
        f"""
        [tool.lee]
        source = "lee_engine"

        [[tool.lee.contract]]
        registry = "{contract.registry}"
        dispatcher = "{contract.dispatcher}"
        operation = "{contract.operation}"
        kwargs = {{ {kwargs} }}
        leaves = {list(contract.leaves)!r}
        """
    )
    return pytester.path / "lee_engine"


def drop_timeout_from_cache_core(engine: Path) -> None:
    """The LESS-09 state of cache_core: written before the gateway passed ``timeout=``."""
    path = engine / "cache_core.py"
    text = path.read_text()
    text = text.replace(", timeout: int = 30", "").replace("(timeout: int = 30)", "()")
    text = text.replace('"timeout": timeout', '"timeout": None')
    assert "timeout: int" not in text
    path.write_text(text)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # In-process: the checks run the engine in their own child interpreter anyway.
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "contract or deploy", *args)


@pytest.mark.lee_ref("NM06-LESS-09", "Local tests passing")
def test_every_interface_accepts_what_the_gateway_passes(lee_contract) -> None:
    rows = lee_contract.matrix()
    assert {row.key for row in rows} == {"CACHE", "LOGGING", "HTTP"}
    assert [row for row in rows if row.status != "ok"] == []
    origins = {(row.key, row.origin) for row in rows}
    assert ("CACHE", "gateway.py:11") in origins  # cache_get's call site became a probe


def test_the_engine_matrix_is_green_in_the_terminal(pytester: pytest.Pytester) -> None:
    engine_project(pytester)
    result = run(pytester)
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*lee contracts*", f"{REGISTRY}  ✓ CACHE  ✓ LOGGING  ✓ HTTP"])


@pytest.mark.lee_ref("NM06-LESS-09")
def test_the_less_09_incident_is_caught_before_deployment(pytester: pytest.Pytester) -> None:
    drop_timeout_from_cache_core(engine_project(pytester))
    result = run(pytester)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*contract gateway_core:_INTERFACE_ROUTERS[[]CACHE[]]*",
            "gateway_core.execute_operation(GatewayInterface.CACHE, 'get', key=<str>) (call site gateway.py:11) "
            "reached `cache_core._execute_get_implementation` (cache_core.py:23) from interface_cache.py:26, "
            "passing (timeout=30, key='key'); it accepts (key: str): got an unexpected keyword argument 'timeout'. "
            "Fix: add `timeout` to `cache_core._execute_get_implementation` or accept `**kwargs`.",
            f"{REGISTRY}  ✗ CACHE  ✓ LOGGING  ✓ HTTP",
        ]
    )


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


@pytest.mark.lee_ref("NM06-LESS-09", "All affected files identified")
@pytest.mark.lee_ref("NM06-LESSONS-Deployment_and_Operations", "All affected files identified")
def test_the_baseline_names_the_files_that_must_ship_together(pytester: pytest.Pytester) -> None:
    """v1: no timeout anywhere in the cache path. v2 (today's engine): the gateway passes it."""
    engine = engine_project(pytester)
    drop_timeout_from_cache_core(engine)
    gateway_core = engine / "gateway_core.py"
    gateway_core.write_text(
        gateway_core.read_text()
        .replace("    timeout: int = DEFAULT_TIMEOUT,\n", "")
        .replace("router(operation, timeout=timeout, **kwargs)", "router(operation, **kwargs)")
    )
    interface_http = engine / "interface_http.py"
    interface_http.write_text(
        interface_http.read_text().replace('"""HTTP interface router."""', '"""HTTP router."""')
    )
    git(pytester.path, "init", "-q")
    git(pytester.path, "add", ".")
    git(pytester.path, "commit", "-q", "-m", "v1")
    git(pytester.path, "tag", "v1")
    for name in ("gateway_core.py", "cache_core.py", "interface_http.py"):
        shutil.copy(ENGINE / name, engine / name)
    git(pytester.path, "commit", "-q", "-am", "v2: timeout parameter")

    result = run(pytester, "--lee-baseline", "v1", "--lee-json", "lee.json")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "*lee baseline*",
            "against v1 (git *): 3 changed files, * mixed trees checked in * s",
            "must deploy together: gateway_core.py + cache_core.py",
            "  because gateway_core.py alone: `cache_core._execute_get_implementation` (cache_core.py:23) "
            "got an unexpected keyword argument 'timeout' (called from interface_cache.py:26)",
            "safe alone: interface_http.py",
            "compatible  gateway_core.py:42 execute_operation(interface, operation, **kwargs) → "
            "(interface, operation, timeout=DEFAULT_TIMEOUT, **kwargs): new parameter `timeout` with a default (DEFAULT_TIMEOUT)",
        ]
    )
    import json

    assert json.loads((pytester.path / "lee.json").read_text())["deploy_groups"] == [
        ["gateway_core.py", "cache_core.py"]
    ]

    strict = run(pytester, "--lee-baseline", "v1", "--lee-require-compatible")
    strict.assert_outcomes(passed=3, failed=1)
    strict.stdout.fnmatch_lines(
        ["  - gateway_core.py cannot ship alone; deploy together: gateway_core.py + cache_core.py*"]
    )
