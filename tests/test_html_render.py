"""Each section of the HTML report renders what is present, skips what it does not know,
and never fails the page: entries change shape as features grow (per-call-site contract
detail, deploy-group reasons under new keys, budget status codes, rehearsal layers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_lee.budgets.baselines import save_baseline
from pytest_lee.html import render_html, writer
from pytest_lee.html.rehearsals import alias_history
from pytest_lee.report import SessionReport
from pytest_lee.settings import Settings


def report_of(**sections: list) -> SessionReport:
    report = SessionReport()
    for name, entries in sections.items():
        for entry in entries:
            report.add(name, entry)
    return report


@pytest.mark.parametrize(
    "sections",
    [
        {"budgets": [{}], "budget_measurement": [{}]},
        {"budgets": [{"name": "cold_start_ms", "median": "n/a", "samples": [None, "x"]}]},
        {
            "budget_measurement": [
                {"cold_start_ms": 10, "phases": {"a_ms": None}, "import_tree": [{}]}
            ]
        },
        {"contracts": [{}, {"key": "CACHE"}, "not a dict"]},
        {"contracts": [{"registry": "r", "key": "K", "status": "fail", "call_sites": [{}, "x"]}]},
        {"deploy_groups": [[], ["a.py"], "nonsense"], "baseline": [{}]},
        {"deploy_group_reasons": [{"files": ["a.py"], "reason": "why"}, {"b.py": "because"}, 3]},
        {
            "safe_alone": [["c.py"], "d.py", {"file": "e.py"}],
            "new_tree_failures": [{"message": "boom"}],
        },
        {"rehearsals": [{}, {"steps": [{}, {"ms": "slow"}], "canary": {"weight": "a"}}]},
        {
            "rehearsals": [
                {"layers": [{"name": "deps"}], "alias_weights": {"2": "x"}, "alias_version": 1}
            ]
        },
        {"package": [{}, {"file_sizes": [["a", 1], ["b"], {"path": "c", "size": 2}, None]}]},
        {"some_future_section": [{"whatever": 1}]},
    ],
)
def test_a_section_renders_whatever_its_entries_hold(sections: dict, tmp_path: Path) -> None:
    page = render_html(report_of(**sections), Settings(rootdir=tmp_path))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "could not be drawn" not in page


def test_new_keys_are_drawn_when_present(tmp_path: Path) -> None:
    report = report_of(
        contracts=[
            {
                "registry": "gw:ROUTERS",
                "key": "CACHE",
                "status": "fail",
                "message": "m",
                "call_sites": [
                    {"file": "wrappers.py", "line": 7, "status": "fail", "message": "no timeout"},
                    {"file": "gateway.py", "line": 12, "status": "ok"},
                ],
            }
        ],
        deploy_groups=[["gateway_core.py", "interface_cache.py"]],
        deploy_group_reasons=[{"files": ["gateway_core.py"], "reason": "passes timeout="}],
        safe_alone=[["utils.py"]],
        new_tree_failures=[{"message": "HTTP still fails"}],
        budgets=[{"name": "cold_start_ms", "median": 5, "verdict": "target", "status": "E_COLD"}],
        budget_measurement=[
            {"cold_start_ms": 5, "import_ms": 3, "first_invoke_ms": 2, "cpu": "lambda"}
        ],
    )
    page = render_html(report, Settings(rootdir=tmp_path))
    assert "wrappers.py:7" in page and "gateway.py:12" in page and "no timeout" in page
    assert "passes timeout=" in page and "utils.py" in page and "HTTP still fails" in page
    assert "E_COLD" in page and "CPU model lambda" in page


def test_a_renderer_that_raises_costs_its_section_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(report, settings):
        raise KeyError("verdict")

    monkeypatch.setattr(
        writer, "SECTIONS", (("budgets", "Budgets", broken, "budgets"), *writer.SECTIONS[1:])
    )
    report = report_of(budgets=[{}], rehearsals=[{"outcome": "promoted", "steps": []}])
    page = render_html(report, Settings(rootdir=tmp_path))
    assert "This section could not be drawn: KeyError: &#x27;verdict&#x27;" in page
    assert "<section id='rehearsals'>" in page


def test_text_from_entries_is_escaped(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>"
    report = report_of(
        contracts=[{"registry": evil, "key": evil, "status": "fail", "message": evil}],
        rehearsals=[{"reason": evil, "steps": [{"name": evil, "detail": evil, "ms": 1}]}],
    )
    page = render_html(report, Settings(rootdir=tmp_path))
    assert evil not in page and "&lt;script&gt;" in page


def test_saved_baselines_record_machine_python_commit_and_date(tmp_path: Path) -> None:
    path = save_baseline(
        Settings(rootdir=tmp_path), "main", [{"name": "cold_start_ms", "median": 1.0, "p95": 2.0}]
    )
    recorded = json.loads(path.read_text())["recorded"]
    assert set(recorded) == {"machine", "python", "commit", "date"}
    assert recorded["commit"] is None  # not a git repository
    assert recorded["date"].endswith("+00:00")


def test_the_alias_history_goes_before_canary_after_for_each_deployment() -> None:
    entries = [
        {"version": "1", "previous_version": None, "alias_version": "1"},
        {"version": "2", "previous_version": "1", "canary": {"weight": 0.1}, "alias_version": "2"},
        {"version": "3", "previous_version": "2", "alias_version": "2", "rolled_back": True},
    ]
    assert alias_history(entries) == [
        ("after v1", {"1": 1.0}),
        ("canary v2", {"1": 0.9, "2": 0.1}),
        ("after v2", {"2": 1.0}),
        ("after v3", {"2": 1.0}),
    ]
