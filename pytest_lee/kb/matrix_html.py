"""The HTML matrix: one self-contained file (inline CSS and a few lines of JS, no network).

A person opens it from a CI artifact: the coverage line on top, status filters (counts in
the labels), a text filter, one table per knowledge-base file, each test linked to its
file and line.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from pytest_lee.kb.trace import STATUSES, Matrix, Row, TestLink

__all__ = ["render_html"]

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lee-kb traceability matrix</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1f2328; }}
h1 {{ font-size: 1.4rem; margin: 0 0 .4rem; }}
h2 {{ font-size: 1.05rem; margin: 1.6rem 0 .4rem; font-family: ui-monospace, monospace; }}
.coverage {{ font-weight: 600; margin-bottom: 1rem; }}
.filters {{ display: flex; flex-wrap: wrap; gap: .6rem 1.2rem; align-items: center; margin-bottom: 1rem; }}
.filters input[type=search] {{ padding: .25rem .5rem; min-width: 16rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #f6f8fa; }}
td.line {{ font-family: ui-monospace, monospace; white-space: nowrap; }}
.ref {{ font-weight: 600; }}
.where {{ color: #59636e; }}
.badge {{ display: inline-block; border-radius: 1rem; padding: 0 .55rem; font-size: 12px; white-space: nowrap; }}
.s-enforced {{ background: #dafbe1; }} .s-waived {{ background: #eaeef2; }}
.s-failed {{ background: #ffebe9; }} .s-skipped {{ background: #fff8c5; }}
.s-not-run {{ background: #fff1e5; }} .s-unenforced {{ background: #ffcecb; }}
.bar {{ display: flex; height: .6rem; border-radius: .3rem; overflow: hidden; margin-bottom: 1rem; background: #eaeef2; }}
.bar span {{ display: block; height: 100%; }}
.bar .s-enforced {{ background: #2da44e; }} .bar .s-waived {{ background: #afb8c1; }}
.bar .s-failed {{ background: #cf222e; }} .bar .s-skipped {{ background: #d4a72c; }}
.bar .s-not-run {{ background: #fb8f44; }} .bar .s-unenforced {{ background: #a40e26; }}
.tests a {{ font-family: ui-monospace, monospace; font-size: 12px; }}
.outcome {{ font-size: 12px; color: #59636e; }}
.waiver {{ font-style: italic; color: #59636e; }}
</style>
</head>
<body>
<h1>Traceability matrix</h1>
<p class="coverage">{coverage}</p>
<div class="bar" role="img" aria-label="{coverage}">{bar}</div>
<div class="filters">
<strong>Show:</strong>
{filters}
<input type="search" id="q" placeholder="filter by text (ID, item, test)" aria-label="filter by text">
</div>
{tables}
<script>
(function () {{
  var boxes = document.querySelectorAll('.filters input[type=checkbox]');
  var query = document.getElementById('q');
  function apply() {{
    var shown = {{}};
    boxes.forEach(function (box) {{ shown[box.value] = box.checked; }});
    var q = query.value.trim().toLowerCase();
    document.querySelectorAll('tr[data-status]').forEach(function (row) {{
      var ok = shown[row.dataset.status] && (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.hidden = !ok;
    }});
    document.querySelectorAll('section').forEach(function (part) {{
      part.hidden = !part.querySelector('tr[data-status]:not([hidden])');
    }});
  }}
  boxes.forEach(function (box) {{ box.addEventListener('change', apply); }});
  query.addEventListener('input', apply);
}})();
</script>
</body>
</html>
"""


def render_html(matrix: Matrix, *, link: Callable[[TestLink], str]) -> str:
    """The page; *link* turns a test into the href of its file and line."""
    filters = "\n".join(
        f'<label><input type="checkbox" value="{escape(status)}" checked> '
        f'<span class="badge s-{_slug(status)}">{escape(status)}</span> ({matrix.count(status)})</label>'
        for status in STATUSES
    )
    by_path: dict[str, list[Row]] = {}
    for row in matrix.rows:
        by_path.setdefault(row.path, []).append(row)
    tables = (
        "\n".join(_table(path, rows, link) for path, rows in by_path.items())
        or "<p>No REF or checklist item found.</p>"
    )
    total = len(matrix.rows) or 1
    bar = "".join(
        f'<span class="s-{_slug(status)}" style="width: {100 * matrix.count(status) / total:.2f}%" '
        f'title="{matrix.count(status)} {escape(status)}"></span>'
        for status in STATUSES
        if matrix.count(status)
    )
    return _PAGE.format(
        coverage=escape(matrix.coverage_line()), bar=bar, filters=filters, tables=tables
    )


def _table(path: str, rows: list[Row], link: Callable[[TestLink], str]) -> str:
    body = "\n".join(_row(row, link) for row in rows)
    return (
        f"<section>\n<h2>{escape(path)}</h2>\n<table>\n"
        "<thead><tr><th>Status</th><th>Lesson / checklist item</th><th>Line</th><th>Tests or waiver</th></tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>\n</section>"
    )


def _row(row: Row, link: Callable[[TestLink], str]) -> str:
    if row.kind == "ref":
        label = "" if row.label == row.ref else f" {escape(row.label)}"
        what = f'<span class="ref">{escape(row.ref)}</span>{label}'
    else:
        where = f"{row.ref} › {row.section}" if row.section else row.ref
        what = f'<span class="where">{escape(where)} ›</span> {escape(row.label)}'
    cells = [
        f'<a href="{escape(link(test))}" title="{escape(test.path)}:{test.line}">{escape(test.nodeid)}</a>'
        + (f' <span class="outcome">{escape(test.outcome)}</span>' if test.outcome else "")
        for test in row.tests
    ]
    if row.status == "waived":
        cells.append(
            f'<span class="waiver">waived: {escape(row.waiver or "no reason given")}</span>'
        )
    return (
        f'<tr data-status="{escape(row.status)}"><td><span class="badge s-{_slug(row.status)}">{escape(row.status)}</span></td>'
        f'<td>{what}</td><td class="line">{row.line}</td><td class="tests">{"<br>".join(cells) or "—"}</td></tr>'
    )


def _slug(status: str) -> str:
    return status.replace(" ", "-")
