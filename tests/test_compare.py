"""Countries side by side: small multiples with a shared y axis, stable colours, one table row each."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import compare, views
from analysis.colors import color_map, supplier_color
from analysis.compare import compare_view, default_countries, parse_countries
from analysis.schema import FLOW_COLUMNS
from analysis.store import Store

from .conftest import DATA, examples
from .test_chart_safety import HOSTILE, assert_safe, shown

SUPPLIERS = {
    "India": {"Russia": 10.0, "France": 5.0, "Israel": 2.0, "Spain": 0.5},
    "Pakistan": {"China": 8.0, "United States": 2.0, "Turkey": 1.0},
    "Ukraine": {"United States": 6.0, "Germany": 3.0, "France": 1.0},
    "Egypt": {"France": 4.0, "Russia": 3.0, "United States": 2.0},
}


def flows(countries=("India", "Pakistan", "Ukraine"), years=range(2014, 2024)) -> pd.DataFrame:
    rows = [
        (country, supplier, year, tiv, "Aircraft")
        for country in countries
        for supplier, tiv in SUPPLIERS[country].items()
        for year in years
    ]
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)


def _panels(fig) -> set[str]:
    return {trace.xaxis for trace in fig.data}


def _legend_entries(fig) -> list[str]:
    return [trace.name for trace in fig.data if trace.showlegend is not False]


# --------------------------------------------------------------------------- the panels


@pytest.mark.parametrize("count", [2, 3, 4, 5, 6])
def test_one_panel_per_country_on_a_shared_y_axis(count):
    names = [f"Country {i}" for i in range(count)]
    frame = pd.concat(
        [flows(["India"]).assign(recipient=name) for name in names], ignore_index=True
    )
    fig = compare_view(frame, names).chart.fig
    assert len(_panels(fig)) == count
    titles = [a.text for a in fig.layout.annotations if a.text.startswith("<b>")]
    assert titles == [f"<b>{name}</b>" for name in names]
    y_axes = [k for k in fig.layout.to_plotly_json() if k.startswith("yaxis")]
    assert len(y_axes) == count  # no axes for the empty cells of a 2x3 grid
    for key in y_axes:
        axis = fig.layout[key]
        assert tuple(axis.range) == (0, 1)  # shares: 0-100% in every panel
    # one axis leads, every other panel's y axis matches it
    leaders = [k for k in y_axes if fig.layout[k].matches is None]
    assert len(leaders) == 1
    leader = "y" + leaders[0].removeprefix("yaxis")
    assert {fig.layout[k].matches for k in y_axes if k not in leaders} <= {leader}


def test_tiv_panels_share_one_scale():
    fig = compare_view(flows(), ["India", "Pakistan", "Ukraine"], measure="tiv").chart.fig
    assert fig.layout.yaxis2.matches == "y" and fig.layout.yaxis3.matches == "y"  # one row
    assert fig.layout.yaxis.range is None  # one autorange over every panel
    assert fig.layout.yaxis.title.text == "TIV (millions)"
    assert not fig.layout.yaxis2.title.text  # the title once, on the first column


def test_a_supplier_has_one_colour_and_one_legend_entry():
    fig = compare_view(flows(), ["India", "Pakistan", "Ukraine"], top_n=None).chart.fig
    colours: dict[str, set[str]] = {}
    for trace in fig.data:
        colours.setdefault(trace.name, set()).add(trace.marker.color)
    assert len(colours["United States"]) == 1 and len(colours["France"]) == 1
    expected = color_map(colours)
    for name, seen in colours.items():
        assert seen == {expected[name]}, name
    assert expected["Russia"] == supplier_color("Russia")  # main suppliers never move
    entries = _legend_entries(fig)
    assert sorted(entries) == sorted(colours)  # one entry per supplier
    assert len(entries) == len(set(entries))
    # the United States appear in two panels, under one legend group
    us = [t for t in fig.data if t.name == "United States"]
    assert len(us) == 2 and {t.legendgroup for t in us} == {"United States"}


def test_the_same_suppliers_are_named_in_every_panel():
    view = compare_view(flows(), ["India", "Pakistan", "Ukraine"], top_n=3)
    # Each country weighs the same: India's, Pakistan's and Ukraine's largest make the cut.
    # United States 2/11 + 6/10, China 8/11, Russia 10/17.5 of the countries' imports
    assert view.suppliers == ["United States", "China", "Russia"]
    data = view.chart.data
    assert set(data["supplier"]) == {"China", "Russia", "United States", "Others"}
    assert list(data.columns) == ["recipient", "year", "supplier", "tiv", "share"]
    per_year = data.groupby(["recipient", "year"])["share"].sum()
    assert per_year.round(9).eq(1.0).all()


def test_by_period_uses_the_same_periods_in_every_panel():
    frame = pd.concat([flows(["India"], range(2009, 2024)), flows(["Pakistan"], range(2019, 2024))])
    view = compare_view(frame, ["India", "Pakistan"], by="period")
    fig = view.chart.fig
    assert list(fig.layout.xaxis.categoryarray) == ["2009-13", "2014-18", "2019-23"]
    assert list(fig.layout.xaxis2.categoryarray) == ["2009-13", "2014-18", "2019-23"]
    assert set(view.chart.data.query("recipient == 'Pakistan'")["period"]) == {"2019-23"}
    assert view.periods == [(2014, 2018), (2019, 2023)]


def test_title_subtitle_and_source_line():
    frame = flows().assign(vintage="2024-10-10")
    fig = compare_view(frame, ["India", "Pakistan"]).chart.fig
    assert "India and Pakistan" in fig.layout.title.text
    subtitle = fig.layout.title.subtitle.text
    assert "Countries: India, Pakistan" in subtitle and "top 6" in subtitle
    footer = [a.text for a in fig.layout.annotations if a.name == "source"]
    assert footer == ["Source: SIPRI Arms Transfers Database, data generated 10 Oct 2024"]
    assert fig.layout.meta["chart"] == "compare_import_mix"


# --------------------------------------------------------------------------- the table


def test_period_table_has_one_row_per_country_rounded_the_sipri_way():
    frame = pd.DataFrame(
        [
            ("India", "Russia", 2019, 75.9, "x"),
            ("India", "France", 2019, 7.7, "x"),
            ("India", "Spain", 2019, 16.4, "x"),
            ("Pakistan", "China", 2019, 1.0, "x"),
        ]
        + [("India", "Russia", y, 1.0, "x") for y in range(2015, 2019)],
        columns=FLOW_COLUMNS,
    )
    view = compare_view(frame, ["India", "Pakistan"], table_periods=[(2015, 2019)])
    table = view.table
    assert list(table["Country"]) == ["India", "Pakistan"]
    row = table.set_index("Country").loc["India"]
    assert row["Russia 2015-19"] == "77%"  # 79.9 / 104.0 = 76.8%
    assert row["France 2015-19"] == "7.4%"
    assert table.set_index("Country").loc["Pakistan", "China 2015-19"] == "100%"
    assert table.set_index("Country").loc["Pakistan", "Russia 2015-19"] == "0.0%"
    assert list(table.columns)[-2:] == ["Coverage", "Data generated"]


def test_table_shows_two_periods_and_n_a_without_deliveries():
    frame = pd.concat([flows(["India"], range(2009, 2024)), flows(["Pakistan"], range(2019, 2024))])
    table = compare_view(frame, ["India", "Pakistan"], top_n=2).table
    assert len(table) == 2
    assert "Russia 2014-18" in table.columns and "Russia 2019-23" in table.columns
    pakistan = table.set_index("Country").loc["Pakistan"]
    assert pakistan["China 2014-18"] == "n/a" and pakistan["China 2019-23"] == "73%"


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "countries",
    [["India"], ["India", "India"], [f"C{i}" for i in range(7)], []],
    ids=["one", "one-twice", "seven", "none"],
)
def test_fewer_than_two_or_more_than_six_countries_are_refused(countries):
    with pytest.raises(ValueError, match=r"Pick between 2 and 6 countries to compare"):
        compare_view(flows(), countries)


def test_a_country_without_data_and_unknown_options_are_refused():
    with pytest.raises(ValueError, match="no imports by supplier of Atlantis"):
        compare_view(flows(), ["India", "Atlantis"])
    with pytest.raises(ValueError, match="measure"):
        compare_view(flows(), ["India", "Pakistan"], measure="count")
    with pytest.raises(ValueError, match="by must be"):
        compare_view(flows(), ["India", "Pakistan"], by="decade")
    with pytest.raises(ValueError, match="whole 5-year period"):
        compare_view(flows(years=range(2020, 2023)), ["India", "Pakistan"], by="period")


# --------------------------------------------------------------------------- hostile names


def test_hostile_country_and_supplier_names_are_escaped():
    rows = [
        (recipient, supplier, year, float(i + j + 1), "x")
        for i, recipient in enumerate(HOSTILE[:3])
        for j, supplier in enumerate(HOSTILE)
        for year in range(2010, 2020)
    ]
    frame = pd.DataFrame(rows, columns=FLOW_COLUMNS)
    for by in ("year", "period"):
        view = compare_view(frame, HOSTILE[:3], by=by, top_n=None)
        assert_safe(view.chart.fig, HOSTILE)
        titles = [shown(a.text) for a in view.chart.fig.layout.annotations][:3]
        assert titles == HOSTILE[:3]
        # the CSV and the table keep the real names
        assert set(view.chart.data["recipient"]) == set(HOSTILE[:3])
        assert list(view.table["Country"]) == HOSTILE[:3]


# --------------------------------------------------------------------------- the same rows as Import mix


def test_each_panel_holds_what_import_mix_plots(tmp_path):
    store = Store(tmp_path / "arms.sqlite")
    for name in (
        "tiv_table_india_by_supplier.csv",
        "register_cp1252.csv",
        "register_deliveries.csv",
    ):
        assert store.import_bytes(name, (DATA / name).read_bytes()).ok
    loaded = store.flows()
    view = compare_view(loaded, ["India", "Ukraine"], top_n=None)
    for country in ("India", "Ukraine"):
        mix = views.import_mix_view(loaded, recipient=country, top_n=None).data
        mine = view.chart.data[view.chart.data["recipient"] == country]
        left = mine.set_index(["year", "supplier"])["tiv"].sort_index()
        right = mix.set_index(["year", "supplier"])["tiv"].sort_index()
        pd.testing.assert_series_equal(left, right, check_names=False)


# --------------------------------------------------------------------------- helpers


def test_parse_countries_keeps_names_with_commas():
    known = ["India", "Korea, South", "Pakistan"]
    assert parse_countries("Korea, South,India,Atlantis,India", known) == ["Korea, South", "India"]
    assert parse_countries("", known) == []


def test_default_countries_start_with_india_then_the_largest():
    frame = pd.concat(
        [flows(["Pakistan", "Egypt", "India", "Ukraine"])],
        ignore_index=True,
    )
    unknown = frame.assign(recipient="unknown recipient(s)", tiv=frame["tiv"] * 100)
    frame = pd.concat([frame, unknown], ignore_index=True)
    # totals: Pakistan 110, Ukraine 100, Egypt 90, India 175 (first anyway)
    assert default_countries(frame) == ["India", "Pakistan", "Ukraine"]
    without = frame.query("recipient != 'India'")
    assert default_countries(without, count=2) == ["Pakistan", "Ukraine"]


@settings(max_examples=examples(40))
@given(
    count=st.integers(2, 6),
    top=st.one_of(st.none(), st.integers(1, 4)),
    by=st.sampled_from(["year", "period"]),
    measure=st.sampled_from(["share", "tiv"]),
)
def test_any_choice_gives_one_panel_per_country_and_one_entry_per_supplier(count, top, by, measure):
    names = list(SUPPLIERS)[: min(count, 4)] + [f"Extra {i}" for i in range(count - 4)]
    frame = pd.concat(
        [flows([list(SUPPLIERS)[i % 4]]).assign(recipient=name) for i, name in enumerate(names)],
        ignore_index=True,
    )
    view = compare_view(frame, names, by=by, measure=measure, top_n=top)
    fig = view.chart.fig
    assert len(_panels(fig)) == count
    entries = _legend_entries(fig)
    assert len(entries) == len(set(entries))
    assert len(view.table) == count
    if top is not None:
        assert len(view.suppliers) <= top
    assert compare.MIN_COUNTRIES <= count <= compare.MAX_COUNTRIES


def test_the_source_line_names_each_countrys_data_date_when_they_differ():
    from analysis.compare import _source_line

    line = _source_line({"India": dt.date(2024, 10, 10), "Ukraine": dt.date(2025, 2, 17)})
    assert line == (
        "Source: SIPRI Arms Transfers Database, data generated "
        "10 Oct 2024 (India); 17 Feb 2025 (Ukraine)"
    )
    assert _source_line({"India": dt.date(2024, 10, 10), "Egypt": dt.date(2024, 10, 10)}) == ""


@pytest.mark.parametrize(
    "spans, since",
    [
        ({"India": (1950, 2023), "Ukraine": (2014, 2023)}, 2000),  # not a sliver for Ukraine
        ({"India": (2005, 2023), "Egypt": (2010, 2023)}, 2005),  # all start after 2000
        ({"Iran": (1950, 1990), "Iraq": (1960, 1991)}, 1950),  # no data reach 2000
        ({"India": (1950, 2023), "Pakistan": (1950, 2023)}, 2000),
    ],
)
def test_yearly_panels_start_in_2000_unless_every_country_starts_later(spans, since):
    from analysis.compare import _yearly_since

    assert _yearly_since(spans) == since
