"""The report's rehearsals and package sections.

A rehearsal entry (``rehearsal.deploy``) has ``steps`` (section, name, ms, ok, detail),
its outcome, and where the ``production`` alias pointed before (``previous_version``),
during the canary (``canary.weight``) and after (``alias_version`` + ``alias_weights``):
each deployment becomes a timeline of its steps, and all of them together the alias's
history. Layers or other keys a rehearsal may gain are ignored until drawn here.
"""

from __future__ import annotations

from typing import Any

from pytest_lee.budgets.stats import format_value
from pytest_lee.html import svg
from pytest_lee.html.svg import e, num
from pytest_lee.rehearsal.render import outcome_name

STDERR_LINES = 5
OUTCOMES = ("promoted", "rolled back", "refused", "unchanged", "failed")
LARGEST_FILES = 25


def outcome_of(entry: dict[str, Any]) -> str:
    return str(entry["outcome"]) if entry.get("outcome") else outcome_name(entry)


def rehearsals_section(report: Any, settings: Any) -> str:
    entries = [entry for entry in report.entries("rehearsals") if isinstance(entry, dict)]
    if not entries:
        return ""
    present = [o for o in OUTCOMES if any(outcome_of(entry) == o for entry in entries)]
    present += sorted({outcome_of(entry) for entry in entries} - set(present))
    options = "".join(f"<option value='{e(o)}'>{e(o)}</option>" for o in present)
    blocks = [_deployment(entry) for entry in entries]
    track = svg.alias_track(alias_history(entries))
    return (
        "<div class='filters'><label>outcome <select data-filter='rehearsals' data-attr='outcome'>"
        f"<option value=''>all</option>{options}</select></label>"
        "<span class='count' data-filter-count='rehearsals'></span></div>"
        + "".join(blocks)
        + (
            "<h3>Where production pointed</h3><div class='scroll'>" + track + "</div>"
            if track
            else ""
        )
    )


def _deployment(entry: dict[str, Any]) -> str:
    outcome = outcome_of(entry)
    version = entry.get("version")
    what = "rollback" if entry.get("kind") == "rollback" else "deploy"
    title = f"{entry.get('function', '?')} {what}" + (f" v{version}" if version is not None else "")
    facts = [f"{num(entry.get('seconds')):.2f} s"]
    if entry.get("alias_version") is not None:
        facts.append(f"production on v{entry['alias_version']}")
    if entry.get("test"):
        facts.append(str(entry["test"]))
    reason = f"<p class='why'>why: {e(entry['reason'])}</p>" if entry.get("reason") else ""
    steps = [step for step in entry.get("steps") or [] if isinstance(step, dict)]
    return (
        f"<div class='deployment' data-filter-item='rehearsals' data-outcome='{e(outcome)}'>"
        f"<h3>{e(title)} <span class='badge o-{e(outcome.replace(' ', '-'))}'>{e(outcome)}</span></h3>"
        f"<p class='caption'>{e(' · '.join(facts))}</p>{reason}"
        f"{health_line(entry.get('health'))}{canary_line(entry.get('canary'))}"
        f"<div class='scroll'>{svg.timeline(steps)}</div></div>"
    )


def health_line(health: Any) -> str:
    """The health check of the published bytes: its outcome, the status code it returned,
    its cold figures, and when it failed the error and the child's last stderr lines."""
    if not isinstance(health, dict) or not health.get("outcome"):
        return ""
    outcome = str(health["outcome"])
    facts = [f"health check <strong class='h-{e(outcome)}'>{e(outcome)}</strong>"]
    response = health.get("response")
    if isinstance(response, dict) and "statusCode" in response:
        facts.append(f"statusCode <strong>{e(response['statusCode'])}</strong>")
    for key, label in (("import_ms", "import"), ("first_invoke_ms", "first invocation")):
        if isinstance(health.get(key), (int, float)):
            facts.append(f"{label} {e(format_value(float(health[key])))} ms")
    if health.get("error"):
        facts.append(f"<span class='why'>{e(health['error'])}</span>")
    tail = [line for line in str(health.get("stderr_tail") or "").splitlines() if line.strip()]
    stderr = (
        f"<details><summary>stderr (last {len(tail[-STDERR_LINES:])} lines)</summary>"
        f"<pre>{e(chr(10).join(tail[-STDERR_LINES:]))}</pre></details>"
        if outcome == "failed" and tail
        else ""
    )
    return f"<p class='health'>{' · '.join(facts)}</p>{stderr}"


