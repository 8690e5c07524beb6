"""Hostile knowledge-base markdown through lee-kb's public entry point (``main([...])``),
so the property holds whatever the document model inside becomes: any bytes give exit
0, 1 or 2 with a parseable JSON report, and lint writes nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_lee.kb.cli import main as lee_kb

FRAGMENTS = st.sampled_from(
    [
        "# NM06-LESSONS: Title\n",
        "## Lesson 9: Partial\n",
        "**REF:** NM06-LESS-09  \n",
        "**REF:** NM06-LESS-09\n",
        "**REF-ID:** NM06-LESS-10\n",
        "**RELATED:** NM06-LESS-09, NM06-BUG-03, NM99-XX-\n",
        "**FILE STATISTICS:**\n- Lesson Count: 2 deployment lessons\n",
        "- [ ] Health check passed\n",
        "- [x] Metrics baseline (cold start time acceptable)\n",
        "```python\nx = 1\n",
        "```\n",
        "````markdown\n```markdown\n",
        "<!-- lee-kb: disable=all -->\n",
        "<!-- lee-kb: disable-file=mojibake -->\n",
        '<!-- lee-kb: waive item="x" reason="" -->\n',
        "Ã©Ã¨ â€” âœ…\n",
        "\r\n",
        "\r",
        "\x00\x01\x7f",
        "\ufeff",
        "|a|b|\n|-|-|\n",
        "> " * 50 + "quote\n",
        "- " * 200 + "deep\n",
        "[" * 300 + "]" * 300 + "\n",
        "\n",
    ]
)
DOCUMENT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=30).map("".join)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    documents=st.lists(DOCUMENT, min_size=1, max_size=3),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
)
def test_any_markdown_lints_to_a_report_and_writes_nothing(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    documents,
    encoding,
):
    root = tmp_path_factory.mktemp("kb")
    (root / "pyproject.toml").write_text('[tool.lee.kb]\npaths = ["kb"]\ntests = ["tests"]\n')
    (root / "kb").mkdir()
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text(
        "import pytest\n\n@pytest.mark.lee_ref('NM06-LESS-09')\ndef test_x():\n    pass\n"
    )
    for number, text in enumerate(documents):
        (root / "kb" / f"doc{number}.md").write_bytes(text.encode(encoding, "replace"))
    before = _snapshot(root)
    capsys.readouterr()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        code = lee_kb(["lint", "--format", "json"])
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert code in (0, 1, 2)
    report = json.loads(out)
    assert set(report) >= {"findings", "summary"}
    assert all(
        {"rule", "severity", "path", "line", "message"} <= set(f) for f in report["findings"]
    )
    assert _snapshot(root) == before


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }
