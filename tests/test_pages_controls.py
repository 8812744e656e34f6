"""Every toggle, switch and checkbox on every page, turned on, shows no exception.

Toggles can reveal more toggles (the event window reveals "Show as a chart", which reveals the
chart's download panel, which reveals "Prepare PNG, SVG and bundle"), so each page is switched
on round after round until no new control appears.
"""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis.store import Store

from .conftest import DATA, ROOT

pytestmark = [pytest.mark.app, pytest.mark.slow]

PAGES = ["overview", "import_mix", "periods", "suppliers", "deals", "events", "data", "about"]
FIXTURES = [
    "tiv_table_old_imports_to_india.csv",
    "tiv_table_importers_all.csv",
    "register_cp1252.csv",
]


@pytest.fixture(scope="module")
def stocked_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("controls") / "arms.sqlite"
    store = Store(path)
    for name in FIXTURES:
        assert store.import_bytes(name, (DATA / name).read_bytes()).ok, name
    return path


def _switches(at: AppTest) -> list:
    return [*at.toggle, *at.checkbox]


def _turn_everything_on(at: AppTest, page: str) -> set[str]:
    """Switch on every toggle and checkbox, round after round; returns the keys switched on."""
    switched: set[str] = set()
    for _ in range(8):
        pending = [w for w in _switches(at) if not w.value and w.key not in switched]
        if not pending:
            return switched
        for widget in pending:
            switched.add(widget.key)
            widget.set_value(True).run()
            assert not at.exception, (page, widget.key, [e.value for e in at.exception])
    raise AssertionError(f"{page}: toggles kept appearing after 8 rounds")


@pytest.mark.parametrize("page", PAGES)
def test_every_switch_on_every_page(page, stocked_db, monkeypatch):
    monkeypatch.setenv("ARMS_DB", str(stocked_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["country"] = "India"
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    switched = _turn_everything_on(at, page)
    if page == "import_mix":
        # The event window and its chart are where the duplicate-key crash was.
        assert {"mix_window_on", "mix_window_show", "mix_window_downloads"} <= switched
    st.cache_data.clear()
    st.cache_resource.clear()


def test_event_window_chart_opens_without_a_duplicate_key(stocked_db, monkeypatch):
    """The crash users saw: Import mix → event window → "Show as a chart"."""
    monkeypatch.setenv("ARMS_DB", str(stocked_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {"country": "India", "window_on": "true", "window_chart": "true"}.items():
        at.query_params[key] = value
    at.switch_page("pages/import_mix.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == 2  # the import mix and the event-window chart
    st.cache_data.clear()
