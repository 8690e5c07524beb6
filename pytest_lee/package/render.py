"""The ``lee package`` block of the terminal summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_lee._text import count

if TYPE_CHECKING:
    from pytest_lee.findings import SessionReport


def render_package_summary(report: SessionReport, settings: Any) -> list[str]:
    """One line per package the session built, then its warnings or problems."""
    lines: list[str] = []
    for entry in report.entries("package"):
        source = entry.get("source", "?")
        if entry.get("status") == "fail":
            problems = entry.get("problems", [])
            during = entry.get("during", "verification")
            lines.append(f"{source}: FAILED {during} ({count(len(problems), 'problem')})")
            lines.extend(f"  problem: {problem}" for problem in problems)
            continue
        lines.append(
            f"{source}: {count(entry.get('files', 0), 'file')}, {_size(entry.get('zipped_bytes', 0))} zipped "
            f"({_size(entry.get('unzipped_bytes', 0))} unzipped), CodeSha256 {entry.get('code_sha256', '?')}"
        )
        lines.extend(f"  warning: {warning}" for warning in entry.get("warnings", []))
    return lines


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"
