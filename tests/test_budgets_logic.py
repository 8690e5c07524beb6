"""Verdicts, statistics, metric parsing, markers and baselines: pure logic, injected figures."""

from __future__ import annotations

import json

import pytest

from pytest_lee.budgets.baselines import describe_change, load_baseline, regression_pct
from pytest_lee.budgets.emf import emf_lines
from pytest_lee.budgets.marker import parse_budget_marker
from pytest_lee.budgets.metrics import cache_hit_rate, parse_app_metrics
from pytest_lee.budgets.stats import summarize
from pytest_lee.budgets.verdicts import describe_levels, unreliable, verdict
from pytest_lee.errors import LeeConfigError
from pytest_lee.lambda_runtime.runner import parse_importtime_line
from pytest_lee.settings import BudgetSettings, Levels, Settings
from pytest_lee.settings_parse import parse_levels

LOWER = Levels(target=320, acceptable=500, critical=1000)
HIGHER = Levels(target=0.9, acceptable=0.8, critical=0.5, higher_is_better=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, "target"),
        (320, "target"),
        (321, "acceptable"),
        (500, "acceptable"),
        (501, "over"),
        (1000, "over"),
        (1001, "critical"),
    ],
)
def test_lower_is_better_verdicts_follow_the_levels(value, expected):
    assert verdict(value, LOWER) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.99, "target"),
        (0.9, "target"),
        (0.89, "acceptable"),
        (0.8, "acceptable"),
        (0.79, "over"),
        (0.5, "over"),
        (0.49, "critical"),
    ],
)
def test_higher_is_better_verdicts_mirror_the_comparisons(value, expected):
    assert verdict(value, HIGHER) == expected


def test_a_level_left_out_is_not_checked():
    only_acceptable = Levels(acceptable=100)
    assert [verdict(v, only_acceptable) for v in (50, 100, 101)] == ["target", "target", "over"]
    only_target = Levels(target=10)
    assert verdict(11, only_target) == "acceptable"
    only_critical = Levels(critical=10)
    assert [verdict(v, only_critical) for v in (9, 11)] == ["target", "critical"]


def test_levels_that_neither_ascend_nor_descend_are_a_config_error():
    with pytest.raises(LeeConfigError, match="neither ascend"):
        parse_levels(
            {"target": 1, "acceptable": 5, "critical": 2}, "cold_start_ms", "pyproject.toml: x"
        )


def test_statistics_give_the_median_an_interpolated_p95_and_the_spread():
    stats = summarize([10, 12, 11, 30, 13])
    assert stats.median == 12
    assert stats.p95 == pytest.approx(13 + (30 - 13) * 0.8)
    assert stats.spread_pct == pytest.approx((30 - 10) / 12 * 100)
    assert stats.samples == (10, 12, 11, 30, 13)


def test_a_verdict_is_unreliable_when_the_middle_runs_straddle_a_level():
    assert unreliable(summarize([300, 310, 330, 340, 350]), LOWER)
    assert not unreliable(summarize([300, 301, 302, 303, 900]), LOWER)


def test_levels_are_described_with_their_direction():
    assert describe_levels(LOWER) == "≤320 / ≤500 / ≤1000"
    assert describe_levels(HIGHER) == "≥0.9 / ≥0.8 / ≥0.5"
    assert describe_levels(Levels(acceptable=20)) == "- / ≤20 / -"


def _metric(**metrics):
    return json.dumps({"level": "METRIC", "metrics": metrics})


def _emf(unit, **values):
    metrics = [{"Name": name, "Unit": unit} for name in values]
    return json.dumps(
        {
            "_aws": {
                "Timestamp": 1,
                "CloudWatchMetrics": [{"Namespace": "app", "Dimensions": [[]], "Metrics": metrics}],
            },
            **values,
        }
    )


def test_metric_lines_are_process_snapshots_so_the_last_value_counts():
    lines = [
        _metric(cache_warm_ms=4.0, cache_hits=1, cache_misses=3, is_cold_start=True),
        "not json at all",
        _metric(cache_hits=5, cache_misses=3),
        _metric(cache_hits=9, cache_misses=3),
    ]
    values = parse_app_metrics(lines).values
    assert values == {"cache_warm_ms": 4.0, "cache_hits": 9.0, "cache_misses": 3.0}


