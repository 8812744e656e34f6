"""Where recent events and their numbered markers go on a yearly chart (pure layout logic).

Two questions, answered before the browser lays the chart out:

- How far the date axis runs: to the end of the data's last year, or, when events come after
  it, to the first day of the month after the latest of them (never whole empty years).
- Where each numbered marker sits: markers are stacked in rows so that two in the same row keep
  a marker's width apart on the narrowest plot the chart is drawn at (``MIN_PLOT_WIDTH_PX``);
  on a wider plot dates spread further apart, so markers never overlap at any width. A marker
  whose date lies within half a marker of the plot's edge is shifted inwards (``xshift``) so
  that it stays whole inside the plot.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

# The narrowest plotting area a chart is drawn at (a phone-width page, a small export); wider
# plots only put dates further apart.
MIN_PLOT_WIDTH_PX = 480.0
MARKER_WIDTH_PX = 24.0  # a two-digit number with its border and padding, plus a small gap


class MarkerPlace(NamedTuple):
    """A marker's row (0 lowest; None: not drawn) and its horizontal shift in pixels."""

    row: int | None
    shift_px: float


def axis_end(last_data_year: int, event_ends: Iterable[dt.date], today: dt.date) -> dt.date:
    """The (exclusive) end of a yearly chart's date axis.

    Args:
        last_data_year: the data's last year (its bars end on 1 January of the next year).
        event_ends: the last day of each event to draw on the chart.
        today: events later than the month after today are not worth widening the axis for.

    Returns:
        1 January after ``last_data_year``, or, when an event ends later, the first day of the
        month after the latest such event (at most the month after ``today``).
    """
    data_end = dt.date(last_data_year + 1, 1, 1)
    latest = max(event_ends, default=None)
    if latest is None or latest < data_end:
        return data_end
    return max(data_end, min(_month_after(latest), _month_after(today)))


def _month_after(day: dt.date) -> dt.date:
    """The first day of the month after ``day`` (``date.max``'s month has no next: kept)."""
    if day.year == dt.MAXYEAR and day.month == 12:
        return dt.date.max
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def place_markers(
    fractions: Sequence[float],
    order: Sequence[int],
    *,
    max_rows: int,
    limit: int,
    width_px: float = MIN_PLOT_WIDTH_PX,
    marker_px: float = MARKER_WIDTH_PX,
) -> list[MarkerPlace]:
    """Rows and shifts for numbered markers at ``fractions`` (0-1) of the plot's width.

    Markers are placed in ``order`` (the most relevant first), each in the lowest row where it
    keeps ``marker_px`` from every marker already there, positions taken at ``width_px`` after
    pulling a marker near an edge inwards. A marker finds no place (row None) when all
    ``max_rows`` rows are full around it, or once ``limit`` markers are placed.

    Returns:
        One MarkerPlace per fraction: the row, and the shift in pixels that keeps the marker
        inside the plot (0 unless it is within half a marker of an edge).
    """
    half = marker_px / 2
    wanted = [f * width_px for f in fractions]
    # Clamping is monotonic, so two markers a gap apart here are at least as far apart on
    # any wider plot (their dates move apart, their shifts stay).
    at = [min(max(x, half), width_px - half) for x in wanted]
    taken: list[list[float]] = []  # sorted positions per row
    rows: list[int | None] = [None] * len(fractions)
    placed = 0
    for i in order:
        if placed >= limit:
            break
        for row, used in enumerate(taken):
            k = bisect.bisect_left(used, at[i])
            if (k == 0 or at[i] - used[k - 1] >= marker_px) and (
                k == len(used) or used[k] - at[i] >= marker_px
            ):
                used.insert(k, at[i])
                rows[i] = row
                break
        else:
            if len(taken) < max_rows:
                taken.append([at[i]])
                rows[i] = len(taken) - 1
        placed += rows[i] is not None
    return [MarkerPlace(r, a - w) for r, a, w in zip(rows, at, wanted, strict=True)]


def overlapping(
    places: Sequence[MarkerPlace],
    fractions: Sequence[float],
    width_px: float,
    marker_px: float = MARKER_WIDTH_PX,
) -> list[tuple[int, int]]:
    """Pairs of drawn markers that overlap on a plot ``width_px`` wide (for tests and checks)."""
    drawn = [
        (p.row, f * width_px + p.shift_px, i)
        for i, (p, f) in enumerate(zip(places, fractions, strict=True))
        if p.row is not None
    ]
    drawn.sort()
    pairs = []
    for (row_a, x_a, i), (row_b, x_b, j) in zip(drawn, drawn[1:], strict=False):
        if row_a == row_b and x_b - x_a < marker_px - 1e-6:
            pairs.append((i, j))
    return pairs


def axis_note(last_year: int, end: dt.date) -> str | None:
    """The chart's note when its date axis runs past the data to draw recent events (None when
    it does not): printed on the figure, so every export says why the last years are empty."""
    if end <= dt.date(last_year + 1, 1, 1):
        return None
    return (
        f"The loaded data end in {last_year}; the axis runs to {end - dt.timedelta(1):%B %Y} "
        "so that recent events are drawn (no bars there: SIPRI publishes a year's data "
        "the next March)."
    )
