"""``ref-ambiguous``: a ``lee_ref`` mark names a file stem (or a path tail) that several
knowledge-base files share — ``README`` names every ``README.md`` — so the test would
claim items in files its author never meant. The message names the files; a test names
one by its path: ``@pytest.mark.lee_ref("sig/README.md", "item text")``."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding


def ref_ambiguous(context: Context) -> Iterator[Finding]:
    for claim in context.claims:
        if claim.problem and claim.rule == "ref-ambiguous":
            yield Finding(
                "ref-ambiguous", claim.test.path, claim.test.line, f"lee_ref names {claim.problem}"
            )
