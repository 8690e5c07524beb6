"""The import tree and the cold-start advisor (``pytest_lee.budgets.imports``), on text
shaped like the real engine's ``-X importtime`` output: ``lambda_function`` imports
``lambda_preload``, which pulls in ``urllib3`` (whose own submodule is the slowest by
self time) and the standard-library modules it loaded first."""

from __future__ import annotations

from pathlib import Path

from pytest_lee.budgets.imports import (
    advisor_lines,
    app_modules,
    build_tree,
    describe_chain,
    describe_saving,
    heaviest_chains,
    prune,
)
from pytest_lee.findings import SessionReport
from pytest_lee.lambda_runtime.runner import parse_importtime_line

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:      2000 |       2000 |         urllib3.util.url
import time:      9000 |       9000 |         http.client
import time:      3000 |      14000 |       urllib3.connectionpool
import time:     40000 |      54000 |     urllib3
import time:       600 |      54600 |   lambda_preload
import time:      1500 |       1500 |     json.decoder
import time:      1000 |       2500 |   json
import time:      3000 |       3000 |     urllib3.contrib
import time:       900 |       3900 |   gateway
import time:     34000 |      95000 | lambda_function
"""


def rows(text: str, phase: str = "import") -> list[tuple[str, float, float, int, str]]:
    """``-X importtime`` lines as the runner parses them, in the rows the tree is built from."""
    parsed = [parse_importtime_line(line) for line in text.splitlines()]
    return [
        (m, own / 1000, total / 1000, depth, phase) for m, own, total, depth in filter(None, parsed)
    ]


def tree():
    return build_tree(rows(IMPORTTIME))


def test_the_tree_nests_each_module_under_the_one_that_imported_it_first() -> None:
    [root] = tree()
    assert (root["module"], root["cumulative_ms"]) == ("import", 95.0)
    [handler] = root["children"]
    assert [child["module"] for child in handler["children"]] == [
        "lambda_preload",
        "json",
        "gateway",
    ]
    urllib3 = handler["children"][0]["children"][0]
    assert urllib3["cumulative_ms"] == 54.0
    assert [child["module"] for child in urllib3["children"]] == ["urllib3.connectionpool"]


def test_the_heaviest_chain_is_the_package_by_cumulative_time_with_who_imports_it() -> None:
    chains = heaviest_chains(tree(), app={"lambda_function", "lambda_preload", "gateway"})
    first = chains[0]
    assert describe_chain(first) == "urllib3 via lambda_preload (+1 more): 57 ms, 60 % of import"
    assert first["path"] == ["lambda_function", "lambda_preload", "urllib3"]
    assert first["importers"] == ["lambda_preload", "gateway"]  # merged per package
    # What deferring it would save is an estimate, its own package's time a floor of it.
    assert first["estimate"] is True
    assert (first["defer_saves_ms"], first["defer_saves_at_least_ms"]) == (57.0, 48.0)
    assert [chain["package"] for chain in chains] == ["urllib3", "json"]


def test_without_knowing_the_app_the_handler_module_is_the_app() -> None:
    chains = heaviest_chains(tree())
    assert chains[0]["package"] == "lambda_preload"  # then a top-level app module looks foreign
    assert chains[0]["importers"] == ["lambda_function"]


def test_vendored_packages_are_dependencies_not_the_app(tmp_path: Path) -> None:
    (tmp_path / "lambda_function.py").write_text("")
    (tmp_path / "gateway").mkdir()
    (tmp_path / "urllib3").mkdir()
    (tmp_path / "urllib3-2.2.1.dist-info").mkdir()
    (tmp_path / "urllib3-2.2.1.dist-info" / "RECORD").write_text("urllib3/__init__.py,sha256=x,1\n")
    assert app_modules(tmp_path) == {"lambda_function", "gateway"}


def test_the_advisor_labels_its_saving_as_an_estimate_unless_measured() -> None:
    chain = heaviest_chains(tree(), app={"lambda_function", "lambda_preload", "gateway"})[0]
    assert describe_saving(chain).startswith(
        "defer to first use: saves up to 57 ms of import (estimate"
    )
    assert "measured" in describe_saving({**chain, "estimate": False})
    lines = advisor_lines([chain])
    assert lines[1].strip() == describe_chain(chain)
    assert "lambda_function → lambda_preload → urllib3" in lines[2]


def test_small_modules_fold_into_one_node_so_the_report_stays_small() -> None:
    [root] = prune(tree(), min_share=0.05)
    [handler] = root["children"]
    assert [child["module"] for child in handler["children"]] == ["lambda_preload", "… 2 more"]
    assert handler["children"][1]["folded"] == 4


def test_the_budgets_summary_prints_the_advisor_after_the_cold_start() -> None:
    from pytest_lee.budgets.render import render_budget_summary
    from pytest_lee.settings import Settings

    chains = heaviest_chains(tree(), app={"lambda_function", "lambda_preload", "gateway"})
    report = SessionReport()
    report.add(
        "budget_measurement",
        {
            "handler": "lambda_function.h",
            "runs": 3,
            "cold_start_ms": 120.0,
            "import_ms": 95.0,
            "first_invoke_ms": 25.0,
            "import_chains": chains,
        },
    )
    lines = render_budget_summary(report, Settings(rootdir=Path(".")))
    assert lines[1].strip().startswith("cold-start advisor")
    assert lines[2].strip() == "urllib3 via lambda_preload (+1 more): 57 ms, 60 % of import"
