"""Hypothesis profiles for the property tests (tests/test_hostile_*.py); pytester runs
made lean (the AWS stack imported once per test process, no Hypothesis plugin in
subprocess runs).

``ci`` (chosen when ``CI=true``, as GitHub Actions sets it): the same examples on every
run (``derandomize``), no per-example deadline (machines run at load 10), and a bounded
number of examples so the suite's time stays flat. ``dev`` (the default) explores new
examples each run, with the same no-deadline rule. ``HYPOTHESIS_PROFILE`` overrides both.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", deadline=None, derandomize=True, max_examples=60, database=None)
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


# What a rehearsal imports (boto3, botocore, moto and the moto backends its Lambda model pulls
# in, ~600 modules). Pytester's in-process runs drop every module imported during the run, so
# each rehearsal test paid for importing them all again (~1 s of CPU each); imported here,
# before pytester takes its snapshot, they are imported once per test process. The plugin's
# own modules are left out: each run still gets fresh pytest_lee state.
AWS_STACK = (
    "boto3",
    "moto",
    "moto.awslambda.urls",
    "moto.awslambda_simple.models",
    "moto.iam.urls",
    "moto.sts.models",
)


@pytest.fixture(scope="session")
def _aws_stack_imported() -> None:
    for name in AWS_STACK:
        importlib.import_module(name)


@pytest.fixture(autouse=True)
def _lean_pytester(request: pytest.FixtureRequest) -> None:
    """Autouse fixtures run first in their scope: this one runs before ``pytester``.

    Pytester's subprocess runs leave out Hypothesis's pytest plugin (a user without
    Hypothesis has none): it imports all of Hypothesis in every pytest process it loads in,
    ~1 s of CPU per run and ~3 s per ``-n 2`` run, for projects without a single property test.
    """
    if "pytester" in request.fixturenames:
        request.getfixturevalue("_aws_stack_imported")
        pytester: pytest.Pytester = request.getfixturevalue("pytester")
        pytester.plugins.append("no:hypothesispytest")


# The users' real material (../shared/realworld, ../shared/corpus, ../shared/seeds) lies beside
# the repository in CI and on the team's machines, never in a fresh clone. Tests over it carry
# the ``realworld`` marker: the README's command leaves them out (pyproject's addopts), CI runs
# them as a step of their own (``pytest -m realworld``), and without ../shared they skip.
SHARED = Path(__file__).resolve().parents[2] / "shared"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if SHARED.is_dir():
        return
    absent = pytest.mark.skip(reason=f"{SHARED} (the users' real material) is absent")
    for item in items:
        if item.get_closest_marker("realworld") is not None:
            item.add_marker(absent)
