"""The report's contracts section: the key × call-site matrix.

What a session really records per key (``contracts/items.py``) is ``{registry, key,
status, message, index}``; the per-call-site detail lives in the message, in the form
``contracts/results.py`` writes it: an ok key says ``16 probes bound to <leaf>``; a
failing key lists each failing probe's message (separated by a blank line), then
``Also inconclusive (N):`` with one indented message per probe; an inconclusive key
lists its probes' messages. Every probe message names where the call was written —
``(call site wrappers.py:7)``, ``(configured probe)`` or ``(lee_contract.check)`` — so
the columns are the call sites' files and each cell holds one mark per call site (its
own message in the tooltip). Ok probes are not listed one by one, only counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pytest_lee.html.svg import e

MARKS = {"ok": "✓", "fail": "✗", "inconclusive": "?"}
ORDER = {"ok": 0, "inconclusive": 1, "fail": 2}
_WHERE = re.compile(
    r"\((call site (?P<file>[^\s():]+):(?P<line>\d+)|configured probe|lee_contract\.check)\)"
)
_BOUND = re.compile(r"^(?P<count>\d+) probes? (bound to|accepted by) ")
_ALSO = "\n\nAlso inconclusive ("


@dataclass(frozen=True)
class Probe:
    """One non-ok probe read back from a key's message."""

    status: str
    message: str
    column: str  # the call site's file, "configured probe", "lee_contract.check" or "key"
    line: str  # the call site's line ('' when not a call site)


def probes_of(status: str, message: str) -> list[Probe]:
    """The non-ok probes a key's message lists, each with where its call was written."""
    if status == "ok":
        return []
    failing, _, doubtful = message.partition(_ALSO)
    found = []
    if status == "fail":
        found += [_probe("fail", text) for text in failing.split("\n\n") if text.strip()]
        if doubtful:
            found += [_probe("inconclusive", text) for text in _indented(doubtful)]
    else:
        found += [_probe("inconclusive", text) for text in message.split("\n\n") if text.strip()]
    return found


def _indented(block: str) -> list[str]:
    """The ``  message`` lines after ``Also inconclusive (N):`` (a message may wrap)."""
    texts: list[str] = []
    for line in block.split("\n")[1:]:
        if line.startswith("  ") or not texts:
            texts.append(line.strip())
        else:
            texts[-1] += "\n" + line
    return [text for text in texts if text]


def _probe(status: str, text: str) -> Probe:
    where = _WHERE.search(text)
    if where is None:
        return Probe(status, text.strip(), "key", "")
    if where.group("file"):
        return Probe(status, text.strip(), where.group("file"), where.group("line"))
    return Probe(status, text.strip(), where.group(1), "")


def ok_count(message: str) -> int | None:
    match = _BOUND.match(message)
    return int(match.group("count")) if match else None


