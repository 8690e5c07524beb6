"""The document model: what the parser sees in each generation of the knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_lee.kb import document as document_module
from pytest_lee.kb.document import parse_document, read_document
from pytest_lee.kb.ids import RefId

CASES = Path(__file__).parent / "data" / "kb" / "cases"


def _parse(path: Path):
    return parse_document(path.read_text(encoding="utf-8"), path=path, display=path.name)


def test_a_combined_file_gives_each_entry_its_fields_on_their_own_lines():
    text = (
        "# NM06-LESSONS: Deployment\n"
        "\n"
        "## Lesson 9: Partial Deployment Danger\n"
        "\n"
        "**REF:** NM06-LESS-09  \n"
        "**PRIORITY:** 🟡 HIGH  \n"
        "**TAGS:** deployment, coordination  \n"
        "**KEYWORDS:** partial deployment, atomic deployment  \n"
        "**RELATED:** NM06-BUG-03, NM05-AP-28\n"
        "\n"
        "### The Incident\n"
        "\n"
        "## Lesson 10: Cold Start Monitoring\n"
        "\n"
        "**REF:** NM06-LESS-10\n"
    )
    document = parse_document(text, path=Path("NM06-LESSONS-Deployment.md"))
    first, second = document.entries
    assert (first.key, first.line, first.heading, first.heading_line, first.end_line) == (
        "NM06-LESS-09",
        5,
        "Lesson 9: Partial Deployment Danger",
        3,
        12,
    )
    assert first.priority == "🟡 HIGH"
    assert first.tags == ("deployment", "coordination")
    assert first.keywords == ("partial deployment", "atomic deployment")
    assert [(m.written, m.line, m.context) for m in first.related] == [
        ("NM06-BUG-03", 9, "related"),
        ("NM05-AP-28", 9, "related"),
    ]
    assert {f.name: f.line for f in first.fields} == {
        "REF": 5,
        "PRIORITY": 6,
        "TAGS": 7,
        "KEYWORDS": 8,
        "RELATED": 9,
    }
    assert (second.key, second.line) == ("NM06-LESS-10", 15)


def test_a_single_entry_file_declares_its_short_id_with_the_family_of_its_name():
    text = "# NM06-Lessons-Operations_LESS-09.md - LESS-09\n\n# LESS-09: Partial Deployment Danger\n\n## Summary\n"
    document = parse_document(text, path=Path("NM06-Lessons-Operations_LESS-09.md"))
    (entry,) = document.entries
    assert entry.ref == RefId("NM06", "LESS", "09")
    assert (entry.written, entry.line, entry.end_line) == ("LESS-09", 3, 6)


def test_a_combined_ref_declares_its_aliases():
    text = "# Title\n\n**REF:** NM06-LESS-34, LESS-38, LESS-42 (combined)\n"
    (entry,) = parse_document(text, path=Path("NM06-x.md")).entries
    assert entry.key == "NM06-LESS-34"
    assert [a.full for a in entry.aliases] == ["NM06-LESS-38", "NM06-LESS-42"]


def test_the_three_checklist_shapes_with_owners_sections_and_lines():
    document = _parse(CASES / "checklists" / "kb" / "NM06-LESSONS-Deployment_and_Operations.md")
    shapes = [
        (c.title, c.shape, c.owner, [(i.text, i.line, i.section, i.checked) for i in c.items])
        for c in document.checklists
    ]
    assert shapes == [
        (
            "3. Deployment Checklist",
            "task",
            "NM06-LESS-09",
            [
                ("All affected files identified", 14, "Pre-Deployment", False),
                ("Local tests passing", 15, "Pre-Deployment", True),
                ("Previous version ARN documented", 18, "Rollback Ready", False),
                ("Team notified of deployment", 19, "Rollback Ready", False),
            ],
        ),
        (
            "Post-deployment verification",
            "list",
            "NM06-LESS-10",
            [
                ("Cold start timing logged", 37, "Lesson 10: Cold Start Monitoring", None),
                ("Error rate monitored", 38, "Lesson 10: Cold Start Monitoring", None),
            ],
        ),
        (
            "Post-deployment verification",
            "task",
            "NM06-LESS-10",
            [
                ("Baselines written down", 45, "Lesson 10: Cold Start Monitoring", False),
            ],
        ),
        (
            "Checklist for Production Readiness",
            "block",
            None,
            [
                ("All affected files identified", 53, "Deployment", None),
                ("Rollback procedure documented", 54, "Deployment", None),
                ("Cold start timing logged", 57, "Monitoring", None),
            ],
        ),
    ]
    assert document.stem == "NM06-LESSONS-Deployment_and_Operations"


def test_cross_references_in_fenced_blocks_are_mentions_and_code_fences_are_not_read():
    text = (
        "# NM06-LESSONS: x\n\n## Cross-References\n\n### Related Bugs\n```\n"
        "NM06-BUG-01 → Sentinel leak (found via LESS-10 monitoring)\n```\n\n"
        "```python\nNM06-BUG-09 → never read\n```\n"
    )
    document = parse_document(text, path=Path("NM06-x.md"))
    assert [(m.written, m.line, m.context) for m in document.mentions] == [
        ("NM06-BUG-01", 7, "cross-reference"),
        ("LESS-10", 7, "cross-reference"),
    ]


def test_index_routes_of_both_generations_and_tables():
    v2 = _parse(CASES / "index_route" / "kb" / "v2" / "NM06-INDEX-Learned Experiences.md")
    routes = [
        (tuple(r.full for r in route.ids), route.target, route.line, route.kind)
        for route in v2.routes
    ]
    assert ((), "NM06-BUGS-Critical.md", 4, "arrow") in routes
    assert (("NM06-BUG-01",), "NM06-BUGS-Critical Bugs Fixed.md", 15, "arrow") in routes
    assert (("BUG-07",), "NM06-BUGS-Critical Bugs Fixed.md", 21, "arrow") in routes
    assert (("LESS-10",), "NM06-LESSONS-Deployment_and_Operations.md", 19, "arrow") in routes
    assert ((), "NM06-LESSONS-Gone.md", 10, "table") in routes
    v3 = _parse(CASES / "index_route" / "kb" / "v3" / "NM06-Lessons-Operations_Index.md")
    assert [
        (tuple(r.full for r in route.ids), route.target, route.line) for route in v3.routes
    ] == [
        (("LESS-09",), "NM06-Lessons-Operations_LESS-09.md", 8),
        (("LESS-10",), "NM06-Lessons-Operations_LESS-10.md", 12),
        (("LESS-27", "LESS-39"), "NM06-Lessons-Operations_LESS-27-39.md", 15),
    ]
    assert v3.entries == ()


def test_statistics_blocks_spell_out_ranges():
    document = _parse(CASES / "stats_mismatch" / "kb" / "NM06-BUGS-Critical.md")
    (block,) = document.stats
    assert [(c.label, c.value, c.line) for c in block.counts] == [("Bug Count", 4, 4)]
    assert [r.full for r in block.ids or ()] == [
        "NM06-BUG-01",
        "NM06-BUG-02",
        "NM06-BUG-03",
        "NM06-BUG-04",
    ]
    assert block.ids_line == 5


def test_an_unclosed_fence_is_recorded_and_everything_before_it_parsed():
    text = "# NM06-LESSONS: x\n\n**REF:** NM06-LESS-01\n\n```python\ndef f():\n    pass\n"
    document = parse_document(text, path=Path("NM06-x.md"))
    assert document.unclosed_fences == (5,)
    assert [e.key for e in document.entries] == ["NM06-LESS-01"]


def test_deeply_nested_lists_and_empty_text_parse_without_error():
    nested = "".join("  " * depth + "- [ ] level\n" for depth in range(300))
    document = parse_document(nested, path=Path("deep.md"))
    assert document.checklists  # items as deep as markdown-it nests them, no recursion error
    assert parse_document("", path=Path("empty.md")).entries == ()


def nested_fences(depth: int, item: str) -> str:
    opening = [
        f"{'`' * (depth + 3 - i)}markdown" for i in range(depth)
    ]  # each one backtick shorter
    closing = ["`" * (depth + 3 - i) for i in reversed(range(depth))]
    return "\n".join(["- [ ] outside", *opening, f"- [ ] {item}", *closing, ""])


def test_markdown_fences_nested_hundreds_deep_parse_without_error():
    document = parse_document(nested_fences(600, "too deep to read"), path=Path("fences.md"))
    assert [i.text for c in document.checklists for i in c.items] == ["outside"]
    document = parse_document(nested_fences(3, "three fences deep"), path=Path("fences.md"))
    assert [(i.text, i.line) for c in document.checklists for i in c.items] == [
        ("outside", 1),
        ("three fences deep", 5),
    ]


def test_directives_are_read_from_html_comments():
    text = "a <!-- lee-kb: disable=ref-format, related-unknown -->\n<!-- lee-kb: disable-file=mojibake -->\n- [ ] x <!-- lee-kb: waive: no test can -->\n"
    document = parse_document(text, path=Path("x.md"))
    assert [(d.kind, d.rules, d.reason, d.line) for d in document.directives] == [
        ("disable", ("ref-format", "related-unknown"), None, 1),
        ("disable-file", ("mojibake",), None, 2),
        ("waive", (), "no test can", 3),
    ]
    assert document.checklists[0].items[0].waiver == "no test can"


def test_fields_inside_a_markdown_fence_are_an_example_not_a_declaration():
    text = "# NM04-INDEX\n\n## Template\n\n```markdown\n### Decision: [Short Name]\n**REF:** NM04-DEC-##\n- [ ] Reviewed\n```\n"
    document = parse_document(text, path=Path("NM04-INDEX.md"))
    assert document.entries == ()
    assert [i.text for c in document.checklists for i in c.items] == ["Reviewed"]


def test_a_parse_that_recurses_too_deep_is_the_files_problem_not_a_traceback(tmp_path, monkeypatch):
    def recurse(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(document_module, "parse_document", recurse)
    (tmp_path / "NM06-deep.md").write_text("# x\n", encoding="utf-8")
    document = read_document(tmp_path / "NM06-deep.md", "NM06-deep.md")
    assert (document.problem, document.family) == (
        "too deeply nested to parse; flatten its nesting",
        "NM06",
    )


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_lines_are_the_same_whatever_the_line_endings(newline):
    text = (
        "# NM06 x\n\n## L\n**REF:** NM06-LESS-01\n**RELATED:** NM06-LESS-02\n\n"
        "```\nDeploy checklist:\n✅ Item one <!-- lee-kb: waive: people -->\n```\n\n- [ ] task\n"
    )

    def seen(document):
        return (
            [(e.key, e.line) for e in document.entries],
            [(m.written, m.line) for m in document.mentions],
            [(i.text, i.line, i.waiver) for c in document.checklists for i in c.items],
            document.unclosed_fences,
        )

    expected = seen(parse_document(text, path=Path("NM06-x.md")))
    assert expected[2] == [("Item one", 9, "people"), ("task", 12, None)]
    assert seen(parse_document(text.replace("\n", newline), path=Path("NM06-x.md"))) == expected
