"""The Periods page's choice of periods: windows, defaults, URL values, the same-period case."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.periods import (
    STORY_PAIR,
    anchor_years,
    compared_periods,
    default_pair,
    period_windows,
    requested_anchor,
    requested_period,
    story_pair_available,
    tiled_pair,
    tiled_periods,
)
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


# --------------------------------------------------------------------------- tiling on an anchor


def test_periods_tile_back_from_the_anchor():
    span = (1950, 2024)
    assert tiled_periods(2023, span)[:3] == ["2019-23", "2014-18", "2009-13"]
    assert tiled_periods(2024, span)[:3] == ["2020-24", "2015-19", "2010-14"]
    assert tiled_periods(2024, span)[-1] == "1950-54"
    assert tiled_periods(2023, span)[-1] == "1954-58"  # 1949-53 is partly outside the data


def test_tiling_stays_inside_the_data():
    assert tiled_periods(2023, (2012, 2023)) == ["2019-23", "2014-18"]
    assert tiled_periods(2025, (2012, 2023)) == []  # anchor after the data
    assert tiled_periods(2014, (2012, 2023)) == []  # no whole period ends in 2014
    assert tiled_periods(2016, (2012, 2023)) == ["2012-16"]
    assert tiled_periods(2023, None) == []


def test_anchor_years_and_the_first_pair():
    assert anchor_years((2012, 2023)) == list(range(2023, 2015, -1))
    assert anchor_years((2020, 2023)) == []
    assert anchor_years(None) == []
    assert tiled_pair(tiled_periods(2023, (1950, 2024))) == ("2014-18", "2019-23")
    assert tiled_pair(["2019-23"]) == ("2019-23", "2019-23")
    assert tiled_pair([]) is None


@pytest.mark.parametrize(
    ("end", "later", "anchor"),
    [
        (None, None, 2024),  # the data's last year
        ("2023", None, 2023),
        ("2023", "2014-18", 2023),  # an explicit end wins
        (None, "2009-13", 2013),  # an old link naming two periods keeps them
        (None, "2009-2013", 2013),
        ("1900", "nonsense", 2024),
        ("x", "2100-04", 2024),
        ("1953", None, 2024),  # no whole period ends in 1953 (data from 1950): last year
        ("1954", None, 1954),
    ],
)
def test_requested_anchor(end, later, anchor):
    assert requested_anchor((1950, 2024), end, later) == anchor


def test_requested_anchor_without_data():
    assert requested_anchor(None, "2023") is None
    assert requested_anchor((2020, 2023), "2023") is None


def test_the_story_pair_needs_both_periods_in_the_data():
    assert story_pair_available((1950, 2024))
    assert story_pair_available((2009, 2023))
    assert not story_pair_available((2010, 2024))
    assert not story_pair_available((2000, 2022))
    assert not story_pair_available(None)
    assert [period_label(*p) for p in STORY_PAIR] == ["2009-13", "2019-23"]
