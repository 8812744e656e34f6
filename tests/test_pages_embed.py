"""AppTest: ?embed=true shows only the chart; the share panel; the Data page's release diff."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store
from tests.conftest import DATA, ROOT


@pytest.fixture
def stocked(app_db):
    store = Store(app_db)
    for name in (
        "tiv_table_india_vintage_2024.csv",
        "tiv_table_india_vintage_2025.csv",
        "register_cp1252.csv",
    ):
        assert store.import_bytes(name, (DATA / name).read_bytes()).ok, name
    return app_db


def run(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update(query)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


@pytest.mark.parametrize(
    ("page", "query", "title"),
    [
        ("pages/overview.py", {"country": "India"}, "India's arms imports by supplier, by year"),
        (
            "pages/import_mix.py",
            {"country": "India", "by": "period", "measure": "tiv"},
            "India's arms imports by supplier, by 5-year period",
        ),
    ],
)
def test_embed_mode_shows_the_chart_alone(stocked, page, query, title):
    at = run(page, **query, embed="true")
    shown = charts(at)
    assert len(shown) == 1
    layout = shown[0]["layout"]
    assert title in layout["title"]["text"]
    names = {a.get("name") for a in layout["annotations"]}
    assert "source" in names  # the source line travels with the chart
    # nothing else: no title, no widgets, no tables, no captions
    assert not at.title and not at.selectbox and not at.toggle and not at.radio
    assert not at.dataframe and not at.caption and not at.markdown
    # the same page without embed has its controls and the Embed toggle
    full = run(page, **query)
    assert full.title and full.selectbox
    assert any(t.label == "Embed" for t in full.toggle)


def test_embed_mode_draws_the_events_key(stocked):
    at = run("pages/import_mix.py", country="India", by="year", embed="true")
    layout = charts(at)[0]["layout"]
    # The events drawn, in their numbers' order: the legend's lines (numbered markers) or the
    # labels' hover texts ("1 — title (date)"); the figure no longer carries a record of them.
    notes = {a.get("name"): a for a in layout["annotations"]}
    if "event-legend" in notes:
        lines = notes["event-legend"]["text"].split("<br>")[1:]
    else:
        labels = sorted((n for n in notes if n and n.startswith("event-label-")), key=_number)
        lines = [notes[n]["hovertext"] for n in labels]
    drawn = [line.split(" — ", 1)[1].rsplit(" (", 1)[0] for line in lines]
    assert drawn[-2:] == [
        "Indian defence-industry delegation in Moscow",
        "Putin's visit to New Delhi",
    ]


def _number(name: str) -> int:
    return int(name.rsplit("-", 1)[1])


def test_embed_panel_gives_an_iframe_of_the_embedded_view(stocked):
    at = run("pages/overview.py", country="India")
    next(t for t in at.toggle if t.label == "Embed").set_value(True).run()
    snippet = at.code[0].value
    assert snippet.startswith("<iframe src=") and "embed=true" in snippet
    assert "country=India" in snippet
    assert 'title="India&#x27;s arms imports by supplier, by year"' in snippet


def test_data_page_compares_two_releases(stocked):
    at = run("pages/data.py")
    assert at.selectbox(key="diff_a").value != at.selectbox(key="diff_b").value
    at.selectbox(key="diff_a").set_value(1)
    at.selectbox(key="diff_b").set_value(2).run()  # the two vintages of India's TIV table
    at.selectbox(key="diff_recipient").set_value("India").run()
    tables = [d.value for d in at.dataframe if "Change (pp)" in d.value.columns]
    assert tables, "no share-revision table"
    first = tables[0].iloc[0]
    assert (first["Supplier"], first["Period"]) == ("Russia", "2019-23")
    assert (first["Share A"], first["Share B"]) == ("50%", "55%")
    assert any("what SIPRI's revision moved" in c["layout"]["title"]["text"] for c in charts(at))


def _with_ukraine(db) -> None:
    """A second importer split by supplier (Compare needs two)."""
    assert Store(db).import_bytes("D.csv", (DATA / "register_deliveries.csv").read_bytes()).ok


@pytest.mark.parametrize(
    ("page", "query", "title"),
    [
        (
            "pages/compare.py",
            {"countries": "India,Ukraine", "by": "year"},
            "Arms imports by supplier: India and Ukraine, by year",
        ),
        (
            "pages/periods.py",
            {"country": "India", "a": "2014-18", "b": "2019-23"},
            "India's suppliers: 2014-18 versus 2019-23",
        ),
        ("pages/suppliers.py", {"exporter": "Russia"}, "Russia"),
        ("pages/suppliers.py", {"country": "India", "chart": "map"}, "India"),
    ],
)
def test_embed_mode_on_compare_periods_and_suppliers(stocked, page, query, title):
    _with_ukraine(stocked)
    at = run(page, **query, embed="true")
    shown = charts(at)
    assert len(shown) == 1
    layout = shown[0]["layout"]
    assert title in layout["title"]["text"]
    assert "source" in {a.get("name") for a in layout.get("annotations", [])}
    assert not at.title and not at.selectbox and not at.multiselect and not at.toggle
    assert not at.dataframe and not at.caption and not at.markdown and not at.error
    full = run(page, **query)
    assert full.title
    assert any(t.label == "Embed" for t in full.toggle)


@pytest.mark.parametrize(
    ("page", "query", "expected"),
    [
        ("pages/compare.py", {"countries": "India,Ukraine"}, "countries=India%2CUkraine"),
        ("pages/periods.py", {"country": "India"}, "country=India"),
        ("pages/suppliers.py", {"country": "India"}, "chart=map"),
    ],
)
def test_embed_panel_on_compare_periods_and_suppliers(stocked, page, query, expected):
    _with_ukraine(stocked)
    at = run(page, **query)
    next(t for t in reversed(at.toggle) if t.label == "Embed").set_value(True).run()
    snippet = at.code[-1].value
    assert snippet.startswith("<iframe src=") and "embed=true" in snippet
    assert expected in snippet
