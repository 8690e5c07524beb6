"""The session summary's line on isolation: which one ran, said once (and what was reaped)."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["isolation_entry", "render_isolation_summary"]

SECTION = "isolation"


def isolation_entry() -> dict[str, Any] | None:
    """This process's isolation entry for the report, or None when it started no child.

    Reads the modules only when they are loaded: a session without children pays nothing.
    """
    isolation = sys.modules.get("pytest_lee.sandbox.isolation")
    if isolation is None:
        return None
    used = isolation.used()
    if used is None:
        return None
    reaper = sys.modules.get("pytest_lee.sandbox.reaper")
    reaped = reaper.last_reaped() if reaper is not None else None
    return {
        "isolation": used.label,
        "reaped": reaped.line() if reaped is not None else None,
    }


def render_isolation_summary(report: Any, settings: Any) -> list[str]:
    """``children ran under: network namespace`` (once, whatever the xdist workers said)."""
    entries = report.entries(SECTION)
    labels = list(dict.fromkeys(entry["isolation"] for entry in entries))
    lines = [f"children ran under: {' / '.join(labels)}"]
    lines.extend(dict.fromkeys(entry["reaped"] for entry in entries if entry.get("reaped")))
    return lines