def canary_line(canary: Any) -> str:
    if not isinstance(canary, dict):
        return ""
    parts = []
    for side in ("new", "old"):
        half = canary.get(side)
        if not isinstance(half, dict):
            continue
        errors = [str(error) for error in half.get("errors") or [] if error]
        facts = [
            f"v{e(half.get('version', '?'))} ({side}) routed {e(half.get('routed', 0))}",
            f"replayed {e(half.get('replayed', 0))}",
            f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
            + (f": {e(errors[0])}" if errors else ""),
        ]
        if half.get("error_responses"):
            facts.append(f"{e(half['error_responses'])} error responses")
        if half.get("no_status"):
            facts.append(f"{e(half['no_status'])} without a status")
        if isinstance(half.get("p95_ms"), (int, float)):
            facts.append(f"p95 {half['p95_ms']:.0f} ms")
        parts.append(", ".join(facts))
    problems = [str(problem) for problem in canary.get("problems") or []]
    if problems:
        parts.append(f"<strong>failed</strong>: {e(problems[0])}")
    if not parts:
        return ""
    weight = canary.get("weight")
    shown = f"{weight:g}" if isinstance(weight, (int, float)) else "?"
    return f"<p class='caption'>canary {e(shown)}: {'; '.join(parts)}</p>"


def alias_history(entries: list[dict[str, Any]]) -> list[tuple[str, dict[str, float]]]:
    """(moment, {version: weight}) in order: before each deployment, during its canary, after."""
    events: list[tuple[str, dict[str, float]]] = []
    for entry in entries:
        version = None if entry.get("version") is None else str(entry["version"])
        before = entry.get("previous_version")
        label = f"v{version}" if version is not None else str(entry.get("kind", "?"))
        if before is not None and (not events or events[-1][1] != {str(before): 1.0}):
            events.append((f"before {label}", {str(before): 1.0}))
        canary = entry.get("canary")
        if isinstance(canary, dict) and version is not None and before is not None:
            weight = canary.get("weight")
            if isinstance(weight, (int, float)) and 0 < weight < 1:
                events.append(
                    (f"canary {label}", {str(before): 1 - weight, version: float(weight)})
                )
        after = entry.get("alias_version")
        if after is not None:
            weights = {str(after): 1.0}
            for other, share in (entry.get("alias_weights") or {}).items():
                if isinstance(share, (int, float)):
                    weights[str(other)] = float(share)
                    weights[str(after)] = max(0.0, weights[str(after)] - float(share))
            events.append((f"after {label}", weights))
    return events


def package_section(report: Any, settings: Any) -> str:
    entries = [entry for entry in report.entries("package") if isinstance(entry, dict)]
    if not entries:
        return ""
    parts = []
    for entry in entries:
        status = str(entry.get("status", "ok"))
        facts = []
        if entry.get("files") is not None:
            facts.append(f"{entry['files']} files")
        if entry.get("zipped_bytes") is not None:
            facts.append(f"{size(entry['zipped_bytes'])} zipped")
        if entry.get("unzipped_bytes") is not None:
            facts.append(f"{size(entry['unzipped_bytes'])} unzipped")
        if entry.get("code_sha256"):
            facts.append(f"CodeSha256 {entry['code_sha256']}")
        notes = [f"problem: {p}" for p in entry.get("problems") or []] + [
            f"warning: {w}" for w in entry.get("warnings") or []
        ]
        sizes = _file_sizes(entry)
        parts.append(
            f"<div class='package'><h3><code>{e(entry.get('source', '?'))}</code> "
            f"<span class='badge c-{e(status)}'>{e(status)}</span></h3>"
            f"<p class='caption'>{e(' · '.join(facts))}</p>"
            + (
                "<ul class='notes'>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>"
                if notes
                else ""
            )
            + _sizes_block(sizes)
            + "</div>"
        )
    return "".join(parts)


def _file_sizes(entry: dict[str, Any]) -> list[tuple[str, float]]:
    rows = []
    for item in entry.get("file_sizes") or []:
        if isinstance(item, (list, tuple)) and len(item) >= 2 and isinstance(item[1], (int, float)):
            rows.append((str(item[0]), float(item[1])))
        elif isinstance(item, dict) and isinstance(item.get("size"), (int, float)):
            rows.append((str(item.get("path", "?")), float(item["size"])))
    return sorted(rows, key=lambda row: row[1], reverse=True)


def _sizes_block(rows: list[tuple[str, float]]) -> str:
    if not rows:
        return ""
    folders: dict[str, float] = {}
    for name, bytes_ in rows:
        folder = name.split("/", 1)[0] + "/" if "/" in name else "(top level)"
        folders[folder] = folders.get(folder, 0.0) + bytes_
    by_folder = sorted(folders.items(), key=lambda row: row[1], reverse=True)
    return (
        "<h4>Largest files (uncompressed)</h4>"
        + svg.size_bars(rows[:LARGEST_FILES], size)
        + (
            "<h4>By top-level folder</h4>" + svg.size_bars(by_folder[:LARGEST_FILES], size)
            if len(by_folder) > 1
            else ""
        )
    )


def size(value: Any) -> str:
    number = float(value) if isinstance(value, (int, float)) else 0.0
    if number < 1024:
        return f"{number:.0f} B"
    if number < 1024 * 1024:
        return f"{number / 1024:.1f} KiB"
    return f"{format_value(number / (1024 * 1024))} MiB"
