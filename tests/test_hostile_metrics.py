"""Hostile handler output read as metrics (case 5 of the hardening issue): huge integers,
deep nesting, sums that overflow. Each costs the app its figure, never the session."""

from __future__ import annotations

import json
import math

from budgets_project import budgets_project
from hypothesis import given
from hypothesis import strategies as st

from pytest_lee.budgets.metrics import MAX_APP_VALUE, parse_app_metrics


def metric_line(metrics: str) -> str:
    return '{"level": "METRIC", "metrics": {' + metrics + "}}"


def emf_line(name: str, unit: str, value: str) -> str:
    return (
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "%s", "Unit": "%s"}]}]}, "%s": %s}'
        % (name, unit, name, value)
    )


def test_a_400_digit_metric_value_is_ignored_not_an_overflow():
    parsed = parse_app_metrics([metric_line('"huge_ms": 1' + "0" * 400 + ', "ok_ms": 3')])
    assert parsed.values == {"ok_ms": 3.0}


def test_a_line_nested_100000_deep_is_ignored_not_a_recursion_error():
    deep = '{"level": "METRIC", "metrics": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    assert parse_app_metrics([deep, metric_line('"ok_ms": 1')]).values == {"ok_ms": 1.0}


def test_emf_counts_that_would_sum_to_infinity_are_ignored():
    lines = [
        emf_line("hits", "Count", "[1e308, 1e308]"),
        emf_line("t_ms", "Milliseconds", "[1e308, 1e308]"),
    ]
    assert parse_app_metrics(lines).values == {}


def test_a_budget_run_on_hostile_output_fails_no_item_and_prints_a_summary(pytester):
    app = f"""\
        def handler(event, context):
            print({json.dumps(emf_line("hits", "Count", "[1e308, 1e308]"))})
            print({json.dumps(metric_line('"big_ms": 1' + "0" * 400))})
            print('{{"level": "METRIC", "metrics": ' + "[" * 100000 + "]" * 100000 + '}}')
            print({json.dumps(metric_line('"cache_warm_ms": 2'))})
            return {{"statusCode": 200}}
    """
    budgets_project(pytester, app, "runs = 1\nphases = { cache_warm_ms = { acceptable = 20 } }\n")
    result = pytester.runpytest_inprocess("--lee-budgets", "-k", "budget")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*cache_warm_ms*"])
    assert "Error" not in result.stdout.str() and "Traceback" not in result.stdout.str()


# --- property: any line, any value: a dict of finite, bounded floats --------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _dump(value: object) -> str:
    return json.dumps(value, allow_nan=True)


@given(
    names=st.lists(st.text(max_size=10), min_size=1, max_size=4),
    values=st.lists(JSON_VALUES, min_size=1, max_size=4),
    units=st.sampled_from(["Count", "Milliseconds", "None", 7, None]),
    prefix=st.text(max_size=20),
)
def test_any_metric_or_emf_line_gives_finite_bounded_numbers(names, values, units, prefix):
    metrics = dict(zip(names, values))
    lines = [
        prefix + _dump({"level": "METRIC", "metrics": metrics}),
        prefix
        + _dump(
            {
                "_aws": {
                    "CloudWatchMetrics": [{"Metrics": [{"Name": n, "Unit": units} for n in names]}]
                },
                **metrics,
            }
        ),
        prefix + _dump(values),
    ]
    parsed = parse_app_metrics(lines)
    for value in parsed.values.values():
        assert isinstance(value, float) and math.isfinite(value)
        assert abs(value) <= MAX_APP_VALUE * len(values) * 2
