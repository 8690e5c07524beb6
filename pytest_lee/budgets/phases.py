"""Phases from plain log lines: ``[tool.lee.budgets] phase_patterns``.

Apps that time their cold start often print it as text, not as structured metrics:
the real LEE engine prints ``[TIMING] Gateway imports complete: 12.34ms`` under
``DEBUG_MODE=true``. Each pattern is a regular expression with ``name`` and ``value``
groups, searched in every stdout line (a Lambda log prefix before it is fine); the
first pattern that matches a line wins, and a line no pattern matches is ignored (so
``HA-SUGA import failed after 12.00ms: error`` is not a phase with the usual pattern,
whose ``ms$`` wants the figure at the end).

Names, as docs/budgets.md documents them: the ``name`` group in snake_case, with ``_ms`` added
when missing (``Gateway imports complete`` → ``gateway_imports_complete_ms``, ``Mode
selection (normal)`` → ``mode_selection_normal_ms``, ``HA-SUGA loaded`` →
``ha_suga_loaded_ms``). A name that is one of the harness's metrics is kept as
``app.<name>``, as for METRIC lines.

Values: what the import and the first invocation printed is the phase's cold-start
value (the SUM when the cold start printed the phase more than once: the lines are
events, each a duration); every later request's line is a warm sample of the same phase.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from pytest_lee.sandbox.output import PATTERN_LINE
from pytest_lee.settings import BUILTIN_METRICS

__all__ = ["line_phases", "phase_name", "split_phases"]

APP_PREFIX = "app."


def phase_name(raw: str) -> str:
    """``Mode selection (normal)`` → ``mode_selection_normal_ms``; ``cacheWarm`` → ``cache_warm_ms``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", raw.strip())
    name = re.sub(r"[^0-9a-z]+", "_", spaced.lower()).strip("_") or "phase"
    if not name.endswith("_ms"):
        name += "_ms"
    return APP_PREFIX + name if name in BUILTIN_METRICS else name


@lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


def line_phases(lines: Iterable[str], patterns: Sequence[str]) -> list[tuple[str, float]]:
    """Every (phase, ms) the *lines* report, in order."""
    compiled = _compiled(tuple(patterns))
    if not compiled:
        return []
    found = []
    for line in lines:
        for pattern in compiled:
            match = pattern.search(line[:PATTERN_LINE])  # a regex sees a bounded line
            if match is None:
                continue
            try:
                value = float(match.group("value"))
            except (TypeError, ValueError):
                continue
            if math.isfinite(value):
                found.append((phase_name(match.group("name") or ""), value))
            break
    return found


def split_phases(
    lines: Sequence[str], cold_end: int | None, patterns: Sequence[str]
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """(cold-start value per phase, warm samples per phase) of one run's stdout.

    *cold_end* is the number of lines the import and the first invocation printed
    (None: the run never got past them, so everything is cold).
    """
    end = len(lines) if cold_end is None else cold_end
    cold: dict[str, float] = {}
    for name, value in line_phases(lines[:end], patterns):
        cold[name] = cold.get(name, 0.0) + value
    warm: dict[str, list[float]] = {}
    for name, value in line_phases(lines[end:], patterns):
        warm.setdefault(name, []).append(value)
    return cold, warm
