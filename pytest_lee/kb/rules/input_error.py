"""``input-error``: a file that cannot be linted is said so, once, and the run goes on.

A markdown file that is not UTF-8, binary or over ``max_file_mb``; a test file that does
not parse (its ``lee_ref`` marks are unknown, so enforcement would be guessed). Any finding
of this rule makes ``lee-kb lint`` exit 2: the result is incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding


def input_error(context: Context) -> Iterator[Finding]:
    for document in context.documents:
        if document.problem:
            yield Finding("input-error", document.display, 1, document.problem)
    for problem in context.tests.problems:
        if problem.fatal:
            yield Finding(
                "input-error",
                problem.path,
                problem.line,
                f"{problem.message}; fix the file so its lee_ref marks can be read",
            )
