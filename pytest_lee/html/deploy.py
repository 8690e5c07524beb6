"""The report's deploy-groups section, from the ``baseline`` entries ``--lee-baseline`` adds.

Each entry (``deploy_groups/baseline.py`` ``Outcome.as_entry``, filled by
``deploy_groups/report.py``) has ``groups`` with ``group_reasons`` (per group:
``files``, ``exact``, and ``ties`` — the anchor's failure alone, each partner's
failure when left out: ``file``, ``when``, ``registry``, ``key``, ``call``,
``origin``, ``cause``), ``alternatives``, ``fail_alone``, ``safe_alone`` with
``safe_alone_checks`` (how each was checked), ``new_version_failures`` (broken
whatever ships, with ``also_at_baseline``), ``preexisting``, ``not_judged`` and the
classified ``signatures``. ``deploy_groups`` repeats the groups; without a ``baseline``
entry (a report merged from elsewhere) they are drawn alone.
"""

from __future__ import annotations

from typing import Any

from pytest_lee.html.svg import e

KIND_CLASS = {"breaking": "c-fail", "deprecating": "v-acceptable", "compatible": "c-ok"}


def deploy_groups_section(report: Any, settings: Any) -> str:
    baselines = [entry for entry in report.entries("baseline") if isinstance(entry, dict)]
    if baselines:
        return "".join(_one(entry) for entry in baselines)
    groups = [g for g in report.entries("deploy_groups") if isinstance(g, list) and g]
    if not groups:
        return ""
    return (
        "<h3>Must deploy together</h3><ul>"
        + "".join(f"<li class='group'>{_files(group)}</li>" for group in groups)
        + "</ul>"
    )


def _one(entry: dict[str, Any]) -> str:
    changed = _strings(entry.get("changed"))
    groups = [g for g in entry.get("groups") or [] if isinstance(g, list)]
    safe = _strings(entry.get("safe_alone"))
    parts = [
        f"<p class='caption'>Against <code>{e(entry.get('baseline', '?'))}</code>: "
        f"{len(changed)} changed file{'s' if len(changed) != 1 else ''}, "
        f"{e(entry.get('trees', '?'))} mixed trees checked in {_seconds(entry.get('seconds'))}; "
        f"{len(groups)} group{'s' if len(groups) != 1 else ''}, "
        f"{len(_strings(entry.get('fail_alone')))} fail alone, {len(safe)} safe alone.</p>"
    ]
    for what in _strings(entry.get("not_judged")):
        parts.append(f"<p class='warn not-judged'>not judged: {e(what)}</p>")
    if groups:
        parts.append("<h3>Must deploy together</h3>" + _groups(entry, groups))
    if safe:
        checks = _mapping(entry.get("safe_alone_checks"))
        parts.append(
            "<h3>Safe alone</h3><p class='caption'>each checked: the baseline with that file "
            "swapped in breaks nothing new (hover a file for how).</p><p class='safe'>"
            + ", ".join(
                f"<code title='{e(checks.get(name, ''))}'>{e(name)}</code>" for name in safe
            )
            + "</p>"
        )
    broken = [f for f in entry.get("new_version_failures") or [] if isinstance(f, dict)]
    if broken:
        parts.append(
            f"<h3>Broken in the new version whatever ships ({len(broken)})</h3>"
            "<p class='caption'>failing in the complete new tree: never blamed on one file.</p>"
            "<ul class='broken'>"
            + "".join(
                f"<li><code>{e(f.get('key', '?'))}</code> {e(describe(f))}"
                + (" <small>(also at the baseline)</small>" if f.get("also_at_baseline") else "")
                + "</li>"
                for f in broken
            )
            + "</ul>"
        )
    old = _strings(entry.get("preexisting"))
    if old:
        parts.append(
            "<h4>Already failing at the baseline (not judged)</h4><ul>"
            + "".join(f"<li><code>{e(call)}</code></li>" for call in old)
            + "</ul>"
        )
    parts.append(_signatures(entry.get("signatures")))
    return "<div class='baseline'>" + "".join(parts) + "</div>"


def _groups(entry: dict[str, Any], groups: list[list[Any]]) -> str:
    reasons = _mapping(entry.get("reasons"))
    explained = {
        tuple(_strings(g.get("files"))): g
        for g in entry.get("group_reasons") or []
        if isinstance(g, dict)
    }
    alternatives = _mapping(entry.get("alternatives"))
    items = []
    for group in groups:
        names = [str(name) for name in group]
        detail = explained.get(tuple(names), {})
        ties = [tie for tie in detail.get("ties") or [] if isinstance(tie, dict)]
        lines = []
        if not ties and reasons.get(names[0]):
            lines.append(f"<li>{e(names[0])} alone: {e(reasons[names[0]])}</li>")
        for tie in ties:
            when = "alone" if tie.get("when") == "alone" else "left out"
            lead = (
                f"<code>{e(tie.get('file', '?'))}</code> alone breaks"
                if when == "alone"
                else f"without <code>{e(tie.get('file', '?'))}</code>"
            )
            lines.append(f"<li class='tie'>{lead}: {e(describe(tie))}</li>")
        options = [
            " + ".join(str(n) for n in option)
            for name in names
            for option in alternatives.get(name) or []
            if isinstance(option, list)
        ]
        if options:
            lines.append(f"<li>alternative partners: {e(' | '.join(options))}</li>")
        exact = (
            ""
            if detail.get("exact", True)
            else " <small>(minimality checked one member at a time)</small>"
        )
        items.append(
            f"<li class='group' data-files='{e(' '.join(names))}'>{_files(names)}{exact}"
            + (f"<ul class='ties'>{''.join(lines)}</ul>" if lines else "")
            + "</li>"
        )
    return "<ul class='groups'>" + "".join(items) + "</ul>"


def describe(tie: dict[str, Any]) -> str:
    """One line as the terminal summary says it (``deploy_report.describe_tie``), defensively."""
    where = f" at {tie['origin']}" if tie.get("origin") else ""
    call = tie.get("call")
    head = "" if call in (None, "*", "") else f"{call}{where}: "
    return f"{head}{tie.get('cause') or ''}"


def _signatures(raw: Any) -> str:
    changes = [c for c in raw or [] if isinstance(c, dict)]
    if not changes:
        return ""
    rows = "".join(
        f"<tr><td><span class='badge {KIND_CLASS.get(str(c.get('kind')), '')}'>{e(c.get('kind', ''))}</span></td>"
        f"<td><code>{e(c.get('file', ''))}:{e(c.get('line', ''))}</code></td>"
        f"<td><code>{e(c.get('function', ''))}{e(c.get('old', ''))} → {e(c.get('new', ''))}</code></td>"
        f"<td>{e('; '.join(str(d) for d in c.get('details') or []))}</td></tr>"
        for c in changes
    )
    return (
        "<h3>Signature changes</h3><table class='grid'><thead><tr><th>kind</th><th>where</th>"
        f"<th>change</th><th>details</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _files(names: list[Any]) -> str:
    return " + ".join(f"<code>{e(name)}</code>" for name in names)


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, (list, tuple)) else []


def _seconds(value: Any) -> str:
    return f"{value:.2f} s" if isinstance(value, (int, float)) else "? s"
