"""Assemble the report: one function per section, in a table, wrapped in the page.

A section renderer takes ``(report, settings)`` and returns HTML ('' when it has nothing
to show). The table below is the one place the integrator adapts when a feature's
entries change. A renderer that raises costs its own section (a one-line notice in the
page), never the report nor the session.
"""

from __future__ import annotations

import datetime
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_lee._atomic import write_atomic
from pytest_lee.html.budgets import budgets_section
from pytest_lee.html.contracts import contracts_section
from pytest_lee.html.deploy import deploy_groups_section
from pytest_lee.html.page import SCRIPT, STYLE, TEMPLATE
from pytest_lee.html.rehearsals import package_section, rehearsals_section
from pytest_lee.html.summary import function_meta, summary_section
from pytest_lee.html.svg import e

Renderer = Callable[[Any, Any], str]

# (anchor, title, renderer, the report sections it reads: its count in the navigation)
SECTIONS: tuple[tuple[str, str, Renderer, str], ...] = (
    ("summary", "Summary", summary_section, "summary"),
    ("budgets", "Budgets", budgets_section, "budgets"),
    ("contracts", "Contracts", contracts_section, "contracts"),
    ("deploy-groups", "Deploy groups", deploy_groups_section, "deploy_groups"),
    ("rehearsals", "Rehearsals", rehearsals_section, "rehearsals"),
    ("package", "Package", package_section, "package"),
)


def render_html(report: Any, settings: Any, *, now: datetime.datetime | None = None) -> str:
    """The whole page as a string."""
    blocks, links = [], []
    for anchor, title, render, counted in SECTIONS:
        try:
            body = render(report, settings)
        except Exception as error:  # a renderer behind a changed entry shape
            body = f"<p class='error'>This section could not be drawn: {e(type(error).__name__)}: {e(error)}</p>"
        if not body:
            continue
        count = len(report.entries(counted)) if counted != "summary" else ""
        blocks.append(f"<section id='{anchor}'><h2>{e(title)}</h2>{body}</section>")
        links.append(f"<a href='#{anchor}'>{e(title)} <span class='n'>{count}</span></a>")
    if not blocks:
        blocks.append("<p>This session recorded no contracts, budgets, rehearsals or packages.</p>")
    return TEMPLATE.format(
        title=e(_title(settings)),
        meta=_meta(settings, report, now or datetime.datetime.now(datetime.timezone.utc)),
        nav="".join(links),
        sections="\n".join(blocks),
        style=STYLE,
        script=SCRIPT,
    )


def _title(settings: Any) -> str:
    function = getattr(settings, "function", None)
    name = getattr(function, "name", None)
    return f"pytest-lee report — {name}" if name else "pytest-lee report"


def _meta(settings: Any, report: Any, now: datetime.datetime) -> str:
    parts = [
        *function_meta(settings, report),
        now.isoformat(timespec="seconds"),
        f"pytest on Python {platform.python_version()}",
        f"{platform.node()} ({platform.machine()})",
    ]
    handler = getattr(settings, "handler", None)
    if handler:
        parts.append(f"handler {handler}")
    rootdir = getattr(settings, "rootdir", None)
    if rootdir is not None:
        parts.append(str(rootdir))
    return " · ".join(e(part) for part in parts)


def write_html_report(report: Any, settings: Any, path: Path) -> None:
    """Render and write atomically: a reader sees the previous report or the new one."""
    write_atomic(Path(path), render_html(report, settings))
