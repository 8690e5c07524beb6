"""``checklist-unenforced``: a checklist item that no test enforces and no waiver excuses.

A test claims an item with ``@pytest.mark.lee_ref(owner, "item text")`` where ``owner`` is
the REF of the entry the checklist sits in — or, for a checklist outside any entry (the
seed's "Checklist for Production Readiness" under "Synthesis"), the file's stem. An item
no test can check is waived with a reason: ``<!-- lee-kb: waive: why -->`` on its line, or
``[[tool.lee.kb.waiver]]`` in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_lee.kb.context import Context, Finding, normalise


def checklist_unenforced(context: Context) -> Iterator[Finding]:
    enforce_rules = context.config.enforce_rules
    for owner, items in context.owners.items():
        for ref in items:
            if ref.item.shape == "rule" and not enforce_rules:
                continue  # ``[X] Never …``/``[OK] …``: a rule, counted apart (enforce_rules)
            key = (owner, normalise(ref.item.text))
            if key in context.enforced or context.waived.get(key):
                continue
            where = f"{owner}, {ref.item.section}" if ref.item.section else owner
            fix = (
                f"mark the test that checks it @pytest.mark.lee_ref({owner!r}, {ref.item.text!r}), "
                "or waive it with a reason (<!-- lee-kb: waive: why --> on this line)"
            )
            if ref.item.waiver == "":
                fix = "its waiver has no reason: write <!-- lee-kb: waive: why no test can check it -->"
            yield Finding(
                "checklist-unenforced",
                ref.document.display,
                ref.item.line,
                f"checklist item '{ref.item.text}' ({where}) is enforced by no test; {fix}",
            )
