"""``related-unknown``: a RELATED field, a Related Topics section or a cross-reference names
an ID declared nowhere in the knowledge base.

A short ID resolves through the family that declares it (``BUG-03`` → ``NM06-BUG-03``);
when several families declare it and the file's own is not one of them, it is ambiguous.
IDs known to live outside the linted paths are listed in ``[tool.lee.kb] external``
(fnmatch patterns) and reported at ``info`` only.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding


def related_unknown(context: Context) -> Iterator[Finding]:
    by_number: dict[str, list[str]] = {}
    for full in context.ids.declared:
        by_number.setdefault(full.rsplit("-", 1)[-1], []).append(full)
    hints: dict[str, str] = {}
    kinds = {
        declaration.ref.kind
        for declarations in context.ids.declared.values()
        for declaration in declarations
    }
    for document in context.documents:
        for mention in document.mentions:
            resolution = context.ids.resolve(mention.ref, document.family)
            if resolution.status == "declared":
                continue
            if mention.ref.named:
                # ``SUGA-ISP``, ``HTTP-CLIENT``: words shaped like an ID without a number
                # count only where the knowledge base declares them
                continue
            where = _where(mention.context)
            if resolution.status == "ambiguous":
                yield Finding(
                    "related-unknown",
                    document.display,
                    mention.line,
                    (
                        f"{where} names {mention.written}, which is ambiguous: "
                        f"{' or '.join(resolution.candidates)}; write the full ID"
                    ),
                )
                continue
            full = resolution.full or mention.written
            if context.is_external(full, mention.written, mention.ref.full):
                yield Finding(
                    "related-unknown",
                    document.display,
                    mention.line,
                    (
                        f"{where} names {full}, declared outside the knowledge base ([tool.lee.kb] external)"
                    ),
                    severity="info",
                )
                continue
            if full not in hints:
                hints[full] = _hint(full, by_number)
            named = full if mention.ref.family else f"{mention.ref.full} (as {full})"
            if not mention.ref.family and mention.ref.kind not in kinds:
                named = f"{mention.ref.full} (no file declares any {mention.ref.kind}-… ID)"
            yield Finding(
                "related-unknown",
                document.display,
                mention.line,
                (
                    f"{where} names {named}, which is declared nowhere in the knowledge base; {hints[full]}"
                    "fix the ID, declare the entry, or list it in [tool.lee.kb] external if it lives elsewhere"
                ),
            )


def _hint(full: str, by_number: dict[str, list[str]]) -> str:
    """A typo keeps the number: suggest the same kind in another family (NM03-DEC-05 →
    NM04-DEC-05) or a near-spelt kind in the same family (NM06-LES-09 → NM06-LESS-09)."""
    family, kind, _ = _parts(full)
    near = []
    for candidate in by_number.get(full.rsplit("-", 1)[-1], []):
        c_family, c_kind, _ = _parts(candidate)
        if c_kind == kind or (
            c_family == family and difflib.SequenceMatcher(None, kind, c_kind).ratio() >= 0.6
        ):
            near.append(candidate)
    close = difflib.get_close_matches(full, near, n=1, cutoff=0.75)
    return f"did you mean {close[0]}? " if close else ""


def _parts(full: str) -> tuple[str, str, str]:
    pieces = full.split("-")
    if len(pieces) >= 3 and pieces[0].startswith("NM"):
        return pieces[0], "-".join(pieces[1:-1]), pieces[-1]
    return "", "-".join(pieces[:-1]), pieces[-1]


def _where(context: str) -> str:
    return {"related": "RELATED", "related-topics": "Related Topics", "ref": "REF"}.get(
        context, "cross-reference"
    )
