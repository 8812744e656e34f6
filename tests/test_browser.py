"""Real-browser tests: the app served on a free port, driven by Playwright through Debian chromium."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

# One worker runs them all, so one app server serves the whole module under pytest-xdist.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "sipri-samples"
INDIA_TIV = (
    SAMPLES
    / "EXTRACT_new_tiv_INDIA-imports-by-supplier_1950-2024_gen2024-10-10__from_samcarlos.csv"
)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
# url path (st.navigation takes it from the file name; the default page is "/") -> page title
PAGES = {
    "": "Overview",
    "import_mix": "Import mix",
    "compare": "Compare countries",
    "periods": "Periods",
    "suppliers": "Suppliers",
    "deals": "Deals",
    "events": "Events",
    "data": "Data",
    "about": "About",
}
SEED_EVENTS_2025 = ("Indian defence-industry delegation in Moscow", "Putin's visit to New Delhi")
# A wait limit, not a speed check: on a loaded 2-core machine a page can take a minute or more.
RENDER_MS = 180_000
IDLE_JS = """() => {
  const q = (sel) => document.querySelector(sel);
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return q("h1") && !q('[data-testid="stStatusWidget"]') && !q('[data-testid="stSkeleton"]')
    && !q('[data-stale="true"]') && charts.every((c) => c.querySelector(".main-svg"));
}"""  # Streamlit reruns and server-side chart export on a 2-core machine


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("/usr/bin/chromium is missing: browser tests must run under CI")
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)  # polling the health endpoint, not waiting for the page
    raise RuntimeError(f"streamlit did not start serving {url}:\n{log.read_text()}")


@contextlib.contextmanager
def serve_app(home: Path) -> Iterator[str]:
    """Serve the app with `streamlit run` on a free port, its store at ``home``/arms.sqlite.

    Yields the app's URL; the server is stopped on leaving (other browser modules reuse this
    with a store they filled first).
    """
    port = _free_port()
    log = home / "streamlit.log"
    env = {**os.environ, "ARMS_DB": str(home / "arms.sqlite")}
    command = [
        str(ROOT / ".venv" / "bin" / "streamlit"),
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> str:
    """The app served by `streamlit run` with a fresh store; stopped after the session."""
    _require_chromium()
    with serve_app(tmp_path_factory.mktemp("browser-app")) as url:
        yield url


# chromium_browser (the session's browser) lives in tests/conftest.py: every browser module
# shares it, as Playwright's sync API runs one at a time.


@pytest.fixture
def tab(chromium_browser, app_url):
    context = chromium_browser.new_context(
        viewport={"width": 1440, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(RENDER_MS)
    yield page
    context.close()


def open_page(page, app_url: str, path: str = "") -> None:
    """Go to a page and wait until Streamlit has drawn its title and finished running."""
    page.goto(f"{app_url}/{path}")
    page.locator("h1").first.wait_for(state="visible")
    wait_idle(page)


def wait_idle(page) -> None:
    """Wait until the script run is over and every element is drawn (no placeholders left)."""
    # While the script runs the status widget shows; lazy elements (charts) show a skeleton
    # until their code has loaded; elements of a previous run are marked stale.
    page.wait_for_function(IDLE_JS, timeout=RENDER_MS)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def choose(page, label: str, option: str) -> None:
    """Pick an option of the st.selectbox labelled ``label``."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)
    assert box.input_value() == option


# --------------------------------------------------------------------------- tests


