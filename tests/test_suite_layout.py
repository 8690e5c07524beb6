"""The suite's own rules: a test over ../shared says so, so the README's command stays fast
and a fresh clone (which has no ../shared) skips it with a reason instead of failing."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
HELPERS = {
    "conftest.py",
    "kb_damage.py",
    "lee_helpers.py",
    "test_suite_layout.py",
}  # no ../shared test


def _reads_shared(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Constant) and node.value == "shared" for node in ast.walk(tree)
    ) or any(
        isinstance(node, ast.ImportFrom)
        and node.module == "kb_damage"
        and any(alias.name in {"SEED", "CLEAN", "CORPUS", "SHARED"} for alias in node.names)
        for node in ast.walk(tree)
    )


def _marked_realworld(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Attribute) and node.attr == "realworld" for node in ast.walk(tree)
    )


def test_every_test_module_over_shared_material_carries_the_realworld_marker() -> None:
    unmarked = []
    for path in sorted([*TESTS.glob("test_*.py"), *TESTS.parent.glob("examples/tests/test_*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.name not in HELPERS and _reads_shared(tree) and not _marked_realworld(tree):
            unmarked.append(path.name)
    assert unmarked == []


def test_every_test_file_is_mapped_in_the_tests_readme() -> None:
    """tests/README.md is the newcomer's map: one line per test file, none stale."""
    import re

    mapped = set(re.findall(r"^\| `(test_\w+\.py)` \|", (TESTS / "README.md").read_text(), re.M))
    present = {path.name for path in TESTS.glob("test_*.py")}
    assert (sorted(present - mapped), sorted(mapped - present)) == ([], [])
