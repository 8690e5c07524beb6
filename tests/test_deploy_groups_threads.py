"""Mixed trees are read on a thread pool: their ``ast.parse`` calls must not overlap.

CPython 3.11 keeps the AST converter's recursion depth per interpreter, so two parses
interleaved (a garbage collection running a finalizer is enough to switch threads)
fail with ``SystemError: AST constructor recursion depth mismatch`` — seen in the suite
under load as a failed deploy-groups item.
"""

from __future__ import annotations

import ast
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pytest_lee import _parse
from pytest_lee.deploy_groups import hazards


def test_module_facts_never_parse_two_sources_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    inside, most = 0, 0
    count = threading.Lock()
    real_parse = ast.parse

    def parse(source: bytes, **options: object) -> ast.Module:
        nonlocal inside, most
        with count:
            inside += 1
            most = max(most, inside)
        time.sleep(0.005)  # hand the GIL to the other threads, as a finalizer can
        try:
            return real_parse(source, **options)  # type: ignore[call-overload,no-any-return]
        finally:
            with count:
                inside -= 1

    class OnlyParseWatched:  # the real ast module, with parse counted (pytest needs the real one)
        def __getattr__(self, name: str) -> object:
            return parse if name == "parse" else getattr(ast, name)

    monkeypatch.setattr(_parse, "ast", OnlyParseWatched())  # every parse goes through _parse
    monkeypatch.setattr(hazards, "_FACTS", {})
    sources = [f"import os\nVALUE_{n} = os.sep\n".encode() for n in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        read = list(pool.map(lambda n: hazards.facts(f"m{n}", sources[n]), range(8)))
    assert [sorted(facts.defined) for facts in read] == [[f"VALUE_{n}", "os"] for n in range(8)]
    assert most == 1


# Modules that call ``ast.parse`` themselves: only what never runs on a thread pool.
_OWN_PARSES = {
    "_parse.py": "the lock itself",
    "_docs.py": "reads pytest-lee's own source to generate docs/, in one thread",
    "kb/tests_index.py": "lee-kb reads test files in one thread (kb/ may not import _parse)",
}


def test_every_parse_in_pytest_lee_goes_through_the_lock() -> None:
    """The behavioural test above watches one module; this one finds a parse that bypasses
    ``_parse`` anywhere (the package verifier did, and builds run beside the simulation)."""
    package = Path(_parse.__file__).parent
    bypasses = []
    for path in sorted(package.rglob("*.py")):
        name = str(path.relative_to(package))
        if name in _OWN_PARSES:
            continue
        for node in ast.walk(ast.parse(path.read_bytes(), name)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "parse"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "ast"
            ):
                bypasses.append(f"{name}:{node.lineno}")
    assert bypasses == []
