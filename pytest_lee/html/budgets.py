"""The report's budgets section: verdicts, each metric's runs, the cold start as pictures.

Works from the ``budgets`` and ``budget_measurement`` entries only (plus the saved
baselines for the trend), with ``.get`` everywhere: a key another feature adds or drops
changes what is shown, never whether the page is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_lee.budgets.imports import describe_chain, describe_saving
from pytest_lee.budgets.render import cpu_label
from pytest_lee.budgets.stats import format_value
from pytest_lee.html import svg
from pytest_lee.html.svg import COLORS, e

VERDICT_ORDER = ("target", "acceptable", "over", "critical")
PHASE_COLOR = "#7e57c2"


def budgets_section(report: Any, settings: Any) -> str:
    """The whole section, or '' when the session measured nothing."""
    entries = [entry for entry in report.entries("budgets") if isinstance(entry, dict)]
    details = [entry for entry in report.entries("budget_measurement") if isinstance(entry, dict)]
    if not entries and not details:
        return ""
    detail = details[0] if details else {}
    parts = [verdict_table(entries)]
    parts.append(cold_start_waterfall(detail))
    parts.append(import_icicle(detail))
    parts.append(advisor(detail))
    parts.append(trend_charts(entries, settings))
    notes = [note for note in detail.get("notes") or [] if note]
    if notes:
        parts.append(
            "<ul class='notes'>" + "".join(f"<li>{e(note)}</li>" for note in notes) + "</ul>"
        )
    return "".join(part for part in parts if part)


def verdict_table(entries: list[dict[str, Any]]) -> str:
    if not entries:
        return ""
    unthrottled = sorted(
        {str(x.get("cpu")) for x in entries if str(x.get("cpu") or "").startswith("unthrottled")}
    )
    present = [v for v in VERDICT_ORDER if any(entry.get("verdict") == v for entry in entries)]
    options = "".join(f"<option value='{v}'>{v}</option>" for v in present)
    rows = []
    for entry in entries:
        verdict = str(entry.get("verdict", "?"))
        levels = {name: entry.get(name) for name in ("target", "acceptable", "critical")}
        shown_levels = " / ".join(
            format_value(v) if isinstance(v, (int, float)) else "-" for v in levels.values()
        )
        baseline = entry.get("baseline") or {}
        change = ""
        if isinstance(baseline, dict) and isinstance(baseline.get("median"), (int, float)):
            change = f"{format_value(baseline['median'])} → {format_value(entry.get('median'))}"
        flags = " <span class='flag'>unreliable</span>" if entry.get("unreliable") else ""
        if entry.get("passed") is False and verdict not in ("over", "critical"):
            # the item failed on --lee-compare-fail: one verdict everywhere
            why = "not compared" if (baseline or {}).get("error") else "regressed"
            flags += (
                f" <span class='badge v-over' title='{e(entry.get('regression', ''))}'>{why}</span>"
            )
        cpu = str(entry.get("cpu") or "host")
        label = str(entry.get("cpu_label") or cpu_label(cpu))
        rows.append(
            f"<tr data-filter-item='budgets' data-verdict='{e(verdict)}' data-key='{e(entry.get('name', ''))}'>"
            f"<td class='name'>{e(entry.get('name', '?'))}</td>"
            f"<td class='num'>{e(format_value(_num(entry.get('median'))))}</td>"
            f"<td class='num'>{e(format_value(_num(entry.get('p95'))))}</td>"
            f"<td>{e(shown_levels)}</td>"
            f"<td class='cpu' title='{e(cpu)}'>{e(label)}</td>"
            f"<td><span class='badge v-{e(verdict)}'>{e(verdict)}</span>{flags}</td>"
            f"<td>{svg.distribution(entry.get('samples') or [], levels, _num(entry.get('median')))}</td>"
            f"<td class='num'>{e(change)}</td></tr>"
        )
    return (
        "<h3>Verdicts</h3>"
        "<div class='filters'><label>verdict <select data-filter='budgets' data-attr='verdict'>"
        f"<option value=''>all</option>{options}</select></label>"
        "<span class='count' data-filter-count='budgets'></span></div>"
        "<table class='grid' id='budget-table'><thead><tr><th>metric</th><th>median</th><th>p95</th>"
        "<th>levels (target / acceptable / critical)</th><th>cpu</th><th>verdict</th><th>runs (dots), median (bar), levels (dashes)</th>"
        "<th>baseline → now</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        + "".join(f"<p class='warn'>cpu: lambda asked for, {e(model)}</p>" for model in unthrottled)
    )


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def cold_start_waterfall(detail: dict[str, Any]) -> str:
    """Import, then the app's phases in the order reported, then the first invocation."""
    imported = _num(detail.get("import_ms"))
    first = _num(detail.get("first_invoke_ms"))
    cold = _num(detail.get("cold_start_ms")) or ((imported or 0) + (first or 0))
    if not cold:
        return ""
    rows: list[tuple[str, float, float, str]] = [("cold start", 0.0, cold, "#455a64")]
    if imported is not None:
        rows.append(("import", 0.0, imported, COLORS["neutral"]))
    offset = 0.0
    for name, value in (detail.get("phases") or {}).items():
        value = _num(value)
        if value is None:
            continue
        if "total" in name:
            rows.append((f"{name} (app)", 0.0, value, PHASE_COLOR))
            continue
        rows.append((f"{name} (app)", offset, value, PHASE_COLOR))
        offset += value
    if first is not None:
        rows.append(("first invocation", imported or 0.0, first, "#26a69a"))
    runs = detail.get("runs")
    caption = f"median of {e(runs)} runs" if runs else "medians"
    return (
        f"<h3>Cold start</h3>{ran_under(detail)}<p class='caption'>{caption} of "
        f"<code>{e(detail.get('handler', ''))}</code>; the app's phases are placed end to end in "
        "the order it reported them (a phase named <em>total</em> from zero).</p>"
        + svg.waterfall(rows, cold)
        + warm_phases(detail)
    )


