"""``--lee-alarms PATH``: CloudWatch alarms at the budgets' acceptable levels, as CloudFormation.

SAM guards a production canary with the alarms listed under
``DeploymentPreference.Alarms``; CI holds the same function to ``[tool.lee.budgets]``.
This writes one alarm per budget that CloudWatch can see, with the budget's acceptable
level as its threshold, so one set of numbers guards both:

- ``error_rate`` → ``Errors / Invocations`` of the alias (metric math), over the level;
- ``request_ms`` → the alias's ``Duration`` p95, over the level (Lambda reports Duration in
  milliseconds);
- an app phase (``[tool.lee.budgets] phases``) the app emits as CloudWatch Embedded Metric
  Format → that metric in its namespace and dimensions, over (or, higher-is-better, under)
  the level. A phase printed as METRIC or ``[TIMING]`` lines never reaches CloudWatch's
  metrics: the file says so instead of inventing one.

The file is plain CloudFormation YAML (a ``Resources`` section), written deterministically
and atomically; ``cfn-lint`` accepts it (a test runs it). Its header says which CPU model
the levels were held to in CI, since a ``lambda``-modelled budget and a ``host`` one mean
different things next to a real Duration.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PERIOD_S = 60  # one-minute periods: a 5-minute canary sees five of them


@dataclass(frozen=True)
class Alarm:
    """One ``AWS::CloudWatch::Alarm`` resource: its logical id and its properties."""

    logical_id: str
    properties: Mapping[str, Any]


class NoAlarms(ValueError):
    """No budget CloudWatch could watch: nothing to write."""


def budget_alarms(
    *,
    function: str,
    alias: str,
    levels: Mapping[str, Any],
    phases: Mapping[str, Any],
    emf_metrics: Mapping[str, Mapping[str, Any]],
) -> tuple[list[Alarm], list[str]]:
    """The alarms for *levels* (metric → Levels) and *phases*, and a note per budget left out."""
    resource = f"{function}:{alias}"
    dimensions = [
        {"Name": "FunctionName", "Value": function},
        {"Name": "Resource", "Value": resource},
    ]
    alarms: list[Alarm] = []
    skipped: list[str] = []
    errors = levels.get("error_rate")
    if errors is not None and errors.acceptable is not None:
        alarms.append(_error_rate(resource, dimensions, errors.acceptable))
    request = levels.get("request_ms")
    if request is not None and request.acceptable is not None:
        alarms.append(
            _alarm(
                "LeeRequestP95Alarm",
                f"{resource} Duration p95 over request_ms's acceptable {request.acceptable:g} ms",
                {
                    "Namespace": "AWS/Lambda",
                    "MetricName": "Duration",
                    "Dimensions": dimensions,
                    "ExtendedStatistic": "p95",
                    "Period": PERIOD_S,
                    "Unit": "Milliseconds",
                },
                request.acceptable,
                higher_is_better=False,
            )
        )
    for name, phase in sorted(phases.items()):
        if phase.acceptable is None:
            continue
        where = emf_metrics.get(name)
        if not where or not where.get("namespace"):
            skipped.append(
                f"{name}: not emitted as Embedded Metric Format, so not a CloudWatch metric"
            )
            continue
        alarms.append(
            _alarm(
                f"LeePhase{_camel(name)}Alarm",
                f"{name} (EMF, {where['namespace']}) past the budget's acceptable "
                f"{phase.acceptable:g}",
                {
                    "Namespace": where["namespace"],
                    "MetricName": name,
                    "Dimensions": [
                        {"Name": key, "Value": value}
                        for key, value in sorted(where.get("dimensions", {}).items())
                    ],
                    "Statistic": "Maximum",
                    "Period": PERIOD_S,
                },
                phase.acceptable,
                higher_is_better=phase.higher_is_better,
            )
        )
    for name in sorted(set(levels) - {"error_rate", "request_ms"}):
        skipped.append(f"{name}: CloudWatch has no metric for it")
    return alarms, skipped


def _error_rate(resource: str, dimensions: list[dict[str, str]], level: float) -> Alarm:
    def stat(metric: str) -> dict[str, Any]:
        return {
            "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": dimensions},
            "Period": PERIOD_S,
            "Stat": "Sum",
        }

    return Alarm(
        "LeeErrorRateAlarm",
        {
            "AlarmDescription": f"{resource} error rate over error_rate's acceptable {level:g}",
            "ComparisonOperator": "GreaterThanThreshold",
            "EvaluationPeriods": 1,
            "Threshold": level,
            "TreatMissingData": "notBreaching",
            "Metrics": [
                {"Id": "errors", "MetricStat": stat("Errors"), "ReturnData": False},
                {"Id": "invocations", "MetricStat": stat("Invocations"), "ReturnData": False},
                {
                    "Id": "rate",
                    "Expression": "IF(invocations > 0, errors / invocations, 0)",
                    "Label": "error rate",
                    "ReturnData": True,
                },
            ],
        },
    )


def _alarm(
    logical_id: str,
    description: str,
    metric: Mapping[str, Any],
    level: float,
    *,
    higher_is_better: bool,
) -> Alarm:
    return Alarm(
        logical_id,
        {
            "AlarmDescription": description,
            "ComparisonOperator": "LessThanThreshold"
            if higher_is_better
            else "GreaterThanThreshold",
            "EvaluationPeriods": 1,
            "Threshold": level,
            "TreatMissingData": "notBreaching",
            **metric,
        },
    )


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def render_template(alarms: Iterable[Alarm], *, header: Iterable[str]) -> str:
    """CloudFormation YAML of *alarms*: a comment header, then ``Resources``.

    Values are written as JSON scalars and flow collections, which YAML reads as they are:
    no YAML library is needed to write it, and nothing in it needs quoting rules.
    """
    alarms = list(alarms)
    if not alarms:
        raise NoAlarms("no budget has an acceptable level CloudWatch can watch")
    lines = [f"# {line}" for line in header]
    lines += ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:"]
    for alarm in alarms:
        lines.append(f"  {alarm.logical_id}:")
        lines.append("    Type: AWS::CloudWatch::Alarm")
        lines.append("    Properties:")
        for key, value in alarm.properties.items():
            lines.append(f"      {key}: {json.dumps(value, sort_keys=True)}")
    return "\n".join(lines) + "\n"


def alarms_file(settings: Any, report: Any) -> str:
    """The ``--lee-alarms`` file for this session's settings and budget results."""
    budgets = settings.budgets
    if budgets is None:
        raise NoAlarms("no [tool.lee.budgets] table: no levels to alarm on")
    measured: dict[str, Any] = next(iter(report.entries("budget_measurement")), {})
    alias = getattr(settings.rehearsal, "alias", None) or "production"
    alarms, skipped = budget_alarms(
        function=settings.function.name,
        alias=alias,
        levels=budgets.metrics,
        phases=budgets.phases,
        emf_metrics=measured.get("emf_metrics") or {},
    )
    model = measured.get("cpu") or budgets.cpu
    header = [
        f"CloudWatch alarms for {settings.function.name}:{alias} at the acceptable levels of",
        f"[tool.lee.budgets] (written by pytest-lee --lee-alarms; levels held in CI under cpu = {model}).",
        "List them under the function's DeploymentPreference.Alarms, e.g.:",
        *(f"  - !Ref {alarm.logical_id}" for alarm in alarms),
        *(f"Not alarmed: {note}" for note in skipped),
    ]
    return render_template(alarms, header=header)
