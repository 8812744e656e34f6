"""Pure plotly chart builders: import mix, periods, customers, map, with events drawn honestly."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import html
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.chart_meta import ChartMeta, _category_plural  # noqa: F401 - re-exported
from analysis.colors import color_map
from analysis.event_layout import place_markers
from analysis.events import CATEGORIES, Event
from analysis.vocab import (
    OTHERS,
    UNKNOWN_SUPPLIER,
    delivered_share_text,
    parse_period,
    pp_text,
)

FONT_FAMILY = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
MS_PER_DAY = 86_400_000

# Collision decisions need a pixel scale before the browser lays the chart out: assume a typical
# plot-area width and a glyph width for 11 px labels. Wider exports only get more room.
ASSUMED_PLOT_WIDTH_PX = 1000
LABEL_CHAR_PX = 6.5
LABEL_MAX_CHARS = 40
LABEL_PAD_PX = 8
ROW_PX = 20
PLOT_HEIGHT_PX = 380  # the plotting area on screen, whatever the footer's length
DEFAULT_HEIGHT_PX = 520
FOOTER_LINE_PX = 16
FOOTER_WRAP_CHARS = 130
SUBTITLE_WRAP_CHARS = 110
SUBTITLE_LINE_PX = 17

EVENT_DASH = {
    "visit": "dot",
    "agreement": "dash",
    "order": "dashdot",
    "delivery": "longdash",
    "sanction": "longdashdot",
    "conflict": "solid",
    "other": "dot",
}
EVENT_LINE_COLOR = "#333333"
EVENT_BAND_FILL = "rgba(90, 90, 90, 0.16)"
# Thousands of events must not make a chart slow or unreadable: at most this many are drawn
# (or listed, on charts without a time axis), the newest first; numbered markers stack in at
# most MAX_MARKER_ROWS rows (per period on period charts); at most MAX_LISTED_OUTSIDE events
# off the plotted years are named, the nearest first. A sentence counts the rest.
MAX_DRAWN_EVENTS = 200
MAX_MARKER_ROWS = 10
MAX_LISTED_OUTSIDE = 30

YEAR_AXIS_TITLE = "Year (each bar spans its calendar year; events at their exact dates)"

# Our own light, print-safe look: never inherits the UI theme (pages pass theme=None).
PRINT_TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#222222"},
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "title": {
            "x": 0.0,
            "xref": "paper",
            "xanchor": "left",
            "font": {"size": 20, "color": "#111111"},
        },
        "xaxis": {
            "showgrid": False,
            "linecolor": "#444444",
            "ticks": "outside",
            "tickcolor": "#444444",
            "zeroline": False,
        },
        "yaxis": {
            "showgrid": True,
            "gridcolor": "#E5E5E5",
            "linecolor": "#444444",
            "zeroline": False,
        },
        "legend": {"bgcolor": "rgba(255,255,255,0)", "font": {"size": 12}},
        "hoverlabel": {"bgcolor": "#FFFFFF", "font": {"family": FONT_FAMILY}},
        "colorway": ["#2166AC", "#B2182B", "#762A83", "#35978F", "#E08214", "#8C510A"],
    }
)


# On screen, a viewer whose app is dark gets the same figure with these chrome colours swapped
# (backgrounds, text, axes, grid, event marks, bar outlines); data colours never change. The
# swap is one-to-one, so ``light_look`` undoes it exactly: exports are always light.
DARK_SWAPS: dict[str, str] = {
    "#FFFFFF": "#0E1117",  # paper, plot, hover and event-marker backgrounds, bar outlines
    "#111111": "#F5F5F5",  # title, event labels, moving-average line
    "#222222": "#E8E8E8",  # body text, source line
    "#333333": "#D6D6D6",  # event lines and marker borders
    "#444444": "#C4C4C4",  # axis lines, ticks, footer notes
    "#555555": "#B0B0B0",  # subtitle
    "#BBBBBB": "#5A5F69",  # dumbbell connectors, map borders
    "#E5E5E5": "#2A2F3A",  # grid
    "#F2F2F2": "#1C212B",  # map land
    EVENT_BAND_FILL: "rgba(200, 200, 200, 0.16)",  # event bands
}


def _color_key(color: str) -> str:
    return color.upper().replace(" ", "")


_TO_DARK = {_color_key(k): v for k, v in DARK_SWAPS.items()}
_TO_LIGHT = {_color_key(v): k for k, v in DARK_SWAPS.items()}


def _swap_colors(node: Any, swaps: Mapping[str, str]) -> Any:
    """``node`` (a figure dict) with every single colour found in ``swaps`` replaced.

    Only string values of keys ending in "color" change (bgcolor, linecolor, fillcolor...):
    lists of colours are data (per-point supplier colours), and layout.meta is left as it is.
    """
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "meta":
                out[key] = value
            elif isinstance(value, str) and key.lower().endswith("color"):
                out[key] = swaps.get(_color_key(value), value)
            else:
                out[key] = _swap_colors(value, swaps)
        return out
    if isinstance(node, list | tuple):
        return [_swap_colors(v, swaps) for v in node]
    return node


def on_screen(fig: go.Figure, dark: bool = False) -> go.Figure:
    """The figure as shown in the app: as built (light), or a dark variant for a dark app.

    The dark variant swaps the chrome colours of ``DARK_SWAPS`` (template included) and keeps
    every data colour; ``light_look`` turns it back. ``fig`` itself is never changed.
    """
    if not dark:
        return fig
    return go.Figure(_swap_colors(fig.to_dict(), _TO_DARK))


def light_look(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` with the dark variant's colours (``on_screen``) turned light again."""
    return go.Figure(_swap_colors(fig.to_dict(), _TO_LIGHT))


def hidden_event_categories(hidden: Iterable[str]) -> tuple[str, ...]:
    """The event categories a chart hides, for ``ChartMeta.hidden_events``: the known categories
    (in their usual order) among ``hidden``; anything else hides nothing and is not named."""
    chosen = {str(c) for c in hidden}
    return tuple(c for c in CATEGORIES if c in chosen)


# ---------------------------------------------------------------------------------------------
# Events: selection, dates, placement


def event_end(event: Event) -> dt.date:
    """The last day of an event (its start for a single-day event)."""
    return event.end if event.end is not None else event.start


