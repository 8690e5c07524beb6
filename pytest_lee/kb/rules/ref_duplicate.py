"""``ref-duplicate``: one ID declared in two places.

A test naming the ID would then enforce whichever copy the reader happens to open. Every
later declaration is reported, naming the first one, so both places are in the message.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding


def ref_duplicate(context: Context) -> Iterator[Finding]:
    for full, declarations in context.ids.declared.items():
        if len(declarations) < 2:
            continue
        ordered = sorted(declarations, key=lambda d: (d.path, d.line))
        first = ordered[0]
        for other in ordered[1:]:
            if (other.path, other.line) == (first.path, first.line):
                continue
            yield Finding(
                "ref-duplicate",
                other.path,
                other.line,
                (
                    f"{full} is declared here and at {first.path}:{first.line}; "
                    "keep one declaration and give the other entry its own ID (or delete the copy)"
                ),
            )
