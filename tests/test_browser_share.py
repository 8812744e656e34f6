"""Real browser: "Copy link" puts the view's URL, with its query parameters, on the clipboard."""

from __future__ import annotations

import urllib.parse

import pytest

from analysis.store import Store

from .conftest import DATA, browser_tab
from .test_browser import _require_chromium, open_page, serve_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def india_url(tmp_path_factory):
    """The app served with India's TIV table fixture stored."""
    _require_chromium()
    home = tmp_path_factory.mktemp("browser-share")
    store = Store(home / "arms.sqlite")
    assert store.import_bytes(
        "india.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    ).ok
    with serve_app(home) as url:
        yield url


@pytest.fixture
def tab(chromium_browser, india_url):  # chromium_browser: tests/conftest.py
    """A page whose context may read and write the clipboard (as a user allowing it)."""
    with browser_tab(chromium_browser, permissions=["clipboard-read", "clipboard-write"]) as page:
        yield page


def _copy_link(tab) -> str:
    """Click the view's "Copy link" button and return what it put on the clipboard."""
    frame = tab.frame_locator("iframe[title='Copy link to this view']").first
    button = frame.get_by_role("button", name="Copy link")
    button.click()
    frame.get_by_role("button", name="Link copied").wait_for(state="visible")
    return tab.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("import_mix", {"country": "India", "by": "period", "measure": "tiv"}),
        ("", {"country": "India"}),  # the Overview is the app's main page
    ],
)
def test_copy_link_puts_the_views_url_on_the_clipboard(tab, india_url, path, query):
    open_page(tab, india_url, f"{path}?{urllib.parse.urlencode(query)}")
    tab.locator(".js-plotly-plot").first.wait_for(state="visible")
    wait_idle(tab)
    copied = _copy_link(tab)
    parts = urllib.parse.urlsplit(copied)
    assert f"{parts.scheme}://{parts.netloc}" == india_url
    assert parts.path == f"/{path}"
    got = dict(urllib.parse.parse_qsl(parts.query))
    assert {k: got.get(k) for k in query} == query
    # the link opens the same view: the page and its parameters as the address bar has them
    here = urllib.parse.urlsplit(tab.url)
    assert (parts.path, got) == (here.path, dict(urllib.parse.parse_qsl(here.query)))


def test_copy_link_has_the_parameters_of_widgets_below_the_panel(tab, india_url):
    """The event window's widgets come after the share panel: their URL parameters are
    written after it is drawn, and the copied link still carries them."""
    open_page(tab, india_url, "import_mix?country=India&by=period")
    tab.get_by_text("Compare the suppliers' shares before and after an event").click()
    tab.wait_for_url("**window_on=1**")
    wait_idle(tab)
    got = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(_copy_link(tab)).query))
    assert got["window_on"] == "1" and got["country"] == "India"
    assert {"event", "window"} <= set(got)
    assert got == dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(tab.url).query))