def event_date_text(event: Event) -> str:
    """Human date of an event: "5 Dec 2025", "29–30 Oct 2025", "30 Nov – 2 Dec 2025"."""
    start, end = event.start, event_end(event)
    if end == start:
        return f"{start.day} {start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def events_for_chart(
    events: Iterable[Event],
    country: str | None = None,
    hidden_categories: Iterable[str] = (),
) -> list[Event]:
    """The events a chart shows, in date order.

    Args:
        events: all known events.
        country: the chart's country; events concerning it or marked global are kept. None keeps
            every event (a chart not tied to one country).
        hidden_categories: categories the user toggled off.

    Returns:
        The shown events sorted by start date, then title.
    """
    hidden = set(hidden_categories)
    shown = [
        e
        for e in events
        if e.category not in hidden and (country is None or e.is_global or country in e.countries)
    ]
    return sorted(shown, key=lambda e: (e.start, event_end(e), e.title))


def plotly_text(text: object) -> str:
    """Text from a file or a user, made safe to put in any plotly text field, shown literally.

    plotly.js renders a subset of HTML in every text it draws (titles, legend names, category
    tick labels, hover labels, annotations, SVG exports): ``<a href>`` becomes a live link and
    ``<b>``, ``<br>``, ``<sup>`` render. It splits the text on ``<...>`` tags and then decodes the
    entities ``&lt; &gt; &amp;`` (and numeric ones) in the pieces between, so ``&lt;b&gt;``
    shows as ``<b>``. Quotes stay as they are: outside a tag they are inert, and plotly.js does
    not decode ``&quot;`` (it would print literally). Before rendering, plotly.js also fills
    ``%{...}`` templates in these fields from ``layout.meta`` (which holds the raw names): the
    ``%`` of a ``%{`` is written as ``&#37;`` so that user text never pulls that in.

    Escape each string exactly once, where it enters the figure (the plotted table keeps the
    raw names). The chart's own markup (``<b>``, ``<br>``, ``%{x}``) is added around it.
    """
    return html.escape(str(text), quote=False).replace("%{", "&#37;{")


def _plotly_texts(values: Iterable[object]) -> list[str]:
    return [plotly_text(v) for v in values]


