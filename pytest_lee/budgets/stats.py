"""Robust statistics of a metric's samples: the median decides, p95 and spread inform.

``p95`` interpolates linearly between order statistics (numpy's default), so with 5
runs it sits between the two slowest. ``spread_pct`` is the run-to-run range relative to
the median, ``(max - min) / median``. A verdict is *unreliable* when the interquartile
range straddles a level: the middle half of the runs would not all get the verdict the
median got, so a rerun may well flip it. :func:`format_value` writes every figure the
budgets show (terminal, notes, HTML) the same way.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricStats:
    """Summary of one metric over the runs of a measurement."""

    samples: tuple[float, ...]
    median: float
    p95: float
    q1: float
    q3: float
    minimum: float
    maximum: float

    @property
    def spread_pct(self) -> float:
        """Run-to-run range as a percentage of the median (0 when the median is 0)."""
        if self.median == 0:
            return 0.0
        return abs(self.maximum - self.minimum) / abs(self.median) * 100


def quantile(ordered: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the order statistics of *ordered* (sorted, non-empty)."""
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(samples: Sequence[float]) -> MetricStats:
    if not samples:
        raise ValueError("no samples to summarize")
    ordered = sorted(float(sample) for sample in samples)
    return MetricStats(
        samples=tuple(float(sample) for sample in samples),
        median=statistics.median(ordered),
        p95=quantile(ordered, 0.95),
        q1=quantile(ordered, 0.25),
        q3=quantile(ordered, 0.75),
        minimum=ordered[0],
        maximum=ordered[-1],
    )


def format_value(value: float | None) -> str:
    """Compact figures: 855, 12.4, 0.91."""
    if value is None:
        return "-"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
    if magnitude >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"
