"""``test-unknown-ref``: a ``lee_ref`` mark that names an ID the knowledge base does not
declare (or an ambiguous short one), or an item its checklists do not have — the test then
enforces nothing, silently. Item names are compared after normalising case, whitespace,
emoji and punctuation, and the closest real item is suggested."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding


def unknown_ref_in_tests(context: Context) -> Iterator[Finding]:
    for claim in context.claims:
        if claim.problem and claim.rule == "test-unknown-ref":
            yield Finding(
                "test-unknown-ref",
                claim.test.path,
                claim.test.line,
                f"lee_ref names {claim.problem}",
            )
    for test, problem in context.item_problems:
        yield Finding(
            "test-unknown-ref", test.path, test.line, f"lee_ref({test.ref!r}, …) {problem}"
        )
    for scan in context.tests.problems:
        if not scan.fatal:
            yield Finding("test-unknown-ref", scan.path, scan.line, scan.message)
