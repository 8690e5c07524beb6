"""``lee-kb fix`` where the users run it: on ``.`` (a markdown file directly in the folder),
with ``paths = ["."]``, as root (the repaired file keeps its owner, group and mode), and
with exit codes that tell "repaired" (1) from "error" (2). The property test: a line
without damage is never changed, whatever damaged lines surround it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kb_damage import windows_1252

from pytest_lee.kb.cli import main
from pytest_lee.kb.encoding import repair

DAMAGED = "# Deploy\n\n" + windows_1252("- ✅ All files packaged → verified\n")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fix_dot_repairs_a_markdown_file_directly_in_the_folder(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "lessons.md").write_text(DAMAGED, encoding="utf-8")
    assert main(["fix", "."]) == 1  # 1: repaired
    assert "✅ All files packaged → verified" in (folder / "lessons.md").read_text("utf-8")
    assert "lessons.md: repaired 2 spans" in capsys.readouterr().out
    assert main(["fix", "."]) == 0  # nothing left
    assert main(["lint", "."]) in (0, 1)  # lint reads the same files without a traceback


def test_paths_dot_in_pyproject_works(folder: Path) -> None:
    (folder / "pyproject.toml").write_text('[tool.lee.kb]\npaths = ["."]\n', encoding="utf-8")
    (folder / "lessons.md").write_text(DAMAGED, encoding="utf-8")
    assert main(["fix", "--check"]) == 1  # would repair
    assert main(["fix"]) == 1
    assert main(["fix", "--check"]) == 0


def test_an_error_exits_2_even_when_another_file_was_repaired(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "lessons.md").write_text(DAMAGED, encoding="utf-8")
    (folder / "latin1.md").write_bytes("caf\xe9\n".encode("latin-1"))
    assert main(["fix", "."]) == 2
    assert "latin1.md: not UTF-8" in capsys.readouterr().err
    assert "✅" in (folder / "lessons.md").read_text("utf-8")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_run_as_root_the_repaired_file_keeps_its_owner_group_and_mode(folder: Path) -> None:
    lessons = folder / "lessons.md"
    lessons.write_text(DAMAGED, encoding="utf-8")
    os.chown(lessons, 4321, 4322)
    lessons.chmod(0o640)
    assert main(["fix", "."]) == 1
    after = lessons.stat()
    assert (after.st_uid, after.st_gid, after.st_mode & 0o7777) == (4321, 4322, 0o640)
    assert "✅" in lessons.read_text("utf-8")


# Clean lines: what the knowledge base writes (ASCII, emoji, arrows, box drawing, check
# marks, curly quotes) — never a character sequence that is itself damage.
_CLEAN = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ 019-:|#*")
        + ["✅", "❌", "→", "←", "─", "│", "├", "└", "🟡", "“", "”", "—", "é"]
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_CLEAN, st.booleans()), min_size=1, max_size=12))
def test_fix_never_changes_a_line_without_damage(lines: list[tuple[str, bool]]) -> None:
    text = "\n".join(windows_1252(line) if damaged else line for line, damaged in lines)
    after = repair(text).text.split("\n")
    assert len(after) == len(lines)
    for (line, damaged), result in zip(lines, after):
        if not damaged or windows_1252(line) == line:
            assert result == line
