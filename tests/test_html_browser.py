"""The HTML report in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by selenium, on the report a real session wrote
(``html_project``): no console errors, every section drawn, the filters work.

Screenshots go to the test's tmp dir. Without Chromium (or selenium) the test skips,
except under ``LEE_REQUIRE_BROWSER=1`` (CI), where a missing browser is a failure.
Nothing is ever downloaded: the driver and the browser are given by path.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from html_project import Session, html_session

pytestmark = pytest.mark.browser

ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)


def _unavailable(why: str) -> None:
    if os.environ.get("LEE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"LEE_REQUIRE_BROWSER=1 but {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    binary = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        _unavailable("Chromium is not installed (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
    except ImportError:
        _unavailable("selenium is not installed (pip install 'pytest-lee[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = str(binary)
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=str(driver_path))
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    session: Session = html_session(tmp_path_factory)
    browser.get(session.html.resolve().as_uri())
    return browser


def visible(driver: Any, selector: str) -> list[str]:
    """The ``data-key``/``data-outcome`` of the items of *selector* that are shown."""
    return [
        element.get_attribute("data-key") or element.get_attribute("data-outcome")
        for element in driver.find_elements("css selector", selector)
        if element.is_displayed()
    ]


def choose(driver: Any, section: str, attribute: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    control = driver.find_element(
        "css selector", f"[data-filter='{section}'][data-attr='{attribute}']"
    )
    if control.tag_name == "select":
        Select(control).select_by_value(value)
    else:
        control.clear()
        if value:
            control.send_keys(value)


def test_the_report_opens_without_console_errors(page: Any) -> None:
    errors = [entry for entry in page.get_log("browser") if entry.get("level") == "SEVERE"]
    assert errors == []
    assert page.title.startswith("pytest-lee report")


def test_every_section_and_chart_is_drawn(page: Any, tmp_path: Path) -> None:
    height = page.execute_script("return document.body.scrollHeight")
    page.set_window_size(1280, min(height + 40, 8000))  # whole sections in the screenshots
    try:
        for anchor in ("budgets", "contracts", "deploy-groups", "rehearsals", "package"):
            section = page.find_element("id", anchor)
            assert section.is_displayed() and section.size["height"] > 50, anchor
            section.screenshot(str(tmp_path / f"report-{anchor}.png"))
        page.execute_script("window.scrollTo(0, 0)")
        page.save_screenshot(str(tmp_path / "report.png"))
    finally:
        page.set_window_size(1280, 1000)
    for label in (
        "cold start waterfall",
        "import tree icicle",
        "trend across saved runs",
        "deployment timeline",
        "production alias over time",
    ):
        chart = page.find_element("css selector", f"svg[aria-label='{label}']")
        assert chart.size["width"] > 100 and chart.size["height"] > 10, label
    assert page.find_elements("css selector", "svg .ice.chain")  # the heaviest chain, marked
    mark = page.find_element("css selector", "#contract-matrix .mark.m-fail")
    assert mark.is_displayed() and "(call site wrappers.py:7)" in mark.get_attribute("title")
    group = page.find_element("css selector", "#deploy-groups li.group")
    assert group.is_displayed() and "http_core.py + wrappers.py" in group.text
    assert "memory limit" in page.find_element("css selector", ".ran-under").text


def test_contracts_filter_by_status_and_key(page: Any) -> None:
    rows = "[data-filter-item='contracts']"
    assert visible(page, rows) == ["CACHE", "HTTP"]
    choose(page, "contracts", "status", "fail")
    assert visible(page, rows) == ["CACHE"]
    choose(page, "contracts", "status", "")
    choose(page, "contracts", "key", "htt")
    assert visible(page, rows) == ["HTTP"]
    count = page.find_element("css selector", "[data-filter-count='contracts']").text
    assert count == "1 of 2 shown"
    choose(page, "contracts", "key", "")
    assert visible(page, rows) == ["CACHE", "HTTP"]


def test_budgets_filter_by_verdict(page: Any) -> None:
    rows = "[data-filter-item='budgets']"
    assert len(visible(page, rows)) == 3
    choose(page, "budgets", "verdict", "over")
    assert visible(page, rows) == ["max_memory_mb"]
    choose(page, "budgets", "verdict", "")
    assert len(visible(page, rows)) == 3


def test_rehearsals_filter_by_outcome(page: Any) -> None:
    blocks = "[data-filter-item='rehearsals']"
    choose(page, "rehearsals", "outcome", "rolled back")
    assert visible(page, blocks) == ["rolled back"]
    choose(page, "rehearsals", "outcome", "promoted")
    assert visible(page, blocks) == ["promoted"]
    choose(page, "rehearsals", "outcome", "")
    assert visible(page, blocks) == ["promoted", "rolled back"]
    assert [entry for entry in page.get_log("browser") if entry.get("level") == "SEVERE"] == []


def test_the_first_screen_says_which_capabilities_failed(page: Any) -> None:
    page.set_window_size(1280, 800)
    page.execute_script("window.scrollTo(0, 0)")
    summary = page.find_element("css selector", "section#summary")
    first = page.find_element("css selector", "main > section")
    assert first.get_attribute("id") == "summary"
    assert summary.location["y"] + summary.size["height"] <= 800  # all of it above the fold
    headline = summary.find_element("css selector", ".headline").text
    assert headline.startswith("✗ ") and "Contracts" in headline
    failing = page.find_element("css selector", "#contract-matrix tbody tr")
    assert failing.get_attribute("data-status") == "fail"  # failing keys lead the matrix


def test_twelve_keys_stay_one_line_high_with_long_messages(browser: Any, tmp_path: Path) -> None:
    from pytest_lee.findings import SessionReport
    from pytest_lee.html import render_html

    report = SessionReport()
    leaves = ", ".join(f"cache_core._execute_{n}_implementation" for n in range(16))
    for n in range(12):
        failing = n % 2 == 0
        report.add(
            "contracts",
            {
                "registry": "gateway_core:_INTERFACE_ROUTERS",
                "key": f"KEY{n}",
                "status": "fail" if failing else "ok",
                "message": (
                    f"operation 'op{n}' (call site wrappers_{n}.py:7) refused: " + "x" * 300
                    if failing
                    else f"16 probes bound to {leaves}"
                ),
                "index": n,
            },
        )
    path = tmp_path / "twelve.html"
    path.write_text(render_html(report, None), encoding="utf-8")
    browser.get(path.resolve().as_uri())
    rows = browser.find_elements("css selector", "#contract-matrix tbody tr")
    assert [row.get_attribute("data-status") for row in rows] == ["fail"] * 6 + ["ok"] * 6
    heights = {row.size["height"] for row in rows}
    assert max(heights) < 2 * min(heights), heights  # an ok key's leaves do not wrap
    browser.save_screenshot(str(tmp_path / "twelve.png"))
