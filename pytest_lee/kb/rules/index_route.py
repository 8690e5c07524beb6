"""``index-route``: an index routes to a file that does not exist, or to one that does not
declare the ID it is routed for.

An index is the knowledge base's dispatch table (``NM06-BUG-01 → NM06-BUGS-Critical.md``,
``### LESS-09: …`` with ``- **File:** `…```); a wrong route sends every reader to the
wrong place. A target is looked up next to the index first, then by name anywhere in the
knowledge base, then on disk next to the index (existence only).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from pytest_lee.kb._closest import Closest
from pytest_lee.kb.context import Context, Finding
from pytest_lee.kb.model import Document


def index_route(context: Context) -> Iterator[Finding]:
    by_name: dict[str, list[Document]] = {}
    for document in context.documents:
        by_name.setdefault(document.path.name, []).append(document)
    names = Closest(sorted(by_name))
    hints: dict[str, str] = {}  # an index routes to the same missing file many times
    for document in context.documents:
        for route in document.routes:
            targets = _targets(document, route.target, by_name)
            if targets is None:
                if route.target not in hints:
                    close = names.match(route.target, cutoff=0.6)
                    hints[route.target] = f"did you mean '{close}'? " if close else ""
                hint = hints[route.target]
                yield Finding(
                    "index-route",
                    document.display,
                    route.line,
                    (
                        f"routes to '{route.target}', which does not exist; {hint}"
                        "point the route at the file that declares the entry"
                    ),
                )
                continue
            if not targets:  # exists on disk but outside the linted paths
                continue
            declared = {
                key
                for target in targets
                for entry in target.entries
                for key in (entry.key, *(a.full for a in entry.aliases))
            }
            family = targets[0].family or document.family
            for ref in route.ids:
                resolution = context.ids.resolve(ref, family)
                full = resolution.full or ref.full
                if full in declared:
                    continue
                elsewhere = sorted({d.path for d in context.ids.declarations(full)})
                where = (
                    f"it is declared in {', '.join(elsewhere)}"
                    if elsewhere
                    else "it is declared nowhere"
                )
                yield Finding(
                    "index-route",
                    document.display,
                    route.line,
                    (
                        f"routes {full} to '{route.target}', which does not declare it ({where}); "
                        "fix the route or the ID"
                    ),
                )


def _targets(
    document: Document, target: str, by_name: dict[str, list[Document]]
) -> list[Document] | None:
    """Documents the route reaches; [] if it reaches a file outside the knowledge base;
    None if it reaches nothing."""
    name = target.rsplit("/", 1)[-1]
    candidates = by_name.get(name, [])
    folder = os.path.dirname(document.path)  # strings: Path.parent builds and compares parts
    beside = [d for d in candidates if os.path.dirname(d.path) == folder]
    if beside or candidates:
        return beside or candidates
    try:
        return [] if (document.path.parent / target).is_file() else None
    except OSError:
        return None
