"""Terminal summary lines of the deploy groups (``--lee-baseline``).

The block names the groups that must ship together, the files that are safe alone,
the new version's own failures, and each classified signature change.
"""

from __future__ import annotations

from typing import Any

_WIDTH = 160


def render_baseline_summary(report: Any, settings: Any) -> list[str]:
    from pytest_lee.deploy_groups.report import describe_tie

    lines: list[str] = []
    for entry in report.entries("baseline"):
        changed = entry["changed"]
        lines.append(
            f"against {entry['baseline']}: {len(changed)} changed file{'s' if len(changed) != 1 else ''}, "
            f"{entry['trees']} mixed trees checked in {entry['seconds']:.2f} s"
        )
        for what in entry.get("not_judged", []):
            lines.append(f"not judged: {_short(what)}")
        lines.extend(f"skipped: {_short(what)}" for what in entry.get("skipped", []))
        explained = {tuple(g["files"]): g for g in entry.get("group_reasons", [])}
        for group in entry["groups"]:
            lines.append(f"must deploy together: {' + '.join(group)}")
            ties = explained.get(tuple(group), {}).get("ties", [])
            reason = entry["reasons"].get(group[0])
            if ties:
                reason = describe_tie(ties[0]) if ties[0]["file"] != group[0] else reason
            if reason:
                lines.append(f"  because {group[0]} alone: {_short(reason)}")
            for tie in ties[1:]:
                if tie["cause"] == (ties[0]["cause"] if ties else None):
                    continue  # the anchor's own failure: said above
                lines.append(f"  and without {tie['file']}: {_short(describe_tie(tie))}")
        for name, options in entry.get("alternatives", {}).items():
            shown = " | ".join(" + ".join(option) for option in options)
            lines.append(f"{name} has alternative partners: {shown}")
        for name in entry["unresolved"]:
            lines.append(f"breaks even with every changed file: {name}")
        if entry["safe_alone"]:
            lines.append(f"safe alone: {', '.join(entry['safe_alone'])}")
            lines.append(
                "  (each checked: the baseline with that file swapped in breaks nothing new)"
            )
        broken = entry.get("new_version_failures", [])
        if broken:
            lines.append(f"broken in the new version whatever ships ({len(broken)}):")
            for failure in broken[:20]:
                old = " (also at the baseline)" if failure.get("also_at_baseline") else ""
                lines.append(f"  {failure['key']}: {_short(describe_tie(failure))}{old}")
        if entry["preexisting"]:
            lines.append(
                f"already failing at the baseline (not judged): {', '.join(entry['preexisting'])}"
            )
        for change in entry["signatures"]:
            lines.append(
                f"{change['kind']:<11} {change['file']}:{change['line']} {change['function']}"
                f"{change['old']} → {change['new']}: {'; '.join(change['details'])}"
            )
    return lines


def _short(text: str) -> str:
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"
