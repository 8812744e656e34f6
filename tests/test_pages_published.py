"""AppTest: with an empty store, Import mix and Suppliers show SIPRI's published figures as
honestly as the Overview does (no "Others" supplier, a one-line source, press sources footnoted,
blanks with their reason)."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from analysis.blanks import NOT_PUBLISHED, reason_help
from analysis.vocab import NOT_BROKEN_DOWN, OTHERS

from .conftest import open_page

_open = open_page  # shared with the other page tests (conftest)


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


@pytest.mark.parametrize("page", ["import_mix", "suppliers", "overview"])
def test_empty_store_pages_show_the_published_figures_honestly(app_db, page):
    at = _open(page)
    assert any("Only the built-in published SIPRI figures" in i.value for i in at.info)
    published = [f for f in _figures(at) if f["layout"]["meta"]["chart"] == "import_mix_by_period"]
    assert len(published) == 1
    fig = published[0]
    names = [t["name"] for t in fig["data"] if t["type"] == "bar"]
    assert "Russia" in names and NOT_BROKEN_DOWN in names and OTHERS not in names
    source = fig["layout"]["meta"]["source"]
    assert source.startswith("Source: SIPRI, published figures (releases ")
    # The press articles are a footnote on the page, not the chart's source line.
    assert "Moscow Times" not in source
    assert "Published figures as quoted by" in _captions(at)
    assert "Moscow Times" in _captions(at)


def test_suppliers_page_lists_published_shares_with_blanks_that_say_why(app_db):
    at = _open("suppliers")
    table = at.dataframe[0].value.set_index("Period")
    assert table.loc["2009-13", "Russia"] == "76%"
    assert table.loc["2020-24", "France"] == "–"  # not published, never "0%"
    assert table.loc["2020-24", "Not broken down"] == "64%"
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["France"]["help"] == reason_help(NOT_PUBLISHED)
    assert "help" not in columns.get("Russia", {})


def test_overview_what_changed_blanks_say_why(app_db):
    at = _open("overview")
    changed = at.dataframe[0].value.set_index("Supplier")
    assert changed.loc["France", "Share 2009-13"] == "–"
    assert "None" not in changed.astype(str).to_numpy().ravel().tolist()
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["Share 2009-13"]["help"] == reason_help(NOT_PUBLISHED)
    # Cards: one short source line each, the press article in the footnote.
    card_sources = [c.value for c in at.caption if c.value.startswith("Published by SIPRI")]
    assert card_sources and all("Moscow" not in c for c in card_sources)


def test_about_page_lists_where_each_published_figure_was_quoted(app_db):
    at = _open("about")
    text = "\n".join(m.value for m in at.markdown)
    assert "Published figures and where they were quoted" in text
    assert "Moscow Times" in text and "thehindu" in text
