"""``--lee-html PATH`` on a real session (see ``html_project``): what the file holds.

The browser test (``test_html_browser.py``) checks how it renders; these read the text.
"""

from __future__ import annotations

import json
import re

import pytest
from html_project import Session, html_session


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    return html_session(tmp_path_factory)


def test_the_session_writes_one_report_with_every_section(session: Session) -> None:
    page = session.html.read_text(encoding="utf-8")
    for anchor in ("budgets", "contracts", "rehearsals", "package"):
        assert f"<section id='{anchor}'>" in page, anchor
    assert "could not be drawn" not in page
    assert not list(
        session.root.glob(".report.html.*.tmp")
    )  # written atomically, nothing left over


def test_the_report_is_self_contained(session: Session) -> None:
    page = session.html.read_text(encoding="utf-8")
    links = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert links <= {"http://www.w3.org/2000/svg"}, links  # the SVG namespace, never fetched
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=['\"](?!data:|#)", page)


def test_the_contract_matrix_shows_the_failing_key_with_its_message(session: Session) -> None:
    page = session.html.read_text(encoding="utf-8")
    row = re.search(
        r"<tr data-filter-item='contracts' data-status='fail' data-key='CACHE'>.*?</tr>", page
    )
    assert row is not None
    assert "unexpected keyword argument" in row.group(0)
    assert "data-status='ok' data-key='HTTP'" in page


def test_budgets_show_verdicts_runs_the_cold_start_the_import_tree_and_the_trend(
    session: Session,
) -> None:
    page = session.html.read_text(encoding="utf-8")
    verdicts = set(re.findall(r"data-filter-item='budgets' data-verdict='(\w+)'", page))
    assert {"over", "acceptable"} <= verdicts
    assert 'aria-label="cold start waterfall"' in page
    assert 'aria-label="import tree icicle"' in page
    assert "Cold-start advisor" in page and "estimate" in page
    assert 'aria-label="trend across saved baselines"' in page
    assert "ci-runner (x86_64, 2 CPUs)" in page  # the old baseline's record, in the tooltip


def test_rehearsals_show_each_deployment_and_where_production_pointed(session: Session) -> None:
    page = session.html.read_text(encoding="utf-8")
    outcomes = re.findall(r"data-filter-item='rehearsals' data-outcome='([\w ]+)'", page)
    assert outcomes == ["promoted", "rolled back"]
    assert page.count('aria-label="deployment timeline"') == 2
    assert 'aria-label="production alias over time"' in page
    assert "broken on purpose" in page


def test_the_package_lists_its_files_by_size(session: Session) -> None:
    page = session.html.read_text(encoding="utf-8")
    section = page[page.index("<section id='package'>") :]
    assert "gw.py" in section and "Largest files" in section


def test_the_terminal_summary_has_the_cold_start_advisor(session: Session) -> None:
    assert "cold-start advisor" in session.stdout
    assert re.search(r"\w+ via app: [\d.]+ ms, \d+ % of import", session.stdout), session.stdout


def test_the_json_keeps_its_shapes_and_gains_the_import_chains(session: Session) -> None:
    document = json.loads(session.json.read_text(encoding="utf-8"))
    assert {"budgets", "contracts", "deploy_groups", "rehearsals"} <= set(document)
    detail = document["budget_measurement"][0]
    chain = detail["import_chains"][0]
    assert chain["estimate"] is True and chain["importers"] == ["app"]
    assert detail["import_tree"][0]["module"] == "import"
    assert document["package"][0]["file_sizes"][0][1] >= document["package"][0]["file_sizes"][-1][1]


def test_the_report_is_written_once_by_the_controller_under_xdist(
    pytester: pytest.Pytester,
) -> None:
    from lee_helpers import CORE_LEAVES, contract_project

    contract_project(pytester, CORE_LEAVES)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "-k", "contract", "--lee-html", "out/report.html"
    )
    result.assert_outcomes(passed=2)
    page = (pytester.path / "out" / "report.html").read_text(encoding="utf-8")
    assert "data-key='CACHE'" in page and "data-key='HTTP'" in page  # both workers' keys
    assert [path.name for path in (pytester.path / "out").iterdir()] == ["report.html"]
