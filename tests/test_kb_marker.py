"""The plugin registers ``lee_ref``, so suites run with --strict-markers accept it."""

from __future__ import annotations


def test_strict_markers_accept_lee_ref(pytester):
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.lee_ref("NM06-LESS-10")

        @pytest.mark.lee_ref("NM06-LESS-09", "Health check passed")
        def test_enforced():
            pass
        """
    )
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(passed=1)


def test_strict_markers_still_reject_a_misspelt_marker(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.lee_rfe("NM06-LESS-09")
        def test_misspelt():
            pass
        """
    )
    result = pytester.runpytest("--strict-markers")
    result.stdout.fnmatch_lines(["*'lee_rfe' not found in `markers` configuration option*"])
    assert result.ret != 0


def test_markers_help_documents_lee_ref(pytester):
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.lee_ref(ref_id, *items)*"])
