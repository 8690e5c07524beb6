"""The session report: merged across processes, written as strict JSON."""

from __future__ import annotations

import json

from pytest_lee.findings import SessionReport


def test_it_has_the_fixed_sections_even_when_empty():
    assert set(json.loads(SessionReport().to_json())) == {
        "budgets",
        "contracts",
        "deploy_groups",
        "rehearsals",
    }


def test_merging_drops_exact_repeats_and_keeps_order():
    report = SessionReport()
    report.add("deploy_groups", ["gateway_core.py", "cache_core.py"])
    report.merge(
        {"deploy_groups": [["gateway_core.py", "cache_core.py"], ["a.py", "b.py"]], "extra": [1]}
    )
    assert report.entries("deploy_groups") == [
        ["gateway_core.py", "cache_core.py"],
        ["a.py", "b.py"],
    ]
    assert report.entries("extra") == [1]


def test_non_finite_numbers_become_null_so_the_file_stays_valid_json():
    report = SessionReport()
    report.add(
        "rehearsals",
        {"health": {"response": {"latency": float("nan"), "peak": [float("inf"), 1.5]}}},
    )
    text = report.to_json()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["rehearsals"][0]["health"]["response"] == {
        "latency": None,
        "peak": [None, 1.5],
    }


def test_the_file_is_written_atomically(tmp_path):
    target = tmp_path / "lee.json"
    target.write_text("old")
    SessionReport().write_json(target)
    assert json.loads(target.read_text())["budgets"] == []
    assert [p.name for p in tmp_path.iterdir()] == ["lee.json"]
