"""Real browser: clicking a bar segment of the import mix lists the deals behind it."""

from __future__ import annotations

import pytest

from analysis.store import Store

from .conftest import DATA, browser_tab
from .test_browser import _require_chromium, open_page, serve_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def register_url(tmp_path_factory):
    """The app served with India's per-deal register fixture and Ukraine's per-delivery
    register fixture stored."""
    _require_chromium()
    home = tmp_path_factory.mktemp("browser-mark-deals")
    store = Store(home / "arms.sqlite")
    assert store.import_bytes("register.csv", (DATA / "register_cp1252.csv").read_bytes()).ok
    assert store.import_bytes("deliveries.csv", (DATA / "register_deliveries.csv").read_bytes()).ok
    with serve_app(home) as url:
        yield url


@pytest.fixture
def tab(chromium_browser, register_url):  # chromium_browser: tests/conftest.py
    with browser_tab(chromium_browser) as page:
        yield page


def test_clicking_a_period_segment_lists_its_deals(tab, register_url):
    open_page(tab, register_url, "import_mix?country=India&by=period&measure=tiv")
    chart = tab.locator(".js-plotly-plot").first
    chart.wait_for(state="visible")
    assert tab.get_by_text("Click a bar segment to list the deals behind it").count() == 1
    # Traces are drawn largest supplier first: France (the Rafale, 2020) is the first one.
    legend = chart.locator("g.legend g.traces text.legendtext").all_text_contents()
    assert "France" in legend
    france = chart.locator("g.barlayer g.trace").nth(0)
    france.locator("g.point path").first.click(force=True)
    panel = tab.get_by_text("Deals behind the segment: France → India, 2019-2023")
    panel.wait_for(state="visible")
    wait_idle(tab)
    table = tab.locator('[data-testid="stTable"]').first
    text = table.inner_text()
    assert "Rafale" in text and "MiG-29K" not in text
    cells = [c.strip() for c in text.split("\n") if c.strip()]
    # the whole delivered TIV, exact: its one delivery year lies in the period
    assert cells[-3:] == ["300", "exact", "300"]
    assert "2016" in cells and "2020" in cells  # year of order and of delivery, as years
    link = tab.get_by_role("link", name="Open these deals on the Deals page")
    href = link.get_attribute("href")
    assert "recipient=India" in href and "suppliers=France" in href
    assert "delivered=2019-2023" in href
    assert not tab.locator('[data-testid="stException"]').count()


def test_a_year_segment_of_a_per_delivery_register_lists_exact_tiv(tab, register_url):
    """The Javelin deal delivered 1 TIV in 2022 and 2 in 2023: the 2023 segment lists 2, exact
    (the deals table alone would spread its 3 evenly: 1.5, an estimate)."""
    open_page(tab, register_url, "import_mix?country=Ukraine&by=year&measure=tiv")
    chart = tab.locator(".js-plotly-plot").first
    chart.wait_for(state="visible")
    # Bars are drawn in trace order: Germany, the United States (2022, 2023), ...
    names = tab.evaluate(
        "() => Array.from(document.querySelector('.js-plotly-plot').data, t => t.name)"
    )
    united_states = chart.locator("g.barlayer g.trace").nth(names.index("United States"))
    united_states.locator("g.point path").nth(1).click(force=True)
    panel = tab.get_by_text("Deals behind the segment: United States → Ukraine, 2023")
    panel.wait_for(state="visible")
    wait_idle(tab)
    text = tab.locator('[data-testid="stTable"]').first.inner_text()
    cells = [c.strip() for c in text.split("\n") if c.strip()]
    assert "Javelin ATM" in cells
    assert cells[-3:] == ["2", "exact", "3"]
    assert not tab.get_by_text("spread evenly").count()
    assert not tab.locator('[data-testid="stException"]').count()
