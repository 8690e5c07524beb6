"""The glob rules README's Packages section promises for required, exclude and omit."""

from __future__ import annotations

import pytest

from pytest_lee.package._glob import match_path
from pytest_lee.package.excludes import Excludes


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("gateway_core.py", "gateway*.py", True),
        ("gateway/core.py", "gateway*.py", False),  # * stays inside one segment
        ("lib/a/b.py", "lib/**", True),
        ("lib/a/b.py", "**/b.py", True),
        ("b.py", "**/b.py", True),  # **/ also matches no directory
        ("lib/b.py", "lib/**/b.py", True),
        ("interface_cache.py", "interface_?ache.py", True),
        ("interface_cache.py", "interface_[ch]ache.py", True),
        ("interface_cache.py", "interface_[!c]ache.py", False),
        ("Gateway.py", "gateway.py", False),  # case-sensitive, as Lambda's file system
        ("a+b(1).py", "a+b(1).py", True),  # regex characters are literal
    ],
)
def test_match_path(path: str, pattern: str, expected: bool):
    assert match_path(path, pattern) is expected


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("docs/guide.md", "*.md", True),  # no slash: any segment, any depth
        ("tests/test_a.py", "tests", True),
        ("src/tests/test_a.py", "tests", True),
        ("tests/test_a.py", "tests/", True),
        ("src/tests/test_a.py", "tests/**", False),  # with a slash: from the source root
        ("tests/unit/test_a.py", "tests/**", True),
        ("tests/unit/test_a.py", "tests/unit", True),  # a directory pattern covers its files
        ("testsuite.py", "tests", False),
    ],
)
def test_exclude_patterns(path: str, pattern: str, expected: bool):
    # The build's own Excludes, not a twin of it (a twin that drifted would pass alone).
    assert Excludes((pattern,)).excluded(path) is expected