def ran_under(detail: dict[str, Any]) -> str:
    """The CPU model, memory limit and interpreter the children ran under (coldstart's keys)."""
    facts = []
    if detail.get("cpu"):
        facts.append(f"<span class='fact'>CPU <strong>{e(detail['cpu'])}</strong></span>")
    kind = str(detail.get("cpu_kind") or "host")
    if kind == "lambda":
        facts.append(
            "<span class='fact'>Lambda time <strong>modelled</strong> from CPU time</span>"
        )
    elif str(detail.get("cpu") or "").startswith("lambda (modelled"):
        facts.append(
            "<span class='fact'><strong>wall times</strong> (no schedstat here: not modelled)</span>"
        )
    if detail.get("runtime_init_ms") is not None and kind != "host":
        facts.append(
            "<span class='fact'>runtime bootstrap "
            f"<strong>{e(format_value(_num(detail['runtime_init_ms'])))} ms</strong></span>"
        )
    calibration = detail.get("calibration") or {}
    if calibration.get("cold_starts"):
        facts.append(
            f"<span class='fact'>calibrated to <strong>{e(calibration['cold_starts'])} real cold "
            f"starts</strong> ({e(calibration.get('date', '?'))})</span>"
        )
    if detail.get("memory_limit"):
        facts.append(
            f"<span class='fact'>memory limit <strong>{e(detail['memory_limit'])}</strong></span>"
        )
    if detail.get("python"):
        facts.append(f"<span class='fact'><strong>{e(detail['python'])}</strong></span>")
    if detail.get("function_from"):  # a SAM template: which values came from it
        facts.append(f"<span class='fact'>function from {e(detail['function_from'])}</span>")
    return f"<p class='ran-under'>ran under: {' · '.join(facts)}</p>" if facts else ""


def warm_phases(detail: dict[str, Any]) -> str:
    warm = detail.get("warm_phases")
    if not isinstance(warm, dict) or not warm:
        return ""
    shown = ", ".join(f"{e(name)} {e(format_value(_num(value)))}" for name, value in warm.items())
    return f"<p class='caption'>warm requests, same phases (median ms): {shown}</p>"


