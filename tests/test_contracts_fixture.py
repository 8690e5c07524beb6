"""``lee_contract``: hand-written checks and the matrix, inside the user's own tests."""

from __future__ import annotations

import pytest
from lee_helpers import contract_project


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    contract_project(pytester)
    return pytester


def break_cache_core(pytester: pytest.Pytester) -> None:
    path = pytester.path / "engine" / "cache_core.py"
    path.write_text(
        path.read_text().replace("def get_impl(key, timeout=30):", "def get_impl(key):")
    )


def test_check_makes_exactly_the_call_it_is_given(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_one_call="""
        import sys

        def test_one_call(lee_contract):
            result = lee_contract.check("gw:ROUTERS", "CACHE", "get", key="k", timeout=5)
            assert result
            assert result.status == "ok"
            assert [probe.call for probe in result.probes] == ["gw.dispatch(Iface.CACHE, 'get', key='k', timeout=5)"]
            assert result.probes[0].reached[0].arguments == "timeout=5, key='k'"
            assert "cache_core" not in sys.modules and "gw" not in sys.modules

        def test_unknown_keyword(lee_contract):
            result = lee_contract.check("gw:ROUTERS", "HTTP", "fetch", url="u", verify=False)
            assert result.status == "fail"
            assert "Fix: add `verify` to `http_core.fetch_impl` or accept `**kwargs`." in result.message
        """
    )
    project.runpytest_inprocess("-p", "no:cacheprovider", "test_one_call.py").assert_outcomes(
        passed=2
    )
    assert not (project.path / "LEAF_RAN").exists()


def test_a_failing_check_explains_itself_in_the_assertion(project: pytest.Pytester) -> None:
    break_cache_core(project)
    project.makepyfile(
        test_incident="""
        import sys
        sys.path.insert(0, "engine")
        from gw import Iface

        def test_incident(lee_contract):
            assert lee_contract.check("gw:ROUTERS", Iface.CACHE)
        """
    )
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "test_incident.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: assert <contract gw:ROUTERS[[]CACHE[]] fail: gw.dispatch(Iface.CACHE, 'get', key=<str>) "
            "(call site wrappers.py:7) reached `cache_*Fix: add `timeout` to `cache_core.get_impl` or accept `**kwargs`.>",
        ]
    )


def test_matrix_lists_every_key_and_probe(project: pytest.Pytester) -> None:
    break_cache_core(project)
    project.makepyfile(
        test_matrix="""
        def test_matrix(lee_contract):
            rows = [(row.key, row.origin, row.status) for row in lee_contract.matrix()]
            assert rows == [
                ("CACHE", "[tool.lee.contract]", "ok"),
                ("CACHE", "wrappers.py:7", "fail"),
                ("HTTP", "[tool.lee.contract]", "ok"),
                ("HTTP", "wrappers.py:11", "ok"),
            ]
        """
    )
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "test_matrix.py")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*lee contracts*", "gw:ROUTERS  ✗ CACHE  ✓ HTTP"])


def test_an_unconfigured_registry_binds_its_handlers_directly(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_direct="""
        def test_direct(lee_contract):
            ok = lee_contract.check("gw:ROUTERS", "HTTP", "fetch", url="u")
            assert ok, ok
            missing = lee_contract.check("gw:NOPE", "HTTP", "fetch")
            assert missing.status == "fail"
            assert missing.message == "registry gw:NOPE: module 'gw' has no attribute 'NOPE'"
        """
    )
    project.makepyprojecttoml('[tool.lee]\nsource = "engine"\n')
    project.runpytest_inprocess("-p", "no:cacheprovider", "test_direct.py").assert_outcomes(
        passed=1
    )


def test_a_registry_that_is_not_module_colon_attribute_is_a_failed_result(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(
        test_malformed="""
        def test_malformed(lee_contract):
            result = lee_contract.check("ROUTERS", "HTTP", "fetch")
            assert not result and result.status == "fail"
            assert result.message == "registry 'ROUTERS': expected 'module:attribute'"
        """
    )
    project.runpytest_inprocess("-p", "no:cacheprovider", "test_malformed.py").assert_outcomes(
        passed=1
    )
