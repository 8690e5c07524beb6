"""JUnit outcomes keyed like lee_ref node ids: parameters folded, rootdir prefixes tolerated."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_lee.kb.junit import FAILED, PASSED, SKIPPED, JUnitError, nodeid_key, read_junit


@pytest.mark.parametrize(
    ("nodeid", "key"),
    [
        ("tests/test_x.py::test_b", ("tests.test_x", "test_b")),
        ("tests/test_x.py::TestA::test_b[1-a]", ("tests.test_x.TestA", "test_b")),
        (
            "examples/tests/test_e.py::TestA::TestB::test_c",
            ("examples.tests.test_e.TestA.TestB", "test_c"),
        ),
    ],
)
def test_node_ids_become_junit_class_and_function_names(nodeid: str, key: tuple[str, str]) -> None:
    assert nodeid_key(nodeid) == key


def report(tmp_path: Path, *cases: str) -> Path:
    path = tmp_path / "report.xml"
    path.write_text("<testsuite>" + "".join(cases) + "</testsuite>", encoding="utf-8")
    return path


def test_parametrized_cases_fold_any_failure_fails_the_test(tmp_path: Path) -> None:
    path = report(
        tmp_path,
        '<testcase classname="tests.test_x" name="test_p[1]"/>',
        '<testcase classname="tests.test_x" name="test_p[2]"><error message="boom"/></testcase>',
        '<testcase classname="tests.test_x" name="test_q[1]"><skipped/></testcase>',
        '<testcase classname="tests.test_x" name="test_q[2]"/>',
        '<testcase classname="tests.test_x" name="test_s[1]"><skipped/></testcase>',
    )
    junit = read_junit(path, "report.xml")
    assert junit.cases == 5
    assert junit.outcome("tests/test_x.py::test_p") == FAILED
    assert junit.outcome("tests/test_x.py::test_q") == PASSED
    assert junit.outcome("tests/test_x.py::test_s") == SKIPPED
    assert junit.outcome("tests/test_x.py::test_missing") is None


def test_a_report_written_from_another_rootdir_still_matches(tmp_path: Path) -> None:
    junit = read_junit(report(tmp_path, '<testcase classname="test_x.TestA" name="test_b"/>'))
    assert junit.outcome("tests/test_x.py::TestA::test_b") == PASSED
    assert junit.outcome("tests/test_y.py::TestA::test_b") is None


def test_an_empty_file_is_not_xml(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(JUnitError, match=r"^empty\.xml: not XML \("):
        read_junit(empty, "empty.xml")


def test_several_runs_merge_a_pass_beats_a_skip_and_a_failure_beats_both(tmp_path: Path) -> None:
    from pytest_lee.kb.junit import merge_reports

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    suite = read_junit(
        report(
            tmp_path / "a",
            '<testcase classname="t" name="test_budget"><skipped/></testcase>',
            '<testcase classname="t" name="test_flaky"/>',
        ),
        "suite.xml",
    )
    budgets = read_junit(
        report(
            tmp_path / "b",
            '<testcase classname="t" name="test_budget"/>',
            '<testcase classname="t" name="test_flaky"><failure/></testcase>',
        ),
        "budgets.xml",
    )
    merged = merge_reports([suite, budgets])
    assert (merged.path, merged.cases) == ("suite.xml, budgets.xml", 4)
    assert merged.outcome("t.py::test_budget") == PASSED
    assert merged.outcome("t.py::test_flaky") == FAILED
