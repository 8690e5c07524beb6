"""Generate the reference tables of ``docs/`` from the code, so the two cannot drift.

Each table lives in a page between two comments::

    <!-- generated: options -->
    ...rewritten by this module...
    <!-- end generated -->

and is rendered from what the code holds: the ``--lee-*`` options from
:data:`pytest_lee.options.OPTIONS` (the help ``pytest --help`` shows), the ``[tool.lee]``
keys from their one declaration (:mod:`pytest_lee.settings_keys`, rendered by
:mod:`pytest_lee._docs_keys`), the lee-kb rules from :data:`pytest_lee.kb.rules.RULES`
(whatever rules the registry holds), the markers from ``plugin.MARKER_*`` and the fixtures
from ``plugin.py``'s ``@pytest.fixture`` functions. Text outside the markers is never
touched, so hand-written sections around a table merge freely.

    python -m pytest_lee._docs [--check] [DOCS_DIR]

rewrites the pages (``--check``: writes nothing, exits 1 naming the pages that drifted).
``tests/test_docs_reference.py`` runs the check. Never imported by the plugin.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path

from pytest_lee._atomic import write_atomic
from pytest_lee._docs_keys import UNDOCUMENTED, render_keys, table, undocumented_keys

__all__ = ["BLOCKS", "check", "render_pages", "undocumented_keys", "update"]

UPDATE_COMMAND = "python -m pytest_lee._docs"
DEFAULT_DOCS = Path(__file__).resolve().parents[1] / "docs"
_BLOCK = re.compile(
    r"(?P<open><!-- generated: (?P<name>[a-z0-9-]+) -->\n)(?P<body>.*?)(?P<close><!-- end generated -->)",
    re.DOTALL,
)
_NOTICE = f"<!-- rendered from the code by `{UPDATE_COMMAND}`: edit the code, not this table -->\n"


def render_options() -> str:
    from pytest_lee.options import OPTIONS

    values = {
        "flag": "none (a flag)",
        "float": "number ≥ 0",
        "path": "file to write (relative to where pytest runs)",
        "name": "letters, digits, `.`, `_`, `-`",
        "text": "text",
    }
    rows = []
    for option in OPTIONS:
        usage = (
            f"`{option.flag}`" if option.metavar is None else f"`{option.flag} {option.metavar}`"
        )
        value = " or ".join(f"`{choice}`" for choice in option.choices)
        if option.kind == "int":
            value = "whole number, {}–{}".format(*option.bounds)
        rows.append((usage, value or values.get(option.kind, option.kind), option.help))
    return table(("option", "value", "what it does"), rows)


def render_rules() -> str:
    from pytest_lee.kb.rules import RULES

    rows = [(f"`{rule.name}`", rule.severity, rule.summary) for rule in RULES]
    return table(("rule", "default severity", "what it reports"), rows)


def render_markers() -> str:
    from pytest_lee import plugin

    rows = []
    for name, value in sorted(vars(plugin).items()):
        if name.startswith("MARKER_") and isinstance(value, str):
            signature, _, meaning = value.partition(": ")
            rows.append((f"`@pytest.mark.{signature}`", meaning))
    return table(("marker", "what it does"), rows)


def render_fixtures() -> str:
    from pytest_lee import plugin

    source = Path(inspect.getfile(plugin)).read_text(encoding="utf-8")
    rows = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and _fixture_scope(node) is not None:
            doc = (ast.get_docstring(node) or "").split("\n\n")[0]
            rows.append((f"`{node.name}`", _fixture_scope(node) or "", doc))
    return table(("fixture", "scope", "what it gives"), rows)


def _fixture_scope(node: ast.FunctionDef) -> str | None:
    """``function``/``session``/… when *node* is decorated with ``pytest.fixture``."""
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call is not None else decorator
        if ast.unparse(target) not in ("pytest.fixture", "fixture"):
            continue
        for keyword in call.keywords if call is not None else ():
            if keyword.arg == "scope" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
        return "function"
    return None


BLOCKS: dict[str, Callable[[], str]] = {
    "options": render_options,
    "keys": render_keys,
    "rules": render_rules,
    "markers": render_markers,
    "fixtures": render_fixtures,
}


def render_pages(docs: Path) -> dict[Path, str]:
    """Every page of *docs* that holds a generated block, as it should read."""
    rendered = {name: _NOTICE + render() for name, render in BLOCKS.items()}
    pages = {}
    for page in sorted(docs.glob("*.md")):
        text = page.read_text(encoding="utf-8")

        def fill(match: re.Match[str], page: Path = page) -> str:
            name = match["name"]
            if name not in rendered:
                raise RuntimeError(
                    f"{page}: unknown generated block {name!r} (known: {', '.join(BLOCKS)})"
                )
            return match["open"] + rendered[name] + match["close"]

        if _BLOCK.search(text):
            pages[page] = _BLOCK.sub(fill, text)
    missing = set(BLOCKS) - {m["name"] for text in pages.values() for m in _BLOCK.finditer(text)}
    if missing:
        raise RuntimeError(
            f"{docs}: no page holds the generated block(s) {', '.join(sorted(missing))}"
        )
    return pages


def check(docs: Path = DEFAULT_DOCS) -> list[Path]:
    """The pages whose generated tables differ from what the code renders now."""
    return [
        page
        for page, text in render_pages(docs).items()
        if page.read_text(encoding="utf-8") != text
    ]


def update(docs: Path = DEFAULT_DOCS) -> list[Path]:
    """Rewrite the pages that drifted (atomically); return them."""
    changed = []
    for page, text in render_pages(docs).items():
        if page.read_text(encoding="utf-8") != text:
            write_atomic(page, text)
            changed.append(page)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=UPDATE_COMMAND, description="Generate the reference tables of docs/ from the code."
    )
    parser.add_argument("docs", nargs="?", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on drift")
    args = parser.parse_args(argv)
    try:
        pages = check(args.docs) if args.check else update(args.docs)
    except (OSError, RuntimeError) as error:
        print(f"{UPDATE_COMMAND}: {error}", file=sys.stderr)
        return 2
    for key in undocumented_keys():
        print(
            f"{key}: {UNDOCUMENTED} (give its row in pytest_lee/settings_keys.py a help text)",
            file=sys.stderr,
        )
    verb = "out of date" if args.check else "updated"
    for page in pages:
        print(f"{page}: {verb}")
    return 1 if args.check and pages else 0


if __name__ == "__main__":
    sys.exit(main())
