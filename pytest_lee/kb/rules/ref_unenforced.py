"""``ref-unenforced``: a lesson (any declared entry) that no test claims and no waiver
excuses — the lesson exists only as prose someone must remember. A test claims it with
``@pytest.mark.lee_ref("NM06-LESS-09")`` (naming one of its checklist items counts too)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding


def ref_unenforced(context: Context) -> Iterator[Finding]:
    for document in context.documents:
        for entry in document.entries:
            if not entry.valid:  # a malformed REF: ref-format says what to write first
                continue
            if entry.key in context.enforced or context.waived.get(entry.key):
                continue
            fix = (
                f"mark the test that enforces it @pytest.mark.lee_ref({entry.key!r}), or waive it with a reason "
                "(<!-- lee-kb: waive: why --> on the REF line, or [[tool.lee.kb.waiver]])"
            )
            if entry.waiver == "":
                fix = "its waiver has no reason: write <!-- lee-kb: waive: why no test can enforce it -->"
            yield Finding(
                "ref-unenforced",
                document.display,
                entry.line,
                f"{entry.key} is enforced by no test; {fix}",
            )
