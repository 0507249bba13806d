"""The report in headless Chromium: renders, runs no script, requests nothing.

Needs Debian's chromium and chromium-driver (``make test`` installs them) and
Selenium. The screenshot is saved to tests/artifacts/report.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("logistica.plots")
webdriver = pytest.importorskip("selenium.webdriver")

from _report_data import binary_report, multiclass_report  # noqa: E402
from logistica.report import SECTIONS  # noqa: E402

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).parent / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,900",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("chromium/chromedriver not installed (make test installs them)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module", params=["binary", "multiclass"])
def page(request, browser, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"browser-{request.param}")
    build = binary_report if request.param == "binary" else multiclass_report
    path = build(directory, n_boot=50)[0]
    browser.get_log("performance")  # drop earlier entries
    browser.get(path.resolve().as_uri())
    return request.param, browser


def test_no_console_errors(page):
    _, driver = page
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []


def test_no_network_requests(page):
    _, driver = page
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert resources == []
    requests = [
        e["message"]
        for e in driver.get_log("performance")
        if "Network.requestWillBeSent" in e["message"]
    ]
    # only the report itself (a file:// navigation) may be requested
    assert all('"url":"file://' in m for m in requests), requests


def test_section_headings_present(page):
    _, driver = page
    headings = [h.text for h in driver.find_elements("css selector", "section > h2")]
    for heading in SECTIONS.values():
        assert heading in headings


def test_svg_figures_render(page):
    _, driver = page
    sizes = driver.execute_script(
        "return [...document.querySelectorAll('svg')].map(s => {"
        "const r = s.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    assert len(sizes) >= 6
    assert all(w > 50 and h > 50 for w, h in sizes), sizes


def test_script_feature_name_does_not_execute(page):
    kind, driver = page
    assert driver.execute_script("return window.__xss === undefined")
    if kind == "binary":
        assert "<script>window.__xss" in driver.find_element("tag name", "body").text


def test_screenshot(page):
    kind, driver = page
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"report-{kind}.png"
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1200, min(int(height), 12000))
    assert driver.save_screenshot(str(target))
    driver.set_window_size(1200, 900)
    print(f"screenshot saved to {target}")
    assert target.stat().st_size > 10_000
