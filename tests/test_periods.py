"""The Periods page's choice of periods: windows, defaults, URL values, the same-period case."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.periods import compared_periods, default_pair, period_windows, requested_period
from analysis.shares import latest_complete_periods
from analysis.vocab import period_label


def test_windows_are_every_5_year_window_newest_first():
    assert period_windows((2014, 2023)) == [
        "2019-23",
        "2018-22",
        "2017-21",
        "2016-20",
        "2015-19",
        "2014-18",
    ]


@pytest.mark.parametrize("span", [None, (2020, 2023), (2023, 2023), (2023, 2019)])
def test_fewer_than_5_years_give_no_window(span):
    assert period_windows(span) == []
    assert default_pair(period_windows(span)) is None


def test_exactly_5_years_give_one_window_and_nothing_to_compare():
    windows = period_windows((2019, 2023))
    assert windows == ["2019-23"]
    assert default_pair(windows) == ("2019-23", "2019-23")
    assert compared_periods(*default_pair(windows)) is None


def test_exactly_10_years_default_to_the_two_whole_periods():
    windows = period_windows((2014, 2023))
    assert default_pair(windows) == ("2014-18", "2019-23")


def test_6_to_9_years_compare_the_oldest_window_with_the_newest():
    assert default_pair(period_windows((2016, 2023))) == ("2016-20", "2019-23")


def test_long_data_default_to_the_latest_two_periods():
    assert default_pair(period_windows((1950, 2024))) == ("2015-19", "2020-24")


def test_labels_across_a_century():
    assert period_windows((1996, 2001)) == ["1997-2001", "1996-2000"]


@pytest.mark.parametrize("years", range(1, 16))
def test_defaults_agree_with_latest_complete_periods(years):
    """The page's default pair is SIPRI's latest two whole periods of the same years."""
    flows = pd.DataFrame({"year": range(2024 - years + 1, 2025)})
    latest = [period_label(*p) for p in latest_complete_periods(flows, 2)]
    pair = default_pair(period_windows((2024 - years + 1, 2024)))
    if len(latest) == 2:
        assert pair == tuple(latest)
    elif latest:
        assert pair is not None and pair[1] == latest[0]
    else:
        assert pair is None


WINDOWS = period_windows((2009, 2023))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2009-13", "2009-13"),
        ("2009-2013", "2009-13"),  # other spellings of the same period
        ("2009–13", "2009-13"),
        (" 2014-18 ", "2014-18"),
        ("2004-08", "2019-23"),  # a period outside the data
        ("2024-28", "2019-23"),
        ("2009-2014", "2019-23"),  # not 5 years
        ("nonsense", "2019-23"),
        ("", "2019-23"),
        (None, "2019-23"),
    ],
)
def test_url_values_name_a_window_or_fall_back_to_the_default(text, expected):
    assert requested_period(WINDOWS, text, "2019-23") == expected


def test_two_different_periods_are_compared_in_the_order_chosen():
    assert compared_periods("2009-13", "2019-23") == ((2009, 2013), (2019, 2023))
    assert compared_periods("2019-23", "2009-13") == ((2019, 2023), (2009, 2013))


def test_the_same_period_twice_is_nothing_to_compare():
    assert compared_periods("2019-23", "2019-2023") is None


def test_a_label_that_is_no_period_is_refused():
    with pytest.raises(ValueError):
        compared_periods("2019-23", "latest")
