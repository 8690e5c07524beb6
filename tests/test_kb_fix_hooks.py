"""The pre-commit hooks this repository publishes run lee-kb as the issue says."""

from __future__ import annotations

from pathlib import Path

import yaml

HOOKS = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text("utf-8"))}


def test_lint_reads_the_whole_knowledge_base_itself() -> None:
    lint = hooks()["lee-kb-lint"]
    assert lint["entry"] == "lee-kb lint"
    assert lint["pass_filenames"] is False
    assert lint["language"] == "python"


def test_fix_checks_the_markdown_files_being_committed() -> None:
    fix = hooks()["lee-kb-fix"]
    assert fix["entry"] == "lee-kb fix --check"
    assert fix.get("pass_filenames", True) is True
    assert fix["types"] == ["markdown"]