def contracts_section(report: Any, settings: Any) -> str:
    entries = [entry for entry in report.entries("contracts") if isinstance(entry, dict)]
    if not entries:
        return ""
    keys = _worst_per_key(entries)
    probes = {ident: probes_of(row["status"], row["message"]) for ident, row in keys.items()}
    columns = list(dict.fromkeys(p.column for found in probes.values() for p in found))
    statuses = [s for s in ORDER if any(row["status"] == s for row in keys.values())]
    counts = {s: sum(1 for row in keys.values() if row["status"] == s) for s in statuses}
    bound = sum(ok_count(row["message"]) or 0 for row in keys.values())
    registries = list(dict.fromkeys(registry for registry, _ in keys))
    several = len(registries) > 1
    # Failing keys first (then inconclusive, then ok), registry order within each: a
    # 12-key registry's failures are on the first screen, not below its passing rows.
    ordered = sorted(keys.items(), key=lambda item: -ORDER[item[1]["status"]])
    rows = [_row(ident, row, probes[ident], columns, several) for ident, row in ordered]
    head = "".join(f"<th class='site'>{e(column)}</th>" for column in columns)
    options = "".join(f"<option value='{s}'>{s}</option>" for s in statuses)
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    of = "" if several else f" of <code>{e(registries[0])}</code>"
    return (
        _headline(keys, probes)
        + f"<p class='caption'>{len(keys)} keys{of}: {e(summary)}; {bound} probes of ok keys "
        "bound. Columns are the files the non-ok probes were written in; each mark is one call "
        "site (hover it for its message).</p>"
        "<div class='filters'><label>status <select data-filter='contracts' data-attr='status'>"
        f"<option value=''>all</option>{options}</select></label>"
        "<label>key <input type='search' data-filter='contracts' data-attr='key' placeholder='e.g. CACHE'></label>"
        "<span class='count' data-filter-count='contracts'></span></div>"
        "<div class='scroll'><table class='grid' id='contract-matrix'><thead><tr>"
        f"{'<th>registry</th>' if several else ''}<th>key</th><th>status</th><th>probes</th><th>messages</th>{head}</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def _headline(keys: dict[tuple[str, str], dict[str, Any]], probes: dict[Any, list[Probe]]) -> str:
    """What a maintainer reads first: the failing keys and where their calls were written."""
    failing = [ident for ident, row in keys.items() if row["status"] == "fail"]
    if not failing:
        return ""
    shown = []
    for ident in failing:
        sites = [
            f"{p.column}:{p.line}" if p.line else p.column
            for p in probes[ident]
            if p.status == "fail"
        ]
        where = f" ({', '.join(dict.fromkeys(sites))})" if sites else ""
        shown.append(f"<strong>{e(ident[1])}</strong>{e(where)}")
    count = f"{len(failing)} key{'s' if len(failing) != 1 else ''} fail"
    return f"<p class='headline'>✗ {count}: {'; '.join(shown)}</p>"


def _row(
    ident: tuple[str, str],
    row: dict[str, Any],
    found: list[Probe],
    columns: list[str],
    several: bool,
) -> str:
    registry, key = ident
    status = row["status"]
    cells = []
    for column in columns:
        here = [p for p in found if p.column == column]
        if not here:
            cells.append("<td class='cell none'>·</td>")
            continue
        worst = max((p.status for p in here), key=ORDER.__getitem__)
        marks = "".join(
            f"<span class='mark m-{e(p.status)}' title='{e(p.message)}'>"
            f"{e(MARKS.get(p.status, '?'))}{e(p.line)}</span>"
            for p in here
        )
        cells.append(f"<td class='cell c-{e(worst)}'>{marks}</td>")
    return (
        f"<tr data-filter-item='contracts' data-status='{e(status)}' data-key='{e(key)}'>"
        + (f"<td class='name'>{e(registry)}</td>" if several else "")
        + f"<td class='name'>{e(key)}</td>"
        f"<td><span class='badge c-{e(status)}'>{e(status)}</span></td>"
        f"<td class='num'>{e(_tally(row['message'], found))}</td>"
        f"<td class='msg'>{_messages(status, row['message'], found)}</td>{''.join(cells)}</tr>"
    )


def _tally(message: str, found: list[Probe]) -> str:
    bound = ok_count(message)
    parts = [f"{bound} ok"] if bound is not None else []
    for status in ("fail", "inconclusive"):
        count = sum(1 for p in found if p.status == status)
        if count:
            parts.append(f"{count} {status}")
    return ", ".join(parts)


def _messages(status: str, message: str, found: list[Probe]) -> str:
    if status == "ok":
        # one line like the others: the whole list of leaves is in the title
        return f"<span class='okmsg' title='{e(message)}'>{e(message)}</span>"
    first = next((p.message for p in found if p.status == status), message)
    more = f" (+{len(found) - 1})" if len(found) > 1 else ""
    return (
        f"<details><summary>{e(first)}{e(more)}</summary><ul class='probes'>"
        + "".join(f"<li class='p-{e(p.status)}'>{e(p.message)}</li>" for p in found)
        + "</ul></details>"
    )


def _worst_per_key(entries: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """One row per (registry, key) in registry order: its worst status and that message."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda item: _index(item.get("index"))):
        ident = (str(entry.get("registry", "?")), str(entry.get("key", "?")))
        status = str(entry.get("status", "inconclusive"))
        status = status if status in ORDER else "inconclusive"
        message = str(entry.get("message") or "")
        known = rows.get(ident)
        if known is None or ORDER[status] > ORDER[known["status"]]:
            rows[ident] = {"status": status, "message": message}
    return rows


def _index(value: Any) -> float:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else float("inf")
