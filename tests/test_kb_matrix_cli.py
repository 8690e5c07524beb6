"""``lee-kb matrix``: every REF and item with its tests, JUnit outcomes, waivers, both formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_lee.kb.cli import main

PYPROJECT = """\
[tool.lee.kb]
paths = ["kb"]
tests = ["tests"]

[[tool.lee.kb.waiver]]
ref = "NM06-LESS-09"
items = ["Team notified of deployment"]
reason = "a people process, not code"
"""
LESSONS = """\
# NM06-LESSONS: Test

## Lesson 9: Partial Deployment Danger

**REF:** NM06-LESS-09
**PRIORITY:** 🟡 HIGH

```markdown
### Pre-Deployment
- [ ] All affected files identified
- [ ] Local tests passing

### Rollback Ready
- [ ] Team notified of deployment
```

## Lesson 10: Cold Start Monitoring

**REF:** NM06-LESS-10

## Synthesis: Checklist for Production Readiness

```
Deployment:
✅ Atomic deployment strategy
```
"""
TESTS = """\
import pytest


@pytest.mark.lee_ref("NM06-LESS-09", "All affected files identified")
def test_files():
    pass


@pytest.mark.lee_ref("NM06-LESS-09", "local tests passing!")
def test_local():
    assert False


@pytest.mark.lee_ref("NM06-LESSONS-Test", "Atomic deployment strategy")
@pytest.mark.parametrize("n", [1, 2])
def test_atomic(n):
    pytest.skip("needs --lee-budgets")
