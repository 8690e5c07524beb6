"""Wording shared by every report: counts that read as English."""

from __future__ import annotations


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "file")`` → ``1 file``; ``count(3, "file")`` → ``3 files``."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"
