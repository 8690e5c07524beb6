"""The report's contracts section: the key × call-site matrix, and the deploy groups.

Contract entries are ``{registry, key, status, message}``; per-call-site detail, when an
entry carries it (a list of dicts under ``call_sites``, ``sites`` or ``probes``), becomes
the matrix's columns, otherwise each key has one column, its verdict. Deploy groups come
from ``deploy_groups`` (lists of files), the ``baseline`` entries (reasons, files safe
alone, signature changes) and any of the newer keys (``deploy_group_reasons``,
``safe_alone``, ``new_tree_failures``) when present.
"""

from __future__ import annotations

from typing import Any

from pytest_lee.html.svg import e

MARKS = {"ok": "✓", "fail": "✗", "inconclusive": "?"}
ORDER = {"ok": 0, "inconclusive": 1, "fail": 2}
SITE_LISTS = ("call_sites", "sites", "probes")
SITE_LABELS = ("site", "call_site", "label", "where", "location", "operation")


def contracts_section(report: Any, settings: Any) -> str:
    entries = [entry for entry in report.entries("contracts") if isinstance(entry, dict)]
    if not entries:
        return ""
    keys = _worst_per_key(entries)
    sites = _site_columns(keys.values())
    statuses = [s for s in ORDER if any(row["status"] == s for row in keys.values())]
    head = "".join(f"<th class='site'>{e(site)}</th>" for site in sites)
    rows = []
    for (registry, key), row in keys.items():
        status = row["status"]
        cells = []
        for site in sites:
            detail = row["sites"].get(site)
            if detail is None and site == "verdict":
                detail = {"status": status, "message": row.get("message", "")}
            if detail is None:
                cells.append("<td class='cell none'>·</td>")
                continue
            mark = str(detail.get("status", "?"))
            cells.append(
                f"<td class='cell c-{e(mark)}' title='{e(detail.get('message') or mark)}'>{e(MARKS.get(mark, '?'))}</td>"
            )
        message = str(row.get("message") or "")
        rows.append(
            f"<tr data-filter-item='contracts' data-status='{e(status)}' data-key='{e(key)}'>"
            f"<td class='name'>{e(registry)}</td><td class='name'>{e(key)}</td>"
            f"<td><span class='badge c-{e(status)}'>{e(status)}</span></td>{''.join(cells)}"
            f"<td class='msg'>{e(message) if status != 'ok' else ''}</td></tr>"
        )
    options = "".join(f"<option value='{s}'>{s}</option>" for s in statuses)
    return (
        "<div class='filters'><label>status <select data-filter='contracts' data-attr='status'>"
        f"<option value=''>all</option>{options}</select></label>"
        "<label>key <input type='search' data-filter='contracts' data-attr='key' placeholder='e.g. CACHE'></label>"
        "<span class='count' data-filter-count='contracts'></span></div>"
        "<table class='grid' id='contract-matrix'><thead><tr><th>registry</th><th>key</th><th>status</th>"
        f"{head}<th>message</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _worst_per_key(entries: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """One row per (registry, key): its worst status and message, its call sites merged."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda item: _index(item.get("index"))):
        ident = (str(entry.get("registry", "?")), str(entry.get("key", "?")))
        status = str(entry.get("status", "inconclusive"))
        row = rows.setdefault(
            ident, {"status": status, "message": entry.get("message"), "sites": {}}
        )
        if ORDER.get(status, 1) > ORDER.get(row["status"], 1):
            row["status"], row["message"] = status, entry.get("message")
        for site in _entry_sites(entry):
            label = _site_label(site)
            known = row["sites"].get(label)
            if known is None or ORDER.get(str(site.get("status")), 1) > ORDER.get(
                str(known.get("status")), 1
            ):
                row["sites"][label] = site
    return rows


def _index(value: Any) -> float:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else float("inf")


def _entry_sites(entry: dict[str, Any]) -> list[dict[str, Any]]:
    for name in SITE_LISTS:
        value = entry.get(name)
        if isinstance(value, list):
            return [site for site in value if isinstance(site, dict)]
    return []


def _site_label(site: dict[str, Any]) -> str:
    if site.get("file") is not None:
        line = site.get("line")
        return f"{site['file']}:{line}" if line is not None else str(site["file"])
    for name in SITE_LABELS:
        if site.get(name) is not None:
            return str(site[name])
    return "site"


def _site_columns(rows: Any) -> list[str]:
    columns: list[str] = []
    for row in rows:
        for label in row["sites"]:
            if label not in columns:
                columns.append(label)
    return columns or ["verdict"]


def deploy_groups_section(report: Any, settings: Any) -> str:
    groups = [group for group in report.entries("deploy_groups") if isinstance(group, list)]
    baselines = [entry for entry in report.entries("baseline") if isinstance(entry, dict)]
    reasons = _reasons(report, baselines)
    safe = _flat(report.entries("safe_alone")) + [
        name for entry in baselines for name in entry.get("safe_alone") or []
    ]
    failures = _flat(report.entries("new_tree_failures")) + [
        name for entry in baselines for name in entry.get("unresolved") or []
    ]
    if not (groups or baselines or safe or failures):
        return ""
    parts = []
    for entry in baselines:
        changed = entry.get("changed") or []
        parts.append(
            f"<p class='caption'>Against <code>{e(entry.get('baseline', '?'))}</code>: "
            f"{len(changed)} changed files, {e(entry.get('trees', '?'))} mixed trees checked.</p>"
        )
    if groups:
        items = []
        for group in groups:
            why = next((reasons[name] for name in group if name in reasons), "")
            items.append(
                "<li class='group'>"
                + " + ".join(f"<code>{e(name)}</code>" for name in group)
                + (f"<br><small>because: {e(why)}</small>" if why else "")
                + "</li>"
            )
        parts.append("<h3>Must deploy together</h3><ul>" + "".join(items) + "</ul>")
    if safe:
        unique = list(dict.fromkeys(str(name) for name in safe))
        parts.append(
            "<h3>Safe alone</h3><p>" + ", ".join(f"<code>{e(n)}</code>" for n in unique) + "</p>"
        )
    if failures:
        unique = list(dict.fromkeys(str(name) for name in failures))
        parts.append(
            "<h3>Failing even with every changed file</h3><ul>"
            + "".join(f"<li>{e(name)}</li>" for name in unique)
            + "</ul>"
        )
    changes = [
        change
        for entry in baselines
        for change in entry.get("signatures") or []
        if isinstance(change, dict)
    ]
    if changes:
        rows = "".join(
            f"<tr><td>{e(c.get('kind', ''))}</td><td><code>{e(c.get('file', ''))}:{e(c.get('line', ''))}</code></td>"
            f"<td><code>{e(c.get('function', ''))}{e(c.get('old', ''))} → {e(c.get('new', ''))}</code></td>"
            f"<td>{e('; '.join(str(d) for d in c.get('details') or []))}</td></tr>"
            for c in changes
        )
        parts.append(
            "<h3>Signature changes</h3><table class='grid'><thead><tr><th>kind</th><th>where</th>"
            f"<th>change</th><th>details</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(parts)


def _reasons(report: Any, baselines: list[dict[str, Any]]) -> dict[str, str]:
    reasons: dict[str, str] = {}
    for entry in baselines:
        for name, why in (entry.get("reasons") or {}).items():
            reasons.setdefault(str(name), str(why))
    for entry in report.entries("deploy_group_reasons"):
        if isinstance(entry, dict):
            files = entry.get("files") or entry.get("group") or []
            why = entry.get("reason") or entry.get("message") or ""
            if isinstance(files, list) and why:
                for name in files:
                    reasons.setdefault(str(name), str(why))
            else:
                for name, text in entry.items():
                    if isinstance(text, str):
                        reasons.setdefault(str(name), text)
    return reasons


def _flat(entries: list[Any]) -> list[str]:
    flat: list[str] = []
    for entry in entries:
        if isinstance(entry, list):
            flat.extend(str(item) for item in entry)
        elif isinstance(entry, dict):
            flat.append(
                str(entry.get("file") or entry.get("name") or entry.get("message") or entry)
            )
        else:
            flat.append(str(entry))
    return flat