def _truncate(text: str, limit: int = LABEL_MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _legend_line(number: int, event: Event) -> str:
    return f"{number} — {event.title} ({event_date_text(event)})"


def _event_record(number: int, event: Event, kind: str, x: str | None) -> dict[str, Any]:
    return {
        "number": number,
        "title": event.title,
        "category": event.category,
        "start": event.start.isoformat(),
        "end": event_end(event).isoformat(),
        "kind": kind,
        "x": x,
    }


def _datetime_iso(value: dt.datetime) -> str:
    return (
        value.isoformat(timespec="seconds")
        if value.time() != dt.time()
        else value.date().isoformat()
    )


@dataclass
class _EventDrawing:
    mode: str = "none"
    drawn: list[dict[str, Any]] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    legend_lines: list[str] = field(default_factory=list)
    marker_rows: int = 0
    # Shown events neither drawn nor named under the chart (the caps below): only counted.
    not_drawn: int = 0

    def outside_items(self) -> list[str]:
        """The events named as off the plotted years, then the sentence counting the rest."""
        if not self.not_drawn:
            return list(self.outside)
        return [*self.outside, not_drawn_sentence(self.not_drawn)]


def not_drawn_sentence(count: int) -> str:
    """The sentence under a chart counting the events left off it, e.g. "9,800 more events ..."."""
    if count == 1:
        return "1 more event is not drawn or listed on this chart; see the Events page"
    return f"{count:,} more events are not drawn or listed on this chart; see the Events page"


def _year_span(first_year: int, last_year: int) -> tuple[dt.date, dt.date]:
    """First day and the day after the last day of the years, within what ``date`` holds."""
    first = dt.date(min(max(first_year, dt.MINYEAR), dt.MAXYEAR), 1, 1)
    if last_year >= dt.MAXYEAR:
        return first, dt.date.max
    return first, dt.date(max(last_year + 1, dt.MINYEAR), 1, 1)


def _days_away(event: Event, span: tuple[dt.date, dt.date]) -> int:
    first_day, end_exclusive = span
    if event_end(event) < first_day:
        return (first_day - event_end(event)).days
    if event.start >= end_exclusive:
        return (event.start - end_exclusive).days
    return 0


def _newest_first(events: Sequence[Event]) -> list[int]:
    """Indices of the events, the latest start (then end) first."""
    return sorted(
        range(len(events)), key=lambda i: (events[i].start, event_end(events[i]), i), reverse=True
    )


def _newest(events: Sequence[Event], limit: int) -> list[int]:
    """Indices of the ``limit`` newest events, in their original order."""
    if len(events) <= limit:
        return list(range(len(events)))
    return sorted(_newest_first(events)[:limit])


def _list_outside(
    drawing: _EventDrawing, events: Sequence[Event], span: tuple[dt.date, dt.date] | None
) -> None:
    """Name the events off the plotted dates, the nearest to them first; count the rest."""
    if len(events) <= MAX_LISTED_OUTSIDE:
        keep = list(range(len(events)))
    elif span is None:
        keep = _newest(events, MAX_LISTED_OUTSIDE)
    else:
        nearest = sorted(range(len(events)), key=lambda i: (_days_away(events[i], span), i))
        keep = sorted(nearest[:MAX_LISTED_OUTSIDE])
    drawing.outside = [f"{events[i].title} ({event_date_text(events[i])})" for i in keep]
    drawing.not_drawn += len(events) - len(keep)


def _visible_days(
    event: Event, first_day: dt.date, end_exclusive: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The part of an event on the axis: its first day there and the day after its last.

    Clipping to the axis keeps every date drawable (an event ending 9999-12-31 has no next day)
    and puts a long band's label over the part that is shown. None when nothing is shown.
    """
    start = max(event.start, first_day)
    last = min(event_end(event), end_exclusive - dt.timedelta(days=1))
    if last < start:
        return None
    return start, last + dt.timedelta(days=1)


def _label_interval(x_px: float, text: str) -> tuple[float, float, str]:
    width = len(text) * LABEL_CHAR_PX
    if x_px + width <= ASSUMED_PLOT_WIDTH_PX:
        return x_px, x_px + width, "left"
    return x_px - width, x_px, "right"


def _number_marker(number: int, x: str, row: int, shift: float = 0) -> dict[str, Any]:
    """A numbered marker above the plot (``x`` is an ISO date or an already-escaped category)."""
    return {
        "xshift": shift,
        "x": x,
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "yanchor": "bottom",
        "xanchor": "center",
        "yshift": 2 + row * ROW_PX,
        "text": f"<b>{number}</b>",
        "showarrow": False,
        "font": {"size": 11, "color": "#111111"},
        "bgcolor": "#FFFFFF",
        "bordercolor": EVENT_LINE_COLOR,
        "borderwidth": 1,
        "borderpad": 2,
        "name": f"event-marker-{number}",
    }


def _append_layout(
    fig: go.Figure,
    shapes: Sequence[dict[str, Any]] = (),
    annotations: Sequence[dict[str, Any]] = (),
) -> None:
    """Add shapes and annotations in one go: plotly's add_shape/add_annotation revalidate every
    earlier item on each call, which makes a few hundred events cost seconds."""
    # Assigned, not passed to update_layout: that would update the existing items one by one.
    if shapes:
        fig.layout.shapes = [*fig.layout.shapes, *shapes]
    if annotations:
        fig.layout.annotations = [*fig.layout.annotations, *annotations]


def _draw_events_on_dates(
    fig: go.Figure, events: Sequence[Event], first_day: dt.date, end_exclusive: dt.date
) -> _EventDrawing:
    """Draw lines (single days) and bands (ranges) on a date x axis; list the rest.

    Events that fit are drawn, the newest first: numbered markers stack in at most
    MAX_MARKER_ROWS rows and at most MAX_DRAWN_EVENTS are drawn. The rest are counted in the
    drawing's ``not_drawn``.
    """
    drawing = _EventDrawing()
    spans = [_visible_days(e, first_day, end_exclusive) for e in events]
    inside = [(e, s) for e, s in zip(events, spans, strict=True) if s is not None]
    outside = [e for e, s in zip(events, spans, strict=True) if s is None]
    _list_outside(drawing, outside, (first_day, end_exclusive))
    if not inside:
        return drawing
    span_days = (end_exclusive - first_day).days
    origin = dt.datetime.combine(first_day, dt.time())

    def centre(e: Event, shown: tuple[dt.date, dt.date]) -> dt.datetime:
        start = dt.datetime.combine(shown[0], dt.time())
        if e.end is None:
            return start
        return start + (dt.datetime.combine(shown[1], dt.time()) - start) / 2

    def to_px(moment: dt.datetime) -> float:
        days = (moment - origin).total_seconds() / 86400
        return days / span_days * ASSUMED_PLOT_WIDTH_PX

    centres = [centre(e, shown) for e, shown in inside]
    labels = [_truncate(e.title) for e, _ in inside]
    intervals = [_label_interval(to_px(c), t) for c, t in zip(centres, labels, strict=True)]
    ordered = sorted(intervals)
    collide = len(inside) > MAX_DRAWN_EVENTS or any(
        b[0] < a[1] + LABEL_PAD_PX for a, b in zip(ordered, ordered[1:], strict=False)
    )
    drawing.mode = "numbered" if collide else "labels"
    places = place_markers(
        [to_px(c) / ASSUMED_PLOT_WIDTH_PX for c in centres],
        _newest_first([e for e, _ in inside]) if collide else range(len(inside)),
        max_rows=MAX_MARKER_ROWS if collide else len(inside),
        limit=MAX_DRAWN_EVENTS,
    )
    rows = [p.row if collide else 0 for p in places]
    placed = [i for i, row in enumerate(rows) if row is not None]
    drawing.not_drawn += len(inside) - len(placed)

    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for number, i in enumerate(placed, start=1):
        event, shown = inside[i]
        row = rows[i] or 0
        dash = EVENT_DASH.get(event.category, "dot")
        # Shapes take ISO strings: plotly's add_vline(annotation_text=...) fails with
        # datetime.date on date axes, so lines/bands and their labels are drawn separately.
        if event.end is None:
            x = event.start.isoformat()
            shapes.append(
                {
                    "type": "line",
                    "x0": x,
                    "x1": x,
                    "xref": "x",
                    "y0": 0,
                    "y1": 1,
                    "yref": "paper",
                    "line": {"color": EVENT_LINE_COLOR, "width": 1.5, "dash": dash},
                    "layer": "above",
                    "name": f"event-{number}",
                }
            )
            kind = "line"
        else:
            # The band covers its end day (to the start of the next), clipped to the axis.
            shapes.append(
                {
                    "type": "rect",
                    "x0": shown[0].isoformat(),
                    "x1": shown[1].isoformat(),
                    "xref": "x",
                    "y0": 0,
                    "y1": 1,
                    "yref": "paper",
                    "fillcolor": EVENT_BAND_FILL,
                    "line": {"color": EVENT_LINE_COLOR, "width": 1},
                    "layer": "below",
                    "name": f"event-{number}",
                }
            )
            kind = "band"
        x_label = _datetime_iso(centres[i])
        if collide:
            annotations.append(_number_marker(number, x_label, row, places[i].shift_px))
            drawing.legend_lines.append(_legend_line(number, event))
        else:
            annotations.append(
                {
                    "x": x_label,
                    "y": 1,
                    "xref": "x",
                    "yref": "paper",
                    "yanchor": "bottom",
                    "xanchor": intervals[i][2],
                    "yshift": 2,
                    "text": plotly_text(labels[i]),
                    "hovertext": plotly_text(_legend_line(number, event)),
                    "showarrow": False,
                    "font": {"size": 11, "color": "#111111"},
                    "name": f"event-label-{number}",
                }
            )
        drawing.drawn.append(_event_record(number, event, kind, x_label))
    _append_layout(fig, shapes, annotations)
    placed_rows = [rows[i] or 0 for i in placed]
    drawing.marker_rows = (max(placed_rows) + 1) if collide and placed_rows else 1
    return drawing


# ---------------------------------------------------------------------------------------------
# Periods


def _draw_events_on_periods(
    fig: go.Figure, events: Sequence[Event], periods: Sequence[str]
) -> _EventDrawing:
    """Put a numbered marker on the period category holding each event's start year.

    The newest events first, at most MAX_MARKER_ROWS per period and MAX_DRAWN_EVENTS in all;
    events left off are counted in the drawing's ``not_drawn``.
    """
    drawing = _EventDrawing(mode="numbered")
    spans = [(p, *parse_period(p)) for p in periods]

    def home_of(event: Event) -> str | None:
        home = next((p for p, a, b in spans if a <= event.start.year <= b), None)
        if home is None:
            # a range starting before the first period still belongs to one it reaches
            home = next(
                (p for p, a, b in spans if event.start.year < a <= event_end(event).year), None
            )
        return home

    homes = [home_of(e) for e in events]
    years = (min(a for _, a, _ in spans), max(b for _, _, b in spans)) if spans else None
    _list_outside(
        drawing,
        [e for e, h in zip(events, homes, strict=True) if h is None],
        _year_span(*years) if years else None,
    )
    candidates = [(e, h) for e, h in zip(events, homes, strict=True) if h is not None]
    # Newest first, each period takes at most MAX_MARKER_ROWS markers, the chart at most
    # MAX_DRAWN_EVENTS.
    per_period: dict[str, int] = {}
    placed: set[int] = set()
    for i in _newest_first([e for e, _ in candidates]):
        if len(placed) >= MAX_DRAWN_EVENTS:
            break
        home = candidates[i][1]
        if per_period.get(home, 0) < MAX_MARKER_ROWS:
            per_period[home] = per_period.get(home, 0) + 1
            placed.add(i)
    drawing.not_drawn += len(candidates) - len(placed)
    rows: dict[str, int] = {}
    annotations = []
    for number, i in enumerate(sorted(placed), start=1):
        event, home = candidates[i]
        row = rows.get(home, 0)
        rows[home] = row + 1
        annotations.append(_number_marker(number, plotly_text(home), row))
        drawing.legend_lines.append(f"{_legend_line(number, event)} — in {home}")
        drawing.drawn.append(_event_record(number, event, "marker", home))
    _append_layout(fig, annotations=annotations)
    drawing.marker_rows = max(rows.values(), default=0)
    return drawing


def _list_events_in_years(
    events: Sequence[Event], years: Sequence[tuple[int, int]]
) -> _EventDrawing:
    """For charts without a time axis: number and list the events inside the covered years.

    At most MAX_DRAWN_EVENTS are listed (the newest); the rest are counted in ``not_drawn``.
    """
    drawing = _EventDrawing(mode="listed")
    covered = [any(e.start.year <= b and event_end(e).year >= a for a, b in years) for e in events]
    inside = [e for e, c in zip(events, covered, strict=True) if c]
    span = _year_span(min(a for a, _ in years), max(b for _, b in years)) if years else None
    _list_outside(drawing, [e for e, c in zip(events, covered, strict=True) if not c], span)
    keep = _newest(inside, MAX_DRAWN_EVENTS)
    drawing.not_drawn += len(inside) - len(keep)
    for number, i in enumerate(keep, start=1):
        drawing.legend_lines.append(_legend_line(number, inside[i]))
        drawing.drawn.append(_event_record(number, inside[i], "listed", None))
    return drawing


# ---------------------------------------------------------------------------------------------
# Frames


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs columns {list(columns)}; missing {missing}")


def aggregate_top_n(
    frame: pd.DataFrame,
    key: str,
    n: int | None,
    value: str = "tiv",
    by: Sequence[str] = ("year",),
    others_label: str = OTHERS,
) -> pd.DataFrame:
    """Keep the ``n`` largest ``key`` values (by total ``value``), summing the rest as Others.

    Args:
        frame: long frame with ``by`` columns, ``key`` and ``value``.
        key: the series column, e.g. "supplier".
        n: how many to keep; None keeps all.
        value: the column summed.
        by: the other grouping columns (e.g. year or period).
        others_label: the name of the summed remainder.

    Returns:
        A frame with columns ``[*by, key, value]``, one row per group and series.
    """
    out = frame[[*by, key, value]].copy()
    out[key] = out[key].fillna(UNKNOWN_SUPPLIER if key == "supplier" else "unknown").astype(str)
    if n is not None:
        totals = out[out[key] != others_label].groupby(key)[value].sum()
        keep = set(totals.sort_values(ascending=False, kind="stable").index[:n])
        out[key] = out[key].where(out[key].isin(keep), others_label)
    return out.groupby([*by, key], as_index=False, sort=True)[value].sum()


def _series_order(frame: pd.DataFrame, key: str, value: str) -> list[str]:
    totals = frame.groupby(key)[value].sum()
    names = sorted(totals.index, key=lambda s: (-totals[s], s))
    tail = [s for s in (UNKNOWN_SUPPLIER, OTHERS) if s in names]
    return [s for s in names if s not in tail] + tail


def _year_midpoint(year: int) -> str:
    start = dt.datetime(year, 1, 1)
    return _datetime_iso(start + (dt.datetime(year + 1, 1, 1) - start) / 2)


def _year_width_ms(year: int) -> int:
    return (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days * MS_PER_DAY


def _records(frame: pd.DataFrame) -> dict[str, Any]:
    clean = frame.astype(object).where(frame.notna(), None)
    rows = [[_plain(v) for v in row] for row in clean.itertuples(index=False, name=None)]
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def plotted_data(fig: go.Figure) -> pd.DataFrame:
    """Exactly the table a builder plotted (kept in ``fig.layout.meta["data"]``)."""
    meta = fig.layout.meta or {}
    data = meta.get("data") if isinstance(meta, dict) else None
    if not data:
        return pd.DataFrame()
    return pd.DataFrame(data["rows"], columns=data["columns"])


def drawn_events(fig: go.Figure) -> list[dict[str, Any]]:
    """The events a builder drew (number, title, dates, kind, x) from ``fig.layout.meta``."""
    meta = fig.layout.meta or {}
    return list(meta.get("events", {}).get("drawn", [])) if isinstance(meta, dict) else []


# ---------------------------------------------------------------------------------------------
# Layout finishing: title, subtitle, footer (event legend, outside events, notes, source)


def _wrap_items(items: list[str], width: int) -> list[str]:
    """Pack " · "-separated items into lines of about ``width`` characters, never splitting one."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += " · " + item
        else:
            lines.append(item)
    return lines or [""]


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, FOOTER_WRAP_CHARS, break_long_words=False) or [""]


def footer_annotations(blocks: list[tuple[str, list[str]]], offset: int) -> tuple[list[dict], int]:
    """Footer annotations (notes, then the source line) stacked from ``offset`` px below the plot.

    Args:
        blocks: (name, wrapped lines) pairs; the block named "source" is set darker.
        offset: pixels below the plot area where the first block starts.

    Returns:
        The annotations and the offset below the last one.
    """
    footer = []
    for name, lines in blocks:
        footer.append(
            {
                "x": 0,
                "y": 0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "top",
                "yshift": -offset,
                "align": "left",
                "showarrow": False,
                "text": "<br>".join(plotly_text(line) for line in lines),
                "font": {"size": 11, "color": "#444444" if name != "source" else "#222222"},
                "name": name,
            }
        )
        offset += len(lines) * FOOTER_LINE_PX + 4
    return footer, offset


def _finish(
    fig: go.Figure,
    meta: ChartMeta,
    chart: str,
    drawing: _EventDrawing,
    data: pd.DataFrame,
    notes: Sequence[str] = (),
    axis_room_px: int = 72,
) -> go.Figure:
    blocks: list[tuple[str, list[str]]] = []
    if drawing.legend_lines:
        heading = "Events:" if drawing.mode != "listed" else "Events in the plotted years:"
        blocks.append(("event-legend", [heading, *drawing.legend_lines]))
    if drawing.outside:
        blocks.append(
            ("events-outside", _wrap("Not in plotted years: " + "; ".join(drawing.outside)))
        )
    if drawing.not_drawn:
        blocks.append(("events-not-drawn", _wrap(not_drawn_sentence(drawing.not_drawn) + ".")))
    for i, note in enumerate(notes):
        blocks.append((f"note-{i}", _wrap(note)))
    blocks.append(("source", _wrap(meta.source_line(short_names=True))))

    footer, offset = footer_annotations(blocks, axis_room_px)
    _append_layout(fig, annotations=footer)
    # Long filter lists wrap instead of running off the right edge (plotly does not wrap).
    subtitle_lines = _wrap_items(meta.subtitle_line().split(" · "), SUBTITLE_WRAP_CHARS)
    top = 92 + (drawing.marker_rows * ROW_PX if drawing.drawn and drawing.mode != "listed" else 0)
    top += (len(subtitle_lines) - 1) * SUBTITLE_LINE_PX
    # The footer (event legend, notes, source) grows with its text: grow the figure with it so
    # the plot itself keeps its height on screen (exports pin their own size).
    height = max(DEFAULT_HEIGHT_PX, top + PLOT_HEIGHT_PX + offset + 8)
    named_traces = [
        t for t in fig.data if t.type in ("bar", "scatter") and t.name and t.showlegend is not False
    ]
    fig.update_layout(
        # plotly hides the legend of a one-trace chart; a reader still needs the series' name.
        showlegend=True if named_traces else None,
        template=PRINT_TEMPLATE,
        title={
            "text": f"<b>{plotly_text(meta.title)}</b>",
            "subtitle": {
                "text": "<br>".join(plotly_text(line) for line in subtitle_lines),
                "font": {"size": 13, "color": "#555555"},
            },
            "y": 0.98,
            "yref": "container",
            "yanchor": "top",
        },
        margin={"t": top, "b": offset + 8, "l": 70, "r": 30},
        height=height,
        meta={
            "chart": chart,
            "title": meta.title,
            "subtitle": meta.subtitle_line(),
            "source": meta.source_line(),
            # "outside" names the events off the plotted years, then (when some were left off
            # for the caps) the sentence counting them; "not_drawn" is that count.
            "events": {
                "mode": drawing.mode,
                "drawn": drawing.drawn,
                "outside": drawing.outside_items(),
                "not_drawn": drawing.not_drawn,
            },
            "data": _records(data),
        },
    )
    return fig


# ---------------------------------------------------------------------------------------------
# Builders


def mix_by_year_data(
    mix: pd.DataFrame, *, series: str = "supplier", top_n: int | None = None
) -> pd.DataFrame:
    """The yearly table behind the stacked-bar charts: year, series, tiv, share of the year.

    Args:
        mix: long frame with columns year, ``series`` and tiv (several rows per key are summed).
        series: "supplier" (import mix) or "recipient" (an exporter's customers).
        top_n: keep the largest N series and sum the rest as "Others".

    Returns:
        Columns year (int64), ``series`` (str), tiv (float64), share (float64, 0-1), sorted.
    """
    _require(mix, ["year", series, "tiv"], "mix_by_year_data")
    table = aggregate_top_n(mix, series, top_n, by=("year",))
    table["year"] = table["year"].astype("int64")
    table["tiv"] = table["tiv"].astype("float64")
    totals = table.groupby("year")["tiv"].transform("sum")
    table["share"] = (table["tiv"] / totals.where(totals > 0)).astype("float64")
    return table.sort_values(["year", series], kind="stable").reset_index(drop=True)


def moving_average_5y(
    table: pd.DataFrame,
    series: str = "supplier",
    name: str | None = None,
    measure: str = "share",
) -> pd.Series:
    """Centred 5-year moving average, indexed by year (years without deliveries count as 0).

    Args:
        table: output of :func:`mix_by_year_data`.
        series: the series column.
        name: the series averaged; None averages the total TIV per year.
        measure: with a ``name``, "share" gives its share over the window (its TIV over the 5
            years / all TIV over the same 5 years, the SIPRI way) and "tiv" its mean yearly TIV.

    Returns:
        A float Series indexed by year; NaN where the 5-year window is not complete.
    """
    if table.empty:
        return pd.Series(dtype="float64")
    years = pd.RangeIndex(int(table["year"].min()), int(table["year"].max()) + 1, name="year")
    total = table.groupby("year")["tiv"].sum().reindex(years, fill_value=0.0)
    window_total = total.rolling(5, center=True, min_periods=5).sum()
    if name is None:
        return (window_total / 5).astype("float64")
    part = table[table[series] == name].groupby("year")["tiv"].sum().reindex(years, fill_value=0.0)
    window_part = part.rolling(5, center=True, min_periods=5).sum()
    if measure == "tiv":
        return (window_part / 5).astype("float64")
    return (window_part / window_total.where(window_total > 0)).astype("float64")


def _stacked_by_year(
    mix: pd.DataFrame,
    *,
    series: str,
    meta: ChartMeta,
    chart: str,
    events: Sequence[Event],
    hidden_categories: Iterable[str],
    country: str | None,
    measure: str,
    top_n: int | None,
    moving_average: bool,
    moving_average_of: str | None,
    year_range: tuple[int, int] | None,
    axis_end: dt.date | None = None,
) -> go.Figure:
    if measure not in ("share", "tiv"):
        raise ValueError(f"measure must be 'share' or 'tiv', not {measure!r}")
    table = mix_by_year_data(mix, series=series, top_n=top_n)
    if year_range is not None:
        table = table[table["year"].between(year_range[0], year_range[1])].reset_index(drop=True)
    fig = go.Figure()
    value = "share" if measure == "share" else "tiv"
    order = _series_order(table, series, "tiv")
    colors = color_map(order)  # distinguishable side by side
    for name in order:
        part = table[table[series] == name]
        years = [int(y) for y in part["year"]]
        # Numbers as numpy arrays: plotly copies them in one go and sends them base64-encoded,
        # which keeps each Streamlit rerun of a chart page cheap (lists are copied item by item).
        fig.add_bar(
            x=[_year_midpoint(y) for y in years],
            y=part[value].to_numpy(dtype="float64"),
            width=np.array([_year_width_ms(y) for y in years], dtype="float64"),
            name=plotly_text(name),
            legendgroup=plotly_text(name),
            marker={"color": colors[name], "line": {"color": "#FFFFFF", "width": 0.5}},
            customdata=np.column_stack(
                [
                    np.array(years, dtype="float64"),
                    part["tiv"].to_numpy(dtype="float64"),
                    part["share"].to_numpy(dtype="float64"),
                ]
            ),
            hovertemplate=(
                f"{plotly_text(name)} %{{customdata[0]}}<br>%{{customdata[1]:,.0f}} TIV m"
                "<br>%{customdata[2]:.1%} of the year<extra></extra>"
            ),
        )
    notes = []
    if moving_average and not table.empty:
        target = moving_average_of
        if measure == "share" and target is None:
            target = _series_order(table, series, "tiv")[0]
        averaged = moving_average_5y(table, series, target, measure)
        what = "share" if measure == "share" else "TIV"
        label = f"5-year moving average: {target or 'total'} {what}"
        valid = averaged.dropna()
        fig.add_scatter(
            x=[_year_midpoint(int(y)) for y in valid.index],
            y=valid.tolist(),
            mode="lines",
            name=plotly_text(label),
            line={
                # near-black, not the supplier's colour: it must stay visible over its own bars
                "color": "#111111",
                "width": 2.5,
                "dash": "dash",
            },
            hovertemplate="%{y:"
            + (".1%" if measure == "share" else ",.0f")
            + "}<extra>"
            + plotly_text(label)
            + "</extra>",
        )
        notes.append(
            "Moving average: centred 5-year window, plotted at its middle year"
            + (
                " (share = TIV over the 5 years / all TIV over the same 5 years)."
                if measure == "share"
                else "."
            )
        )
        table = table.assign(moving_average_5y=table["year"].map(averaged).astype("float64"))

    span = _axis_span(table, year_range, axis_end)
    shown = events_for_chart(events, country, hidden_categories)
    if span is None:
        drawing = _EventDrawing()
        _list_outside(drawing, shown, None)
        notes.append("No deliveries in the selected data.")
    else:
        first_day, end_exclusive = span
        drawing = _draw_events_on_dates(fig, shown, first_day, end_exclusive)
        fig.update_xaxes(range=[first_day.isoformat(), end_exclusive.isoformat()])
    fig.update_layout(
        barmode="relative",
        bargap=0,
        legend={"traceorder": "reversed"},
        xaxis={"type": "date", "title": {"text": YEAR_AXIS_TITLE, "font": {"size": 12}}},
        yaxis={
            "title": {"text": value_axis_title(measure, series)},
            "tickformat": ".0%" if measure == "share" else ",.0f",
            "range": [0, 1] if measure == "share" else None,
        },
    )
    return _finish(fig, meta, chart, drawing, table, notes)


def _axis_span(
    table: pd.DataFrame, year_range: tuple[int, int] | None, axis_end: dt.date | None
) -> tuple[dt.date, dt.date] | None:
    """The yearly chart's date axis: ``year_range`` (default the table's years), run on to
    ``axis_end`` when that is later; None without years."""
    if year_range is None and table.empty:
        return None
    first, last = year_range or (int(table["year"].min()), int(table["year"].max()))
    first_day, end_exclusive = _year_span(first, last)
    return first_day, max(end_exclusive, axis_end) if axis_end else end_exclusive


def value_axis_title(measure: str, series: str = "supplier") -> str:
    """The value axis of the yearly stacked bars: the measure, and whose total a share is of.

    An importer's bars split by ``supplier`` are shares of its imports; an exporter's bars
    split by ``recipient`` (its customers) are shares of its exports.
    """
    if measure != "share":
        return "TIV (millions)"
    return "Share of the year's exports" if series == "recipient" else "Share of the year's imports"


def build_import_mix_by_year(
    mix: pd.DataFrame,
    *,
    meta: ChartMeta,
    events: Sequence[Event] = (),
    hidden_categories: Iterable[str] = (),
    recipient: str | None = None,
    measure: str = "share",
    top_n: int | None = None,
    moving_average: bool = False,
    moving_average_of: str | None = None,
    year_range: tuple[int, int] | None = None,
    axis_end: dt.date | None = None,
) -> go.Figure:
    """Stacked yearly bars of a recipient's imports by supplier, with events.

    Args:
        mix: long frame with columns year, supplier, tiv for one recipient (top-N/Others may be
            already aggregated; several rows per key are summed).
        meta: title, filters, source and vintage printed on the chart.
        events: candidate events; those concerning ``recipient`` (or global) are drawn.
        hidden_categories: event categories toggled off.
        recipient: the chart's country, used to pick the events.
        measure: "share" (of the year's imports) or "tiv" (absolute, millions of TIV).
        top_n: keep the N largest suppliers and sum the rest as "Others".
        moving_average: draw a centred 5-year moving-average line.
        moving_average_of: the supplier whose average is drawn; None means the total TIV in the
            "tiv" view and the largest supplier's share in the "share" view.
        year_range: first and last year plotted (default: the data's years). Widen it to reach
            recent events; events outside are listed under the chart.
        axis_end: run the date axis on to this (exclusive) day, past ``year_range``'s last year
            (``event_layout.axis_end``: recent events without empty years).

    Returns:
        A figure whose ``layout.meta`` holds the drawn events and the plotted table.
    """
    return _stacked_by_year(
        mix,
        series="supplier",
        meta=meta,
        chart="import_mix_by_year",
        events=events,
        hidden_categories=hidden_categories,
        country=recipient,
        measure=measure,
        top_n=top_n,
        moving_average=moving_average,
        moving_average_of=moving_average_of,
        year_range=year_range,
        axis_end=axis_end,
    )


def build_customers_over_time(
    flows: pd.DataFrame,
    *,
    meta: ChartMeta,
    events: Sequence[Event] = (),
    hidden_categories: Iterable[str] = (),
    exporter: str | None = None,
    measure: str = "tiv",
    top_n: int | None = 10,
    year_range: tuple[int, int] | None = None,
) -> go.Figure:
    """Stacked yearly bars of an exporter's deliveries by recipient, with events.

    Args:
        flows: long frame with columns year, recipient, tiv for one exporter.
        meta: title, filters, source and vintage printed on the chart.
        events: candidate events; those concerning ``exporter`` (or global) are drawn.
        hidden_categories: event categories toggled off.
        exporter: the chart's country, used to pick the events.
        measure: "tiv" or "share" (of the exporter's deliveries that year).
        top_n: keep the N largest customers and sum the rest as "Others".
        year_range: first and last year plotted (default: the data's years).

    Returns:
        A figure whose ``layout.meta`` holds the drawn events and the plotted table.
    """
    return _stacked_by_year(
        flows,
        series="recipient",
        meta=meta,
        chart="customers_over_time",
        events=events,
        hidden_categories=hidden_categories,
        country=exporter,
        measure=measure,
        top_n=top_n,
        moving_average=False,
        moving_average_of=None,
        year_range=year_range,
    )


def mix_by_period_data(mix: pd.DataFrame, *, top_n: int | None = None) -> pd.DataFrame:
    """The table behind the period bars: period, supplier, tiv, share of the period.

    Args:
        mix: long frame with columns period (label such as "2019-23"), supplier, tiv.
        top_n: keep the N largest suppliers and sum the rest as "Others".

    Returns:
        Columns period, supplier, tiv, share, ordered by period start then supplier.
    """
    _require(mix, ["period", "supplier", "tiv"], "mix_by_period_data")
    table = aggregate_top_n(mix, "supplier", top_n, by=("period",))
    table["period"] = table["period"].astype(str)
    totals = table.groupby("period")["tiv"].transform("sum")
    table["share"] = (table["tiv"] / totals.where(totals > 0)).astype("float64")
    table["_start"] = table["period"].map(lambda p: parse_period(p)[0])
    table = table.sort_values(["_start", "supplier"], kind="stable").drop(columns="_start")
    return table.reset_index(drop=True)


def build_import_mix_by_period(
    mix: pd.DataFrame,
    *,
    meta: ChartMeta,
    events: Sequence[Event] = (),
    hidden_categories: Iterable[str] = (),
    recipient: str | None = None,
    measure: str = "share",
    top_n: int | None = None,
) -> go.Figure:
    """Stacked bars per SIPRI period (categorical axis); each event is marked in its period.

    Args:
        mix: long frame with columns period, supplier, tiv.
        meta: title, filters, source and vintage printed on the chart.
        events: candidate events; those concerning ``recipient`` (or global) are drawn.
        hidden_categories: event categories toggled off.
        recipient: the chart's country, used to pick the events.
        measure: "share" or "tiv".
        top_n: keep the N largest suppliers and sum the rest as "Others".

    Returns:
        A figure whose ``layout.meta`` holds the drawn events and the plotted table.
    """
    if measure not in ("share", "tiv"):
        raise ValueError(f"measure must be 'share' or 'tiv', not {measure!r}")
    table = mix_by_period_data(mix, top_n=top_n)
    periods = list(dict.fromkeys(table["period"]))
    fig = go.Figure()
    value = "share" if measure == "share" else "tiv"
    order = _series_order(table, "supplier", "tiv")
    colors = color_map(order)  # distinguishable side by side
    for name in order:
        part = table[table["supplier"] == name]
        # Category values are drawn as tick labels and fill %{x}: escaped like any text.
        fig.add_bar(
            x=_plotly_texts(part["period"]),
            y=part[value].tolist(),
            name=plotly_text(name),
            legendgroup=plotly_text(name),
            marker={"color": colors[name], "line": {"color": "#FFFFFF", "width": 0.5}},
            customdata=[[t, s] for t, s in zip(part["tiv"], part["share"], strict=True)],
            hovertemplate=(
                f"{plotly_text(name)} %{{x}}<br>%{{customdata[0]:,.0f}} TIV m"
                "<br>%{customdata[1]:.1%} of the period<extra></extra>"
            ),
        )
    shown = events_for_chart(events, recipient, hidden_categories)
    drawing = _draw_events_on_periods(fig, shown, periods)
    fig.update_layout(
        barmode="relative",
        legend={"traceorder": "reversed"},
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": _plotly_texts(periods),
            "title": {"text": "SIPRI 5-year period (events marked in the period they fall in)"},
        },
        yaxis={
            "title": {
                "text": "Share of the period's imports" if measure == "share" else "TIV (millions)"
            },
            "tickformat": ".0%" if measure == "share" else ",.0f",
            "range": [0, 1] if measure == "share" else None,
        },
    )
    return _finish(fig, meta, "import_mix_by_period", drawing, table)


