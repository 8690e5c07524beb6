"""``mojibake``: encoding damage — UTF-8 that was once decoded as Windows-1252 or Mac Roman
(``âœ…`` for ✅). Where exactly one original fits, the message gives it and ``lee-kb fix``
repairs it; where several fit (straightened curly quotes), it lists them for a person to
choose. Detection is ``pytest_lee.kb.encoding.find_damage``, shared with ``lee-kb fix``.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding


def mojibake(context: Context) -> Iterator[Finding]:
    from pytest_lee.kb.encoding import find_damage

    for document in context.documents:
        if not document.text or document.text.isascii():
            continue
        for damage in find_damage(document.text):
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
