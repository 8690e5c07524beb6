"""NM06-LESS-10 on the example engine: its cold start held to the seed's baselines, and the
sentinel leak (NM06-BUG-01) — a first cache access 500 ms slow — caught by ``cache_warm_ms``.

Like the collected budget items, these run only with ``pytest --lee-budgets``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    "not config.getoption('lee_budgets')", reason="budgets run with --lee-budgets"
)

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "examples" / "lee_engine"
GET = "def _execute_get_implementation(key: str, timeout: int = 30) -> Any:\n"
LEAK = (
    "    if _LEAKED:  # NM06-BUG-01: the leaked sentinel made the first cache access slow\n"
    "        _LEAKED.clear()\n"
    "        time.sleep(0.5)\n"
)


def leaky_engine(destination: Path) -> Path:
    """A copy of the engine whose first cache access costs 500 ms, as the seed's did."""
    shutil.copytree(ENGINE, destination, ignore=shutil.ignore_patterns("__pycache__"))
    core = destination / "cache_core.py"
    source = core.read_text()
    assert GET in source, "cache_core._execute_get_implementation changed: update this test"
    core.write_text(
        source.replace(GET, GET + LEAK).replace(
            "_MISSING = object()\n", "_MISSING = object()\n_LEAKED = [True]\n"
        )
    )
    return destination


PRODUCTION_READINESS = "NM06-LESSONS-Deployment_and_Operations"


@pytest.mark.lee_ref("NM06-LESS-10")
@pytest.mark.lee_ref("NM06-LESS-09", "Metrics baseline (cold start time acceptable)")
@pytest.mark.lee_ref(
    PRODUCTION_READINESS,
    "Cold start timing logged",
    "Request latency tracked",
    "Error rate monitored",
    "Performance baselines established",
)
def test_the_engine_meets_the_seed_baselines(lee_cold_start):
    result = lee_cold_start()
    result.check()  # every metric with levels in [tool.lee.budgets]: the seed's baselines
    assert result.verdict("cold_start_ms") in ("target", "acceptable")
    # The engine logs each cold-start phase, and the harness picked every one up.
    assert {"import_time_ms", "gateway_init_ms", "config_load_ms", "cache_warm_ms"} <= set(
        result.phases
    )
    # Each fresh interpreter replays at least 20 warm requests after its cold start.
    assert len(result["request_ms"].samples) >= 20 * len(result["cold_start_ms"].samples)
    assert result.verdict("request_ms") in ("target", "acceptable")
    assert result.verdict("error_rate") == "target"
    assert result.verdict("cache_hit_rate") in ("target", "acceptable")


@pytest.mark.lee_ref("NM06-LESS-10")
def test_a_leaked_sentinel_fails_cache_warm_ms(lee_cold_start, tmp_path):
    result = lee_cold_start(source=leaky_engine(tmp_path / "engine"), runs=3)
    assert result.verdict("cache_warm_ms") == "critical"
    assert result.verdict("cold_start_ms") in ("over", "critical")
    assert (
        max((value, name) for name, value in result.phases.items() if "total" not in name)[1]
        == "cache_warm_ms"
    )
    with pytest.raises(pytest.fail.Exception, match=r"cache_warm_ms: median \S+ is CRITICAL"):
        result.check()


@pytest.mark.lee_ref("NM06-LESS-10")
def test_the_summary_table_points_at_the_leak(pytester):
    text = (ROOT / "pyproject.toml").read_text()
    tool_lee = text[text.index("[tool.lee]") : text.index("[tool.lee.kb]")]
    pytester.makefile(".toml", pyproject=tool_lee)
    leaky_engine(pytester.path / "examples" / "lee_engine")
    shutil.copytree(ROOT / "examples" / "events", pytester.path / "examples" / "events")
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget", "--lee-runs", "3")
    # What the leak makes fail and where the breakdown points; no figure a busy machine
    # changes (at load 11 the leak's share of the cold start was 81 %, not 9?).
    result.stdout.fnmatch_lines_random(
        [
            "FAILED pyproject.toml::budget[[]cold_start_ms[]]*",
            "FAILED pyproject.toml::budget[[]cache_warm_ms[]]*",
            "cache_warm_ms * ≤5 / ≤20 / ≤200 *‼ critical",
            "    cache_warm_ms * % *◀ largest  ‼ critical",
            "*largest cold-start phase: cache_warm_ms * ms (* % of the * ms cold start)",
        ]
    )
    result.stdout.re_match_lines_random(
        [r"cold_start_ms .* ≤320 / ≤500 / ≤1000 .* (over|critical)$"]
    )
