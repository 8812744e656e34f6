"""Alt text written from what a chart plots: every view kind, SIPRI's rounding, the events."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import published_views, views
from analysis.alt_text import chart_kind, compared_spans, describe_chart, describe_view
from analysis.category_view import category_view
from analysis.compare import compare_view
from analysis.dependency_chart import dependency_view
from analysis.events import Event
from analysis.vocab import share_text

DELEGATION = Event(
    dt.date(2025, 10, 29),
    "Indian defence-industry delegation in Moscow",
    "visit",
    end=dt.date(2025, 10, 30),
    countries=("India",),
)
PUTIN = Event(dt.date(2025, 12, 5), "Putin's visit to New Delhi", "visit", countries=("India",))
INVASION = Event(dt.date(2022, 2, 24), "Invasion", "conflict", is_global=True)
EVENTS = [INVASION, DELEGATION, PUTIN]


def _flows(rows, recipient="India"):
    frame = pd.DataFrame(rows, columns=["supplier", "year", "tiv"]).assign(recipient=recipient)
    frame["category"] = pd.Series([pd.NA] * len(frame), dtype="str")
    frame["vintage"] = "2024-10-10"
    return frame.astype({"recipient": "str", "supplier": "str", "year": "int64", "tiv": "float64"})


# 2009-13: Russia 76%, France 4%, Israel 20%; 2019-23: Russia 36.5% (SIPRI rounds it up to
# 37%), France 33.5%, Israel 30%. Data 2004-2023.
ROWS = (
    [("Russia", y, 60.0) for y in range(2004, 2009)]
    + [("Israel", y, 40.0) for y in range(2004, 2009)]
    + [("Russia", y, 76.0) for y in range(2009, 2014)]
    + [("France", y, 4.0) for y in range(2009, 2014)]
    + [("Israel", y, 20.0) for y in range(2009, 2014)]
    + [("Russia", y, 50.0) for y in range(2014, 2019)]
    + [("France", y, 50.0) for y in range(2014, 2019)]
    + [("Russia", y, 36.5) for y in range(2019, 2024)]
    + [("France", y, 33.5) for y in range(2019, 2024)]
    + [("Israel", y, 30.0) for y in range(2019, 2024)]
)
FLOWS = pd.concat([_flows(ROWS), _flows([("France", 2020, 5.0)], "Pakistan")], ignore_index=True)


def _sentences(text: str) -> list[str]:
    return [s for s in text.replace("). ", ")|").replace(". ", ".|").split("|") if s]


def test_yearly_import_mix_names_what_whose_years_largest_change_and_events():
    view = views.import_mix_view(FLOWS, EVENTS, recipient="India", extend_to_events=True)
    text = describe_view(view)
    assert text.startswith(
        "Stacked bars of India's arms imports by supplier, 2004-2023, as shares of each "
        "year's total. "
    )
    assert "Russia is the largest supplier over 2004-2023" in text
    # SIPRI's rounding: 36.5% prints as 37%, as on the chart and in the tables.
    assert "its share fell from 76% in 2009-13 to 37% in 2019-23" in text
    assert share_text(0.365) == "37%"
    assert text.endswith(
        "Events marked: Invasion (24 Feb 2022), Indian defence-industry delegation in Moscow "
        "(29–30 Oct 2025) and Putin's visit to New Delhi (5 Dec 2025)."
    )
    assert 1 <= len(_sentences(text)) <= 3


def test_only_the_events_the_chart_draws_are_named():
    view = views.import_mix_view(FLOWS, EVENTS, recipient="India", extend_to_events=False)
    text = describe_view(view)
    assert "Event marked: Invasion (24 Feb 2022)." in text
    assert "Putin" not in text  # listed under the chart as outside the plotted years


def test_many_events_are_counted_and_the_latest_named():
    many = [
        Event(dt.date(2010 + i, 3, 1), f"Event {i}", "visit", countries=("India",))
        for i in range(7)
    ]
    text = describe_view(views.import_mix_view(FLOWS, many, recipient="India"))
    assert text.endswith(
        "7 events marked, the latest Event 4 (1 Mar 2014), Event 5 (1 Mar 2015) and Event 6 (1 Mar 2016)."
    )


def test_period_mix_and_tiv_measure():
    text = describe_view(
        views.import_mix_view(FLOWS, recipient="India", by="period", measure="tiv")
    )
    assert text.startswith(
        "Stacked bars of India's arms imports by supplier per SIPRI 5-year period, "
        "2004-08 to 2019-23, in TIV (millions)."
    )
    assert "fell from 76% in 2009-13 to 37% in 2019-23" in text


def test_published_figures_say_so_and_quote_the_latest_period():
    text = describe_view(published_views.published_mix_view([PUTIN], recipient="India"))
    assert ", as published by SIPRI, " in text
    assert "largest supplier in 2021-25" in text or "largest supplier in 2019-23" in text
    assert "%" in text and "585%" not in text


def test_dumbbell_comparison_and_event_window():
    view = views.period_comparison_view(
        FLOWS, recipient="India", period_a=(2009, 2013), period_b=(2019, 2023)
    )
    text = describe_view(view)
    assert text.startswith(
        "Dumbbell chart of India's suppliers' shares of its arms imports in 2009-13 and 2019-23."
    )
    assert "Russia is the largest supplier in 2019-23 (37%); its share fell from 76%" in text
    window = describe_view(views.event_window_view(FLOWS, PUTIN, recipient="India"))
    assert "before and after the event Putin's visit to New Delhi" in window
    # The window after the event has no deliveries yet: no "fell to 0.0%".
    assert "0.0%" not in window
    assert window.endswith("Event listed under the chart: Putin's visit to New Delhi (5 Dec 2025).")


def test_map_customers_compare_and_dependency():
    text = describe_view(views.supplier_map_view(FLOWS, recipient="India", years=(2019, 2023)))
    assert "World map of where India's arms imports came from, 2019-2023" in text
    assert "Russia (37%), France (34%) and Israel (30%)" in text  # 33.5% rounds half up
    text = describe_view(views.customers_view(FLOWS, exporter="France"))
    assert text.startswith("Stacked bars of France's arms exports by recipient, 2009-2023")
    assert "India is the largest recipient" in text
    comparison = compare_view(FLOWS, ["India", "Pakistan"]).chart
    text = describe_view(comparison)
    assert "of India and Pakistan" in text and "Pakistan, France (100%)" in text
    dependency = dependency_view(FLOWS, "India").chart
    text = describe_view(dependency)
    assert "how concentrated India's arms imports are" in text
    assert "In 2019-23 Russia supplied 37% and the top three 100%" in text


def test_category_view_is_described(fixture_path):
    from analysis.sipri import read_sipri

    export = read_sipri(fixture_path("tiv_table_old_categories_india.csv"))
    flows = export.flows.assign(vintage="2024-01-01")
    recipient = str(flows["recipient"].dropna().iloc[0])
    view = category_view(flows, recipient=recipient)
    assert chart_kind(view.fig).startswith("category_mix")
    text = describe_view(view)
    assert text.startswith(f"Stacked bars of {recipient}'s arms imports by weapon category")
    assert "is the largest category" in text


def test_a_table_of_another_shape_still_gets_the_title():
    view = views.import_mix_view(FLOWS, recipient="India")
    assert describe_chart(view.fig, view.meta, pd.DataFrame({"x": [1]})) == (
        "India's arms imports by supplier, by year."
    )


def test_compared_spans_are_ten_years_apart_else_five():
    table = pd.DataFrame({"year": range(2004, 2024), "supplier": "A", "tiv": 1.0})
    assert compared_spans(table) == ((2009, 2013), (2019, 2023))
    assert compared_spans(table[table["year"] >= 2012]) == ((2014, 2018), (2019, 2023))
    assert compared_spans(table[table["year"] >= 2016]) is None


@pytest.mark.parametrize("name", ["<b>Evil</b> & co", "%{x}"])
def test_file_text_is_kept_plain(name):
    flows = _flows([(name, 2020, 5.0), ("Russia", 2020, 1.0)])
    text = describe_view(views.import_mix_view(flows, recipient="India"))
    assert f"{name} is the largest supplier" in text  # raw text: escaped where it is put


def test_a_period_without_deliveries_is_never_zero_percent_and_names_take_the():
    from analysis.alt_text import change_clause

    before = pd.Series({"United States": 0.0, "Russia": 0.8})
    after = pd.Series({"United States": 0.3, "Russia": 0.7})
    text = change_clause(before, after, ((1999, 2003), (2009, 2013)))
    assert "0.0%" not in text
    assert text == (
        "the United States' share rose to 30% in 2009-13, from no deliveries in 1999-2003"
    )
