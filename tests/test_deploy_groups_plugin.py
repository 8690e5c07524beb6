"""``--lee-baseline`` end to end on small trees that reproduce the real change sets' patterns.

v1 → v2 of the test engine plus a handler:

- an operation renamed in a router (``iface_cache.py``: ``get`` → ``lookup``) and in its
  wrapper (``wrappers.py``): neither ships alone;
- ``lambda_handler`` of ``lambda_failsafe.py`` renamed, its caller ``lambda_function.py``
  changed with it: a group, though no registry reaches them;
- ``http_core.py``: a docstring, safe alone.
"""

from __future__ import annotations

import json

import pytest
from lee_helpers import CORE_LEAVES, copy_engine, write_tree

FUNCTION = (
    "import wrappers\n\n\n"
    "def lambda_handler(event, context):\n"
    "    import lambda_failsafe\n"
    "    return lambda_failsafe.{name}(event, context)\n"
)
FAILSAFE = "def {name}(event, context):\n    return {{}}\n"
V2 = {
    "iface_cache.py": [('"get": lambda', '"lookup": lambda')],
    "wrappers.py": [('dispatch(Iface.CACHE, "get"', 'dispatch(Iface.CACHE, "lookup"')],
    "http_core.py": [("def ping_impl(", "# v2\ndef ping_impl(")],
}


def project(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        f'[tool.lee]\nsource = "engine"\nhandler = "lambda_function.lambda_handler"\n{CORE_LEAVES}'
    )
    v1 = copy_engine(pytester.path / "v1" / "engine")
    write_tree(
        v1,
        {
            "lambda_function.py": FUNCTION.format(name="lambda_handler"),
            "lambda_failsafe.py": FAILSAFE.format(name="lambda_handler"),
        },
    )
    v2 = copy_engine(pytester.path / "engine", V2)
    write_tree(
        v2,
        {
            "lambda_function.py": FUNCTION.format(name="failsafe_handler"),
            "lambda_failsafe.py": FAILSAFE.format(name="failsafe_handler"),
        },
    )


def test_renames_across_two_files_are_groups_and_the_rest_ships_alone(
    pytester: pytest.Pytester,
) -> None:
    project(pytester)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-k", "deploy", "--lee-baseline", "v1", "--lee-json", "out.json"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "must deploy together: iface_cache.py + wrappers.py",
            "must deploy together: lambda_failsafe.py + lambda_function.py",
            "  because lambda_failsafe.py alone: *lambda_function.py:6 uses `lambda_failsafe.lambda_handler`*",
            "safe alone: http_core.py",
        ]
    )
    report = json.loads((pytester.path / "out.json").read_text())
    assert report["deploy_groups"] == [
        ["iface_cache.py", "wrappers.py"],
        ["lambda_failsafe.py", "lambda_function.py"],
    ]
    entry = report["baseline"][0]
    assert entry["safe_alone_checks"]["http_core.py"].startswith("checked: baseline + this file")
    ties = entry["group_reasons"][0]["ties"]
    assert ties[0]["file"] == "iface_cache.py" and "'get'" in ties[0]["call"]
    assert entry["new_version_failures"] == []


def _registry_at_neither_end(pytester: pytest.Pytester) -> None:
    """A project whose contract registry exists in neither the baseline nor the new tree."""
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "src"\n\n[[tool.lee.contract]]\nregistry = "gateway_core:ROUTERS"\n'
    )
    write_tree(pytester.path / "src", {"app.py": "x = 1\n"})
    write_tree(pytester.path / "old" / "src", {"app.py": "x = 0\n"})


def test_require_compatible_with_a_registry_at_neither_end_is_a_usage_error(
    pytester: pytest.Pytester,
) -> None:
    _registry_at_neither_end(pytester)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--lee-baseline", "old", "--lee-require-compatible"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --lee-require-compatible: registry gateway_core:ROUTERS exists neither in *"]
    )


def test_a_registry_at_neither_end_is_not_judged_rather_than_safe(
    pytester: pytest.Pytester,
) -> None:
    _registry_at_neither_end(pytester)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-k", "deploy", "--lee-baseline", "old"
    )
    result.stdout.fnmatch_lines(
        ["not judged: contract gateway_core:ROUTERS loads at neither end, none of its calls*"]
    )
