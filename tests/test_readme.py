"""README.md sells and starts: short, with the two set-up commands the project promises."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")

# Run verbatim by people on a fresh machine; .ci/run runs the same pytest commands.
MAIN_JOB = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[aws]' "
    "&& pytest --lee-budgets examples"
)
# The suite runs on every core (pytest-xdist is in the test extra): one interpreter takes twice
# as long on a 2-core machine.
TEST_SUITE = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && pytest -n auto"
)
CI_RUN = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_has_at_most_150_lines():
    assert len(README.splitlines()) <= 150


def test_the_readme_gives_both_set_up_commands_whole_on_one_line():
    lines = README.splitlines()
    assert MAIN_JOB in lines
    assert TEST_SUITE in lines


def test_ci_runs_the_pytest_commands_the_readme_gives():
    assert "python -m pytest -p no:cacheprovider --lee-budgets examples" in CI_RUN
    assert "python -m pytest -p no:cacheprovider -n auto\n" in CI_RUN


def test_every_link_of_the_readme_to_a_file_of_the_repository_exists():
    targets = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README)
    assert targets
    missing = [target for target in targets if not (REPO / target).exists()]
    assert not missing


def test_the_readme_installs_as_it_really_works_and_ci_installs_the_wheel_it_builds():
    assert "pip install 'pytest-lee" not in README  # not on PyPI: that command would fail
    assert "pip install '.[aws]'" in README
    for step in (
        "python -m build --sdist --wheel",
        "twine check --strict",
        'pip install --quiet "$wheel[aws]"',
        'cd "$work/outside"',
        '"$work/wheel-venv/bin/python" -m pytest -p no:cacheprovider --lee-budgets examples',
    ):
        assert step in CI_RUN