"""


def junit(*cases: str) -> str:
    return (
        '<?xml version="1.0"?><testsuites><testsuite name="pytest">'
        + "".join(cases)
        + "</testsuite></testsuites>"
    )


def case(name: str, outcome: str = "", classname: str = "tests.test_enforce") -> str:
    inner = {
        "failed": '<failure message="x"/>',
        "skipped": '<skipped message="x"/>',
        "error": '<error message="x"/>',
    }
    return f'<testcase classname="{classname}" name="{name}">{inner.get(outcome, "")}</testcase>'


REPORT = junit(
    case("test_files"),
    case("test_local", "failed"),
    case("test_atomic[1]", "skipped"),
    case("test_atomic[2]", "skipped"),
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "NM06-LESSONS-Test.md").write_text(LESSONS, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_enforce.py").write_text(TESTS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rows(markdown: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split(" | ")]
        for line in markdown.splitlines()
        if line.startswith("| ") and "---" not in line
    ][1:]


def test_without_outcomes_a_claimed_item_counts_as_enforced(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["matrix"]) == 0
    out = capsys.readouterr().out
    assert (
        "Coverage: 6 rows (2 REFs, 4 items) — 4 enforced, 1 waived, 1 unenforced; 83% enforced or waived; no JUnit outcomes"
        in out
    )
    assert [(r[0], r[1]) for r in rows(out)] == [
        ("✅ enforced", "**NM06-LESS-09** Lesson 9: Partial Deployment Danger"),
        ("✅ enforced", "NM06-LESS-09 › Pre-Deployment › All affected files identified"),
        ("✅ enforced", "NM06-LESS-09 › Pre-Deployment › Local tests passing"),
        ("⚪ waived", "NM06-LESS-09 › Rollback Ready › Team notified of deployment"),
        ("🔴 unenforced", "**NM06-LESS-10** Lesson 10: Cold Start Monitoring"),
        ("✅ enforced", "NM06-LESSONS-Test › Deployment › Atomic deployment strategy"),
    ]
    assert "| 14 | waived: a people process, not code |" in out


def test_with_outcomes_an_item_whose_tests_failed_or_skipped_is_not_enforced(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "report.xml").write_text(REPORT, encoding="utf-8")
    assert main(["matrix", "--junit", "report.xml"]) == 0
    out = capsys.readouterr().out
    assert (
        "Coverage: 6 rows (2 REFs, 4 items) — 2 enforced, 1 waived, 3 unenforced (1 failed, 1 skipped); 50% enforced or waived; "
        "outcomes from report.xml (4 test cases)"
    ) in out
    table = {r[1]: (r[0], r[3]) for r in rows(out)}
    assert table["NM06-LESS-09 › Pre-Deployment › Local tests passing"] == (
        "❌ failed",
        "`tests/test_enforce.py::test_local` (failed)",
    )
    assert table["NM06-LESSONS-Test › Deployment › Atomic deployment strategy"][0] == "⏭️ skipped"
    # one passing test is enough for the lesson itself
    assert table["**NM06-LESS-09** Lesson 9: Partial Deployment Danger"][0] == "✅ enforced"


def test_outcomes_from_a_real_pytest_junit_report(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.mkdir("kb").joinpath("NM06-LESSONS-Test.md").write_text(LESSONS, encoding="utf-8")
    pytester.mkdir("tests").joinpath("test_enforce.py").write_text(TESTS, encoding="utf-8")
    result = pytester.runpytest_inprocess(
        "tests", "--junit-xml=report.xml", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=1, skipped=2)
    monkeypatch.chdir(pytester.path)
    assert main(["matrix", "--junit", "report.xml"]) == 0
    assert "2 enforced, 1 waived, 3 unenforced (1 failed, 1 skipped)" in capsys.readouterr().out


def test_a_test_missing_from_the_report_is_not_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "report.xml").write_text(junit(case("test_files")), encoding="utf-8")
    assert main(["matrix", "--junit", "report.xml"]) == 0
    table = {r[1]: r for r in rows(capsys.readouterr().out)}
    assert table["NM06-LESS-09 › Pre-Deployment › Local tests passing"][0] == "⚠️ not run"


def test_html_is_one_self_contained_filterable_file_linking_tests(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "report.xml").write_text(REPORT, encoding="utf-8")
    (project / "reports").mkdir()
    assert (
        main(["matrix", "--junit", "report.xml", "--format", "html", "-o", "reports/matrix.html"])
        == 0
    )
    assert capsys.readouterr().out.startswith("Coverage: 6 rows (2 REFs, 4 items) — 2 enforced")
    page = (project / "reports" / "matrix.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched from anywhere
    for status in ("enforced", "waived", "failed", "skipped", "not run", "unenforced"):
        assert f'<input type="checkbox" value="{status}" checked>' in page
    assert page.count('<tr data-status="') == 6
    assert '<tr data-status="failed">' in page
    assert (
        'href="../tests/test_enforce.py#L9" title="tests/test_enforce.py:9">tests/test_enforce.py::test_local</a>'
        in page
    )
    assert "waived: a people process, not code" in page
    assert "<script>" in page and "addEventListener" in page


def test_html_escapes_what_the_markdown_says(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lessons = project / "kb" / "NM06-LESSONS-Test.md"
    lessons.write_text(
        LESSONS.replace("Local tests passing", "Local <script>alert(1)</script> & tests"),
        encoding="utf-8",
    )
    assert main(["matrix", "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert "<script>alert(1)" not in page
    assert "Local &lt;script&gt;alert(1)&lt;/script&gt; &amp; tests" in page


def test_a_junit_file_that_is_not_xml_is_one_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "report.xml").write_text("passed: 3\n", encoding="utf-8")
    assert main(["matrix", "--junit", "report.xml"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.fullmatch(
        r"lee-kb matrix: report\.xml: not XML \(.*\); pass the file pytest --junit-xml wrote\n",
        captured.err,
    )


def test_an_xml_file_that_is_not_junit_is_one_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "report.xml").write_text("<coverage/>", encoding="utf-8")
    assert main(["matrix", "--junit", "report.xml"]) == 2
    assert capsys.readouterr().err == (
        "lee-kb matrix: report.xml: not a JUnit report (root element <coverage>, expected <testsuites> or <testsuite>)\n"
    )


def test_a_junit_report_of_another_project_is_one_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = junit(
        case("test_login", classname="webapp.tests.test_auth"),
        case("test_logout", classname="webapp.tests.test_auth"),
    )
    (project / "report.xml").write_text(other, encoding="utf-8")
    assert main(["matrix", "--junit", "report.xml"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "lee-kb matrix: report.xml: none of its 2 test cases is a test that claims a lesson here"
    )
    assert captured.err.count("\n") == 1


def test_a_missing_junit_file_is_one_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["matrix", "--junit", "nope.xml"]) == 2
    assert (
        capsys.readouterr().err
        == "lee-kb matrix: nope.xml: cannot read: No such file or directory\n"
    )


def test_an_empty_knowledge_base_gives_an_empty_matrix(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "kb" / "NM06-LESSONS-Test.md").unlink()
    assert main(["matrix"]) == 0
    out = capsys.readouterr().out
    assert (
        "Coverage: 0 rows (0 REFs, 0 items) — 0 enforced, 0 waived, 0 unenforced; nothing to trace"
        in out
    )
    assert "No REF or checklist item found." in out


def test_an_unreadable_lessons_file_is_one_line_and_the_rest_is_still_shown(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "kb" / "broken.md").write_bytes(b"\x00\x01binary")
    assert main(["matrix"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("lee-kb matrix: kb/broken.md: binary file")
    assert captured.err.count("\n") == 1
    assert "Coverage: 6 rows" in captured.out


def test_a_missing_path_is_one_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", "kb/nope.md"]) == 2
    assert capsys.readouterr().err == "lee-kb matrix: kb/nope.md: no such file or directory\n"


def test_two_reports_a_skip_in_one_run_and_a_pass_in_the_other_is_enforced(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "suite.xml").write_text(REPORT, encoding="utf-8")
    (project / "budgets.xml").write_text(
        junit(case("test_atomic[1]"), case("test_atomic[2]")), encoding="utf-8"
    )
    assert main(["matrix", "--junit", "suite.xml", "--junit", "budgets.xml"]) == 0
    out = capsys.readouterr().out
    assert "3 enforced, 1 waived, 2 unenforced (1 failed)" in out
    assert "outcomes from suite.xml, budgets.xml (6 test cases)" in out


FAKE_DOM = """
const rows = ROWS.map(([status, text]) => ({dataset: {status}, textContent: text, hidden: false}));
const listeners = [];
const box = (value) => ({value, checked: true, addEventListener: (e, f) => listeners.push(f)});
const boxes = STATUSES.map(box);
const query = {value: '', addEventListener: (e, f) => listeners.push(f)};
const section = {hidden: false, querySelector: () => rows.find((r) => !r.hidden) || null};
global.document = {
  querySelectorAll: (s) => s.includes('checkbox') ? boxes : s.startsWith('tr') ? rows : [section],
  getElementById: () => query,
};
SCRIPT
const shown = () => rows.filter((r) => !r.hidden).map((r) => r.dataset.status).join(',');
boxes.find((b) => b.value === 'enforced').checked = false;
listeners[0]();
console.log(shown());
query.value = 'TEAM notified';
listeners[0]();
console.log(shown(), section.hidden);
query.value = 'nothing matches this';
listeners[0]();
console.log(shown() || '-', section.hidden);
"""


def test_the_html_filters_rows_by_status_and_text(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    assert main(["matrix", "--format", "html"]) == 0
    page = capsys.readouterr().out
    script = page.split("<script>")[1].split("</script>")[0]
    found = re.findall(r'<tr data-status="([^"]+)">(.*?)</tr>', page)
    rows = [[status, re.sub(r"<[^>]+>", "", cells)] for status, cells in found]
    statuses = re.findall(r'<input type="checkbox" value="([^"]+)"', page)
    program = (
        FAKE_DOM.replace("ROWS", json.dumps(rows))
        .replace("STATUSES", json.dumps(statuses))
        .replace("SCRIPT", script)
    )
    (tmp_path / "filter.js").write_text(program, encoding="utf-8")
    result = subprocess.run(
        [node, str(tmp_path / "filter.js")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["waived,unenforced", "waived false", "- true"]


def test_strict_fails_while_a_row_is_neither_enforced_nor_waived(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["matrix", "--strict"]) == 1  # NM06-LESS-10 has no test
    (project / "pyproject.toml").write_text(
        PYPROJECT
        + '\n[[tool.lee.kb.waiver]]\nref = "NM06-LESS-10"\nreason = "covered elsewhere"\n',
        encoding="utf-8",
    )
    assert main(["matrix", "--strict"]) == 0
    (project / "report.xml").write_text(REPORT, encoding="utf-8")
    assert main(["matrix", "--strict", "--junit", "report.xml"]) == 1  # a failed and a skipped test


def test_a_test_claiming_a_row_twice_is_listed_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "tests" / "test_twice.py").write_text(
        "import pytest\n\n\n@pytest.mark.lee_ref('NM06-LESS-10')\n@pytest.mark.lee_ref('NM06-LESS-10')\ndef test_twice():\n    pass\n",
        encoding="utf-8",
    )
    assert main(["matrix"]) == 0
    table = {r[1]: r for r in rows(capsys.readouterr().out)}
    assert (
        table["**NM06-LESS-10** Lesson 10: Cold Start Monitoring"][3]
        == "`tests/test_twice.py::test_twice`"
    )


def test_link_base_points_tests_at_the_repository_host(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            ["matrix", "--format", "html", "--link-base", "https://git.example/org/repo/blob/main"]
        )
        == 0
    )
    page = capsys.readouterr().out
    assert 'href="https://git.example/org/repo/blob/main/tests/test_enforce.py#L9"' in page
