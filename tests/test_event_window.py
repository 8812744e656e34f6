"""The event-window table of the Import mix page, on tiny frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.event_window import window_table


def _data(**columns) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "supplier": ["Russia", "France", "Israel"],
            "share_2017-21": [0.455, 0.0951, None],
            "share_2022-26": [0.36, 0.125, 0.04],
            "change_pp": [-9.55, 2.99, 4.0],
            **columns,
        }
    )


def test_columns_are_named_after_the_two_periods_in_order():
    table = window_table(_data())
    assert list(table.columns) == [
        "Supplier",
        "Share 2017-21 (before)",
        "Share 2022-26 (after)",
        "Change (pp)",
    ]


def test_shares_round_the_sipri_way_and_missing_reads_n_a():
    table = window_table(_data())
    # Half-up on the decimal text: 45.5% -> "46%", 9.51% -> "9.5%", 12.5% -> "13%".
    assert list(table["Share 2017-21 (before)"]) == ["46%", "9.5%", "n/a"]
    assert list(table["Share 2022-26 (after)"]) == ["36%", "13%", "4.0%"]


def test_change_is_in_percentage_points_to_one_decimal():
    table = window_table(_data())
    assert list(table["Change (pp)"]) == pytest.approx([-9.6, 3.0, 4.0])
    assert table["Change (pp)"].dtype == "float64"


def test_rows_keep_the_charts_order():
    data = _data().iloc[[2, 0, 1]].set_index(pd.Index([7, 3, 5]))
    table = window_table(data)
    assert list(table["Supplier"]) == ["Israel", "Russia", "France"]
    assert list(table.index) == [0, 1, 2]


def test_missing_change_stays_missing():
    data = _data()
    data.loc[0, "change_pp"] = None
    assert math.isnan(window_table(data)["Change (pp)"].iloc[0])


def test_empty_window_keeps_its_columns():
    table = window_table(_data().iloc[:0])
    assert table.empty
    assert list(table.columns)[1:3] == ["Share 2017-21 (before)", "Share 2022-26 (after)"]


def test_ignores_extra_columns_and_does_not_change_its_input():
    data = _data(window=["before", "after", "after"])
    before = data.copy()
    assert list(window_table(data).columns)[0] == "Supplier"
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize(
    "drop",
    [["share_2022-26"], ["change_pp"], ["supplier"]],
    ids=["one share", "no change", "no supplier"],
)
def test_a_table_without_its_columns_is_refused(drop):
    with pytest.raises(ValueError, match="two share_<period> columns"):
        window_table(_data().drop(columns=drop))