def build_period_comparison(
    shares: pd.DataFrame,
    *,
    meta: ChartMeta,
    period_a: str,
    period_b: str,
    events: Sequence[Event] = (),
    hidden_categories: Iterable[str] = (),
    recipient: str | None = None,
    top_n: int | None = 8,
) -> go.Figure:
    """Dumbbell chart of each supplier's share in two periods (earlier hollow, later filled).

    Args:
        shares: long frame with columns period, supplier, share (0-1).
        meta: title, filters, source and vintage printed on the chart.
        period_a: the earlier period label, e.g. "2009-13".
        period_b: the later period label, e.g. "2019-23".
        events: candidate events; those in the two periods are numbered and listed under the
            chart (this chart has no time axis), the rest are listed as not plotted.
        hidden_categories: event categories toggled off.
        recipient: the chart's country, used to pick the events.
        top_n: show the N suppliers with the largest share in either period.

    Returns:
        A figure whose ``layout.meta`` holds the listed events and the plotted table.
    """
    _require(shares, ["period", "supplier", "share"], "build_period_comparison")
    frame = shares.copy()
    frame["supplier"] = frame["supplier"].fillna(UNKNOWN_SUPPLIER).astype(str)
    frame["period"] = frame["period"].astype(str)
    wide = (
        frame[frame["period"].isin([period_a, period_b])]
        .pivot_table(index="supplier", columns="period", values="share", aggfunc="sum")
        .reindex(columns=[period_a, period_b])
        .fillna(0.0)
    )
    wide["_max"] = wide.max(axis=1)
    wide = wide.sort_values([period_b, "_max"], ascending=False, kind="stable")
    if top_n is not None:
        wide = wide.sort_values("_max", ascending=False, kind="stable").head(top_n)
        wide = wide.sort_values(period_b, ascending=False, kind="stable")
    table = pd.DataFrame(
        {
            "supplier": wide.index.astype(str),
            f"share_{period_a}": wide[period_a].to_numpy(dtype="float64"),
            f"share_{period_b}": wide[period_b].to_numpy(dtype="float64"),
        }
    )
    table["change_pp"] = (table[f"share_{period_b}"] - table[f"share_{period_a}"]) * 100
    suppliers = table["supplier"].tolist()
    # Supplier names are the categories of the y axis (tick labels, %{y}); the table keeps them raw.
    categories = _plotly_texts(suppliers)
    label_a, label_b = plotly_text(period_a), plotly_text(period_b)
    fig = go.Figure()
    for category, row in zip(categories, table.itertuples(index=False), strict=True):
        fig.add_scatter(
            x=[row[1], row[2]],
            y=[category, category],
            mode="lines",
            line={"color": "#BBBBBB", "width": 3},
            showlegend=False,
            hoverinfo="skip",
            name=f"{category} change",
        )
    own = color_map(suppliers)  # distinguishable side by side
    colors = [own[s] for s in suppliers]
    fig.add_scatter(
        x=table[f"share_{period_a}"].tolist(),
        y=categories,
        mode="markers+text",
        name=label_a,
        marker={"symbol": "circle-open", "size": 13, "color": colors, "line": {"width": 2.5}},
        text=[delivered_share_text(v) for v in table[f"share_{period_a}"]],
        textposition="top center",
        hovertemplate="%{y} " + label_a + ": %{x:.1%}<extra></extra>",
    )
    fig.add_scatter(
        x=table[f"share_{period_b}"].tolist(),
        y=categories,
        mode="markers+text",
        name=label_b,
        marker={"symbol": "circle", "size": 13, "color": colors},
        text=[
            f"{delivered_share_text(v)} ({pp_text(c)})"
            for v, c in zip(table[f"share_{period_b}"], table["change_pp"], strict=True)
        ],
        textposition="bottom center",
        hovertemplate="%{y} " + label_b + ": %{x:.1%}<extra></extra>",
    )
    shares = table[[f"share_{period_a}", f"share_{period_b}"]].to_numpy(dtype="float64")
    x_max = float(np.nanmax(shares)) if shares.size and np.isfinite(shares).any() else 1.0
    x_max = x_max if x_max > 0 else 1.0
    shown = events_for_chart(events, recipient, hidden_categories)
    drawing = _list_events_in_years(shown, [parse_period(period_a), parse_period(period_b)])
    fig.update_layout(
        xaxis={
            "title": {"text": f"Share of imports ({label_a} hollow, {label_b} filled)"},
            "tickformat": ".0%",
            # Room on both sides for the value labels centred on markers near 0 and the top.
            "range": [-0.08 * x_max, 1.1 * x_max],
        },
        yaxis={
            "type": "category",
            "autorange": "reversed",
            "showgrid": False,
            "title": None,
            # Long supplier names and value labels must not be cut at the left edge.
            "automargin": True,
        },
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )
    return _finish(fig, meta, "period_comparison", drawing, table)