def import_icicle(detail: dict[str, Any]) -> str:
    tree = [root for root in detail.get("import_tree") or [] if isinstance(root, dict)]
    if not tree:
        return ""
    chains = [chain for chain in detail.get("import_chains") or [] if isinstance(chain, dict)]
    marked = {str(chain.get("module")) for chain in chains[:3]}
    return (
        "<h3>Import tree</h3><p class='caption'>Cumulative import time of each module (width) "
        "under the module that imported it first (row below), from the <code>-X importtime</code> run; "
        "the heaviest chains are outlined in red. Hover for figures.</p>"
        f"<div class='scroll'>{svg.icicle(tree, marked)}</div>"
    )


def advisor(detail: dict[str, Any]) -> str:
    chains = [chain for chain in detail.get("import_chains") or [] if isinstance(chain, dict)]
    if not chains:
        return ""
    items = []
    for chain in chains:
        path = chain.get("path") or []
        label = "estimate" if chain.get("estimate", True) else "measured"
        items.append(
            f"<li class='chain'><strong>{e(describe_chain(chain))}</strong>"
            f" <span class='badge {e(label)}'>{e(label)}</span>"
            + (f"<br><small>imported by {e(' → '.join(path))}</small>" if len(path) > 1 else "")
            + f"<br><small>{e(describe_saving(chain))}</small></li>"
        )
    return "<h3>Cold-start advisor</h3><ol class='advisor'>" + "".join(items) + "</ol>"


def trend_charts(entries: list[dict[str, Any]], settings: Any) -> str:
    """Each metric's median over ``.lee/baselines/*.json`` (oldest first), then this run."""
    baselines = load_baselines(settings)
    if not baselines or not entries:
        return ""
    saved_now = getattr(getattr(settings, "options", None), "save", None)
    machines = {b["recorded"].get("machine") for b in baselines if b["recorded"].get("machine")}
    charts = []
    for entry in entries:
        name = entry.get("name")
        current = _num(entry.get("median"))
        if current is None:
            continue
        points = []
        for baseline in baselines:
            if baseline["name"] == saved_now:
                continue  # saved by this very run: it is the last point already
            saved = baseline["metrics"].get(name) or {}
            figure = saved.get("median")
            # Like with like: a host wall time is not a point on a modelled Lambda trend.
            same_kind = str(saved.get("cpu", "host")) == str(entry.get("cpu", "host"))
            if isinstance(figure, (int, float)) and same_kind:
                points.append(
                    (baseline["name"], float(figure), _describe_recorded(baseline["recorded"]))
                )
        if not points:
            continue
        points.append(("this run", current, ""))
        levels = {level: entry.get(level) for level in ("target", "acceptable", "critical")}
        charts.append(
            f"<figure><figcaption>{e(name)}</figcaption>{svg.trend(points, levels)}</figure>"
        )
    if not charts:
        return ""
    warning = (
        f"<p class='warn'>These baselines come from {len(machines)} machines: compare medians with care.</p>"
        if len(machines) > 1
        else ""
    )
    return (
        "<h3>Trend across saved baselines</h3>"
        + warning
        + "<div class='trends'>"
        + "".join(charts)
        + "</div>"
    )


def load_baselines(settings: Any) -> list[dict[str, Any]]:
    """Readable ``.lee/baselines/*.json`` files, oldest first (recorded date, else mtime)."""
    rootdir = getattr(settings, "rootdir", None)
    if rootdir is None:
        return []
    found = []
    for path in sorted(Path(rootdir, ".lee", "baselines").glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            stamp = path.stat().st_mtime
        except (OSError, ValueError):
            continue
        if not isinstance(document, dict) or not isinstance(document.get("metrics"), dict):
            continue
        recorded = document.get("recorded")
        recorded = recorded if isinstance(recorded, dict) else {}
        # Baselines saved before they recorded a date are older than those that do.
        date = str(recorded.get("date") or "")
        order = (1, date) if date else (0, f"{stamp:020.3f}")
        found.append(
            {
                "name": path.stem,
                "metrics": document["metrics"],
                "recorded": recorded,
                "order": order,
            }
        )
    return sorted(found, key=lambda baseline: baseline["order"])


def _describe_recorded(recorded: dict[str, Any]) -> str:
    parts = [
        f"{key}: {recorded[key]}"
        for key in ("date", "machine", "python", "commit")
        if recorded.get(key)
    ]
    return "\n".join(parts) or "no record of where or when (saved before baselines recorded it)"
