"""Real browser: the Overview names the export behind its figures, and the source picker
changes it (issue 12, "a browser test that reads the source line on the Overview")."""

from __future__ import annotations

import urllib.parse

import pytest

from analysis.store import Store

from .conftest import DATA
from .test_browser import RENDER_MS, _require_chromium, choose, open_page, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TABLE = "tiv_table_india_by_supplier.csv"
REGISTER = "register_cp1252.csv"  # a one-row-per-deal register of India's imports
TABLE_LINE = f"Source: {TABLE} — TIV table, data generated 10 Oct 2024, exact"
REGISTER_LINE = f"Source: {REGISTER} — per-deal register, data generated 13 Mar 2025, estimated"


@pytest.fixture(scope="module")
def two_sources_url(tmp_path_factory):
    """The app served with two stored exports that both cover India."""
    _require_chromium()
    home = tmp_path_factory.mktemp("browser-source")
    store = Store(home / "arms.sqlite")
    for name in (TABLE, REGISTER):
        assert store.import_bytes(name, (DATA / name).read_bytes()).ok
    with serve_app(home) as url:
        yield url


@pytest.fixture
def tab(chromium_browser, two_sources_url):  # chromium_browser: tests/conftest.py
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(RENDER_MS)
    try:
        yield page
    finally:
        context.close()


def _source_lines(tab, text: str):
    return tab.locator('[data-testid="stCaptionContainer"]').filter(has_text=text)


def test_overview_source_line_names_the_export_and_follows_the_picker(tab, two_sources_url):
    expect = pytest.importorskip("playwright.sync_api").expect
    open_page(tab, two_sources_url, "?country=India")
    # The default rule picks SIPRI's exact yearly volumes over the register's estimates: the
    # line under the cards and the one under the chart name the TIV table.
    # expect() waits for the page to finish drawing: the second line is the chart's.
    table_lines = _source_lines(tab, TABLE_LINE)
    expect(table_lines.nth(1)).to_be_visible(timeout=RENDER_MS)
    assert _source_lines(tab, REGISTER_LINE).count() == 0

    choose(tab, "Source", f"{REGISTER_LINE.removeprefix('Source: ')} (dataset 2)")
    register_lines = _source_lines(tab, REGISTER_LINE)
    expect(register_lines.nth(1)).to_be_visible(timeout=RENDER_MS)
    expect(_source_lines(tab, TABLE_LINE)).to_have_count(0)
    tab.wait_for_url("**source=2**")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(tab.url).query))
    assert query.get("source") == "2" and query.get("country") == "India"
