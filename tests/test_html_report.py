"""``--lee-html PATH`` on a real session (see ``html_project``): what the file holds.

The browser test (``test_html_browser.py``) checks how it renders; these read the text.
"""

from __future__ import annotations

import json
import re

import pytest
from html_project import Session, html_session
from lee_helpers import write_tree


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    return html_session(tmp_path_factory)


def test_the_session_writes_one_report_with_every_section(session: Session) -> None:
    page = session.html.read_text(encoding="utf-8")
    for anchor in ("budgets", "contracts", "deploy-groups", "rehearsals", "package"):
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
    # the call site's file is a column; its line is the mark; its own message the tooltip
    assert "<th class='site'>wrappers.py</th>" in page
    mark = re.search(r"<span class='mark m-fail' title='([^']*)'>✗7</span>", row.group(0))
    assert mark is not None and "(call site wrappers.py:7)" in mark.group(1)
    assert "got an unexpected keyword argument &#x27;timeout&#x27;" in row.group(0)
    http = re.search(r"data-status='ok' data-key='HTTP'>.*?</tr>", page)
    assert http is not None and "2 ok" in http.group(0) and "bound to http_core" in http.group(0)


def test_deploy_groups_show_the_real_reasons_safe_files_and_the_new_versions_failures(
    session: Session,
) -> None:
    page = session.html.read_text(encoding="utf-8")
    section = page[
        page.index("<section id='deploy-groups'>") : page.index("<section id='rehearsals'>")
    ]
    entry = json.loads(session.json.read_text(encoding="utf-8"))["baseline"][0]
    assert entry["groups"] == [["http_core.py", "wrappers.py"]]
    assert "<code>http_core.py</code> + <code>wrappers.py</code>" in section
    assert "<code>http_core.py</code> alone breaks" in section
    assert "got an unexpected keyword argument &#x27;retries&#x27;" in section  # the tie's cause
    check = entry["safe_alone_checks"]["gw.py"]
    assert f"<code title='{check}'>gw.py</code>" in section.replace("&#x27;", "'")
    assert "Broken in the new version whatever ships (1)" in section
    assert "at wrappers.py:7" in section  # CACHE's failure, not blamed on cache_core.py
    assert "renamed `retries` → `attempts`" in section and "badge c-fail'>breaking" in section


def test_budgets_show_verdicts_runs_the_cold_start_the_import_tree_and_the_trend(
    session: Session,
) -> None:
    page = session.html.read_text(encoding="utf-8")
    verdicts = set(re.findall(r"data-filter-item='budgets' data-verdict='(\w+)'", page))
    assert {"over", "acceptable"} <= verdicts
    assert 'aria-label="cold start waterfall"' in page
    assert 'aria-label="import tree icicle"' in page
    assert "Cold-start advisor" in page and "estimate" in page
    assert 'aria-label="trend across saved runs"' in page
    assert "ci-runner (x86_64, 2 CPUs)" in page  # the old saved run's record, in the tooltip
    detail = json.loads(session.json.read_text(encoding="utf-8"))["budget_measurement"][0]
    ran = re.search(r"<p class='ran-under'>.*?</p>", page)
    assert ran is not None
    assert f"CPU <strong>{detail['cpu']}</strong>" in ran.group(0)
    assert f"memory limit <strong>{detail['memory_limit']}</strong>" in ran.group(0)
    assert page.count("<td class='cpu' title='host'>host</td>") == 2  # each time's CPU model
    assert page.count("<td class='cpu' title='host'>-</td>") == 1  # max_memory_mb: no model's


def test_rehearsals_show_each_deployment_and_where_production_pointed(session: Session) -> None:
    page = session.html.read_text(encoding="utf-8")
    outcomes = re.findall(r"data-filter-item='rehearsals' data-outcome='([\w ]+)'", page)
    assert outcomes == ["promoted", "rolled back"]
    assert page.count('aria-label="deployment timeline"') == 2
    assert 'aria-label="production alias over time"' in page
    assert "broken on purpose" in page
    health = re.findall(r"<p class='health'>(.*?)</p>", page)
    assert "passed" in health[0] and "statusCode <strong>200</strong>" in health[0]
    assert "failed" in health[1] and "RuntimeError: broken on purpose" in health[1]


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


def test_a_registry_loading_at_neither_end_is_shown_as_not_judged(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "src"\n\n[[tool.lee.contract]]\nregistry = "gateway_core:ROUTERS"\n'
    )
    write_tree(pytester.path / "src", {"app.py": "x = 1\n"})
    write_tree(pytester.path / "old" / "src", {"app.py": "x = 0\n"})
    pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--lee-baseline", "old", "--lee-html", "report.html"
    )
    page = (pytester.path / "report.html").read_text(encoding="utf-8")
    assert (
        "<p class='warn not-judged'>not judged: contract gateway_core:ROUTERS loads at neither end"
        in page
    )
    assert "Safe alone" not in page  # nothing is called safe when nothing was checked
    row = re.search(r"data-status='fail' data-key='\*'>.*?</tr>", page)
    assert row is not None and "gateway_core" in row.group(0)  # the registry's own failure
