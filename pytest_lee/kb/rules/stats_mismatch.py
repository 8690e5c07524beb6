"""``stats-mismatch``: a statistics block that disagrees with the content it describes.

``**FILE STATISTICS:**`` lists how many entries the file holds (``- Lesson Count: 2``) and
which (``- Reference IDs: NM06-LESS-01 through NM06-LESS-08``); an index says how many
entries it routes (``**Items:** 12``). Readers trust these numbers instead of counting, so
a stale one hides a missing or an extra entry.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding
from pytest_lee.kb.model import Document, StatsBlock


def stats_mismatch(context: Context) -> Iterator[Finding]:
    for document in context.documents:
        for block in document.stats:
            if block.kind == "index":
                yield from _index(document, block)
            else:
                yield from _file(document, block)


def _file(document: Document, block: StatsBlock) -> Iterator[Finding]:
    entries = document.entries
    for count in block.counts:
        word = count.label.split()[0][:3].upper()
        same_kind = [e for e in entries if e.ref.kind.startswith(word)]
        counted = len({e.key for e in (same_kind or entries)})
        if counted != count.value:
            yield Finding(
                "stats-mismatch",
                document.display,
                count.line,
                (
                    f"'{count.label}: {count.value}' but the file declares {counted}; "
                    f"write {counted} (or add the missing entries)"
                ),
            )
    if block.ids is None or block.ids_line is None:
        return
    listed = {ref.with_family(ref.family or document.family).full for ref in block.ids}
    declared = {key for e in entries for key in (e.key, *(a.full for a in e.aliases))}
    missing = sorted(listed - declared)
    unlisted = sorted({e.key for e in entries} - listed)
    if missing:
        yield Finding(
            "stats-mismatch",
            document.display,
            block.ids_line,
            (
                f"Reference IDs lists {', '.join(missing)}, which the file does not declare; "
                "remove them from the list or add the entries"
            ),
        )
    if unlisted:
        yield Finding(
            "stats-mismatch",
            document.display,
            block.ids_line,
            (
                f"Reference IDs leaves out {', '.join(unlisted)}, which the file declares; add them to the list"
            ),
        )


def _index(document: Document, block: StatsBlock) -> Iterator[Finding]:
    routes = [route for route in document.routes if route.kind == "file"]
    # an entry per routed heading; a range heading (``### ARCH-01 to ARCH-06:``) routes
    # one entry per ID, a combined one (``### LESS-27-39:``) one entry
    routed = sum(len(route.ids) if route.span else 1 for route in routes)
    for count in block.counts:
        if routed and count.value != routed:
            yield Finding(
                "stats-mismatch",
                document.display,
                count.line,
                (
                    f"'Items: {count.value}' but the index routes {routed} entries to files; "
                    f"write {routed} (or add the missing routes)"
                ),
            )
