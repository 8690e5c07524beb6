"""Child output made safe to parse and to print.

A child's output is the project's code talking: a line can be 240 KB (a handler that
prints a whole response), and a regular expression over it (``phase_patterns``) took
141 s inside pytest (``.+?`` tried from each of 27,000 ``[TIMING]`` starts to the end).
Lines are therefore cut at :data:`MAX_LINE` characters when read (JSON metric lines are
parsed in linear time: they may be long), and a regular expression sees at most
:data:`PATTERN_LINE` of a line (a few milliseconds at worst). Control characters (an ANSI escape that clears the screen, a
carriage return that hides a line) are escaped before anything reaches the terminal.
"""

from __future__ import annotations

import re

__all__ = ["MAX_LINE", "PATTERN_LINE", "capped_lines", "printable"]

MAX_LINE = 65_536
PATTERN_LINE = 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def capped_lines(raw: bytes, limit: int = MAX_LINE) -> tuple[str, ...]:
    """*raw* split into lines, each cut at *limit* characters with how much was cut."""
    lines = []
    for line in raw.splitlines():
        if len(line) > limit:
            cut = len(line) - limit
            text = line[:limit].decode("utf-8", "replace") + f" … [{cut} bytes cut]"
        else:
            text = line.decode("utf-8", "replace")
        lines.append(text)
    return tuple(lines)


def printable(text: str) -> str:
    """*text* with control characters (but newline and tab) written as ``\\xNN``/``\\uNNNN``."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
