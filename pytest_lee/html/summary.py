"""The report's first screen: one line per capability, failed or passed, and the function.

The report used to open on the budgets' table, and a session whose contract keys failed
showed them 12,500 px down. Each line here reads the same verdicts the terminal, JSON and
JUnit read (a budget's ``passed``, a key's ``status``, a rehearsal's outcome), so the
first screen cannot disagree with the rest of the session.
"""

from __future__ import annotations

from typing import Any

from pytest_lee.html.svg import e
from pytest_lee.rehearsal.render import left_on_failed, outcome_name

FAILED_BUDGET = ("over", "critical")


def summary_section(report: Any, settings: Any) -> str:
    """The pass/fail table of every capability the session ran ('' when it ran none)."""
    rows = [
        row
        for row in (
            _contracts(report),
            _budgets(report),
            _deploy_groups(report),
            _rehearsals(report),
            _package(report),
        )
        if row is not None
    ]
    if not rows:
        return ""
    failed = [name for name, ok, _, _ in rows if not ok]
    headline = (
        f"<p class='headline'>✗ {e(', '.join(failed))} failed</p>"
        if failed
        else "<p class='caption'>✓ every capability this session ran passed</p>"
    )
    body = "".join(
        f"<tr><td class='{'pass' if ok else 'fail'}'>{'✓ passed' if ok else '✗ failed'}</td>"
        f"<td><a href='#{anchor}'>{e(name)}</a></td><td>{e(detail)}</td></tr>"
        for name, ok, detail, anchor in rows
    )
    return f"{headline}<table class='summary-table'><tbody>{body}</tbody></table>"


Row = tuple[str, bool, str, str]  # capability, passed, what it found, section anchor


def _contracts(report: Any) -> Row | None:
    worst: dict[tuple[str, str], str] = {}
    rank = {"ok": 0, "inconclusive": 1, "fail": 2}
    for entry in report.entries("contracts"):
        if not isinstance(entry, dict):
            continue
        ident = (str(entry.get("registry")), str(entry.get("key")))
        status = str(entry.get("status"))
        if rank.get(status, 1) >= rank.get(worst.get(ident, "ok"), 0):
            worst[ident] = status
    if not worst:
        return None
    failing = sorted(key for (_, key), status in worst.items() if status == "fail")
    unsure = sum(1 for status in worst.values() if status == "inconclusive")
    detail = f"{len(worst)} keys: {len(failing)} fail"
    detail += f" ({', '.join(failing[:6])}{', …' if len(failing) > 6 else ''})" if failing else ""
    detail += f", {unsure} inconclusive" if unsure else ""
    return "Contracts", not failing, detail, "contracts"


def _budgets(report: Any) -> Row | None:
    entries = [entry for entry in report.entries("budgets") if isinstance(entry, dict)]
    if not entries:
        return None
    failing = [
        str(entry.get("name"))
        for entry in entries
        if entry.get("passed") is False
        or (entry.get("passed") is None and entry.get("verdict") in FAILED_BUDGET)
    ]
    detail = f"{len(entries)} budgets: {len(failing)} failed"
    detail += f" ({', '.join(failing)})" if failing else ""
    return "Budgets", not failing, detail, "budgets"


def _deploy_groups(report: Any) -> Row | None:
    entries = [entry for entry in report.entries("baseline") if isinstance(entry, dict)]
    if not entries:
        return None
    entry = entries[-1]
    harmful = entry.get("do_not_ship") or []
    groups = entry.get("groups") or []
    safe = entry.get("safe_alone") or []
    detail = (
        f"against {entry.get('baseline', '?')}: {len(groups)} groups must ship together, "
        f"{len(safe)} files safe alone"
    )
    if harmful:
        names = [item.get("file", item) if isinstance(item, dict) else item for item in harmful]
        detail += f", do not ship: {', '.join(str(name) for name in names)}"
    return "Deploy groups", not harmful, detail, "deploy-groups"


def _rehearsals(report: Any) -> Row | None:
    entries = [entry for entry in report.entries("rehearsals") if isinstance(entry, dict)]
    if not entries:
        return None
    counts: dict[str, int] = {}
    for entry in entries:
        name = outcome_name(entry)
        counts[name] = counts.get(name, 0) + 1
    unsafe = sum(1 for entry in entries if left_on_failed(entry))
    detail = ", ".join(f"{count} {name}" for name, count in counts.items())
    detail += (
        f"; production left on a failed version {unsafe}×"
        if unsafe
        else "; production never left on a failed version"
    )
    return "Rehearsals", not unsafe and "failed" not in counts, detail, "rehearsals"


def _package(report: Any) -> Row | None:
    entries = [entry for entry in report.entries("package") if isinstance(entry, dict)]
    if not entries:
        return None
    problems = [str(p) for entry in entries for p in entry.get("problems") or []]
    detail = f"{len(problems)} problems: {problems[0]}" if problems else "built and verified"
    return "Package", not problems, detail, "package"


def function_meta(settings: Any, report: Any) -> list[str]:
    """The header's facts about the function the figures are for, and how they were taken."""
    function = getattr(settings, "function", None)
    if function is None:
        return []
    facts = [
        f"{getattr(function, 'name', '?')}: {getattr(function, 'runtime', '?')}",
        str(getattr(function, "architecture", "x86_64")),
        f"{getattr(function, 'memory_mb', '?')} MB",
    ]
    layers = [layer.name for layer in getattr(settings, "layers", ())]
    if layers:
        facts.append(f"layers {', '.join(layers)}")
    models = sorted(
        {str(entry.get("cpu")) for entry in report.entries("budgets") if isinstance(entry, dict)}
        - {"None"}
    )
    if models:
        facts.append(f"figures: cpu {', '.join(models)}")
    return facts
