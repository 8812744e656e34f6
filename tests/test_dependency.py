"""Dependency on suppliers: top-3 share and HHI, the trend chart, and the Overview's section."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from analysis.chart_meta import ChartMeta
from analysis.dependency_chart import (
    DATA_COLUMNS,
    HHI_AXIS_TITLE,
    NO_DELIVERIES,
    build_dependency_trend,
    dependency_data,
    dependency_periods,
    dependency_table,
    dependency_view,
    hhi_points,
    hhi_text,
)
from analysis.schema import coerce_flows
from analysis.shares import dependency
from analysis.store import Store

from .conftest import DATA, ROOT, examples
from .test_chart_safety import HOSTILE, LINK, assert_safe, shown

P = (2019, 2023)


def flows(rows, **extra) -> pd.DataFrame:
    """Flows from (recipient, supplier, year, tiv) tuples; ``extra`` adds columns."""
    frame = pd.DataFrame(rows, columns=["recipient", "supplier", "year", "tiv"])
    frame = coerce_flows(frame.astype({"tiv": "float64"}))
    for name, values in extra.items():
        frame[name] = values
    return frame


# --------------------------------------------------------------------------- top-3 share, HHI


def test_three_suppliers_make_the_whole_top_3_and_hhi_is_the_sum_of_squares():
    got = dependency(
        flows([("India", "A", 2019, 50), ("India", "B", 2020, 30), ("India", "C", 2021, 20)]),
        "India",
        [P],
    ).table
    row = got.iloc[0]
    assert row["top_supplier"] == "A"
    assert row["top_share"] == 0.5
    assert row["top3_share"] == pytest.approx(1.0)
    assert row["top3_suppliers"] == "A; B; C"
    assert row["hhi"] == pytest.approx(0.38)
    assert row["suppliers"] == 3
    assert hhi_text(row["hhi"]) == "3,800"


def test_top_3_leaves_out_the_fourth_supplier():
    rows = [("India", s, 2019, v) for s, v in (("D", 10), ("B", 30), ("A", 40), ("C", 20))]
    row = dependency(flows(rows), "India", [P]).table.iloc[0]
    assert row["top3_suppliers"] == "A; B; C"
    assert row["top3_share"] == pytest.approx(0.9)
    assert row["hhi"] == pytest.approx(0.30)


def test_single_supplier_has_hhi_one():
    row = dependency(flows([("India", "Russia", 2020, 7)]), "India", [P]).table.iloc[0]
    assert (row["top_share"], row["top3_share"], row["hhi"]) == (1.0, 1.0, 1.0)
    assert row["top3_suppliers"] == "Russia"
    assert hhi_text(row["hhi"]) == "10,000"


def test_unknown_supplier_counts_as_one_supplier():
    rows = [
        ("India", "Russia", 2019, 60),
        ("India", "unknown supplier(s)", 2019, 20),
        ("India", "unknown supplier(s)", 2021, 20),
    ]
    row = dependency(flows(rows), "India", [P]).table.iloc[0]
    assert row["suppliers"] == 2
    assert row["top3_suppliers"] == "Russia; unknown supplier(s)"
    assert row["hhi"] == pytest.approx(0.36 + 0.16)


def test_equal_volumes_keep_name_order_and_names_with_commas_stay_whole():
    rows = [("India", s, 2019, 10) for s in ("Korea, South", "Israel", "France", "Brazil")]
    row = dependency(flows(rows), "India", [P]).table.iloc[0]
    assert row["top3_suppliers"] == "Brazil; France; Israel"
    rows = [("India", "Korea, South", 2019, 30), ("India", "Israel", 2019, 10)]
    assert dependency(flows(rows), "India", [P]).table.iloc[0]["top3_suppliers"] == (
        "Korea, South; Israel"
    )


def test_every_recipient_and_periods_without_data():
    rows = [("India", "A", 2019, 3), ("India", "B", 2010, 1), ("Chile", "Spain", 2020, 2)]
    got = dependency(flows(rows), None, [(2009, 2013), P]).table
    assert got[["recipient", "start", "top3_suppliers", "top3_share"]].values.tolist() == [
        ["Chile", 2019, "Spain", 1.0],
        ["India", 2009, "B", 1.0],
        ["India", 2019, "A", 1.0],
    ]
    empty = dependency(flows(rows), "Nowhere", [P]).table
    assert empty.empty
    assert {"top3_share", "top3_suppliers", "hhi"} <= set(empty.columns)


@settings(max_examples=examples(100), deadline=None)
@given(
    hs.lists(
        hs.tuples(
            hs.sampled_from(["A", "B", "C", "D", "unknown supplier(s)"]), hs.integers(1, 900)
        ),
        min_size=1,
        max_size=12,
    )
)
def test_concentration_bounds(items):
    frame = flows([("India", s, 2020, v) for s, v in items])
    row = dependency(frame, "India", [P]).table.iloc[0]
    n = row["suppliers"]
    assert row["top_share"] - 1e-12 <= row["top3_share"] <= 1 + 1e-12
    assert row["top_share"] ** 2 - 1e-12 <= row["hhi"] <= row["top_share"] + 1e-12
    assert row["hhi"] >= 1 / n - 1e-12
    assert len(row["top3_suppliers"].split("; ")) == min(n, 3)


# --------------------------------------------------------------------------- rounding, periods


def test_hhi_rounds_half_up_and_shares_use_sipri_rounding():
    assert hhi_points(0.4921875) == 4922
    assert hhi_points(0.00005) == 1
    assert hhi_points(np.nan) is None and hhi_text(None) == "n/a"
    dep = pd.DataFrame(
        {
            "start": [2009],
            "end": [2013],
            "top_supplier": ["Russia"],
            "top_share": [0.625],
            "top3_suppliers": ["Russia; Turkiye; France"],
            "top3_share": [0.0625],
            "hhi": [0.4921875],
            "suppliers": [4],
        }
    )
    data = dependency_data(dep, [(2004, 2008), (2009, 2013)])
    table = dependency_table(data)
    assert table.values.tolist() == [
        ["2004-08", NO_DELIVERIES, "n/a", "", "n/a", "n/a"],
        ["2009-13", "Russia", "63%", "Russia; Turkiye; France", "6.3%", "4,922"],
    ]
    assert list(data.columns) == DATA_COLUMNS


def test_dependency_periods_end_at_the_last_year():
    assert dependency_periods(1950, 2023) == [
        (1999, 2003),
        (2004, 2008),
        (2009, 2013),
        (2014, 2018),
        (2019, 2023),
    ]
    assert dependency_periods(2009, 2013) == [(2009, 2013)]
    assert dependency_periods(2022, 2023) == []


def test_view_refuses_partial_or_short_data():
    partial = flows([("India", "France", y, 5) for y in range(2010, 2020)], scope="exports")
    with pytest.raises(ValueError, match="only some"):
        dependency_view(partial, "India")
    short = flows([("India", "France", 2022, 5), ("India", "Russia", 2023, 5)])
    with pytest.raises(ValueError, match="less than one 5-year period"):
        dependency_view(short, "India")


# --------------------------------------------------------------------------- chart


def _view():
    rows = [
        ("India", "Russia", 2009, 60),
        ("India", "France", 2011, 30),
        ("India", "Israel", 2012, 10),
        ("India", "Russia", 2016, 40),
        ("India", "France", 2017, 40),
        ("India", "Israel", 2018, 20),
    ]
    return dependency_view(flows(rows, vintage="2024-10-10"), "India")


def test_chart_has_three_traces_title_and_source_line():
    view = _view()
    fig = view.chart.fig
    assert [t.name for t in fig.data] == ["Top supplier's share", "Top-3 share", "HHI (right axis)"]
    assert fig.data[2].yaxis == "y2"
    assert list(fig.data[0].x) == ["2009-13", "2014-18"]
    assert list(fig.data[0].y) == [0.6, 0.4]
    assert list(fig.data[2].y) == [4600.0, 3600.0]
    assert list(fig.data[0].text) == ["Russia 60%", "France 40%"]  # a tie: name order
    assert "How concentrated India" in fig.layout.title.text
    assert fig.layout.yaxis2.title.text == HHI_AXIS_TITLE
    # Both axes put full concentration at the same height.
    assert fig.layout.yaxis.range[1] * 10_000 == fig.layout.yaxis2.range[1]
    source = "Source: SIPRI Arms Transfers Database, data generated 10 Oct 2024"
    assert view.source == source
    footer = [a.text for a in fig.layout.annotations if a.name == "source"]
    assert footer == [source]
    assert fig.layout.meta["source"] == source
    # The plotted table travels in the chart view, not in the figure.
    pd.testing.assert_frame_equal(view.chart.data, view.data, check_dtype=False)
    assert "data" not in fig.layout.meta
    assert view.table["HHI"].tolist() == ["4,600", "3,600"]


def test_chart_escapes_hostile_names():
    frame = flows([(LINK, name, 2019 + i % 5, 10 + i) for i, name in enumerate(HOSTILE)])
    view = dependency_view(frame, LINK)
    fig = view.chart.fig
    top = view.data["top_supplier"].tolist()
    assert_safe(fig, [*top, LINK])
    # The top-3 names reach the hover text escaped, and read literally.
    assert shown(fig.data[1].hovertext[0]).endswith(
        f"{view.data['top3_suppliers'].iloc[0]}, {dependency_table(view.data)['Top-3 share'][0]}"
    )
    # The plotted table keeps the raw names.
    assert view.chart.data["top_supplier"].tolist() == top


def test_builder_requires_its_columns():
    with pytest.raises(ValueError, match="needs column"):
        build_dependency_trend(pd.DataFrame({"period": ["2019-23"]}), meta=ChartMeta("t"))


# --------------------------------------------------------------------------- Overview page


def _overview() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _dependency_table(at: AppTest) -> pd.DataFrame | None:
    tables = [d.value for d in at.dataframe if "HHI" in d.value.columns]
    return tables[0] if tables else None


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


@pytest.mark.app
def test_overview_shows_dependency_from_an_upload(db):
    store = Store(db)
    for name in ("tiv_table_india_by_supplier.csv", "tiv_table_importers_all.csv"):
        assert store.import_bytes(name, (DATA / name).read_bytes()).ok
    at = _overview()
    assert "Dependency on suppliers" in [h.value for h in at.subheader]
    table = _dependency_table(at)
    assert table.values.tolist() == [
        ["2009-13", "Russia", "63%", "Russia; Turkiye; France", "100%", "4,922"]
    ]
    captions = _captions(at)
    # The export used, by name, layout, vintage and exactness (markdown escapes removed).
    unescaped = captions.replace("\\", "")
    assert (
        "Source: tiv_table_india_by_supplier.csv — TIV table, data generated 10 Oct 2024, exact"
        in unescaped
    )
    assert "HHI (Herfindahl-Hirschman index)" in captions
    links = at.get("page_link")
    assert [link.proto.label for link in links] == ["About: what the measures mean"]
    assert len(at.get("plotly_chart")) == 2  # the import mix and the dependency trend
    at.toggle(key="overview_dependency_downloads").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.app
def test_overview_register_upload_says_volumes_are_estimated(db):
    name = "register_cp1252.csv"
    assert Store(db).import_bytes(name, (DATA / name).read_bytes()).ok
    at = _overview()
    table = _dependency_table(at).set_index("Period")
    assert table.loc["2019-23", "Top supplier"] == "France"
    assert table.loc["2014-18", "HHI"] == "10,000"
    # Markdown-escaped in the caption: "per\-deal".
    assert "Yearly volumes estimated from a per\\-deal register" in _captions(at)


@pytest.mark.app
def test_overview_seed_only_explains_what_dependency_needs(db):
    at = _overview()
    assert _dependency_table(at) is None
    assert any("HHI cannot be computed" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.app
@pytest.mark.samples
def test_overview_dependency_from_india_sample(db, sample_path):
    path = sample_path("EXTRACT_new_tiv_INDIA")
    assert Store(db).import_bytes(path.name, path.read_bytes()).ok
    at = _overview()
    table = _dependency_table(at).set_index("Period")
    assert list(table.index) == ["1999-2003", "2004-08", "2009-13", "2014-18", "2019-23"]
    assert table.loc["2009-13"].tolist() == [
        "Russia",
        "76%",
        "Russia; United States; United Kingdom",
        "87%",
        "5,868",
    ]
    assert table.loc["2019-23"].tolist() == [
        "Russia",
        "36%",
        "Russia; France; United States",
        "82%",
        "2,659",
    ]
