"""``related-unknown``: a RELATED field, a Related Topics section or a cross-reference names
an ID declared nowhere in the knowledge base.

A short ID resolves through the family that declares it (``BUG-03`` → ``NM06-BUG-03``);
when several families declare it and the file's own is not one of them, it is ambiguous.
IDs known to live outside the linted paths are listed in ``[tool.lee.kb] external``
(fnmatch patterns) and reported at ``info`` only.
"""

from __future__ import annotations

import difflib
from typing import Iterator

from pytest_lee.kb.context import Context, Finding


def related_unknown(context: Context) -> Iterator[Finding]:
    by_number: dict[str, list[str]] = {}
    for full in context.ids.declared:
        by_number.setdefault(full.rsplit("-", 1)[-1], []).append(full)
    hints: dict[str, str] = {}
    for document in context.documents:
        for mention in document.mentions:
            resolution = context.ids.resolve(mention.ref, document.family)
            if resolution.status == "declared":
                continue
            where = _where(mention.context)
            if resolution.status == "ambiguous":
                yield Finding("related-unknown", document.display, mention.line, (
                    f"{where} names {mention.written}, which is ambiguous: "
                    f"{' or '.join(resolution.candidates)}; write the full ID"))
                continue
            full = resolution.full or mention.written
            if context.is_external(full, mention.written):
                yield Finding("related-unknown", document.display, mention.line, (
                    f"{where} names {full}, declared outside the knowledge base ([tool.lee.kb] external)"),
                    severity="info")
                continue
            if full not in hints:
                # a typo in the family or kind keeps the number: compare with those only
                close = difflib.get_close_matches(full, by_number.get(full.rsplit("-", 1)[-1], []), n=1, cutoff=0.75)
                hints[full] = f"did you mean {close[0]}? " if close else ""
            hint = hints[full]
            yield Finding("related-unknown", document.display, mention.line, (
                f"{where} names {full}, which is declared nowhere in the knowledge base; {hint}"
                "fix the ID, declare the entry, or list it in [tool.lee.kb] external if it lives elsewhere"))


def _where(context: str) -> str:
    return {"related": "RELATED", "related-topics": "Related Topics"}.get(context, "cross-reference")
