"""The session's findings: collected from every feature, merged across xdist workers,
written once as ``--lee-json`` and shown once in the terminal summary.

Each feature adds plain JSON-able entries to a named section; this module knows
nothing of what the entries mean. A feature that wants lines in the terminal summary
registers a renderer in ``_RENDERERS`` (a dotted path, imported only when its
section has entries, so the summary of a run without budgets loads no budget code).
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_lee._atomic import write_atomic

# The sections docs/outputs.md fixes for --lee-json; features may add more keys.
FIXED_SECTIONS = ("budgets", "contracts", "deploy_groups", "rehearsals")

# section -> "module:function" rendering that section's entries as terminal lines.
_RENDERERS: dict[str, str] = {
    "package": "pytest_lee.package.render:render_package_summary",
    "contracts": "pytest_lee.contracts.render:render_contract_summary",
    "baseline": "pytest_lee.deploy_groups.render:render_baseline_summary",
    "budgets": "pytest_lee.budgets.render:render_budget_summary",
    "rehearsals": "pytest_lee.rehearsal.render:render_rehearsal_summary",
    "isolation": "pytest_lee.sandbox.render:render_isolation_summary",
}


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

    def summary_lines(self, settings: Any) -> list[tuple[str, list[str]]]:
        """(title, lines) per section that has something to say."""
        blocks = []
        for section, target in _RENDERERS.items():
            entries = self.entries(section)
            if not entries:
                continue
            render = _load(target)
            lines = render(self, settings)
            if lines:
                blocks.append((section, lines))
        return blocks


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


def _load(target: str) -> Callable[..., list[str]]:
    module_name, _, function_name = target.partition(":")
    render: Callable[..., list[str]] = getattr(importlib.import_module(module_name), function_name)
    return render
