"""The import tree of a cold start, and the chains that cost the most (the cold-start advisor).

``-X importtime`` prints one line per module *after* its import finished, indented by
nesting depth: a post-order walk of the import tree. Sorting those lines by each
module's own time (what ``slowest_imports`` does) puts ``urllib3.util.url`` (9.7 ms)
first on the real engine and hides what a maintainer needs: ``urllib3`` costs about
90 ms cumulative, pulled in by ``lambda_preload``. So this module rebuilds the tree
(:func:`build_tree`), then finds the *chains*: the first module of another package
that an app module imports (:func:`heaviest_chains`), merged per package, ranked by
cumulative time, each with who imports it and what deferring it to first use would
save. That saving is an **estimate** (labelled so everywhere): the chain's own
package's time for sure, plus the modules it happened to load first, which another
import may still need; and the first request that uses it pays it instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pytest_lee.budgets.stats import format_value

TOP_CHAINS = 5
MIN_CHAIN_SHARE = 0.01  # a chain under 1 % of the import is not worth a maintainer's time
ADVISOR_LINES = 3
# Tree nodes cheaper than this share of their phase are folded into one "… N more" node,
# so the report stays small for apps importing thousands of modules.
MIN_SHARE = 0.002

Node = dict[str, Any]


def parse_importtime(text: str, phase: str = "import") -> list[tuple[str, float, float, int, str]]:
    """Raw ``-X importtime`` stderr → (module, self ms, cumulative ms, depth, phase) rows."""
    from pytest_lee.lambda_runtime.runner import parse_importtime_line

    rows = []
    for line in text.splitlines():
        if line.startswith("import time:"):
            parsed = parse_importtime_line(line)
            if parsed is not None:
                module, self_us, cumulative_us, depth = parsed
                rows.append((module, self_us / 1000, cumulative_us / 1000, depth, phase))
    return rows


def timing_rows(imports: Iterable[Any]) -> list[tuple[str, float, float, int, str]]:
    """``ImportTiming`` objects (or rows already) → plain rows that JSON round-trips."""
    rows = []
    for timing in imports:
        if isinstance(timing, (list, tuple)):
            module, self_ms, cumulative_ms, depth, phase = timing
        else:
            module, self_ms, cumulative_ms, depth, phase = (
                timing.module,
                timing.self_ms,
                timing.cumulative_ms,
                timing.depth,
                timing.phase,
            )
        rows.append(
            (
                str(module),
                round(float(self_ms), 3),
                round(float(cumulative_ms), 3),
                int(depth),
                str(phase),
            )
        )
    return rows


def build_tree(rows: Sequence[Sequence[Any]]) -> list[Node]:
    """One root per phase (``import``, then ``invoke 0``, ...), each holding that phase's
    top-level imports as children; every node ``{module, self_ms, cumulative_ms, children}``."""
    phases: dict[str, list[Node]] = {}
    for module, self_ms, cumulative_ms, depth, phase in rows:
        pending = phases.setdefault(str(phase), [])
        node: Node = {
            "module": module,
            "self_ms": float(self_ms),
            "cumulative_ms": float(cumulative_ms),
            "depth": int(depth),
            "children": [],
        }
        # Post-order: the deeper nodes pending since the last node at this depth are its children.
        while pending and pending[-1]["depth"] > node["depth"]:
            node["children"].insert(0, pending.pop())
        pending.append(node)
    roots = []
    for phase, top in phases.items():
        _drop_depth(top)
        roots.append(
            {
                "module": "import" if phase == "import" else _phase_label(phase),
                "phase": phase,
                "self_ms": 0.0,
                "cumulative_ms": round(sum(node["cumulative_ms"] for node in top), 3),
                "children": top,
            }
        )
    return roots


def _drop_depth(nodes: list[Node]) -> None:
    for node in nodes:
        node.pop("depth", None)
        _drop_depth(node["children"])


def _phase_label(phase: str) -> str:
    if phase.startswith("invoke "):
        index = phase.split()[1]
        return "first invocation" if index == "0" else f"invocation {int(index) + 1}"
    return phase


def prune(roots: list[Node], min_share: float = MIN_SHARE) -> list[Node]:
    """Fold nodes under *min_share* of their phase into one ``… N more`` node per parent."""

    def fold(node: Node, floor: float) -> Node:
        kept = [child for child in node["children"] if child["cumulative_ms"] >= floor]
        small = [child for child in node["children"] if child["cumulative_ms"] < floor]
        children = [fold(child, floor) for child in kept]
        if small:
            total = round(sum(child["cumulative_ms"] for child in small), 3)
            children.append(
                {
                    "module": f"… {len(small)} more",
                    "self_ms": total,
                    "cumulative_ms": total,
                    "children": [],
                    "folded": sum(1 + _count(child) for child in small),
                }
            )
        return {**node, "children": children}

    return [fold(root, root["cumulative_ms"] * min_share) for root in roots]


def _count(node: Node) -> int:
    return sum(1 + _count(child) for child in node["children"])


def app_modules(code_dir: Path) -> set[str]:
    """Top-level names the app itself ships: its ``.py`` files and packages, minus what a
    ``*.dist-info`` says was vendored (a vendored urllib3 is a dependency, not the app)."""
    names: set[str] = set()
    vendored: set[str] = set()
    try:
        entries = list(Path(code_dir).iterdir())
    except OSError:
        return names
    for entry in entries:
        if entry.name.endswith(".dist-info"):
            vendored.update(_record_tops(entry / "RECORD"))
        elif entry.suffix == ".py":
            names.add(entry.stem)
        elif entry.is_dir() and entry.name.isidentifier():
            names.add(entry.name)
    return names - vendored


def _record_tops(record: Path) -> set[str]:
    try:
        lines = record.read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    tops = set()
    for line in lines:
        first = line.split(",", 1)[0].split("/", 1)[0]
        tops.add(first[:-3] if first.endswith(".py") else first)
    return tops


def _top(module: str) -> str:
    return module.split(".", 1)[0]


def heaviest_chains(
    roots: list[Node], app: Iterable[str] = (), limit: int = TOP_CHAINS
) -> list[dict[str, Any]]:
    """The packages the app's modules pull in during the import, heaviest first (merged per
    package: a package first imported from two app modules is one chain with two importers).

    *app* is the app's top-level module names; without it, the modules imported at the top
    of the import phase (the handler's module) are taken as the app.
    """
    phase = next((root for root in roots if root.get("phase") == "import"), None)
    if phase is None or not phase["children"]:
        return []
    total = phase["cumulative_ms"] or 1.0
    own = set(app) or {_top(node["module"]) for node in phase["children"]}
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Node, path: list[str]) -> None:
        for child in node["children"]:
            name = child["module"]
            if _top(name) in own:
                walk(child, [*path, name])
                continue
            package = _top(name)
            chain = found.get(package)
            own_ms = _own_time(child, package)
            if chain is None:
                found[package] = {
                    "package": package,
                    "module": name,
                    "importers": [path[-1]] if path else [],
                    "path": [*path, name],
                    "cumulative_ms": child["cumulative_ms"],
                    "own_ms": own_ms,
                    "modules": 1 + _count(child),
                    "kind": "stdlib" if package in _stdlib() else "dependency",
                }
            else:
                chain["cumulative_ms"] += child["cumulative_ms"]
                chain["own_ms"] += own_ms
                chain["modules"] += 1 + _count(child)
                if path and path[-1] not in chain["importers"]:
                    chain["importers"].append(path[-1])

    walk(phase, [])
    ranked = sorted(found.values(), key=lambda chain: chain["cumulative_ms"], reverse=True)
    chains = [chain for chain in ranked if chain["cumulative_ms"] >= total * MIN_CHAIN_SHARE][
        :limit
    ]
    for chain in chains:
        chain["cumulative_ms"] = round(chain["cumulative_ms"], 3)
        chain["own_ms"] = round(chain["own_ms"], 3)
        chain["share"] = round(chain["cumulative_ms"] / total, 4)
        # What deferring the import to first use would take off the import phase: an
        # estimate, never measured here (the modules it loaded first may be needed anyway).
        chain["defer_saves_ms"] = chain["cumulative_ms"]
        chain["defer_saves_at_least_ms"] = chain["own_ms"]
        chain["estimate"] = True
    return chains


def _own_time(node: Node, package: str) -> float:
    mine = node["self_ms"] if _top(node["module"]) == package else 0.0
    return mine + sum(_own_time(child, package) for child in node["children"])


def _stdlib() -> frozenset[str]:
    return frozenset(getattr(sys, "stdlib_module_names", ()))


def describe_chain(chain: dict[str, Any]) -> str:
    """``urllib3 via lambda_preload: 90 ms, 57 % of import``."""
    importers = chain.get("importers") or []
    via = f" via {importers[0]}" if importers else ""
    if len(importers) > 1:
        via += f" (+{len(importers) - 1} more)"
    share = chain.get("share")
    shown = f", {share * 100:.0f} % of import" if isinstance(share, (int, float)) else ""
    return f"{chain.get('package', chain.get('module', '?'))}{via}: {format_value(chain.get('cumulative_ms'))} ms{shown}"


def describe_saving(chain: dict[str, Any]) -> str:
    """What deferring the chain to first use would save, labelled as measured or estimated."""
    saves = chain.get("defer_saves_ms")
    if saves is None:
        return ""
    if not chain.get("estimate", True):
        return f"deferring it to first use saved {format_value(saves)} ms of import (measured)"
    least = chain.get("defer_saves_at_least_ms")
    package = chain.get("package", "it")
    text = f"defer to first use: saves up to {format_value(saves)} ms of import (estimate"
    if isinstance(least, (int, float)) and least < saves:
        text += f"; {format_value(least)} ms in {package} itself, the rest may still be needed by other imports"
    return text + "); the first request that uses it pays it instead"


def advisor_lines(chains: list[dict[str, Any]], limit: int = ADVISOR_LINES) -> list[str]:
    """The terminal summary's advisor block (empty without chains)."""
    if not chains:
        return []
    lines = ["  cold-start advisor (heaviest import chains, cumulative, -X importtime run):"]
    for chain in chains[:limit]:
        lines.append(f"    {describe_chain(chain)}")
        path = chain.get("path") or []
        if len(path) > 1:
            lines.append(f"      imported by {' → '.join(path)}")
        saving = describe_saving(chain)
        if saving:
            lines.append(f"      {saving}")
    return lines


def import_analysis(imports: Iterable[Any], app: Iterable[str] = ()) -> dict[str, Any]:
    """``Measurement`` fields from the traced run's imports: the pruned tree and its chains."""
    roots = build_tree(timing_rows(imports))
    return {"import_tree": prune(roots), "import_chains": heaviest_chains(roots, app)}
