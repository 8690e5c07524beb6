"""``--lee-html PATH``: one self-contained HTML report of the session (imported only then)."""

from __future__ import annotations

from pytest_lee.html.writer import render_html, write_html_report

__all__ = ["render_html", "write_html_report"]
