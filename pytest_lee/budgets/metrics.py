"""Metrics the app reports on stdout, read per run (one fresh interpreter).

Two line formats are understood, anywhere in a line (a Lambda log prefix such as
``2024-01-01T00:00:00Z\\t<request id>\\tINFO\\t`` before the JSON is fine):

- the seed's ``{"level": "METRIC", "metrics": {"cache_warm_ms": 0.4, ...}}``;
- CloudWatch Embedded Metric Format: ``{"_aws": {"CloudWatchMetrics": [{"Metrics":
  [{"Name": "cache_warm_ms", "Unit": "Milliseconds"}], ...}]}, "cache_warm_ms": 0.4}``.

The counter rule (one value per metric per run):

- METRIC lines are process snapshots, as the seed's module-level ``_METRICS``: a
  counter is cumulative per process, so a run's value is the LAST value reported.
  (A phase reported once is that value; a per-request timing is the last request's.)
- EMF lines are per request, as CloudWatch aggregates them: a ``Count`` metric is
  SUMMED over the run; any other unit (time, bytes, none) takes the MEDIAN of the values
  the run reported (a phase reported once is that value). Array values count each element.

Booleans, non-numbers, non-finite numbers (``NaN``, ``Infinity``) and numbers beyond
±10^15 (:data:`MAX_APP_VALUE`: no time, size or count is that large, and every sum,
median and ratio of smaller ones stays finite) are ignored, and so is a line nested too
deep to parse: hostile output costs the app its figure, never the session. An app
metric whose name is one of the harness's own (``cold_start_ms``, ``import_ms``,
``first_invoke_ms``, ``request_ms``, ``max_memory_mb``, ``error_rate``, ``cache_hit_rate``)
never overwrites it: it is kept as ``app.<name>`` and the clash is reported in the
measurement's notes.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pytest_lee.settings import BUILTIN_METRICS

APP_PREFIX = "app."
MAX_APP_VALUE = 1e15


@dataclass(frozen=True)
class AppMetrics:
    """One run's app-reported metrics, after the counter rule and the clash rule."""

    values: dict[str, float]
    clashes: tuple[str, ...] = ()
    # Where each EMF metric lives in CloudWatch: {"namespace": ..., "dimensions": {...}}
    # (what a CloudWatch alarm on it must name; see pytest_lee/alarms.py).
    emf: dict[str, dict[str, Any]] = field(default_factory=dict)


def parse_app_metrics(lines: Iterable[str]) -> AppMetrics:
    """Apply the counter rule to one run's stdout lines."""
    snapshot: dict[str, float] = {}
    counts: dict[str, float] = {}
    samples: dict[str, list[float]] = {}
    emf: dict[str, dict[str, Any]] = {}
    for line in lines:
        document = _json_object(line)
        if document is None:
            continue
        if document.get("level") == "METRIC" and isinstance(document.get("metrics"), dict):
            for name, value in document["metrics"].items():
                number = _number(value)
                if number is not None:
                    snapshot[str(name)] = number
        for name, unit, values in _emf_metrics(document):
            emf.setdefault(name, _emf_location(document, name))
            if unit == "Count":
                counts[name] = counts.get(name, 0.0) + sum(values)
            else:
                samples.setdefault(name, []).extend(values)
    merged = dict(snapshot)
    merged.update(counts)
    merged.update({name: statistics.median(values) for name, values in samples.items() if values})
    found = _rename_clashes(merged)
    return AppMetrics(found.values, found.clashes, emf)


def _rename_clashes(values: dict[str, float]) -> AppMetrics:
    renamed: dict[str, float] = {}
    clashes = []
    for name, value in values.items():
        if name in BUILTIN_METRICS:
            clashes.append(name)
            renamed[APP_PREFIX + name] = value
        else:
            renamed[name] = value
    return AppMetrics(renamed, tuple(sorted(clashes)))


def _json_object(line: str) -> dict[str, Any] | None:
    start = line.find("{")
    if start < 0 or '"' not in line:
        return None
    try:
        document = json.loads(line[start:])
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        return None
    return document if isinstance(document, dict) else None


def _emf_metrics(document: dict[str, Any]) -> list[tuple[str, str, list[float]]]:
    aws = document.get("_aws")
    if not isinstance(aws, dict) or not isinstance(aws.get("CloudWatchMetrics"), list):
        return []
    found = []
    for directive in aws["CloudWatchMetrics"]:
        if not isinstance(directive, dict) or not isinstance(directive.get("Metrics"), list):
            continue
        for definition in directive["Metrics"]:
            if not isinstance(definition, dict) or not isinstance(definition.get("Name"), str):
                continue
            name = definition["Name"]
            raw = document.get(name)
            values = raw if isinstance(raw, list) else [raw]
            numbers = [number for value in values if (number := _number(value)) is not None]
            if numbers:
                found.append((name, str(definition.get("Unit", "None")), numbers))
    return found


def _emf_location(document: dict[str, Any], name: str) -> dict[str, Any]:
    """The namespace and dimension values the EMF *document* files metric *name* under."""
    for directive in document["_aws"]["CloudWatchMetrics"]:
        if not isinstance(directive, dict) or not any(
            isinstance(d, dict) and d.get("Name") == name for d in directive.get("Metrics") or []
        ):
            continue
        sets = directive.get("Dimensions") or [[]]
        keys = sets[0] if isinstance(sets, list) and sets and isinstance(sets[0], list) else []
        return {
            "namespace": str(directive.get("Namespace", "")),
            "dimensions": {str(k): str(document.get(k, "")) for k in keys if isinstance(k, str)},
        }
    return {"namespace": "", "dimensions": {}}


def _number(value: Any) -> float | None:
    """*value* as a float when it is a plausible figure, else None.

    json.loads reads NaN and Infinity; a NaN compares false with every level, so it would
    pass any budget as "target" and make --lee-json and EMF output invalid JSON. A
    400-digit integer overflows float(); 1e308 + 1e308 is infinity. The bound keeps all
    of them out before any arithmetic.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if abs(value) > MAX_APP_VALUE:  # compared as an int when it is one: no overflow
        return None
    return float(value)


def cache_hit_rate(values: dict[str, float]) -> float | None:
    """``cache_hits / (cache_hits + cache_misses)`` of one run, when the app reports both."""
    hits, misses = values.get("cache_hits"), values.get("cache_misses")
    if hits is None or misses is None or hits + misses <= 0:
        return None
    return hits / (hits + misses)
