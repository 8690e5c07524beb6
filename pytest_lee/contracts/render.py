"""Terminal summary lines: the contract matrix.

The matrix is one line per registry, a mark per key (✓ ok, ✗ fail, ? inconclusive;
a key checked several times shows its worst result), then one short line per key
that is not ok, with how many probes failed and stayed inconclusive.
"""

from __future__ import annotations

from typing import Any

_MARKS = {"ok": "✓", "fail": "✗", "inconclusive": "?"}
_ORDER = {"ok": 0, "inconclusive": 1, "fail": 2}
_WIDTH = 160


def render_contract_summary(report: Any, settings: Any) -> list[str]:
    worst: dict[str, dict[str, dict[str, str]]] = {}
    for entry in report.entries("contracts"):
        keys = worst.setdefault(entry["registry"], {})
        known = keys.get(entry["key"])
        if known is None or _ORDER.get(entry["status"], 0) > _ORDER.get(known["status"], 0):
            index = entry.get("index", known.get("index") if known else None)
            keys[entry["key"]] = {**entry, "index": index}
        elif known.get("index") is None and entry.get("index") is not None:
            known["index"] = entry["index"]
    lines: list[str] = []
    traced = [
        e
        for e in report.entries("contracts")
        if any(s.get("live") is not None for s in e.get("sites", ()))
    ]
    for registry, keys in worst.items():
        # Registry order when known (items record each key's index; xdist shuffles arrival).
        first_seen = {key: position for position, key in enumerate(keys)}
        keys = dict(sorted(keys.items(), key=lambda item: (_index(item[1]), first_seen[item[0]])))
        marks = "  ".join(f"{_MARKS.get(e['status'], '?')} {key}" for key, e in keys.items())
        lines.append(f"{registry}  {marks}")
        failing = [(key, entry) for key, entry in keys.items() if entry["status"] != "ok"]
        failing.sort(key=lambda item: not _live_failures(item[1]))  # live failures first
        for key, entry in failing:
            first = entry["message"].split("\n")[0]
            counts = _counts(entry)
            live = f" [{_live_failures(entry)} live]" if _live_failures(entry) else ""
            lines.append(
                f"  {_MARKS.get(entry['status'], '?')} {key}{counts}{live}: {_short(first)}"
            )
        if _spies_at_handlers(settings, registry) and not _no_dispatch(keys.values()):
            lines.append(LEAVES_HINT)
    if traced:
        lines.append(_trace_line(report.entries("contracts")))
    failed = next((e["trace"] for e in report.entries("contracts") if e.get("trace")), None)
    if failed:
        lines.append(f"  traced (--lee-trace): nothing marked live: {failed}")
    return lines


def _live_failures(entry: dict[str, Any]) -> int:
    return sum(1 for s in entry.get("sites", ()) if s.get("live") and s.get("status") == "fail")


def _no_dispatch(entries: Any) -> bool:
    """Every probe bound a registry value directly (a computed key, a resolver's routes)."""
    sites = [s for e in entries for s in e.get("sites", ())]
    return bool(sites) and all(s.get("layer") == "registry" for s in sites)


def _trace_line(entries: Any) -> str:
    failing: dict[str, dict[str, Any]] = {}
    for entry in entries:
        for site in entry.get("sites", ()):
            if site.get("status") == "fail":
                failing[site["origin"]] = site
    live = sum(1 for s in failing.values() if s.get("live"))
    never = sum(1 for s in failing.values() if s.get("imported") is False)
    return (
        f"  traced (--lee-trace): {live} of {len(failing)} failing call sites ran in the cold "
        f"start and the events; {never} are in modules the handler never imports"
    )


# With the default leaves a router taking (operation, **kwargs) binds every call, and its
# dispatch never runs: unknown operations and misnamed parameters go unseen.
LEAVES_HINT = (
    "  note: no leaves set, so spies sit at the registry's handlers and what they dispatch "
    'is not run; set leaves = ["*_core"] (the modules the handlers call) to check that too'
)


def _spies_at_handlers(settings: Any, registry: str) -> bool:
    contracts = getattr(settings, "contracts", ())
    return any(c.registry == registry and not c.leaves and c.dispatcher for c in contracts)


def _counts(entry: dict[str, Any]) -> str:
    """`` (3 failures, 1 inconclusive)``: a failing key's inconclusive probes stay in sight."""
    message = entry["message"]
    failing, _, doubtful = message.partition("\n\nAlso inconclusive (")
    failures = failing.count("\n\n") + 1 if entry["status"] == "fail" else 0
    if failures <= 1 and not doubtful:
        return ""
    parts = [f"{failures} failure{'s' if failures != 1 else ''}"] if failures else []
    if doubtful:
        parts.append(f"{doubtful.partition(')')[0]} inconclusive")
    return f" ({', '.join(parts)})"


def _index(entry: dict[str, Any]) -> float:
    index = entry.get("index")
    return float(index) if isinstance(index, int) else float("inf")


def _short(text: str) -> str:
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"
