"""The static scan of lee_ref marks: every place a mark can sit, and what it cannot read."""

from __future__ import annotations

import textwrap

from pytest_lee.kb.tests_index import scan_tests

SOURCE = """
import pytest
from pytest import mark

pytestmark = [pytest.mark.lee_ref("NM06-LESS-10"), pytest.mark.slow]


@pytest.mark.lee_ref("NM06-LESS-09", "Local tests passing")
def test_function():
    pass


@mark.lee_ref("LESS-09")
class TestClass:
    pytestmark = pytest.mark.lee_ref("NM06-LESS-15")

    def test_method(self):
        pass


@pytest.mark.parametrize("n", [1, pytest.param(2, marks=[pytest.mark.lee_ref("NM06-LESS-09", "Canary test completed")])])
def test_param(n):
    pass


def helper():
    pytest.mark.lee_ref("NM06-LESS-01")  # not a mark on anything


@pytest.mark.lee_ref(ref="NM06-LESS-09")
def test_keyword():
    pass
"""


def test_every_kind_of_mark_is_found_with_the_tests_it_applies_to(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_marks.py").write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    index = scan_tests([tmp_path / "tests"], tmp_path)
    found = [(r.ref, r.items, r.line, r.nodeids, r.param) for r in index.refs]
    module = "tests/test_marks.py"
    all_tests = (
        f"{module}::test_function",
        f"{module}::TestClass::test_method",
        f"{module}::test_param",
        f"{module}::test_keyword",
    )
    assert found == [
        ("NM06-LESS-10", (), 5, all_tests, None),
        ("NM06-LESS-09", ("Local tests passing",), 8, (f"{module}::test_function",), None),
        ("LESS-09", (), 13, (f"{module}::TestClass::test_method",), None),
        ("NM06-LESS-15", (), 15, (f"{module}::TestClass::test_method",), None),
        ("NM06-LESS-09", ("Canary test completed",), 21, (f"{module}::test_param",), 1),
    ]
    assert [(p.line, p.fatal) for p in index.problems] == [(30, False)]
    assert "positional strings only" in index.problems[0].message
    assert index.files == 1


def test_a_syntax_error_is_one_fatal_problem_and_the_other_files_are_still_read(tmp_path):
    (tmp_path / "test_broken.py").write_text("def broken(:\n    pass\n", encoding="utf-8")
    (tmp_path / "test_fine.py").write_text(
        "import pytest\n\n@pytest.mark.lee_ref('NM06-LESS-09')\ndef test_x():\n    pass\n",
        encoding="utf-8",
    )
    index = scan_tests([tmp_path], tmp_path)
    assert [(p.path, p.line, p.fatal) for p in index.problems] == [("test_broken.py", 1, True)]
    assert [r.ref for r in index.refs] == ["NM06-LESS-09"]


def test_files_without_lee_ref_are_parsed_but_yield_nothing(tmp_path):
    (tmp_path / "test_plain.py").write_text("def test_x():\n    pass\n", encoding="utf-8")
    index = scan_tests([tmp_path, tmp_path / "missing"], tmp_path)
    assert (index.refs, index.problems, index.files) == ((), (), 1)


def test_module_constants_of_strings_are_read_statically(tmp_path):
    (tmp_path / "test_constants.py").write_text(
        "import pytest\n"
        "REF = 'NM06-LESS-09'\n"
        "ITEMS = ('Health check passed', 'Canary test completed')\n"
        "REBOUND = ('x',)\n"
        "REBOUND = ('y',)\n"
        "@pytest.mark.lee_ref(REF, *ITEMS)\n"
        "def test_a():\n    pass\n"
        "@pytest.mark.lee_ref(REF, *REBOUND)\n"
        "def test_b():\n    pass\n",
        encoding="utf-8",
    )
    index = scan_tests([tmp_path], tmp_path)
    assert [(r.ref, r.items) for r in index.refs] == [
        ("NM06-LESS-09", ("Health check passed", "Canary test completed"))
    ]
    assert [p.line for p in index.problems] == [9]  # a name bound twice is not guessed


def test_a_mark_without_arguments_is_reported_not_dropped(tmp_path):
    (tmp_path / "test_bare.py").write_text(
        "import pytest\n"
        "EMPTY = ()\n"
        "@pytest.mark.lee_ref\n"
        "def test_a():\n    pass\n"
        "@pytest.mark.lee_ref(*EMPTY)\n"
        "def test_b():\n    pass\n",
        encoding="utf-8",
    )
    index = scan_tests([tmp_path], tmp_path)
    assert index.refs == ()
    assert [(p.line, p.fatal) for p in index.problems] == [(3, False), (6, False)]
    assert all("without arguments enforces nothing" in p.message for p in index.problems)


def test_a_file_too_deeply_nested_to_parse_is_one_fatal_problem(tmp_path):
    (tmp_path / "test_deep.py").write_text("x = " + "1+" * 200_000 + "1\n", encoding="utf-8")
    (tmp_path / "test_fine.py").write_text(
        "import pytest\n\n@pytest.mark.lee_ref('NM06-LESS-09')\ndef test_x():\n    pass\n",
        encoding="utf-8",
    )
    index = scan_tests([tmp_path], tmp_path)
    assert [(p.path, p.line, p.fatal) for p in index.problems] == [("test_deep.py", 1, True)]
    assert "too deeply nested" in index.problems[0].message
    assert [r.ref for r in index.refs] == ["NM06-LESS-09"]


def test_params_in_a_module_list_that_parametrize_names_are_found(tmp_path):
    (tmp_path / "test_cases.py").write_text(
        "import pytest\n"
        "CASES = [\n"
        "    pytest.param(1, id='one'),\n"
        "    pytest.param(2, marks=pytest.mark.lee_ref('NM06-LESS-09', 'Health check passed')),\n"
        "]\n"
        "REBOUND = [pytest.param(3, marks=pytest.mark.lee_ref('NM06-LESS-10'))]\n"
        "REBOUND = []\n"
        "@pytest.mark.parametrize('n', CASES)\n"
        "def test_a(n):\n    pass\n"
        "@pytest.mark.parametrize('n', REBOUND)\n"
        "def test_b(n):\n    pass\n",
        encoding="utf-8",
    )
    index = scan_tests([tmp_path], tmp_path)
    assert [(r.ref, r.items, r.line, r.nodeids, r.param) for r in index.refs] == [
        ("NM06-LESS-09", ("Health check passed",), 4, ("test_cases.py::test_a",), 1),
    ]
    assert index.problems == ()
