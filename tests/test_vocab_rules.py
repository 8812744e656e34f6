"""One implementation each: the moving average, the top-N rule, the rows that are not a country
(analysis.vocab) and the event filter (analysis.events.events_for), and their callers agree."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis import chart_tables, colors, shares, vocab
from analysis.events import Event, events_for
from analysis.schema import FLOW_COLUMNS
from analysis.top_suppliers import top_suppliers

YEARLY = pd.DataFrame(
    {
        "year": [2000, 2000, 2003, 2004, 2004],
        "supplier": ["Russia", "France", "Russia", "France", "Russia"],
        "tiv": [10.0, 5.0, 3.0, 2.0, 1.0],
    }
)


def test_the_moving_average_counts_missing_years_as_zero_centred_or_trailing():
    centred = vocab.moving_average(YEARLY, window=3)
    assert centred.index.tolist() == [2000, 2001, 2002, 2003, 2004]
    np.testing.assert_allclose(centred, [np.nan, 5.0, 1.0, 2.0, np.nan])
    trailing = vocab.moving_average(YEARLY, window=3, centred=False)
    np.testing.assert_allclose(trailing, [np.nan, np.nan, 5.0, 1.0, 2.0])
    share = vocab.moving_average(YEARLY, "Russia", window=3)
    np.testing.assert_allclose(share, [np.nan, 10 / 15, 1.0, 4 / 6, np.nan])
    assert vocab.moving_average(YEARLY.iloc[:0]).empty


def test_the_fact_sheet_average_is_the_vocab_rule_trailing():
    flows = pd.DataFrame(
        [
            ("India", s, y, t, None)
            for y, s, t in YEARLY[["year", "supplier", "tiv"]].itertuples(index=False)
        ],
        columns=FLOW_COLUMNS,
    )
    got = shares.moving_average(flows, "India", window=2)
    want = vocab.moving_average(YEARLY, window=2, centred=False)
    np.testing.assert_allclose(got["moving_average"], want.to_numpy())


def test_top_names_largest_first_equal_values_by_name():
    totals = pd.Series({"b": 2.0, "a": 2.0, "c": 5.0, "d": 1.0})
    assert vocab.top_names(totals, 3) == ["c", "a", "b"]
    assert vocab.top_names(totals, None) == ["c", "a", "b", "d"]


def test_the_chart_and_the_shares_keep_the_same_suppliers_on_a_tie():
    tied = pd.DataFrame(
        {
            "year": [2020, 2020, 2020],
            "supplier": ["Spain", "Israel", "France"],
            "tiv": [3.0, 3.0, 1.0],
        }
    )
    chart = chart_tables.mix_by_year_data(tied, top_n=1)
    assert chart["supplier"].tolist() == ["Israel", "Others"]
    table = tied.assign(recipient="India", start=2020, end=2020, share=tied["tiv"] / 7)
    kept = top_suppliers(table, n=1).table
    assert kept["supplier"].tolist() == ["Israel", "Others"]


def test_rows_that_are_not_a_country_have_one_spelling_and_one_colour():
    assert vocab.not_a_country(" Other  suppliers ") == vocab.OTHERS
    assert vocab.not_a_country("Unknown country") == vocab.UNKNOWN_SUPPLIER
    assert vocab.not_a_country("unknown recipient(s)") == vocab.UNKNOWN_RECIPIENT
    assert vocab.not_a_country("India") is None
    assert colors.supplier_color("Other recipients") == colors.OTHERS_COLOR
    assert colors.supplier_color("Unknown recipient(s)") == colors.UNKNOWN_COLOR
    # Country spellings come from analysis.names, not a table of colours' own.
    assert colors.supplier_color("USSR") == colors.supplier_color("Soviet Union")
    assert colors.supplier_color("Korea, South") == colors.supplier_color("South Korea")


def test_one_event_filter_for_pages_and_charts():
    day = dt.date(2020, 1, 1)
    india = Event(day, "India", "visit", countries=("India",))
    world = Event(day, "World", "conflict", is_global=True)
    turkey = Event(day, "Turkiye", "order", countries=("Turkiye",))
    events = [turkey, world, india]
    assert events_for(events, None) == [india, turkey, world]  # by date, then title
    assert events_for(events, "India", hidden=["conflict"]) == [india]
    assert events_for(events, "Turkey") == [turkey, world]  # any SIPRI spelling
    assert Event(day, "x", end=dt.date(2020, 2, 1)).last_day == dt.date(2020, 2, 1)
    assert Event(day, "x").last_day == day
