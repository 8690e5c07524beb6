"""``lee-kb --version``, ``python -m pytest_lee.kb``, ``lint --min-severity``, unreadable
directories, and emoji variation-selector damage repaired whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_lee.kb.cli import main
from pytest_lee.kb.encoding import Damage, find_damage, rank_candidates, repair

CONFIG = '[tool.lee.kb]\npaths = ["kb"]\nseverity = { ref-unenforced = "off" }\n'
# one error (an unknown RELATED ID) and one warning (a stale count)
LESSON = (
    "# NM06-LESSONS: x\n\n**FILE STATISTICS:**\n- Lesson Count: 3\n\n"
    "## Lesson 9\n\n**REF:** NM06-LESS-09\n**RELATED:** NM06-BUG-77\n"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "NM06-LESSONS-x.md").write_text(LESSON, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lint(capsys, *args: str) -> tuple[int, dict]:
    status = main(["lint", "--format", "json", *args])
    return status, json.loads(capsys.readouterr().out)


def test_version_is_printed(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("lee-kb ")


def test_python_m_runs_the_same_console_script(project):
    done = subprocess.run(
        [sys.executable, "-m", "pytest_lee.kb", "lint"], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "kb/NM06-LESSONS-x.md:9: related-unknown" in done.stdout


@pytest.mark.parametrize(
    ("level", "rules", "status"),
    [
        ("info", ["stats-mismatch", "related-unknown"], 1),
        ("warning", ["stats-mismatch", "related-unknown"], 1),
        ("error", ["related-unknown"], 1),
    ],
)
def test_min_severity_drops_what_is_below_it(project, capsys, level, rules, status):
    code, report = _lint(capsys, "--min-severity", level)
    assert (code, [f["rule"] for f in report["findings"]]) == (status, rules)


def test_min_severity_error_with_only_warnings_exits_0(project, capsys):
    (project / "kb" / "NM06-LESSONS-x.md").write_text(
        LESSON.replace("**RELATED:** NM06-BUG-77\n", ""), encoding="utf-8"
    )
    assert _lint(capsys, "--min-severity", "error") == (0, _lint(capsys)[1] | {"findings": []})


def test_an_unreadable_directory_is_an_input_error_like_an_unreadable_file(
    project, capsys, monkeypatch
):
    # As root, chmod 000 stops nothing: make the listing itself fail, as it would for a user.
    locked = project / "kb" / "locked"
    locked.mkdir()
    (locked / "NM06-LESSONS-y.md").write_text(LESSON, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).resolve() == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    status, report = _lint(capsys)
    assert status == 2
    errors = [f for f in report["findings"] if f["rule"] == "input-error"]
    assert [(f["path"], f["line"]) for f in errors] == [("kb/locked", 1)]
    assert "cannot read the directory: Permission denied" in errors[0]["message"]
    assert main(["fix", "--check"]) == 2  # fix says so too, rather than skip it silently


def test_an_emoji_with_its_variation_selector_is_repaired_whole():
    damaged = "Warning: âš ï¸ careful, ðŸ›¡ï¸ shield\n"
    assert [(d.text, d.candidates) for d in find_damage(damaged)] == [
        ("âš ï¸", ("⚠️",)),
        ("ðŸ›¡ï¸", ("🛡️",)),
    ]
    assert repair(damaged).text == "Warning: ⚠️ careful, 🛡️ shield\n"


def test_selector_residue_after_a_repaired_emoji_is_reported_and_repaired():
    residue = "Shield 🛡ï¸ here\n"
    assert [(d.text, d.candidates) for d in find_damage(residue)] == [("ï¸", ("\ufe0f",))]
    assert repair(residue).text == "Shield 🛡\ufe0f here\n"


def test_ambiguous_candidates_come_in_the_order_the_file_and_knowledge_base_use_them():
    damage = [Damage(1, 1, "â†'", ("↑", "→"))]
    ranked = rank_candidates(damage, {"→": 2, "↑": 1}, {})
    assert ranked[0].candidates == ("→", "↑")
    by_kb = rank_candidates(damage, {}, {"→": 40, "↑": 2})
    assert by_kb[0].candidates == ("→", "↑")


MATRIX_CONFIG = '[tool.lee.kb]\npaths = ["kb"]\ntests = ["tests"]\n'
MATRIX_LESSON = "# NM06-LESSONS: x\n\n## Lesson 9\n\n**REF:** NM06-LESS-09\n\n- [ ] Item one\n"
MATRIX_TESTS = (
    "import pytest\n\n\n@pytest.mark.lee_ref('NM06-LESS-09')\ndef test_lesson():\n    pass\n\n\n"
    "@pytest.mark.lee_ref('NM06-LESS-09', 'Item one')\ndef test_item():\n    pass\n"
)
MATRIX_REPORT = """<testsuites><testsuite>
<testcase classname="tests.test_x" name="test_lesson"><failure message="boom"/></testcase>
<testcase classname="tests.test_x" name="test_item"><skipped message="later"/></testcase>
</testsuite></testsuites>"""


def test_a_lesson_whose_only_linking_tests_failed_or_skipped_is_not_enforced(
    tmp_path, monkeypatch, capsys
):
    (tmp_path / "pyproject.toml").write_text(MATRIX_CONFIG, encoding="utf-8")
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "NM06-LESSONS-x.md").write_text(MATRIX_LESSON, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(MATRIX_TESTS, encoding="utf-8")
    (tmp_path / "report.xml").write_text(MATRIX_REPORT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["matrix", "--junit", "report.xml", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "0 enforced, 0 waived, 2 unenforced (1 failed, 1 skipped)" in out
    assert "| ❌ failed | **NM06-LESS-09** Lesson 9 |" in out
    assert "| ⏭️ skipped | NM06-LESS-09 › Lesson 9 › Item one |" in out