def test_upload_india_sample_then_overview_shows_76_and_36(tab, app_url):
    if not INDIA_TIV.is_file():
        pytest.skip("the India TIV sample is not present in ../shared/sipri-samples/")
    open_page(tab, app_url, "data")
    tab.locator('input[type="file"]').set_input_files(str(INDIA_TIV))
    tab.get_by_text("Notes from the loader").wait_for()
    tab.get_by_role("button", name="Save", exact=True).click()
    tab.get_by_text("stored as dataset").first.wait_for()

    open_page(tab, app_url)
    tab.get_by_text("Computed from the loaded SIPRI export").first.wait_for()
    expect = pytest.importorskip("playwright.sync_api").expect
    metrics = tab.locator('[data-testid="stMetricValue"]')
    # expect() waits for the rerun that draws the computed cards (the page may still be busy).
    expect(metrics.filter(has_text=re.compile(r"^76%$"))).to_have_count(1, timeout=RENDER_MS)
    expect(metrics.filter(has_text=re.compile(r"^36%$"))).to_have_count(1, timeout=RENDER_MS)


def test_screenshot_of_every_page(tab, app_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path, title in PAGES.items():
        open_page(tab, app_url, path)
        if tab.locator(".js-plotly-plot").count():
            tab.locator(".js-plotly-plot").first.wait_for(state="visible")
        shot = SCREENSHOTS / f"{title.lower().replace(' ', '_')}.png"
        tab.screenshot(path=str(shot))
        assert png_size(shot.read_bytes()) == (1440, 900)
        assert not tab.locator('[data-testid="stException"]').count(), title


def test_overview_chart_shows_the_two_2025_events(tab, app_url):
    open_page(tab, app_url)
    chart = tab.locator(".js-plotly-plot").first
    chart.wait_for(state="visible")
    tab.wait_for_function(
        "() => document.querySelector('.js-plotly-plot').textContent.includes('New Delhi')"
    )
    text = chart.text_content()
    for title in SEED_EVENTS_2025:
        assert title in text, text
    # 37 days apart: drawn as numbered markers, each number also in the legend under the chart.
    labels = chart.locator("g.annotation text").all_text_contents()
    assert any(f"— {SEED_EVENTS_2025[1]}" in label for label in labels) or any(
        SEED_EVENTS_2025[1] in label for label in labels
    ), labels


def test_png_download_on_the_overview_has_the_chosen_size(tab, app_url):
    open_page(tab, app_url)
    tab.get_by_text("Download for a report (PNG, SVG, data, bundle)").first.click()
    choose(tab, "Size", "Square 1080×1080")
    choose(tab, "Scale", "3")
    tab.get_by_text("Prepare PNG, SVG and bundle").first.click()
    png_button = tab.get_by_role("button", name="PNG", exact=True)
    png_button.wait_for(state="visible")
    with tab.expect_download() as download:
        png_button.click()
    data = Path(download.value.path()).read_bytes()
    assert png_size(data) == (1080 * 3, 1080 * 3)


def test_concurrent_first_deep_links_on_a_fresh_server(chromium_browser, tmp_path):
    """Every page's deep link, all opened at once as the first visits of a fresh server, shows
    its own page through app.py (its title, the app's sidebar) and no exception."""
    _require_chromium()
    paths = [p for p in PAGES if p]  # every deep link ("" is the default page)
    assert len(paths) >= 8
    with serve_app(tmp_path) as url:
        contexts = [chromium_browser.new_context(viewport={"width": 1280, "height": 800})]
        contexts += [chromium_browser.new_context() for _ in paths[1:]]
        tabs = []
        for context, path in zip(contexts, paths, strict=True):
            page = context.new_page()
            page.set_default_timeout(RENDER_MS)
            page.goto(f"{url}/{path}", wait_until="commit")  # all sessions start together
            tabs.append((path, page))
        try:
            for path, page in tabs:
                page.locator("h1").first.wait_for(state="visible")
                wait_idle(page)
                assert page.locator("h1").first.inner_text().strip().startswith(PAGES[path]), path
                assert page.locator('[data-testid="stException"]').count() == 0, path
                nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
                assert "Import mix" in nav and "common" not in nav, (path, nav)
                assert page.title().startswith("Arms imports by supplier"), path
        finally:
            for context in contexts:
                context.close()
