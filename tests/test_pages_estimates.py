"""AppTest: estimates follow the export picked, world refusals are one sentence, by-year charts
mark their estimated years, the Suppliers chart says it is partial and estimated."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store

from .conftest import DATA, open_page
from .register_fixture import india_register

pytestmark = [pytest.mark.app, pytest.mark.slow]

TABLE = "tiv_table_india_vintage_2024.csv"  # India's TIV table, 2014-2023: two whole periods


@pytest.fixture
def table_and_register_db(app_db):
    store = Store(app_db)
    assert store.import_bytes(TABLE, (DATA / TABLE).read_bytes()).ok
    assert store.import_bytes("india-register.csv", india_register()).ok
    return app_db


@pytest.fixture
def register_db(app_db):
    assert Store(app_db).import_bytes("india-register.csv", india_register()).ok
    return app_db


def _estimated_tables(at: AppTest) -> list:
    return [
        t.value
        for t in at.dataframe
        if t.value.astype(str)
        .apply(lambda c: c.str.contains("(estimated;", regex=False))
        .any()
        .any()
    ]


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_periods_bounds_follow_the_picked_export(table_and_register_db):
    at = open_page("periods", country="India", a="2014-18", b="2019-23")
    assert at.selectbox(key="periods_source_India").value.startswith(TABLE)
    assert not _estimated_tables(at)  # the exact table: no bounds
    at = open_page("periods", country="India", a="2014-18", b="2019-23", source="2")
    assert at.selectbox(key="periods_source_India").value.startswith("india-register.csv")
    (bounds,) = _estimated_tables(at)
    assert list(bounds.columns) == ["Supplier", "Share 2014-18", "Share 2019-23"]
    # The chart's error bars come from the same export.
    assert any(t.get("error_x") for f in _figures(at) for t in f["data"])


def test_periods_page_says_why_there_is_no_world_position(table_and_register_db):
    at = open_page("periods", country="India", a="2014-18", b="2019-23")
    sentence = (
        "India's import table and register name only India's suppliers: world import shares "
        "need an "
        "all-importers table or a world-wide trade register."
    )
    assert sentence in [i.value.replace("\\", "") for i in at.info]
    assert not any("World share and rank: load" in c.value for c in at.caption)


def _hatched_bars(figure: dict) -> list[dict]:
    return [
        t
        for t in figure["data"]
        if t["type"] == "bar"
        and "/" in (t.get("marker", {}).get("pattern", {}).get("shape") or [])
        and not (t.get("name") or "").startswith("estimated:")  # the legend's key
    ]


def _legend_names(figure: dict) -> list[str]:
    return [t.get("name") or "" for t in figure["data"]]


@pytest.mark.parametrize("page", ["overview", "import_mix"])
def test_by_year_charts_mark_the_estimated_years(register_db, page):
    at = open_page(page, country="India", by="year")
    figure = _figures(at)[0]
    assert figure["layout"]["meta"]["chart"] == "import_mix_by_year"
    assert _hatched_bars(figure)
    assert any(n.startswith("estimated: a deal's TIV spread") for n in _legend_names(figure))
    assert any("Hatched bars are estimated" in c.value for c in at.caption)


def test_by_year_chart_from_a_tiv_table_is_plain(table_and_register_db):
    at = open_page("overview", country="India")  # the exact table is the default
    figure = _figures(at)[0]
    assert not _hatched_bars(figure)
    at = open_page("overview", country="India", source="2")
    assert _hatched_bars(_figures(at)[0])


def test_compare_hatches_the_estimated_country(app_db):
    store = Store(app_db)
    assert store.import_bytes(TABLE, (DATA / TABLE).read_bytes()).ok
    pakistan = india_register().decode("cp1252").replace("\nIndia,", "\nPakistan,")
    assert store.import_bytes("pakistan-register.csv", pakistan.encode("cp1252")).ok
    at = open_page("compare", countries="India,Pakistan")
    figure = _figures(at)[0]
    axes = {t.get("xaxis", "x") for t in _hatched_bars(figure)}
    assert axes == {"x2"}  # Pakistan's panel only
    assert any("Hatched bars are estimated" in c.value for c in at.caption)


def test_suppliers_chart_from_one_importers_register_says_partial(register_db):
    at = open_page("suppliers", exporter="Russia")
    figure = _figures(at)[0]
    title = figure["layout"]["title"]
    assert "(loaded recipients only)" in title["text"]
    assert "counts only the recipients loaded (India)" in title["subtitle"]["text"]
    assert "estimated" in title["subtitle"]["text"]
