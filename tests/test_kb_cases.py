"""Data-driven rule tests: each directory of ``tests/data/kb/cases/`` is a small project
(``pyproject.toml``, ``kb/``, ``tests/marks_*.py``) whose expected findings are written
inline, on the line where each must appear: ``expect: RULE[:SEVERITY] ["substring"]``.

The case is copied to a temporary directory (``marks_x.py`` becomes ``tests/test_x.py`` —
under its real name it would be scanned by this repository's own ``lee-kb lint``), linted
from there, and every finding must be expected and every expectation found.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pytest_lee.kb.cli import main

CASES = Path(__file__).parent / "data" / "kb" / "cases"
_EXPECT = re.compile(r'expect: ([a-z-]+)(?::(error|warning|info))?(?: "([^"]*)")?')


def _copy_case(case: Path, destination: Path) -> Path:
    for source in case.rglob("*"):
        if source.is_dir():
            continue
        relative = source.relative_to(case)
        if source.name.startswith("marks_") and source.suffix == ".py":
            relative = relative.with_name("test_" + source.name[len("marks_") :])
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return destination


def _expectations(root: Path) -> list[tuple[str, int, str, str | None, str | None]]:
    expected = []
    for file in sorted(root.rglob("*")):
        if not file.is_file() or file.suffix not in (".md", ".py", ".toml"):
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8").split("\n"), start=1):
            for match in _EXPECT.finditer(line):
                expected.append(
                    (
                        file.relative_to(root).as_posix(),
                        number,
                        match.group(1),
                        match.group(2),
                        match.group(3),
                    )
                )
    return expected


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_case_findings_are_exactly_the_expected_ones(case, tmp_path, monkeypatch, capsys):
    root = _copy_case(CASES / case, tmp_path / case)
    monkeypatch.chdir(root)
    status = main(["lint", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    found: dict[tuple[str, int, str], list[dict]] = {}
    for finding in report["findings"]:
        found.setdefault((finding["path"], finding["line"], finding["rule"]), []).append(finding)
    wanted: dict[tuple[str, int, str], list[tuple[str | None, str | None]]] = {}
    for path, line, rule, severity, text in _expectations(root):
        wanted.setdefault((path, line, rule), []).append((severity, text))
    problems = []
    for key in sorted(set(found) | set(wanted)):
        got, want = found.get(key, []), wanted.get(key, [])
        if len(got) != len(want):
            messages = "; ".join(f["message"] for f in got) or "nothing"
            problems.append(
                f"{key[0]}:{key[1]}: {key[2]}: expected {len(want)}, reported {len(got)}: {messages}"
            )
            continue
        for severity, text in want:
            match = [
                f
                for f in got
                if (not severity or f["severity"] == severity)
                and (not text or text in f["message"])
            ]
            if not match:
                problems.append(
                    f"{key[0]}:{key[1]}: {key[2]}: no finding with {severity or ''} {text!r} among {[f['message'] for f in got]}"
                )
            else:
                got.remove(match[0])
    assert not problems, "\n".join(problems)
    errors = any(f["severity"] == "error" for f in report["findings"])
    assert status == (1 if errors else 0)
