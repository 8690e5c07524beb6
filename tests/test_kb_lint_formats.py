"""The four output formats of ``lee-kb lint``: shapes, escaping, SARIF 2.1.0, stability."""

from __future__ import annotations

import json

import pytest

from pytest_lee.kb.cli import main
from pytest_lee.kb.rules import RULE_NAMES

LESSON = (
    "# NM06-LESSONS: x\n\n## Lesson 9\n\n**REF:** NM06-LESS-09\n**RELATED:** NM06-BUG-77, NM05-AP-01\n\n"
    "```markdown\n- [ ] Health check passed\n```\n\n```python\nunclosed\n"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.lee.kb]\nexternal = ["NM05-*"]\n', encoding="utf-8"
    )
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "NM06-LESSONS-a, b: c.md").write_text(LESSON, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys, fmt: str) -> tuple[int, str]:
    status = main(["lint", "--format", fmt])
    return status, capsys.readouterr().out


def test_json_has_exactly_the_documented_shape(project, capsys):
    status, out = _run(capsys, "json")
    report = json.loads(out)
    assert set(report) == {"findings", "summary"}
    assert all(
        set(f) == {"rule", "severity", "path", "line", "message"} for f in report["findings"]
    )
    assert [(f["rule"], f["severity"], f["line"]) for f in report["findings"]] == [
        ("ref-unenforced", "error", 5),
        ("related-unknown", "info", 6),
        ("related-unknown", "error", 6),
        ("checklist-unenforced", "error", 9),
        ("unclosed-fence", "warning", 12),
    ]
    assert report["summary"] == {
        "files": 1,
        "refs": 1,
        "items": 1,
        "enforced": 0,
        "waived": 0,
        "unenforced": 1,
    }
    assert status == 1


def test_text_is_path_line_rule_message(project, capsys):
    _, out = _run(capsys, "text")
    lines = out.splitlines()
    assert lines[0].startswith(
        "kb/NM06-LESSONS-a, b: c.md:5: ref-unenforced NM06-LESS-09 is enforced by no test; "
    )
    assert len(lines) == 6 and lines[-1].startswith(
        "lee-kb: 5 findings (3 error, 1 warning, 1 info) in 1 file;"
    )


def test_github_annotations_escape_properties_and_map_severities(project, capsys):
    _, out = _run(capsys, "github")
    lines = out.splitlines()
    assert lines[0].startswith(
        "::error file=kb/NM06-LESSONS-a%2C b%3A c.md,line=5,title=lee-kb ref-unenforced::NM06-LESS-09 is"
    )
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::error",
        "::notice",
        "::error",
        "::error",
        "::warning",
    ]


def _validate_sarif(sarif: dict) -> None:
    """The required shape of SARIF 2.1.0 (sarif-schema-2.1.0.json) for what we emit."""
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    assert isinstance(sarif["runs"], list) and len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == list(RULE_NAMES) and len(set(ids)) == len(ids)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
    for result in run["results"]:
        assert result["message"]["text"]
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"]
        assert physical["region"]["startLine"] >= 1 and physical["region"]["startColumn"] >= 1
        assert all(isinstance(v, str) for v in result["partialFingerprints"].values())


def test_sarif_is_valid_2_1_0_with_fingerprints_that_survive_moved_lines(project, capsys):
    _, out = _run(capsys, "sarif")
    before = json.loads(out)
    _validate_sarif(before)
    assert before["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ] == ("kb/NM06-LESSONS-a%2C%20b%3A%20c.md")
    path = project / "kb" / "NM06-LESSONS-a, b: c.md"
    path.write_text("\n\n" + LESSON, encoding="utf-8")
    after = json.loads(_run(capsys, "sarif")[1])
    fingerprints = [r["partialFingerprints"] for r in before["runs"][0]["results"]]
    assert fingerprints == [r["partialFingerprints"] for r in after["runs"][0]["results"]]
    lines = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in after["runs"][0]["results"]
    ]
    assert lines == [7, 8, 8, 11, 14]


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_every_format_is_the_same_on_every_run(project, capsys, fmt):
    assert _run(capsys, fmt) == _run(capsys, fmt)
