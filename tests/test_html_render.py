"""Each section of the HTML report renders what is present, skips what it does not know,
and never fails the page (an entry of the wrong type costs its line, not the section);
the contract matrix and the deploy groups read what the checker and the search really
write (messages from ``summarise``, entries from ``outcome_fields``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_lee.budgets.baselines import save_baseline
from pytest_lee.contracts.results import ProbeResult, summarise
from pytest_lee.deploy_groups.baseline import Outcome
from pytest_lee.deploy_groups.groups import find_groups
from pytest_lee.deploy_groups.report import outcome_fields
from pytest_lee.deploy_groups.treecheck import CallResult
from pytest_lee.findings import SessionReport
from pytest_lee.html import render_html, writer
from pytest_lee.html.contracts import ok_count, probes_of
from pytest_lee.html.rehearsals import alias_history
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
        {
            "baseline": [
                {
                    "groups": [["a.py", "b.py"], "x"],
                    "group_reasons": [3, {"files": ["a.py", "b.py"], "ties": ["x", {}]}],
                    "alternatives": ["a.py"],
                    "safe_alone": ["c.py"],
                    "safe_alone_checks": "c.py",
                    "new_version_failures": [{}, 4],
                    "not_judged": None,
                    "signatures": [{"kind": 1}, None],
                    "seconds": "slow",
                }
            ]
        },
        {"budget_measurement": [{"cpu": 1, "memory_limit": None, "warm_phases": [1]}]},
        {"rehearsals": [{}, {"steps": [{}, {"ms": "slow"}], "canary": {"weight": "a"}}]},
        {"rehearsals": [{"health": {"outcome": "failed", "response": [1], "stderr_tail": 3}}]},
        {"rehearsals": [{"canary": {"new": {"errors": None}, "old": "x"}}]},
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


def test_each_non_ok_probe_is_read_back_from_the_message_the_checker_writes() -> None:
    def probe(status: str, origin: str, text: str) -> ProbeResult:
        where = "configured probe" if origin == "[configured]" else f"call site {origin}"
        return ProbeResult(
            "gw:R", "CACHE", "call", origin, status, f"gw.dispatch() ({where}) {text}"
        )

    verdict = summarise(
        "gw:R",
        "CACHE",
        [
            probe("ok", "wrappers.py:3", "bound"),
            probe("fail", "wrappers.py:7", "got an unexpected keyword argument 'timeout'"),
            probe("fail", "gateway.py:12", "requires 'connection'"),
            probe("inconclusive", "[configured]", "'key' must be str"),
        ],
    )
    found = probes_of(verdict.status, verdict.message)
    assert [(p.status, p.column, p.line) for p in found] == [
        ("fail", "wrappers.py", "7"),
        ("fail", "gateway.py", "12"),
        ("inconclusive", "configured probe", ""),
    ]
    assert found[0].message.endswith("'timeout'")
    ok = summarise("gw:R", "HTTP", [probe("ok", "w.py:1", "bound"), probe("ok", "w.py:2", "bound")])
    assert ok_count(ok.message) == 2 and probes_of(ok.status, ok.message) == []


def test_alternative_partners_and_ties_come_from_the_search(tmp_path: Path) -> None:
    def call(status: str) -> CallResult:
        return CallResult(
            "gw:R", "K", "gw.dispatch(K, 'a')", status, "boom", "w.py:3", ("a.py",), "boom"
        )

    def rule(files: frozenset[str]) -> list[CallResult]:
        return [call("fail" if "a.py" in files and not {"b.py", "c.py"} & files else "ok")]

    class Oracle:
        def prefetch(self, sets: object) -> None:
            pass

        def results(self, files: frozenset[str]) -> list[CallResult]:
            return rule(files)

    changed = ["a.py", "b.py", "c.py", "d.py"]
    search = find_groups(changed, Oracle(), changed)
    outcome = Outcome("v1 (directory)", changed=tuple(changed), **outcome_fields(search, ["gw:R"]))
    page = render_html(report_of(baseline=[outcome.as_entry()]), Settings(rootdir=tmp_path))
    assert "alternative partners: a.py + b.py | a.py + c.py" in page
    assert "<code>a.py</code> alone breaks: gw.dispatch(K, &#x27;a&#x27;) at w.py:3: boom" in page
    assert "<code title='checked: baseline + this file" in page  # d.py, and how it was checked


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


def test_failing_keys_lead_the_matrix_and_messages_fold_into_one_line() -> None:
    from pytest_lee.html.contracts import contracts_section

    entries = [
        {
            "registry": "r:R",
            "key": f"K{n}",
            "status": "ok",
            "message": "3 probes bound to k",
            "index": n,
        }
        for n in range(11)
    ] + [
        {
            "registry": "r:R",
            "key": "LAST",
            "status": "fail",
            "message": "operation 'x' (call site a.py:3) refused: unknown\nmore",
            "index": 11,
        }
    ]
    html = contracts_section(report_of(contracts=entries), None)
    rows = html.split("<tbody>")[1].split("<tr ")[1:]
    assert "data-key='LAST'" in rows[0]
    assert "<details><summary>" in rows[0]
