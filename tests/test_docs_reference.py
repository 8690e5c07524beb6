"""The reference tables in docs/ are generated from the code and committed: they must not drift.

If a test here fails after you changed an option, a ``[tool.lee]`` key, a marker, a fixture
or a lint rule, run ``python -m pytest_lee._docs`` and commit the pages it rewrites.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pytest_lee import _docs, settings_keys
from pytest_lee.kb import rules

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
UPDATE = "run `python -m pytest_lee._docs` to update them, then commit the pages"


def test_the_committed_reference_tables_match_the_code():
    drifted = [str(page.relative_to(REPO)) for page in _docs.check(DOCS)]
    assert not drifted, f"generated tables out of date in {', '.join(drifted)}: {UPDATE}"


def test_every_key_the_parsers_accept_has_a_description():
    missing = _docs.undocumented_keys()
    assert not missing, (
        f"keys without a description: {', '.join(missing)}: add them to "
        f"their rows in pytest_lee/settings_keys.py, then {UPDATE}"
    )


def test_every_docs_page_is_in_the_nav_and_every_nav_entry_exists():
    nav = set(re.findall(r":\s*([\w-]+\.md)\s*$", (REPO / "mkdocs.yml").read_text(), re.M))
    pages = {page.name for page in DOCS.glob("*.md")}
    assert nav == pages


@pytest.fixture
def docs_copy(tmp_path):
    copy = tmp_path / "docs"
    shutil.copytree(DOCS, copy)
    return copy


def test_a_drifted_table_is_reported_then_rewritten_leaving_the_prose_alone(docs_copy):
    page = docs_copy / "configuration.md"
    text = page.read_text(encoding="utf-8")
    stale = text.replace("`--lee-budgets`", "`--lee-budget`", 1) + "\n## A section of my own\n"
    page.write_text(stale, encoding="utf-8")

    assert _docs.check(docs_copy) == [page]
    assert _docs.main(["--check", str(docs_copy)]) == 1
    assert _docs.update(docs_copy) == [page]
    assert page.read_text(encoding="utf-8") == text + "\n## A section of my own\n"
    assert _docs.main(["--check", str(docs_copy)]) == 0


def test_the_rule_table_holds_whatever_the_registry_holds(monkeypatch):
    new = rules.Rule("lesson-stale", "lesson_stale", "warning", "a lesson not reviewed in a year")
    monkeypatch.setattr(rules, "RULES", (*rules.RULES, new))
    table = _docs.render_rules()
    assert "| `lesson-stale` | warning | a lesson not reviewed in a year |" in table
    assert all(f"`{rule.name}`" in table for rule in rules.RULES)


def test_a_key_without_a_description_is_named(monkeypatch):
    row = settings_keys.Key("tool.lee.aws", "role", "string", None, "")
    monkeypatch.setattr(settings_keys, "KEYS", (*settings_keys.KEYS, row))
    assert _docs.undocumented_keys() == ["tool.lee.aws.role"]
    assert "| `role` | string | none | *not documented yet* |" in _docs.render_keys()


def test_an_unknown_or_missing_block_is_an_error(docs_copy, capsys):
    page = docs_copy / "outputs.md"
    page.write_text(page.read_text() + "<!-- generated: nonsense -->\n<!-- end generated -->\n")
    assert _docs.main([str(docs_copy)]) == 2
    assert "unknown generated block 'nonsense'" in capsys.readouterr().err

    page.write_text("# Outputs\n")
    config = docs_copy / "configuration.md"
    config.write_text(config.read_text().replace("<!-- generated: rules -->", ""))
    with pytest.raises(RuntimeError, match="no page holds the generated block"):
        _docs.check(docs_copy)
