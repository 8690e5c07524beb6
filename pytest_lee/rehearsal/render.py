"""The terminal summary of rehearsals: each one ticked off against the seed's checklist.

Steps are grouped under the four sections of NM06-LESS-09's deployment checklist, in
the seed's order (pre-deployment, deployment, post-deployment, rollback ready), each
with its duration, so a reader sees which item of the runbook each step enforced and
what it cost. Works from the report's JSON entries, so xdist workers' rehearsals
render the same as the controller's own.
"""

from __future__ import annotations

from typing import Any

from pytest_lee.findings import SessionReport

SECTIONS = ("pre-deployment", "deployment", "post-deployment", "rollback ready")
_MARKS = {True: "ok", False: "FAILED", None: "skipped"}
STDERR_LINES = 20  # the last lines the function logged, as CloudWatch shows them


def render_rehearsal_summary(report: SessionReport, settings: Any) -> list[str]:
    entries = [entry for entry in report.entries("rehearsals") if isinstance(entry, dict)]
    if not entries:
        return []
    lines: list[str] = []
    for entry in entries:
        lines.extend(_render_one(entry))
    lines.append(_totals(entries))
    return lines


def _render_one(entry: dict[str, Any]) -> list[str]:
    outcome = entry.get("outcome") or outcome_name(entry)
    version = entry.get("version")
    what = "rollback" if entry.get("kind") == "rollback" else "deploy"
    head = f"{entry.get('function', '?')} {what}{f' v{version}' if version is not None else ''}: {outcome}"
    head += f" in {float(entry.get('seconds') or 0):.2f} s"
    if entry.get("alias_version") is not None:
        head += f", production on v{entry['alias_version']}"
        for version, weight in (entry.get("alias_weights") or {}).items():
            head += f" + {weight:g} on v{version}"
    if entry.get("test"):
        head += f"  [{entry['test']}]"
    lines = [head]
    if entry.get("reason"):
        lines.append(f"  why: {entry['reason']}")
    lines.extend(_health_stderr(entry.get("health") or {}))
    steps = entry.get("steps") or []
    width = max((len(step.get("name", "")) for step in steps), default=0)
    for section in SECTIONS:
        mine = [step for step in steps if step.get("section") == section]
        for index, step in enumerate(mine):
            label = section if index == 0 else ""
            mark = _MARKS.get(step.get("ok"), "?")
            detail = _shorten(str(step.get("detail") or ""), 110)
            lines.append(
                f"  {label:<16} {mark:<7} {step.get('name', ''):<{width}} {float(step.get('ms') or 0):>8.1f} ms  {detail}".rstrip()
            )
    return lines


def _health_stderr(health: dict[str, Any]) -> list[str]:
    """A failed health check's last log lines (stdout, then stderr): the function's own
    account of the failure, as CloudWatch would have it."""
    tail = [str(line) for line in health.get("log_tail") or []]
    if not tail:  # an entry written before log tails were kept
        tail = [line for line in str(health.get("stderr_tail") or "").splitlines() if line.strip()]
    if health.get("outcome") != "failed" or not tail:
        return []
    return [
        f"  function log (last {len(tail[-STDERR_LINES:])} lines):",
        *(f"    | {_shorten(line, 110)}" for line in tail[-STDERR_LINES:]),
    ]


def _totals(entries: list[dict[str, Any]]) -> str:
    deploys = [entry for entry in entries if entry.get("kind", "deploy") == "deploy"]
    counts = {
        name: sum(1 for entry in deploys if (entry.get("outcome") or outcome_name(entry)) == name)
        for name in ("promoted", "rolled back", "refused", "unchanged", "failed")
    }
    shown = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
    unsafe = [entry for entry in deploys if left_on_failed(entry)]
    safety = (
        "production never left on a failed version"
        if not unsafe
        else f"PRODUCTION LEFT ON A FAILED VERSION: v{', v'.join(str(entry['version']) for entry in unsafe)}"
    )
    rollbacks = len(entries) - len(deploys)
    manual = f", {rollbacks} manual rollback{'s' if rollbacks != 1 else ''}" if rollbacks else ""
    return f"{len(deploys)} rehearsed deployment{'s' if len(deploys) != 1 else ''} ({shown or 'none'}){manual}; {safety}"


def left_on_failed(entry: dict[str, Any]) -> bool:
    """A version that was not promoted still gets production traffic (all of it, or a weight)."""
    version = entry.get("version")
    if (
        entry.get("promoted")
        or entry.get("unchanged")
        or version is None
        or entry.get("kind") == "rollback"
    ):
        return False
    return entry.get("alias_version") == version or str(version) in (
        entry.get("alias_weights") or {}
    )


def outcome_name(entry: dict[str, Any]) -> str:
    """promoted, rolled back, refused, unchanged or failed (the summary's words)."""
    for key, name in (
        ("promoted", "promoted"),
        ("rolled_back", "rolled back"),
        ("refused", "refused"),
    ):
        if entry.get(key):
            return name
    return "unchanged" if entry.get("unchanged") else "failed"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