def test_emf_counts_are_per_request_so_they_are_summed_and_timings_take_the_median():
    lines = [
        _emf("Count", cache_hits=1, cache_misses=1),
        _emf("Milliseconds", cache_warm_ms=40.0),
        _emf("Count", cache_hits=1),
        _emf("Count", cache_hits=[1, 1]),
        _emf("Milliseconds", handler_ms=1.0),
        _emf("Milliseconds", handler_ms=3.0),
        _emf("Milliseconds", handler_ms=9.0),
    ]
    values = parse_app_metrics(lines).values
    assert values == {
        "cache_hits": 4.0,
        "cache_misses": 1.0,
        "cache_warm_ms": 40.0,
        "handler_ms": 3.0,
    }


def test_metric_lines_behind_a_lambda_log_prefix_are_read():
    line = "2024-01-01T00:00:00.000Z\tabc-123\tINFO\t" + _metric(cache_warm_ms=2.5)
    assert parse_app_metrics([line]).values == {"cache_warm_ms": 2.5}


def test_non_finite_values_are_not_measurements():
    # Python's json writes and reads NaN/Infinity; a NaN median would pass every level.
    lines = [
        '{"level": "METRIC", "metrics": {"cache_warm_ms": NaN, "hits": Infinity, "ok_ms": 2.0}}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "load_ms", "Unit": "Milliseconds"}]}]}, "load_ms": NaN}',
    ]
    assert parse_app_metrics(lines).values == {"ok_ms": 2.0}


def test_an_app_metric_never_overwrites_a_harness_metric():
    parsed = parse_app_metrics([_metric(cold_start_ms=1.0, cache_warm_ms=2.0)])
    assert parsed.values == {"app.cold_start_ms": 1.0, "cache_warm_ms": 2.0}
    assert parsed.clashes == ("cold_start_ms",)


def test_cache_hit_rate_needs_both_counters():
    assert cache_hit_rate({"cache_hits": 9, "cache_misses": 1}) == 0.9
    assert cache_hit_rate({"cache_hits": 9}) is None
    assert cache_hit_rate({"cache_hits": 0, "cache_misses": 0}) is None


def _settings(**phases):
    levels = {name: parse_levels(raw, name, "x") for name, raw in phases.items()}
    metrics = {"cold_start_ms": LOWER}
    return Settings(
        rootdir=__import__("pathlib").Path("."),
        budgets=BudgetSettings(metrics=metrics, phases=levels),
    )


def test_a_number_in_the_marker_sets_acceptable_and_keeps_the_other_levels():
    overrides = parse_budget_marker(
        (), {"cold_start_ms": 600}, _settings(), where="lee_budget on t"
    )
    assert overrides["cold_start_ms"] == Levels(target=320, acceptable=600, critical=1000)


def test_a_dict_in_the_marker_sets_the_levels():
    overrides = parse_budget_marker(
        (), {"cold_start_ms": {"target": 300, "acceptable": 600}}, _settings(), where="m"
    )
    assert overrides["cold_start_ms"] == Levels(target=300, acceptable=600)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((600,), {}, "keyword arguments only"),
        ((), {"cold_start": 600}, "unknown metric 'cold_start'"),
        ((), {"cache_warm_ms": 5}, "unknown metric 'cache_warm_ms'"),
        ((), {"cold_start_ms": 1200}, "neither ascend"),
        ((), {"cold_start_ms": "fast"}, "expected a number or a table"),
    ],
)
def test_the_marker_rejects_what_it_does_not_understand(args, kwargs, message):
    with pytest.raises(LeeConfigError, match=message):
        parse_budget_marker(args, kwargs, _settings(), where="lee_budget on t")


def test_the_marker_accepts_configured_phases():
    overrides = parse_budget_marker(
        (), {"cache_warm_ms": 30}, _settings(cache_warm_ms=20), where="m"
    )
    assert overrides["cache_warm_ms"].acceptable == 30


def test_a_change_reads_as_the_seed_wrote_it():
    assert describe_change("cold_start_ms", 285, 320) == "cold_start_ms 320 → 285 (−11 %)"
    assert describe_change("cold_start_ms", 400, 320) == "cold_start_ms 320 → 400 (+25 %)"


