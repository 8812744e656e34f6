"""Recent events on yearly charts: how far the axis runs, and markers that never overlap."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import views
from analysis.chart_meta import ChartMeta
from analysis.charts import build_import_mix_by_year
from analysis.event_layout import (
    MARKER_WIDTH_PX,
    MIN_PLOT_WIDTH_PX,
    MarkerPlace,
    axis_end,
    overlapping,
    place_markers,
)
from analysis.events import Event
from tests.conftest import examples

TODAY = dt.date(2026, 3, 15)
DELEGATION = Event(
    start=dt.date(2025, 10, 29),
    end=dt.date(2025, 10, 30),
    title="Indian defence-industry delegation in Moscow",
    category="visit",
    countries=("India", "Russia"),
)
PUTIN = Event(
    start=dt.date(2025, 12, 5),
    title="Putin's visit to New Delhi",
    category="visit",
    countries=("India", "Russia"),
)
WIDTHS = (MIN_PLOT_WIDTH_PX, 700.0, 1000.0, 2400.0)


def _fraction(day: dt.date, first: dt.date, end: dt.date) -> float:
    return (day - first).days / (end - first).days


def test_axis_ends_after_the_month_of_the_latest_event_not_whole_years():
    ends = [dt.date(2025, 10, 30), dt.date(2025, 12, 5)]
    assert axis_end(2023, ends, TODAY) == dt.date(2026, 1, 1)
    assert axis_end(2024, ends, TODAY) == dt.date(2026, 1, 1)
    # the delegation alone: the axis stops at the end of October 2025, not of 2025
    assert axis_end(2023, ends[:1], TODAY) == dt.date(2025, 11, 1)


def test_axis_keeps_the_data_years_when_no_event_comes_later():
    assert axis_end(2023, [], TODAY) == dt.date(2024, 1, 1)
    assert axis_end(2023, [dt.date(2019, 5, 1)], TODAY) == dt.date(2024, 1, 1)
    assert axis_end(2023, [dt.date(2023, 12, 31)], TODAY) == dt.date(2024, 1, 1)


def test_axis_never_runs_past_the_month_after_today():
    assert axis_end(2023, [dt.date(2040, 1, 1)], TODAY) == dt.date(2026, 4, 1)
    assert axis_end(2023, [dt.date(9999, 12, 31)], dt.date(2026, 12, 2)) == dt.date(2027, 1, 1)
    # never before the data's own end, whatever today says
    assert axis_end(2023, [dt.date(2025, 1, 1)], dt.date(2020, 1, 1)) == dt.date(2024, 1, 1)


def test_the_story_events_get_separate_markers_inside_the_plot():
    first, end = dt.date(2000, 1, 1), dt.date(2026, 1, 1)
    fractions = [_fraction(e, first, end) for e in (dt.date(2025, 10, 29), dt.date(2025, 12, 5))]
    places = place_markers(fractions, [1, 0], max_rows=10, limit=200)
    assert all(p.row is not None for p in places)
    for width in WIDTHS:
        assert overlapping(places, fractions, width) == []
        for place, fraction in zip(places, fractions, strict=True):
            centre = fraction * width + place.shift_px
            assert MARKER_WIDTH_PX / 2 <= centre <= width - MARKER_WIDTH_PX / 2
    # the December marker sits 26 days before the axis end: pulled inwards, never outside
    assert places[1].shift_px < 0


def test_overlap_check_finds_markers_drawn_on_top_of_each_other():
    fractions = [0.5, 0.501]
    assert overlapping([MarkerPlace(0, 0), MarkerPlace(0, 0)], fractions, 1000) == [(0, 1)]
    assert overlapping([MarkerPlace(0, 0), MarkerPlace(1, 0)], fractions, 1000) == []


def test_markers_beyond_the_rows_are_not_drawn_and_the_newest_win():
    fractions = [0.5] * 5
    places = place_markers(fractions, [4, 3, 2, 1, 0], max_rows=3, limit=200)
    assert [p.row for p in places] == [None, None, 2, 1, 0]
    assert [p.row for p in place_markers(fractions, range(5), max_rows=9, limit=2)] == [
        0,
        1,
        None,
        None,
        None,
    ]


@settings(max_examples=examples(200))
@given(
    st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=10),
    st.sampled_from(WIDTHS),
)
def test_markers_never_overlap_at_any_width_from_the_narrowest(fractions, rows, width):
    # clustered dates: everything within a tenth of the axis, near its right edge
    fractions = [0.9 + f / 10 for f in fractions]
    places = place_markers(fractions, list(range(len(fractions))), max_rows=rows, limit=200)
    assert overlapping(places, fractions, width) == []
    assert all(p.row is None or p.row < rows for p in places)
    assert all(abs(p.shift_px) <= MARKER_WIDTH_PX / 2 for p in places)


def _flows(last_year: int) -> pd.DataFrame:
    rows = [("India", s, y, t) for y in range(1995, last_year + 1) for s, t in (("Russia", 3.0),)]
    frame = pd.DataFrame(rows, columns=["recipient", "supplier", "year", "tiv"])
    return frame.assign(category=pd.NA, vintage="2025-03-10", dataset_id=1)


def test_import_mix_view_runs_to_the_story_events_and_no_further():
    for last in (2023, 2024):
        view = views.import_mix_view(
            _flows(last), [DELEGATION, PUTIN], recipient="India", extend_to_events=True, since=2000
        )
        assert view.fig.layout.xaxis.range == ("2000-01-01", "2026-01-01")
        assert [e["title"] for e in view.drawn] == [
            DELEGATION.title,
            PUTIN.title,
        ]
        # On the figure itself (its footer), so every export says why the last years are empty.
        footer = " ".join(
            str(a.text) for a in view.fig.layout.annotations if a.name.startswith("note")
        )
        assert "axis runs to December 2025" in footer.replace("<br>", " ")
    only_october = views.import_mix_view(
        _flows(2023), [DELEGATION], recipient="India", extend_to_events=True
    )
    assert only_october.fig.layout.xaxis.range[1] == "2025-11-01"


def test_chart_markers_carry_their_shift_and_do_not_overlap():
    mix = pd.DataFrame({"year": range(1950, 2024), "supplier": "Russia", "tiv": 1.0})
    chart = build_import_mix_by_year(
        mix,
        meta=ChartMeta(title="t"),
        events=[DELEGATION, PUTIN],
        recipient="India",
        year_range=(1950, 2023),
        axis_end=dt.date(2026, 1, 1),
    )
    fig = chart.figure
    markers = [a for a in fig.layout.annotations if (a.name or "").startswith("event-marker-")]
    assert len(markers) == 2
    first, end = dt.date(1950, 1, 1), dt.date(2026, 1, 1)
    fractions = [_fraction(dt.date.fromisoformat(m.x[:10]), first, end) for m in markers]
    places = [MarkerPlace(round((m.yshift - 2) / 20), m.xshift) for m in markers]
    for width in WIDTHS:
        assert overlapping(places, fractions, width) == []
    assert fig.layout.xaxis.range == ("1950-01-01", "2026-01-01")
