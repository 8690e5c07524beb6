"""``mojibake``: encoding damage — UTF-8 that was once decoded as Windows-1252 or Mac Roman
(``âœ…`` for ✅). Where exactly one original fits, the message gives it and ``lee-kb fix``
repairs it; where several fit (straightened curly quotes), it lists them for a person to
choose, the likeliest first: the one that occurs most in the file, then in the knowledge base.
Detection is ``pytest_lee.kb.encoding.find_damage``, shared with ``lee-kb fix``; it runs while
the file is parsed, so the linter need not keep the text.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding


def mojibake(context: Context) -> Iterator[Finding]:
    from pytest_lee.kb.encoding import rank_candidates

    ambiguous = {
        candidate.strip()
        for document in context.documents
        for damage in document.damage
        if len(damage.candidates) > 1
        for candidate in damage.candidates
    }
    counts = {
        symbol: sum(document.symbols.get(symbol, 0) for document in context.documents)
        for symbol in ambiguous
        if symbol
    }
    for document in context.documents:
        damages = document.damage
        ranked = rank_candidates(damages, document.symbols, counts) if counts else damages
        for damage in ranked:
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
