"""Compare two releases: share and TIV revisions between two vintages of India's table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.revisions import (
    SHARE_COLUMNS,
    common_periods,
    revision_view,
    share_revisions,
    tiv_revisions,
)
from analysis.sipri import read_sipri
from tests.conftest import DATA


def _flows(name: str) -> pd.DataFrame:
    export = read_sipri(DATA / name)
    flows = export.flows.assign(
        vintage=export.generated.isoformat(), scope=export.scope, layout=export.layout
    )
    flows.attrs = dict(export.flows.attrs)
    return flows


OLD = _flows("tiv_table_india_vintage_2024.csv")
NEW = _flows("tiv_table_india_vintage_2025.csv")


def test_the_fixtures_are_two_vintages_of_the_same_table():
    assert OLD["vintage"].iloc[0] == "2024-03-11" and NEW["vintage"].iloc[0] == "2025-03-10"
    assert common_periods(OLD, NEW, "India") == [(2014, 2018), (2019, 2023)]


def test_share_revisions_biggest_first_in_percentage_points():
    table = share_revisions(OLD, NEW, "India")
    assert list(table.columns) == SHARE_COLUMNS
    top = table.iloc[0]
    assert (top["supplier"], top["period"]) == ("Russia", "2019-23")
    # 300 of 600 in the 2024 release, 340 of 620 in the 2025 one
    assert top["share_a"] == pytest.approx(0.5)
    assert top["share_b"] == pytest.approx(340 / 620)
    assert top["change_pp"] == pytest.approx((340 / 620 - 0.5) * 100)
    assert table["change_pp"].abs().is_monotonic_decreasing
    france = table[(table["supplier"] == "France") & (table["period"] == "2019-23")].iloc[0]
    assert france["change_pp"] == pytest.approx((180 / 620 - 200 / 600) * 100)
    unchanged = table[table["period"] == "2014-18"]
    assert (unchanged["change_pp"] == 0).all() and len(unchanged) == 2


def test_a_release_against_itself_moves_nothing():
    table = share_revisions(NEW, NEW, "India")
    assert (table["change_pp"] == 0).all() and (table["share_a"] == table["share_b"]).all()


def test_tiv_revisions_are_yearly_and_biggest_first():
    table = tiv_revisions(OLD, NEW, "India")
    assert table.iloc[0][["supplier", "year", "tiv_a", "tiv_b", "change"]].tolist() == [
        "Russia",
        2023,
        60.0,
        100.0,
        40.0,
    ]
    assert table.iloc[1][["supplier", "year", "change"]].tolist() == ["France", 2023, -20.0]
    assert (table.iloc[2:]["change"] == 0).all()


def test_a_supplier_new_in_one_release_counts_from_zero():
    extra = pd.DataFrame(
        {"recipient": ["India"], "supplier": ["Israel"], "year": [2022], "tiv": [62.0]}
    ).assign(category=pd.NA, vintage="2025-03-10", scope="imports", layout="tiv_table")
    table = share_revisions(OLD, pd.concat([NEW, extra], ignore_index=True), "India")
    israel = table[table["supplier"] == "Israel"].iloc[0]
    assert israel["share_a"] == 0.0 and israel["share_b"] == pytest.approx(62 / 682)


def test_releases_without_the_recipient_or_a_shared_period_are_refused():
    with pytest.raises(ValueError, match="release A has no imports of Peru"):
        share_revisions(OLD, NEW, "Peru")
    with pytest.raises(ValueError, match="release B has no imports of India"):
        share_revisions(OLD, NEW[NEW["recipient"] == "Peru"], "India")
    short = NEW[NEW["year"] >= 2021]
    with pytest.raises(ValueError, match="share no whole 5-year period"):
        share_revisions(OLD, short, "India")


def test_revision_view_is_an_exportable_chart():
    view = revision_view(OLD, NEW, "India", names=("2024.csv", "2025.csv"))
    assert view.meta.vintage == dt.date(2025, 3, 10)
    assert "Release A" in view.meta.filters and "2024.csv" in view.meta.filters["Release A"]
    bars = view.fig.data[0]
    assert list(bars.y)[-1] == "Russia, 2019-23"  # the biggest revision drawn on top
    assert view.data.equals(share_revisions(OLD, NEW, "India"))
    footer = [a.text for a in view.fig.layout.annotations if a.name == "source"]
    assert footer and "SIPRI" in footer[0]


def test_revision_chart_is_described_from_what_it_plots():
    """Not just its title: which releases, how many revisions, the largest one in numbers."""
    from analysis.alt_text import describe_view

    view = revision_view(OLD, NEW, "India", names=("2024.csv", "2025.csv"))
    text = describe_view(view)
    assert text.startswith(
        "Horizontal bars of the revisions of India's supplier shares per SIPRI 5-year period "
        "between release A (data generated 11 Mar 2024) and release B (data generated "
        "10 Mar 2025), in percentage points."
    )
    assert "The largest: Russia in 2019-23, from 50% to 55% (+4.8 pp)." in text


def test_revision_chart_has_the_house_look_and_prints_shares_as_the_tables_do():
    from analysis.chart_style import FONT_FAMILY

    view = revision_view(OLD, NEW, "India", names=("2024.csv", "2025.csv"))
    assert view.fig.layout.template.layout.font.family == FONT_FAMILY  # not plotly_white
    bars = view.fig.data[0]
    assert list(bars.customdata[-1]) == ["+4.8 pp", "50%", "55%"]  # Russia, 2019-23, on top
    assert "%{customdata[1]}" in bars.hovertemplate and ":.1%" not in bars.hovertemplate
