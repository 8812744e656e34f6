"""Real browser: the Compare countries page draws one panel per country from a deep link."""

from __future__ import annotations

import pytest

from analysis.store import Store

from .conftest import DATA, browser_tab
from .test_browser import (
    SCREENSHOTS,
    _require_chromium,
    open_page,
    png_size,
    serve_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FIXTURES = (
    "tiv_table_india_by_supplier.csv",
    "register_deliveries.csv",
    "tiv_table_old_exports_from_france.csv",
)
COUNTRIES = ("India", "Ukraine", "Egypt")


@pytest.fixture(scope="module")
def stocked_url(tmp_path_factory):
    """The app served with the India, Ukraine and France (Egypt) fixtures stored."""
    _require_chromium()
    home = tmp_path_factory.mktemp("browser-compare")
    store = Store(home / "arms.sqlite")
    for name in FIXTURES:
        assert store.import_bytes(name, (DATA / name).read_bytes()).ok, name
    with serve_app(home) as url:
        yield url


@pytest.fixture
def tab(chromium_browser, stocked_url):  # chromium_browser: tests/conftest.py
    with browser_tab(chromium_browser) as page:
        yield page


def test_deep_link_draws_one_panel_per_country(tab, stocked_url):
    open_page(tab, stocked_url, "compare?countries=" + ",".join(COUNTRIES) + "&by=period")
    charts = tab.locator(".js-plotly-plot")
    assert charts.count() == 1
    chart = charts.first
    chart.wait_for(state="visible")
    # One plot area per country, each titled with its name (subplot titles are annotations).
    assert chart.locator("g.cartesianlayer > g.subplot").count() == len(COUNTRIES)
    titles = chart.locator("g.annotation text").all_text_contents()
    assert [t for t in titles if t in COUNTRIES] == list(COUNTRIES)
    # one legend entry per supplier, whatever the number of panels it appears in
    legend = chart.locator("g.legend g.traces text.legendtext").all_text_contents()
    assert len(legend) == len(set(legend)) and "France" in legend
    assert tab.locator('[data-testid="stDataFrame"]').count() == 1
    assert not tab.locator('[data-testid="stException"]').count()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "compare_countries_three.png"
    tab.screenshot(path=str(shot), full_page=True)
    assert png_size(shot.read_bytes())[0] == 1440