def test_a_regression_is_a_change_in_the_worse_direction():
    assert regression_pct(400, 320, higher_is_better=False) == pytest.approx(25)
    assert regression_pct(0.72, 0.9, higher_is_better=True) == pytest.approx(20)
    assert regression_pct(0.95, 0.9, higher_is_better=True) < 0


@pytest.mark.parametrize(
    "document",
    [
        {"metrics": {"cold_start_ms": {"p95": 340}}},
        {"metrics": {"cold_start_ms": 320}},
        {"metrics": {"cold_start_ms": {"median": "320"}}},
    ],
    ids=["no-median", "not-a-table", "text-median"],
)
def test_a_baseline_without_numeric_medians_is_named_not_a_key_error(tmp_path, document):
    path = tmp_path / ".lee" / "baselines" / "main.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(document))
    with pytest.raises(
        LeeConfigError,
        match=r"main\.json: metrics\.cold_start_ms: expected a table with a numeric 'median'",
    ):
        load_baseline(Settings(rootdir=tmp_path), "main")


def test_importtime_lines_are_parsed_with_their_depth():
    assert parse_importtime_line("import time:       282 |       6680 | json") == (
        "json",
        282,
        6680,
        0,
    )
    assert parse_importtime_line("import time:       445 |       6015 |   json.decoder") == (
        "json.decoder",
        445,
        6015,
        1,
    )
    assert parse_importtime_line("import time: self [us] | cumulative | imported package") is None


def test_emf_output_declares_each_metric_with_its_unit():
    entry = {"name": "cold_start_ms", "median": 12.5, "p95": 14.0, "verdict": "target"}
    document = json.loads(emf_lines([entry], "LEE", timestamp_ms=5)[0])
    directive = document["_aws"]["CloudWatchMetrics"][0]
    assert directive["Metrics"][0] == {"Name": "cold_start_ms", "Unit": "Milliseconds"}
    assert document["cold_start_ms"] == 12.5 and document["cold_start_ms_p95"] == 14.0
    assert document["FunctionName"] == "LEE"


def test_the_summary_marks_an_unreliable_verdict_and_points_at_the_largest_phase():
    from pytest_lee.budgets.render import render_budget_summary
    from pytest_lee.findings import SessionReport

    report = SessionReport()
    report.add(
        "budgets",
        {
            "name": "cold_start_ms",
            "median": 855.0,
            "p95": 900.0,
            "samples": [800, 855, 910],
            "target": 320,
            "acceptable": 500,
            "critical": 1000,
            "verdict": "over",
            "higher_is_better": False,
            "spread_pct": 12.9,
            "unreliable": True,
            "runs": 3,
        },
    )
    report.add(
        "budget_measurement",
        {
            "handler": "lambda_function.lambda_handler",
            "runs": 3,
            "cold_start_ms": 855.0,
            "import_ms": 300.0,
            "first_invoke_ms": 555.0,
            "phases": {
                "gateway_init_ms": 10.0,
                "cache_warm_ms": 535.0,
                "cold_start_total_ms": 850.0,
            },
            "slowest_imports": [
                {"module": "boto3", "self_ms": 120.0, "cumulative_ms": 250.0, "phase": "import"}
            ],
            "notes": ["the app reports 'import_ms', a harness metric: kept as 'app.import_ms'"],
        },
    )
    lines = render_budget_summary(report, _settings())
    assert lines[1].split() == [
        "cold_start_ms",
        "855",
        "900",
        "≤320",
        "/",
        "≤500",
        "/",
        "≤1000",
        "host",  # the CPU model column: an entry without one was measured on the host
        "✗",
        "over",
        "?",
    ]
    assert "cold start 855 ms (median of 3 runs) = import 300 ms + first invocation 555 ms" in lines
    leak = next(line for line in lines if "cache_warm_ms" in line)
    assert leak.split()[:4] == ["cache_warm_ms", "535", "62.6", "%"] and leak.endswith("◀ largest")
    assert any(line.split()[:2] == ["boto3", "120"] for line in lines)
    assert (
        lines[-1]
        == "  note: the app reports 'import_ms', a harness metric: kept as 'app.import_ms'"
    )
