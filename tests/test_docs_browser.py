"""The built documentation renders in a real browser (headless Chromium).

The HTML that ``sphinx-build`` writes to ``docs/_build/html`` is served on localhost and
opened in Chromium through chromedriver. For the index, a guide and the API reference the
test checks what a reader would notice: every stylesheet, script, font and image the page
asks for loads (HTTP 200, nothing from another host: the docs use no CDN), the theme's
styles apply, and the lifecycle page shows its diagram as an SVG image of non-zero size.

Skipped when Chromium, chromedriver, selenium or the built pages are missing; ``.ci/run``
installs the first two, builds the pages, then runs this test, so CI does exercise it.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = Path(os.environ.get("SEP_DOCS_HTML", ROOT / "docs" / "_build" / "html"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

#: Set by ``.ci/run``: there a missing browser or build is a failure, not a skip.
REQUIRED = os.environ.get("SEP_DOCS_BROWSER_REQUIRED") == "1"
_MISSING = [
    what
    for what, absent in (
        ("chromium", CHROMIUM is None),
        ("chromedriver", CHROMEDRIVER is None),
        ("the built docs (sphinx-build docs docs/_build/html)", not (HTML / "index.html").exists()),
    )
    if absent
]
if _MISSING and REQUIRED:
    raise RuntimeError(f"the browser test needs {', '.join(_MISSING)}")
if not REQUIRED:
    webdriver = pytest.importorskip("selenium.webdriver")
else:
    from selenium import webdriver
pytestmark = pytest.mark.skipif(bool(_MISSING), reason=f"needs {', '.join(_MISSING)}")

#: The pages opened, by path under the built site.
PAGES = ["index.html", "guides/crm.html", "api.html", "lifecycle.html"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the test's output is the assertions, not the server's access log


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The built pages, served on an ephemeral localhost port."""
    handler = functools.partial(_Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, isolated (fresh profile, no background traffic), with network logs."""
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="sep-docs-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    # Every page load asks the server again, so each asset's status is a real 200, not 304.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _load(driver: Any, url: str) -> dict[str, Any]:
    """Open ``url``; return the outcome of every request the page made, from Chromium's log.

    Only requests whose document is the page count: the browser's own (its start page, the
    favicon it asks for by itself, ``data:`` URLs) are not the page's assets.
    """
    driver.get("about:blank")
    driver.get_log("performance")  # drop what earlier pages logged
    driver.get(url)
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(() => requestAnimationFrame(() => done(true)));"
    )
    mine: dict[str, str] = {}
    status: dict[str, int] = {}
    failed: dict[str, str] = {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        method = message["method"]
        if method == "Network.requestWillBeSent":
            asked = params["request"]["url"]
            favicon = params.get("type") == "Other" and asked.endswith("/favicon.ico")
            if params.get("documentURL") == url and not asked.startswith("data:") and not favicon:
                mine[params["requestId"]] = asked
        elif method == "Network.responseReceived" and params["requestId"] in mine:
            status[mine[params["requestId"]]] = params["response"]["status"]
        elif method == "Network.loadingFailed" and params["requestId"] in mine:
            failed[mine[params["requestId"]]] = params["errorText"]
    return {"requested": set(mine.values()), "status": status, "failed": failed}


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_every_asset(browser: Any, site: str, page: str) -> None:
    """Every CSS, JS, font and image of the page is served (200) from the site itself."""
    log = _load(browser, site + page)
    assert log["status"].get(site + page) == 200
    assets = log["requested"] - {site + page}
    assert any(".css" in u for u in assets), assets  # the theme's stylesheets at least
    assert any(".js" in u for u in assets), assets
    assert not log["failed"], log["failed"]
    unanswered = assets - set(log["status"])
    assert not unanswered, f"no response for {unanswered}"
    bad = {u: code for u, code in log["status"].items() if code != 200}
    assert not bad, bad
    foreign = {u for u in assets if not u.startswith(site)}
    assert not foreign, f"assets from another host (a CDN?): {foreign}"


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_the_theme(browser: Any, site: str, page: str) -> None:
    """The page has its title and content, laid out by furo's stylesheet, and no broken image."""
    _load(browser, site + page)
    assert "sep" in browser.title
    rendered = browser.execute_script(
        "const main = document.querySelector('article[role=main]') || document.body;"
        "const page = document.querySelector('.page');"
        "return {text: main.innerText.length,"
        " layout: page ? getComputedStyle(page).display : null,"
        " sheets: document.styleSheets.length,"
        " brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        "   .map(i => i.src)};"
    )
    assert rendered["text"] > 200
    assert rendered["sheets"] >= 2
    # furo lays the page out as a flex row (sidebar, content, table of contents).
    assert rendered["layout"] == "flex", "furo's stylesheet did not apply"
    assert rendered["brokenImages"] == []


def test_lifecycle_diagram_is_drawn(browser: Any, site: str) -> None:
    """The lifecycle page shows the Graphviz SVG of the process, with a visible size."""
    _load(browser, site + "lifecycle.html")
    diagram = browser.execute_script(
        "const el = document.querySelector('img.graphviz, object.graphviz');"
        "if (!el) return null;"
        "const box = el.getBoundingClientRect();"
        "const doc = el.contentDocument;"  # an <object>: the SVG document it loaded
        "const svg = doc ? doc.querySelector('svg') : null;"
        "const drawn = svg ? svg.getBBox() : {width: el.naturalWidth || 0, height: 0};"
        "return {src: el.src || el.data, width: box.width, height: box.height,"
        " drawnWidth: drawn.width, drawnHeight: drawn.height,"
        " states: svg ? svg.querySelectorAll('g.node').length : -1};"
    )
    assert diagram is not None, "no Graphviz diagram on the lifecycle page"
    assert diagram["src"].endswith(".svg")
    assert diagram["width"] > 100 and diagram["height"] > 20, diagram
    assert diagram["drawnWidth"] > 100 and diagram["drawnHeight"] > 20, diagram
    # One node per state of the process, plus the start point.
    from sep.lifecycle import standard_definition

    assert diagram["states"] == len(standard_definition().states) + 1, diagram
