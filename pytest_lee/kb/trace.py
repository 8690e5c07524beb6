"""The lessons → tests picture: one row per REF and per checklist item, with its tests.

``lee-kb matrix`` renders it; the status of a row follows one rule set so the markdown,
the HTML and the coverage line never disagree:

- ``enforced``: at least one test claims it (with a JUnit report: at least one of them passed);
- ``waived``: no test claims it and a waiver gives the reason no test can;
- ``failed`` / ``skipped`` / ``not run``: with a JUnit report, tests claim it but none of
  them passed — the worst outcome is shown, even over a waiver; such a row is *not* enforced;
- ``unenforced``: nothing claims it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_lee.kb.context import normalise

if TYPE_CHECKING:
    from pytest_lee.kb.context import Context
    from pytest_lee.kb.junit import JUnitReport
    from pytest_lee.kb.tests_index import TestRef

__all__ = ["STATUSES", "Matrix", "Row", "TestLink", "build_matrix"]

ENFORCED, WAIVED, UNENFORCED = "enforced", "waived", "unenforced"
FAILED, SKIPPED, NOT_RUN = "failed", "skipped", "not run"
STATUSES = (ENFORCED, WAIVED, FAILED, SKIPPED, NOT_RUN, UNENFORCED)


@dataclass(frozen=True)
class TestLink:
    """A test that claims a row: its node id, where its mark is, its last outcome if known."""

    __test__ = False

    nodeid: str
    path: str
    line: int
    outcome: str | None = None


@dataclass(frozen=True)
class Row:
    """A REF (``kind="ref"``: ``label`` is its heading) or a checklist item (``"item"``:
    ``label`` is the item text, ``section`` its checklist title / sub-heading). ``ref`` is
    the name tests use for its owner: the entry's full ID, or the file stem for a checklist
    outside any entry."""

    kind: str
    ref: str
    label: str
    section: str | None
    path: str
    line: int
    tests: tuple[TestLink, ...]
    waiver: str | None
    status: str


@dataclass(frozen=True)
class Matrix:
    rows: tuple[Row, ...]
    junit: str | None = None
    cases: int = 0

    def count(self, *statuses: str) -> int:
        return sum(1 for row in self.rows if row.status in statuses)

    def _kinds(self) -> str:
        refs = sum(1 for row in self.rows if row.kind == "ref")
        return f"{refs} REF{'' if refs == 1 else 's'}, {len(self.rows) - refs} items"

    def coverage_line(self) -> str:
        """``Coverage: 30 rows (2 REFs, 28 items) — 24 enforced, 6 waived, 0 unenforced; …``."""
        total = len(self.rows)
        enforced, waived = self.count(ENFORCED), self.count(WAIVED)
        unenforced = total - enforced - waived
        detail = ", ".join(
            f"{self.count(s)} {s}" for s in (FAILED, SKIPPED, NOT_RUN) if self.count(s)
        )
        share = (
            f"{100 * (enforced + waived) / total:.0f}% enforced or waived"
            if total
            else "nothing to trace"
        )
        source = (
            f"; outcomes from {self.junit} ({self.cases} test cases)"
            if self.junit
            else "; no JUnit outcomes"
        )
        return (
            f"Coverage: {total} rows ({self._kinds()}) — {enforced} enforced, {waived} waived, {unenforced} unenforced"
            + (f" ({detail})" if detail else "")
            + f"; {share}{source}"
        )


def build_matrix(context: Context, junit: JUnitReport | None = None) -> Matrix:
    """One row per REF and checklist item of the knowledge base, in file order.

    Which tests claim what, and which waivers apply, is the lint's answer
    (``pytest_lee.kb.context``): the summary of ``lee-kb lint`` and this matrix agree.
    """
    rows: list[Row] = []
    for document in context.documents:
        if document.problem:
            continue
        found: list[Row] = []
        for entry in document.entries:
            tests = _links(context.enforced.get(entry.key, ()), junit)
            found.append(
                _row(
                    "ref",
                    entry.key,
                    entry.heading or entry.key,
                    None,
                    document.display,
                    line=entry.line,
                    tests=tests,
                    waiver=context.waived.get(entry.key),
                    junit=junit,
                )
            )
        for checklist in document.checklists:
            owner = checklist.owner or context.file_owner(document)
            for item in checklist.items:
                if item.shape == "rule" and not context.config.enforce_rules:
                    continue  # ``[X] Never …``: a rule, a row only with enforce_rules
                key = (owner, normalise(item.text))
                tests = _links(context.enforced.get(key, ()), junit)
                found.append(
                    _row(
                        "item",
                        owner,
                        item.text,
                        item.section or checklist.title,
                        document.display,
                        line=item.line,
                        tests=tests,
                        waiver=context.waived.get(key),
                        junit=junit,
                    )
                )
        rows += sorted(found, key=lambda row: row.line)  # each REF, then its items
    return Matrix(tuple(rows), junit.path if junit else None, junit.cases if junit else 0)


def _links(refs: Iterable[TestRef], junit: JUnitReport | None) -> tuple[TestLink, ...]:
    unique: dict[str, tuple[str, int]] = {}
    for ref in refs:
        for nodeid in ref.nodeids:
            unique.setdefault(nodeid, (ref.path, ref.line))  # one link per test, at its first mark
    return tuple(
        TestLink(nodeid, path, line, (junit.outcome(nodeid) or NOT_RUN) if junit else None)
        for nodeid, (path, line) in unique.items()
    )


def _row(
    kind: str,
    ref: str,
    label: str,
    section: str | None,
    path: str,
    *,
    line: int,
    tests: tuple[TestLink, ...],
    waiver: str | None,
    junit: JUnitReport | None,
) -> Row:
    return Row(
        kind,
        ref,
        label,
        section,
        path,
        line,
        tests,
        waiver,
        _status(tests, waiver, junit is not None),
    )


def _status(tests: tuple[TestLink, ...], waiver: str | None, with_outcomes: bool) -> str:
    if tests and (not with_outcomes or any(t.outcome == "passed" for t in tests)):
        return ENFORCED
    if not tests:
        return WAIVED if waiver is not None else UNENFORCED
    # Tests claim it and none passed: that is news, whatever a waiver says.
    outcomes = {t.outcome for t in tests}
    for status in (FAILED, SKIPPED):
        if status in outcomes:
            return status
    return NOT_RUN
