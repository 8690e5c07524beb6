"""``ref-format``: a declared REF must be a well-formed ID.

Full IDs are ``NMdd-KIND-NN`` (``NM06-LESS-09``); a single-entry file may declare the short
``KIND-NN`` in its heading when its name starts with the family (``NM06-…``). Placeholders
(``NM06-LESS-XX``, ``NM06-LESS-[NEW]``) and one-digit numbers are what this catches: no
test can name a lesson whose ID is still a placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding
from pytest_lee.kb.ids import is_well_formed

_LOOSE = re.compile(r"^(?:(NM\d{1,2})-)?([A-Za-z]+(?:-[A-Za-z]+)?)-(\d{1,3})$")


def ref_format(context: Context) -> Iterator[Finding]:
    for document in context.documents:
        for entry in document.entries:
            written = entry.written
            if is_well_formed(written):
                continue
            if is_well_formed(written, short_allowed=True) and document.family:
                continue
            yield Finding(
                "ref-format", document.display, entry.line, _message(written, document.family)
            )


def _message(written: str, family: str | None) -> str:
    loose = _LOOSE.match(written)
    if loose and family is None and loose.group(1) is None:
        return (
            f"REF '{written}' is a short ID in a file whose name gives no family; "
            f"write the full ID (NMdd-{written.upper()}) or name the file NMdd-…"
        )
    if loose:
        fam = (loose.group(1) or family or "NMdd").upper()
        if re.fullmatch(r"NM\d", fam):
            fam = "NM0" + fam[2]
        suggestion = f"{fam}-{loose.group(2).upper()}-{int(loose.group(3)):02d}"
        return f"REF '{written}' is not a well-formed ID; write '{suggestion}'"
    return (
        f"REF '{written}' is not a well-formed ID (expected NMdd-KIND-NN, e.g. NM06-LESS-09); "
        "give the entry its real number before tests can name it"
    )
