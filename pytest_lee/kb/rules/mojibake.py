"""``mojibake``: encoding damage — UTF-8 that was once decoded as Windows-1252 or Mac Roman
(``âœ…`` for ✅). Where exactly one original fits, the message gives it and ``lee-kb fix``
repairs it; where several fit (straightened curly quotes), it lists them for a person to
choose, the likeliest first: the one that occurs most in the file, then in the knowledge base. Detection is ``pytest_lee.kb.encoding.find_damage``, shared with ``lee-kb fix``.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding
from pytest_lee.kb.model import Document


def mojibake(context: Context) -> Iterator[Finding]:
    from pytest_lee.kb.encoding import Damage, find_damage, rank_candidates

    found: list[tuple[Document, list[Damage]]] = [
        (document, find_damage(document.text))
        for document in context.documents
        if document.text and not document.text.isascii()
    ]
    wanted = {
        c.strip()
        for _, damages in found
        for d in damages
        if len(d.candidates) > 1
        for c in d.candidates
    }
    counts = {c: sum(d.text.count(c) for d in context.documents) for c in wanted if c}
    for document, damages in found:
        for damage in rank_candidates(damages, document.text, counts) if counts else damages:
            if len(damage.candidates) == 1:
                message = (
                    f"encoding damage '{damage.text}': write '{damage.candidates[0]}' "
                    "(lee-kb fix repairs it)"
                )
            elif damage.candidates:
                options = " or ".join(f"'{c}'" for c in damage.candidates[:6])
                message = (
                    f"encoding damage '{damage.text}': could be {options}; "
                    "choose the right one by hand (lee-kb fix leaves ambiguous spans alone)"
                )
            else:
                message = f"encoding damage '{damage.text}': no original fits; retype the text"
            yield Finding("mojibake", document.display, damage.line, message, column=damage.column)
