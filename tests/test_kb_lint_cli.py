"""``lee-kb lint`` from the command line: exit codes, bad input, configuration, --output."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pytest_lee.kb.cli import main

LESSON = "# NM06-LESSONS: x\n\n## Lesson 9\n\n**REF:** NM06-LESS-09\n**RELATED:** NM06-BUG-77\n"
CONFIG = '[tool.lee.kb]\npaths = ["kb"]\nseverity = { ref-unenforced = "off" }\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "kb").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lint(capsys, *args: str) -> tuple[int, dict, str]:
    status = main(["lint", "--format", "json", *args])
    captured = capsys.readouterr()
    return status, json.loads(captured.out), captured.err


def _rules(report: dict) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["rule"]) for f in report["findings"]]


def test_a_clean_knowledge_base_exits_0(project, capsys):
    (project / "kb" / "NM06-LESSONS-x.md").write_text(
        "# NM06-LESSONS: x\n\n**REF:** NM06-LESS-09\n", encoding="utf-8"
    )
    status, report, err = _lint(capsys)
    assert (status, report["findings"], err) == (0, [], "")
    assert report["summary"] == {
        "files": 1,
        "refs": 1,
        "items": 0,
        "enforced": 0,
        "waived": 0,
        "unenforced": 0,
    }


@pytest.mark.parametrize(
    "paths", [(), ("kb", "kb/../kb/NM06-LESSONS-x.md")], ids=["configured", "named-twice"]
)
def test_findings_at_error_severity_exit_1_each_file_read_once(project, capsys, paths):
    (project / "kb" / "NM06-LESSONS-x.md").write_text(LESSON, encoding="utf-8")
    status, report, _ = _lint(capsys, *paths)
    assert (status, report["summary"]["files"]) == (1, 1)
    assert _rules(report) == [("kb/NM06-LESSONS-x.md", 6, "related-unknown")]


def test_a_severity_lowered_to_warning_exits_0(project, capsys):
    (project / "pyproject.toml").write_text(
        CONFIG.replace(
            'ref-unenforced = "off"', 'ref-unenforced = "off", related-unknown = "warning"'
        ),
        encoding="utf-8",
    )
    (project / "kb" / "NM06-LESSONS-x.md").write_text(LESSON, encoding="utf-8")
    status, report, _ = _lint(capsys)
    assert (status, report["findings"][0]["severity"]) == (0, "warning")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "latin1.md",
            "# Caf\xe9\n\nline two \xff\n".encode("latin-1"),
            "not UTF-8 (byte 0xe9 on line 1); re-save the file as UTF-8",
        ),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
)
def test_an_unreadable_file_is_one_input_error_and_the_rest_is_linted(
    project, capsys, name, content, message
):
    (project / "kb" / name).write_bytes(content)
    (project / "kb" / "NM06-LESSONS-x.md").write_text(LESSON, encoding="utf-8")
    status, report, _ = _lint(capsys)
    assert status == 2  # input errors win over findings
    assert _rules(report) == [
        ("kb/NM06-LESSONS-x.md", 6, "related-unknown"),
        (f"kb/{name}", 1, "input-error"),
    ]
    assert message in report["findings"][1]["message"]


def test_a_file_over_the_size_limit_is_reported_not_parsed(project, capsys):
    (project / "kb" / "huge.md").write_bytes(b"- [ ] item\n" * (1024 * 1024))  # 11 MB
    status, report, _ = _lint(capsys)
    assert status == 2
    assert "over the 5 MB limit ([tool.lee.kb] max_file_mb)" in report["findings"][0]["message"]


def test_empty_files_deep_nesting_unclosed_fences_and_names_with_spaces(project, capsys):
    (project / "kb" / "empty.md").write_bytes(b"")
    (project / "kb" / "deep.md").write_text(
        "".join("  " * d + "- level\n" for d in range(500)), encoding="utf-8"
    )
    (project / "kb" / "NM06 lessons with spaces.md").write_text(
        "# NM06-LESSONS\n\n**REF:** NM06-LESS-09\n\n```python\nunclosed = True\n", encoding="utf-8"
    )
    status, report, _ = _lint(capsys)
    assert _rules(report) == [("kb/NM06 lessons with spaces.md", 5, "unclosed-fence")]
    assert (status, report["findings"][0]["severity"]) == (0, "warning")
    assert report["summary"]["files"] == 3


def test_a_test_file_with_a_syntax_error_is_an_input_error(project, capsys):
    (project / "tests").mkdir()
    (project / "tests" / "test_broken.py").write_text("def test_x(:\n", encoding="utf-8")
    (project / "kb" / "NM06-LESSONS-x.md").write_text("**REF:** NM06-LESS-09\n", encoding="utf-8")
    status, report, _ = _lint(capsys)
    assert status == 2
    assert _rules(report) == [("tests/test_broken.py", 1, "input-error")]


def test_a_missing_path_is_one_usage_line_and_the_others_are_linted(project, capsys):
    (project / "kb" / "NM06-LESSONS-x.md").write_text(LESSON, encoding="utf-8")
    status, report, err = _lint(capsys, "kb", "nope")
    assert status == 2
    assert err == "lee-kb: nope: no such file or directory\n"
    assert _rules(report) == [("kb/NM06-LESSONS-x.md", 6, "related-unknown")]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            '[tool.lee.kb]\npath = ["kb"]\n',
            "tool.lee.kb: unknown key 'path' (did you mean 'paths'?)",
        ),
        (
            '[tool.lee.kb]\nseverity = { ref-fromat = "off" }\n',
            "unknown rule 'ref-fromat' (did you mean 'ref-format'?)",
        ),
        (
            '[tool.lee.kb]\nseverity = { ref-format = "loud" }\n',
            "tool.lee.kb.severity.ref-format: expected one of error, warning, info, off",
        ),
        (
            '[[tool.lee.kb.waiver]]\nref = "NM06-LESS-09"\n',
            "tool.lee.kb.waiver[0].reason: a waiver needs a reason",
        ),
        ("[tool.lee.kb]\nmax_file_mb = 0\n", "max_file_mb: expected a positive number"),
    ],
)
def test_a_bad_configuration_is_one_line_naming_file_and_key(project, capsys, config, message):
    (project / "pyproject.toml").write_text(config, encoding="utf-8")
    assert main(["lint"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "pyproject.toml" in err


def test_output_goes_to_a_file_when_asked(project, capsys):
    (project / "kb" / "NM06-LESSONS-x.md").write_text(LESSON, encoding="utf-8")
    assert main(["lint", "--format", "sarif", "--output", "reports/lint.sarif"]) == 1
    assert capsys.readouterr().out == ""
    assert (
        json.loads((project / "reports" / "lint.sarif").read_text(encoding="utf-8"))["version"]
        == "2.1.0"
    )


def test_the_console_script_runs_with_text_output(project):
    (project / "kb" / "NM06-LESSONS-x.md").write_text(LESSON, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pytest_lee.kb.cli import main; raise SystemExit(main())",
            "lint",
        ],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "kb/NM06-LESSONS-x.md:6: related-unknown RELATED names NM06-BUG-77, which is declared nowhere in the "
        "knowledge base; fix the ID, declare the entry, or list it in [tool.lee.kb] external if it lives elsewhere"
    )
    assert result.stdout.splitlines()[-1].startswith(
        "lee-kb: 1 finding (1 error, 0 warning, 0 info) in 1 file;"
    )


def test_help_lists_the_three_subcommands(capsys):
    assert main(["--help"]) == 0
    assert "{lint,fix,matrix}" in capsys.readouterr().out


def test_hidden_directories_are_not_linted(project, capsys):
    (project / "kb" / ".trash").mkdir()
    (project / "kb" / ".trash" / "old.md").write_text(LESSON, encoding="utf-8")
    status, report, _ = _lint(capsys)
    assert (status, report["summary"]["files"]) == (0, 0)
