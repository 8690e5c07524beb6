"""Parsing: child output is read with a line-length cap, phase patterns see bounded lines,
and control characters are escaped before they reach the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_lee.budgets.phases import line_phases
from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.sandbox.output import MAX_LINE, PATTERN_LINE, capped_lines, printable
from pytest_lee.settings import FunctionSettings

FUNCTION = FunctionSettings(runtime_provides=(), timeout_s=60)
# docs/budgets.md's pattern: .+? from every "[TIMING] " start to the end of the line.
PATTERN = r"\[TIMING\] (?P<name>.+?): \+?(?P<value>\d+(?:\.\d+)?) ?ms$"


def test_a_240_kb_timing_line_is_cut_before_any_pattern_sees_it(tmp_path: Path):
    (tmp_path / "app.py").write_text(
        "print('[TIMING] x: 1' * 20_000)\n"  # 240 KB, quadratic for the pattern
        "print('[TIMING] Gateway imports complete: 46.74ms')\n"
        "def handler(event, context):\n    return 1\n"
    )
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    assert run.ok, run.error
    long = run.stdout_lines[0]
    assert len(long) < MAX_LINE + 40 and long.endswith("bytes cut]")
    assert line_phases(run.stdout_lines, [PATTERN]) == [("gateway_imports_complete_ms", 46.74)]


def test_a_phase_pattern_sees_at_most_the_first_part_of_a_line():
    line = "[TIMING] x: 1" * (MAX_LINE // 13)
    assert line_phases([line + ": 5ms"], [PATTERN]) == []  # its end is past PATTERN_LINE
    assert line_phases([line[: PATTERN_LINE // 2] + ": 5ms"], [PATTERN]) != []


def test_capped_lines_say_how_much_was_cut():
    assert capped_lines(b"ab\n" + b"x" * 10, limit=4) == ("ab", "xxxx … [6 bytes cut]")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2Jgone", "\\x1b[2Jgone"),
        ("ok\rFAKE PASS", "ok\\x0dFAKE PASS"),
        ("bell\x07", "bell\\x07"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
    ],
)
def test_control_characters_are_escaped(raw: str, shown: str):
    assert printable(raw) == shown


def test_a_handler_s_error_reaches_the_terminal_escaped(tmp_path: Path):
    (tmp_path / "app.py").write_text(
        "def handler(event, context):\n    raise ValueError('\\x1b[2J\\x1b[H cleared')\n"
    )
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    assert run.error is not None and "\x1b" not in run.error
    assert "\\x1b[2J" in run.error


def test_a_contract_child_s_failure_reaches_the_terminal_escaped(pytester: pytest.Pytester):
    engine = pytester.path / "engine"
    engine.mkdir()
    (engine / "gw.py").write_text("raise RuntimeError('\\x1b[31mred\\x1b[0m')\nROUTES = {}\n")
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "engine"\n\n[tool.lee.function]\ntimeout_s = 30\n\n'
        '[[tool.lee.contract]]\nregistry = "gw:ROUTES"\noperation = "get"\n'
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    text = result.stdout.str()
    assert "red" in text
    assert "\x1b[31mred" not in text
