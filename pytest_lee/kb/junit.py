"""Test outcomes from a JUnit XML report, keyed so ``lee_ref`` node ids can find them.

pytest's JUnit XML names a test by ``classname`` (the module path dotted, plus the class)
and ``name`` (the function, with ``[parameter ids]``); the lessons index knows tests by
node id (``tests/test_x.py::TestA::test_b``). Both become ``("tests.test_x.TestA",
"test_b")``; parametrized cases fold into one outcome — a failure in any case fails the
test, since the item it enforces is then not reliably enforced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FAILED",
    "PASSED",
    "SKIPPED",
    "JUnitError",
    "JUnitReport",
    "merge_reports",
    "nodeid_key",
    "read_junit",
]

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
_PARAMS = re.compile(r"\[.*\]$", re.S)


class JUnitError(Exception):
    """The file is not a JUnit report we can use; the message is one line."""


@dataclass(frozen=True)
class JUnitReport:
    """Outcome per (classname, function) and how many test cases the report held."""

    path: str
    outcomes: dict[tuple[str, str], str]
    cases: int

    def outcome(self, nodeid: str) -> str | None:
        """The outcome of the test *nodeid*, or None when the report does not hold it."""
        classname, name = nodeid_key(nodeid)
        found = self.outcomes.get((classname, name))
        if found is not None:
            return found
        # A report written from another rootdir names modules with a shorter or longer prefix.
        for (other, other_name), outcome in self.outcomes.items():
            if other_name == name and (
                classname.endswith("." + other) or other.endswith("." + classname)
            ):
                return outcome
        return None


def nodeid_key(nodeid: str) -> tuple[str, str]:
    """``tests/test_x.py::TestA::test_b[1]`` → ``("tests.test_x.TestA", "test_b")``."""
    path, *names = nodeid.split("::")
    module = path[:-3] if path.endswith(".py") else path
    parts = [p for p in module.replace("\\", "/").split("/") if p not in ("", ".")]
    function = _PARAMS.sub("", names[-1]) if names else ""
    return ".".join(parts + names[:-1]), function


def read_junit(path: Path, display: str | None = None) -> JUnitReport:
    """Read a pytest (or any xUnit-style) JUnit XML report; JUnitError says what is wrong."""
    from xml.etree import ElementTree

    display = display or path.as_posix()
    try:
        root = ElementTree.parse(path).getroot()
    except OSError as error:
        raise JUnitError(f"{display}: cannot read: {error.strerror or error}") from None
    except ElementTree.ParseError as error:
        raise JUnitError(
            f"{display}: not XML ({error}); pass the file pytest --junit-xml wrote"
        ) from None
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(
            f"{display}: not a JUnit report (root element <{root.tag}>, expected <testsuites> or <testsuite>)"
        )
    outcomes: dict[tuple[str, str], str] = {}
    cases = 0
    for case in root.iter("testcase"):
        cases += 1
        key = (case.get("classname", ""), _PARAMS.sub("", case.get("name", "")))
        outcomes[key] = _fold(outcomes.get(key), _outcome(case))
    return JUnitReport(display, outcomes, cases)


def merge_reports(reports: list[JUnitReport]) -> JUnitReport:
    """Several runs as one (the suite, then ``--lee-budgets``): a failure anywhere fails a
    test, otherwise one pass is enough — a budget test skipped in the everyday run and
    passed in the budget run is enforced."""
    if len(reports) == 1:
        return reports[0]
    outcomes: dict[tuple[str, str], str] = {}
    for report in reports:
        for key, outcome in report.outcomes.items():
            outcomes[key] = _fold(outcomes.get(key), outcome)
    return JUnitReport(", ".join(r.path for r in reports), outcomes, sum(r.cases for r in reports))


def _outcome(case: object) -> str:
    tags = {child.tag for child in case}  # type: ignore[attr-defined]
    if tags & {"failure", "error"}:
        return FAILED
    if "skipped" in tags:
        return SKIPPED
    return PASSED


def _fold(before: str | None, now: str) -> str:
    if before is None:
        return now
    for outcome in (FAILED, PASSED, SKIPPED):
        if outcome in (before, now):
            return outcome
    return now
