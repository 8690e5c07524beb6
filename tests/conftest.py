"""Hypothesis profiles for the property tests (tests/test_hostile_*.py).

``ci`` (chosen when ``CI=true``, as GitHub Actions sets it): the same examples on every
run (``derandomize``), no per-example deadline (machines run at load 10), and a bounded
number of examples so the suite's time stays flat. ``dev`` (the default) explores new
examples each run, with the same no-deadline rule. ``HYPOTHESIS_PROFILE`` overrides both.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", deadline=None, derandomize=True, max_examples=60, database=None)
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)
