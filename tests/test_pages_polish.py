"""Findings of a user test, fixed: the share panel's deprecated component, the Events page's
checkbox label, the Data page's cards, counts and save messages, the Suppliers map's centre."""

from __future__ import annotations

import pytest
import streamlit.deprecation_util as deprecation_util

from analysis.store import Store

from .conftest import DATA, open_page

pytestmark = pytest.mark.app


@pytest.fixture
def india_db(app_db):
    store = Store(app_db)
    for name in ("tiv_table_india_vintage_2024.csv", "register_cp1252.csv"):
        assert store.import_bytes(name, (DATA / name).read_bytes()).ok, name
    return app_db


def test_share_panel_uses_no_deprecated_component(india_db, monkeypatch):
    warned: list[str] = []
    monkeypatch.setattr(
        deprecation_util, "show_deprecation_warning", lambda msg, *a, **k: warned.append(msg)
    )
    at = open_page("overview", country="India")
    assert not [w for w in warned if "components" in w], warned
    frames = [e for e in at.get("iframe")]
    assert frames, "the Copy link button is drawn in an st.iframe"
    assert "Copy link" in frames[0].proto.srcdoc


def test_events_global_checkbox_label_fits_and_the_detail_is_in_its_help(app_db):
    at = open_page("events")
    boxes = [c for c in at.checkbox if c.key and c.key.endswith("_global")]
    assert boxes
    for box in boxes:
        # The form's narrow column cut the old 34-character label off on a wide screen.
        assert len(box.label) <= 14, box.label
        assert "every country's charts" in box.help
