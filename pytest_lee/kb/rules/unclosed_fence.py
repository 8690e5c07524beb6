"""``unclosed-fence``: a code fence that is never closed turns the rest of the file into
code, so every entry, checklist and cross-reference after it silently disappears."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding


def unclosed_fence(context: Context) -> Iterator[Finding]:
    for document in context.documents:
        for line in document.unclosed_fences:
            yield Finding(
                "unclosed-fence",
                document.display,
                line,
                (
                    "this fence is never closed, so everything after it is read as code; "
                    "close it with a line of the same backticks"
                ),
            )
