"""The session's findings: collected from every feature, merged across xdist workers,
written once as ``--lee-json`` (and shown by ``report`` in the terminal summary).

Each feature adds plain JSON-able entries to a named section; this module knows
nothing of what the entries mean, and imports no feature: every feature writes here,
so it sits below them all (``report``, which renders the sections, sits above).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_lee._atomic import write_atomic

# The sections docs/outputs.md fixes for --lee-json; features may add more keys.
FIXED_SECTIONS = ("budgets", "contracts", "deploy_groups", "rehearsals")


@dataclass
class SessionReport:
    """Entries per section, in the order they were added."""

    sections: dict[str, list[Any]] = field(
        default_factory=lambda: {name: [] for name in FIXED_SECTIONS}
    )

    def add(self, section: str, entry: Any) -> None:
        self.sections.setdefault(section, []).append(entry)

    def entries(self, section: str) -> list[Any]:
        return self.sections.get(section, [])

    def merge(self, sections: dict[str, list[Any]]) -> None:
        """Fold in another process's sections (an xdist worker's), dropping exact repeats."""
        for name, entries in sections.items():
            mine = self.sections.setdefault(name, [])
            seen = {_canonical(entry) for entry in mine}
            for entry in entries:
                key = _canonical(entry)
                if key not in seen:
                    seen.add(key)
                    mine.append(entry)

    def to_json(self) -> str:
        """Strict JSON: a NaN or infinity a handler returned becomes null, not invalid JSON."""
        return json.dumps(_finite(self.sections), indent=2, allow_nan=False, default=str) + "\n"

    def write_json(self, path: Path) -> None:
        write_atomic(path, self.to_json())


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _canonical(entry: Any) -> str:
    return json.dumps(entry, sort_keys=True, default=str)
