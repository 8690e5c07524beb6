"""``waiver-unknown``: a waiver that waives nothing — it names an ID or item the knowledge
base does not have (a renamed item leaves its waiver behind), or an inline
``<!-- lee-kb: waive: … -->`` sits on a line that is neither a checklist item nor a REF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pytest_lee.kb._paths import display_path
from pytest_lee.kb.context import Context, Finding


def waiver_unknown(context: Context) -> Iterator[Finding]:
    for waiver, problem in context.waiver_problems:
        yield Finding(
            "waiver-unknown",
            display_path(Path(waiver.path), context.base or Path.cwd()),
            waiver.line,
            f"[[tool.lee.kb.waiver]] ref = {waiver.ref!r}: {problem}",
        )
    for document in context.documents:
        waives = [d for d in document.directives if d.kind == "waive"]
        if not waives:
            continue
        anchors = {item.line for checklist in document.checklists for item in checklist.items}
        anchors |= {e.line for e in document.entries} | {
            e.heading_line for e in document.entries if e.heading_line
        }
        for directive in waives:
            if directive.line not in anchors:
                yield Finding(
                    "waiver-unknown",
                    document.display,
                    directive.line,
                    (
                        "this waiver is on no checklist item and no REF line, so it waives nothing; "
                        "put it on the line of what it waives"
                    ),
                )