@functools.lru_cache(maxsize=1)
def iso3_codes() -> dict[str, str]:
    """SIPRI country name -> ISO 3166-1 alpha-3 code, from analysis/reference/iso3.csv."""
    path = Path(__file__).resolve().parent / "reference" / "iso3.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["name"]: row["iso3"] for row in csv.DictReader(handle)}


def build_supplier_map(
    suppliers: pd.DataFrame,
    *,
    meta: ChartMeta,
    years: tuple[int, int],
    events: Sequence[Event] = (),
    hidden_categories: Iterable[str] = (),
    recipient: str | None = None,
) -> go.Figure:
    """World map of a recipient's suppliers, shaded by share of its imports over ``years``.

    Suppliers without a place on today's map (Soviet Union, unknown supplier(s), NATO**, armed
    groups) are listed under the map with their share, never dropped silently.

    Args:
        suppliers: frame with columns supplier, tiv (summed over ``years``).
        meta: title, filters, source and vintage printed on the chart.
        years: first and last year the values cover.
        events: candidate events; those within ``years`` are listed under the map.
        hidden_categories: event categories toggled off.
        recipient: the chart's country, used to pick the events.

    Returns:
        A figure whose ``layout.meta`` holds the listed events and the plotted table.
    """
    _require(suppliers, ["supplier", "tiv"], "build_supplier_map")
    table = suppliers[["supplier", "tiv"]].copy()
    table["supplier"] = table["supplier"].fillna(UNKNOWN_SUPPLIER).astype(str)
    table = table.groupby("supplier", as_index=False)["tiv"].sum()
    total = table["tiv"].sum()
    table["share"] = (table["tiv"] / total if total > 0 else table["tiv"] * float("nan")).astype(
        "float64"
    )
    codes = iso3_codes()
    table["iso3"] = table["supplier"].map(codes)
    table = table.sort_values(
        ["tiv", "supplier"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    mapped = table[table["iso3"].notna()]
    fig = go.Figure(
        go.Choropleth(
            locations=mapped["iso3"].tolist(),
            locationmode="ISO-3",
            z=(mapped["share"] * 100).tolist(),
            text=_plotly_texts(mapped["supplier"]),
            customdata=mapped["tiv"].tolist(),
            colorscale="Blues",
            zmin=0,
            marker={"line": {"color": "#FFFFFF", "width": 0.5}},
            colorbar={"title": {"text": "Share %"}, "ticksuffix": "%"},
            hovertemplate="%{text}: %{z:.1f}% (%{customdata:,.0f} TIV m)<extra></extra>",
            name="suppliers",
        )
    )
    fig.update_geos(
        projection_type="natural earth",
        # Greenwich in the middle (plotly centred the map on the Pacific).
        projection_rotation={"lon": 0, "lat": 0, "roll": 0},
        lonaxis_range=[-180, 180],
        center={"lon": 0, "lat": 0},
        showcountries=True,
        countrycolor="#BBBBBB",
        showland=True,
        landcolor="#F2F2F2",
        showframe=False,
        showcoastlines=False,
    )
    unmapped = table[table["iso3"].isna() & (table["tiv"] > 0)]
    notes = []
    if not unmapped.empty:
        parts = [f"{r.supplier} ({r.share:.1%})" for r in unmapped.itertuples()]
        notes.append("Not on the map: " + "; ".join(parts))
    notes.append(
        f"Shares of {recipient or 'the recipient'}'s imports, {years[0]}-{years[1]} (TIV summed over the years)."
    )
    shown = events_for_chart(events, recipient, hidden_categories)
    drawing = _list_events_in_years(shown, [years])
    return _finish(fig, meta, "supplier_map", drawing, table, notes, axis_room_px=10)
