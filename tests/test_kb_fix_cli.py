"""``lee-kb fix``: in place, atomic, idempotent, --check/--diff, and one line per bad input."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from kb_damage import CLEAN, REPO, SEED, mac_roman, windows_1252

from pytest_lee.kb.cli import main

ORIGINAL = (
    "# NM06-LESSONS: Deployment\n\n"
    "**PRIORITY:** \U0001f7e1 HIGH\n\n"
    "- ✅ All files packaged into single zip → verified\n"
    "Gateway ←→ Interface ←→ Core — ❌ never one file alone\n"
)


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project: a pyproject.toml with [tool.lee.kb] and a kb/ directory."""
    (tmp_path / "pyproject.toml").write_text('[tool.lee.kb]\npaths = ["kb"]\n', encoding="utf-8")
    (tmp_path / "kb").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path / "kb"


def write(path: Path, text: str, mode: int = 0o644) -> Path:
    path.write_bytes(text.encode("utf-8"))
    path.chmod(mode)
    return path


def test_it_repairs_a_file_read_as_mac_roman_in_place_keeping_its_mode(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lessons = write(kb / "NM06.md", mac_roman(ORIGINAL), mode=0o640)
    assert main(["fix", "kb/NM06.md"]) == 0
    assert lessons.read_bytes() == ORIGINAL.encode("utf-8")
    assert stat.S_IMODE(lessons.stat().st_mode) == 0o640
    out = capsys.readouterr().out
    assert "kb/NM06.md: repaired 7 spans (the whole file was UTF-8 read as Mac Roman)" in out
    assert list(kb.iterdir()) == [lessons]  # no temporary file left behind


def test_it_repairs_a_file_read_as_windows_1252(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lessons = write(kb / "NM06.md", windows_1252(ORIGINAL))
    assert main(["fix"]) == 0  # paths from [tool.lee.kb]
    assert lessons.read_bytes() == ORIGINAL.encode("utf-8")
    assert "(the whole file was UTF-8 read as Windows-1252)" in capsys.readouterr().out


def test_it_repairs_unambiguous_spans_and_leaves_ambiguous_ones(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lessons = write(kb / "mixed.md", '→ already right\nâœ… done, ðŸŸ¡ medium\nâ"€â"€ box\n')
    assert main(["fix", "kb"]) == 0
    assert lessons.read_text("utf-8") == '→ already right\n✅ done, 🟡 medium\nâ"€â"€ box\n'
    out = capsys.readouterr().out
    assert (
        "kb/mixed.md: repaired 2 spans; 2 spans left ambiguous (lee-kb lint lists the candidates)"
        in out
    )
    assert "repaired 2 span(s) in 1 of 1 file(s); 2 span(s) in 1 file(s) left ambiguous" in out


def test_a_second_run_changes_nothing(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lessons = write(kb / "NM06.md", mac_roman(ORIGINAL))
    assert main(["fix"]) == 0
    repaired, before = lessons.read_bytes(), lessons.stat().st_mtime_ns
    capsys.readouterr()
    assert main(["fix"]) == 0
    assert lessons.read_bytes() == repaired and lessons.stat().st_mtime_ns == before
    assert "repaired 0 span(s) in 0 of 1 file(s)" in capsys.readouterr().out
    assert main(["fix", "--check"]) == 0


def test_check_writes_nothing_and_exits_1_when_something_would_change(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = mac_roman(ORIGINAL)
    lessons = write(kb / "NM06.md", damaged)
    write(kb / "clean.md", ORIGINAL)
    assert main(["fix", "--check"]) == 1
    assert lessons.read_text("utf-8") == damaged
    out = capsys.readouterr().out
    assert "kb/NM06.md: would repair 7 spans" in out
    assert "clean.md" not in out


def test_diff_shows_the_change_as_a_unified_diff(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(kb / "NM06.md", "title\nStatus: âœ… done\n")
    assert main(["fix", "--check", "--diff"]) == 1
    out = capsys.readouterr().out
    assert "--- a/kb/NM06.md\n+++ b/kb/NM06.md\n" in out
    assert "-Status: âœ… done\n+Status: ✅ done\n" in out
    assert (kb / "NM06.md").read_text("utf-8") == "title\nStatus: âœ… done\n"


def test_a_failed_write_leaves_the_file_whole(
    kb: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = mac_roman(ORIGINAL)
    lessons = write(kb / "NM06.md", damaged)

    def disk_full(source: str, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pytest_lee._atomic.os.replace", disk_full)
    assert main(["fix"]) == 2
    assert lessons.read_text("utf-8") == damaged
    assert [p.name for p in kb.iterdir()] == ["NM06.md"]
    assert (
        "lee-kb fix: kb/NM06.md: cannot write: No space left on device; file left as it was"
        in capsys.readouterr().err
    )


def test_a_read_only_file_is_reported_and_the_run_goes_on(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = write(kb / "a-locked.md", mac_roman(ORIGINAL), mode=0o444)
    other = write(kb / "b-other.md", mac_roman(ORIGINAL))
    assert main(["fix"]) == 2
    assert locked.read_text("utf-8") == mac_roman(ORIGINAL)
    assert other.read_text("utf-8") == ORIGINAL
    captured = capsys.readouterr()
    assert captured.err == "lee-kb fix: kb/a-locked.md: read-only; 7 damaged span(s) not repaired\n"
    assert "kb/b-other.md: repaired 7 spans" in captured.out


def test_a_directory_of_mixed_files_gives_one_line_per_file_it_cannot_read(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(kb / "damaged.md", mac_roman(ORIGINAL))
    write(kb / "clean.md", ORIGINAL)
    (kb / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (kb / "latin1.md").write_bytes("caf\xe9\n".encode("latin-1"))
    (kb / "picture.png").write_bytes(b"\x00\x01")
    (kb / "notes.txt").write_text(mac_roman(ORIGINAL), encoding="utf-8")
    (kb / "sub dir").mkdir()
    write(kb / "sub dir" / "with space.md", windows_1252(ORIGINAL))
    assert main(["fix", "kb"]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "lee-kb fix: kb/binary.md: binary file (NUL bytes), not markdown; not touched",
        "lee-kb fix: kb/latin1.md: not UTF-8 (byte 0xe9 on line 1); not touched — re-save it as UTF-8",
    ]
    assert (kb / "damaged.md").read_text("utf-8") == ORIGINAL
    assert (kb / "sub dir" / "with space.md").read_text("utf-8") == ORIGINAL
    assert (kb / "notes.txt").read_text("utf-8") == mac_roman(ORIGINAL)  # not markdown: not touched
    assert "repaired 14 span(s) in 2 of 5 file(s)" in captured.out
    assert "2 file(s) not handled" in captured.out


def test_it_repairs_every_file_lint_reads_and_only_those(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pytest_lee.kb._paths import markdown_files

    shouting = write(kb / "NOTES.MD", windows_1252(ORIGINAL))
    (kb / ".drafts").mkdir()
    hidden = write(kb / ".drafts" / "draft.md", windows_1252(ORIGINAL))
    assert markdown_files([kb])[0] == [shouting]  # what lee-kb lint reads
    assert main(["fix", "kb"]) == 0
    assert shouting.read_text("utf-8") == ORIGINAL
    assert hidden.read_text("utf-8") == windows_1252(ORIGINAL)
    assert "repaired 7 span(s) in 1 of 1 file(s)" in capsys.readouterr().out


def test_a_missing_path_is_one_line_and_exit_2(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fix", "kb/nope.md"]) == 2
    assert "lee-kb fix: kb/nope.md: no such file or directory" in capsys.readouterr().err


def test_text_with_only_ambiguous_damage_is_never_rewritten(kb: Path) -> None:
    text = 'Box: â"€ and âŒ Wrong and ðŸ"´ red\r\n'
    lessons = write(kb / "NM06.md", text)
    assert main(["fix", "--check"]) == 0
    assert main(["fix"]) == 0
    assert lessons.read_bytes() == text.encode("utf-8")


@pytest.mark.realworld
def test_the_seed_comes_back_byte_for_byte_as_the_corpus_clean_copy(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = kb / "NM06-LESSONS-Deployment_and_Operations.md"
    copy.write_bytes(SEED.read_bytes())
    assert main(["fix", "--check"]) == 1
    assert main(["fix"]) == 0
    assert copy.read_bytes() == CLEAN.read_bytes()
    assert (
        "repaired 63 spans (the whole file was UTF-8 read as Mac Roman)" in capsys.readouterr().out
    )


@pytest.mark.realworld
def test_our_kb_is_the_repaired_seed() -> None:
    assert (REPO / "kb" / CLEAN.name).read_bytes() == CLEAN.read_bytes()


def test_a_bad_kb_config_is_one_line(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (kb.parent / "pyproject.toml").write_text('[tool.lee.kb]\npaths = "kb"\n', encoding="utf-8")
    assert main(["fix"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tool.lee.kb.paths: expected a list of strings" in err


def test_the_console_script_runs_fix_as_users_do(kb: Path) -> None:
    import shutil
    import subprocess

    script = shutil.which("lee-kb")
    if script is None:
        pytest.skip("lee-kb console script not installed")
    write(kb / "NM06.md", mac_roman(ORIGINAL))
    check = subprocess.run([script, "fix", "--check"], capture_output=True, text=True, check=False)
    assert check.returncode == 1, check.stderr
    assert "kb/NM06.md: would repair 7 spans" in check.stdout
    done = subprocess.run([script, "fix"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and (kb / "NM06.md").read_text("utf-8") == ORIGINAL


def test_a_symlinked_file_is_repaired_where_it_points_and_the_link_kept(
    kb: Path, tmp_path: Path
) -> None:
    target = write(tmp_path / "shared-lessons.md", mac_roman(ORIGINAL))
    link = kb / "NM06.md"
    link.symlink_to(target)
    assert main(["fix"]) == 0
    assert link.is_symlink()
    assert target.read_text("utf-8") == ORIGINAL
