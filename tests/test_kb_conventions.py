"""The knowledge base as its authors write it: every checklist shape in every container,
every ID form, related sections by meaning, routes as written, statistics counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_lee.kb.document import parse_document
from pytest_lee.kb.ids import IdIndex, IdSyntax, RefId, parse_id
from pytest_lee.kb.model import Document


def _parse(text: str, name: str = "NM06-LESSONS-x.md", **options) -> Document:
    return parse_document(text, path=Path(name), **options)


def _items(document: Document) -> list[tuple[str, str, int]]:
    found = [(i.shape, i.text, i.line) for c in document.checklists for i in c.items]
    return sorted(found, key=lambda item: item[2])


CHECKLISTS = """\
# Checklists

- [ ] task in a list
- [x] task done
9. [ ] numbered task
[ ] bare box on its own line
- ✅ check mark in a list
✅ check mark as a paragraph line
✓ tick as a paragraph line
âœ… damaged check mark still a mark

```
- [ ] task in a plain fence
- ✅ mark in a plain fence
✅ bare mark in a plain fence
[ ] bare box in a plain fence
```

| Step | Done |
| --- | --- |
| Deploy the package | ⬜ |
| Check the alias | ✅ |
| Status report | ✅ Complete |

When to regenerate: ✅ public release (an icon in a sentence)
✅ Use it when:
✅ INSTEAD: use get_manager()
✅ **CORRECT:**
- ❌ a don't, not an item

```python
# ✅ code is never a checklist
- [ ] nor this
```
"""


def test_every_checklist_shape_in_every_container_and_icons_are_not_items():
    assert _items(_parse(CHECKLISTS)) == [
        ("task", "task in a list", 3),
        ("task", "task done", 4),
        ("numbered", "numbered task", 5),
        ("bare", "bare box on its own line", 6),
        ("list", "check mark in a list", 7),
        ("block", "check mark as a paragraph line", 8),
        ("block", "tick as a paragraph line", 9),
        ("block", "damaged check mark still a mark", 10),
        ("task", "task in a plain fence", 13),
        ("list", "mark in a plain fence", 14),
        ("block", "bare mark in a plain fence", 15),
        ("bare", "bare box in a plain fence", 16),
        ("table", "Deploy the package", 21),
        ("table", "Check the alias", 22),
    ]


def test_table_boxes_say_whether_the_item_is_checked():
    document = _parse(CHECKLISTS)
    table = {i.text: i.checked for c in document.checklists for i in c.items if i.shape == "table"}
    assert table == {"Deploy the package": False, "Check the alias": True}


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("NM06-LESS-09", RefId("NM06", "LESS", "09")),
        ("LANG-PY-02", RefId(None, "LANG-PY", "02")),
        ("NMP01-LEE-02", RefId("NMP01", "LEE", "02")),
        ("NM02-CACHE-DEP", RefId("NM02", "CACHE-DEP", "")),
        ("ARCH-DD", RefId(None, "ARCH-DD", "")),
        ("CORE-078", RefId(None, "CORE", "078")),
    ],
)
def test_every_id_form_of_the_corpus_is_a_valid_id(text, ref):
    syntax = IdSyntax()
    assert syntax.parse(text) == ref
    assert syntax.valid(text)


@pytest.mark.parametrize(
    "text", ["NM06-LESS-XX", "NM06-LESS-[NEW]", "NM06-LESS-9", "[PROJECT]-LESS-[NN]"]
)
def test_placeholders_are_not_valid_ids(text):
    assert not IdSyntax().valid(text)


def test_an_entrys_id_field_declares_and_a_field_naming_several_ids_cites():
    text = (
        "# NMP01-LEE-02: CACHE function catalog\n\n"
        "## Issue 1\n\n**REF:** BUG-01, LESS-08\n\n"
        "## Combined\n\n**REF:** NMP01-LEE-03 (combined with LEE-04)\n\n"
        "## Newest layout\n\n**REF-ID:** DEC-17\n"
    )
    document = _parse(text, "NMP01-LEE-02_Catalog.md")
    assert [(e.key, e.line, [a.full for a in e.aliases]) for e in document.entries] == [
        ("NMP01-LEE-02", 1, []),
        ("NMP01-LEE-03", 9, ["NMP01-LEE-04"]),
        ("NMP01-DEC-17", 13, []),
    ]
    assert [(m.written, m.line, m.context) for m in document.mentions] == [
        ("BUG-01", 5, "ref"),
        ("LESS-08", 5, "ref"),
    ]


def test_an_id_without_a_number_is_declared_by_field_and_by_the_heading_of_its_file():
    by_field = _parse("# Deps\n\n## CACHE\n\n**REF:** NM02-CACHE-DEP\n", "NM02-CORE-Deps.md")
    by_heading = _parse("# CACHE-DEP: CACHE deep dive\n", "NM02-Dependencies_CACHE-DEP.md")
    title = _parse("# NM06-LESSONS: Deployment\n", "NM06-LESSONS-Deployment.md")
    assert [e.key for e in by_field.entries] == ["NM02-CACHE-DEP"]
    assert [e.key for e in by_heading.entries] == ["NM02-CACHE-DEP"]
    assert title.entries == ()


def test_declare_fields_and_id_pattern_are_configurable():
    text = "# Notes\n\n## Backups\n\n**ID:** KB-0012\n\n## Other\n\n**REF:** NM06-LESS-09\n"
    document = _parse(
        text,
        "notes.md",
        syntax=IdSyntax(r"^KB-\d{4}$"),
        declare_fields=frozenset({"ID"}),
    )
    assert [(e.key, e.valid) for e in document.entries] == [("KB-0012", True)]


def test_a_file_repeating_its_own_id_in_a_footer_declares_it_once():
    text = "# ARCH-DD: Dispatch\n\n**REF-ID:** ARCH-DD\n\n## End\n\n**REF-ID:** ARCH-DD\n"
    document = _parse(text, "ARCH-DD: Dispatch Dictionary Pattern.md")
    assert [e.key for e in document.entries] == ["ARCH-DD"]


@pytest.mark.parametrize(
    "heading",
    [
        "## Related Topics",
        "## 🔗 RELATED PATTERNS",
        "### See also",
        "## 5. Related",
        "## Cross-References",
    ],
)
def test_related_sections_are_read_by_meaning(heading):
    document = _parse(f"# x\n\n{heading}\n\n- **LESS-09**: partial deployment\n")
    assert [m.written for m in document.mentions] == ["LESS-09"]


@pytest.mark.parametrize("heading", ["## Cross-Reference Accuracy", "## Summary"])
def test_sections_about_something_else_are_prose(heading):
    assert _parse(f"# x\n\n{heading}\n\n- **LESS-09**: partial deployment\n").mentions == ()


ROUTES = """\
# Index

