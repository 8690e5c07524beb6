"""``ref-format``: a declared ID must be a valid one.

What valid means is ``[tool.lee.kb] id_pattern``; the default accepts every convention of
the SIMA knowledge base — ``NM06-LESS-09``, ``LESS-09`` (the family from the file name, or
none in the newest layout), ``LANG-PY-02``, ``NMP01-LEE-02``, and IDs without a number
(``NM02-CACHE-DEP``, ``ARCH-DD``). Placeholders (``NM06-LESS-XX``, ``NM06-LESS-[NEW]``) and
one-digit numbers are what this catches: no test can name a lesson whose ID is still a
placeholder — in an ID field or in the heading where the ID goes (``# KEP-NNNN: Title``).
A template (``[tool.lee.kb] templates``, globs; default any file or folder whose name
says ``template``/``Template``) is placeholders on purpose, and is not reported. Where
the file name, the title heading and the ID field name different IDs, the field wins,
then the heading, and the disagreement is reported here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatchcase

from pytest_lee.kb.context import Context, Finding

_LOOSE = re.compile(r"^(?:([A-Za-z]{2,4}\d{1,2})-)?([A-Za-z]+(?:-[A-Za-z]+)?)-(\d{1,3})$")


def is_template(display: str, globs: tuple[str, ...]) -> bool:
    """A path matched by one of ``[tool.lee.kb] templates`` (``**/`` also matches at the top)."""
    return any(
        fnmatchcase(display, glob) or fnmatchcase(display, glob.removeprefix("**/"))
        for glob in globs
    )


def ref_format(context: Context) -> Iterator[Finding]:
    for document in context.documents:
        for line, why in document.conflicts:
            yield Finding("ref-format", document.display, line, why)
        if is_template(document.display, context.config.templates):
            continue
        for entry in document.entries:
            if entry.valid:
                continue
            yield Finding(
                "ref-format",
                document.display,
                entry.line,
                _message(entry.written, context.config.id_pattern),
            )


def _message(written: str, pattern: str | None) -> str:
    loose = _LOOSE.match(written)
    if loose and pattern is None:
        family = loose.group(1).upper() if loose.group(1) else None
        if family and re.fullmatch(r"NM\d", family):
            family = "NM0" + family[2]
        suggestion = f"{loose.group(2).upper()}-{int(loose.group(3)):02d}"
        suggestion = f"{family}-{suggestion}" if family else suggestion
        return f"REF '{written}' is not a valid ID; write '{suggestion}'"
    expected = f"matching id_pattern {pattern!r}" if pattern else "e.g. NM06-LESS-09 or LESS-09"
    return (
        f"REF '{written}' is not a valid ID ({expected}); "
        "give the entry its real number before tests can name it"
    )