**Items:** 9

### 1. DEC-04: No threading locks
**File:** `NM04/NM04-Decisions-Technical_DEC-04.md`

### ARCH-01 to ARCH-03: Core architecture
- **File:** `NEURAL MAP 01-Core.md`

### NM01 - Architecture
**Index:** `NM01/NM01-INDEX-Architecture.md`

- Server URLs → [the list](File%20Server%20URLs.md)
- Bug queries → NM06-BUGS-Critical Bugs Fixed.md (BUG-01)
- Check URL → if File-Server-URLs.md exists, use it
- Abbreviated → NM05/.../Implementation_AP-07.md

| Version | Changes |
| --- | --- |
| 1.1 | Created NM06-LESS-09.md from the old file |

| REF | File |
| --- | --- |
| LESS-10 | NM06-Lessons Operations LESS-10.md |
"""


def test_routes_from_numbered_and_range_headings_fields_links_and_file_name_tokens_only():
    document = _parse(ROUTES, "NM00-Index.md")
    routes = sorted(
        (route.line, route.kind, tuple(r.full for r in route.ids), route.target)
        for route in document.routes
    )
    assert routes == [
        (6, "file", ("DEC-04",), "NM04/NM04-Decisions-Technical_DEC-04.md"),
        (9, "file", ("ARCH-01", "ARCH-02", "ARCH-03"), "NEURAL MAP 01-Core.md"),
        (12, "field", (), "NM01/NM01-INDEX-Architecture.md"),
        (14, "arrow", (), "File Server URLs.md"),
        (15, "arrow", ("BUG-01",), "NM06-BUGS-Critical Bugs Fixed.md"),
        (25, "table", ("LESS-10",), "NM06-Lessons Operations LESS-10.md"),
    ]
    assert document.entries == ()  # routed headings declare nothing


def test_a_reference_ids_count_is_a_count_and_a_list_a_list():
    text = (
        "# x\n\n**FILE STATISTICS:**\n- Reference IDs: 20\n\n"
        "## Later\n\n**FILE STATISTICS:**\n- Reference IDs: NM06-LESS-01 to NM06-LESS-02\n"
    )
    first, second = _parse(text).stats
    assert ([(c.label, c.value) for c in first.counts], first.ids) == (
        [("Reference IDs", 20)],
        None,
    )
    assert [r.full for r in second.ids or ()] == ["NM06-LESS-01", "NM06-LESS-02"]


def _index(*fulls: str) -> IdIndex:
    return IdIndex.build(
        __import__("pytest_lee.kb.ids", fromlist=["Declaration"]).Declaration(
            parse_id(full, named=True), "x.md", 1
        )
        for full in fulls
    )


def test_a_short_id_resolves_to_the_family_that_is_home_to_its_kind():
    index = _index(*(f"NM06-LESS-{n:02d}" for n in range(1, 10)), "NMP01-LESS-02")
    assert index.resolve("LESS-02", context_family="NM05").full == "NM06-LESS-02"
    assert index.resolve("LESS-02", context_family="NMP01").full == "NMP01-LESS-02"


def test_the_last_part_of_a_kind_names_it_too():
    assert _index("LANG-PY-05").resolve("PY-05").full == "LANG-PY-05"
