"""Events on charts: which are shown, their dates, and how each chart draws or lists them.

A date axis gets lines (single days) and bands (ranges), labelled when the labels fit and
numbered otherwise; a period axis gets numbered markers in the period holding each event;
charts without a time axis number and list the events in the covered years. Events off the
plotted years are named under the chart, and what the caps leave off is counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from analysis.chart_style import (
    ASSUMED_PLOT_WIDTH_PX,
    EVENT_BAND_FILL,
    EVENT_LINE_COLOR,
    LABEL_CHAR_PX,
    LABEL_PAD_PX,
    ROW_PX,
    _truncate,
    plotly_text,
)
from analysis.event_layout import place_markers
from analysis.events import CATEGORIES, Event
from analysis.vocab import parse_period

EVENT_DASH = {
    "visit": "dot",
    "agreement": "dash",
    "order": "dashdot",
    "delivery": "longdash",
    "sanction": "longdashdot",
    "conflict": "solid",
    "other": "dot",
}
# Thousands of events must not make a chart slow or unreadable: at most this many are drawn
# (or listed, on charts without a time axis), the newest first; numbered markers stack in at
# most MAX_MARKER_ROWS rows (per period on period charts); at most MAX_LISTED_OUTSIDE events
# off the plotted years are named, the nearest first. A sentence counts the rest.
MAX_DRAWN_EVENTS = 200
MAX_MARKER_ROWS = 10
MAX_LISTED_OUTSIDE = 30


def hidden_event_categories(hidden: Iterable[str]) -> tuple[str, ...]:
    """The event categories a chart hides, for ``ChartMeta.hidden_events``: the known categories
    (in their usual order) among ``hidden``; anything else hides nothing and is not named."""
    chosen = {str(c) for c in hidden}
    return tuple(c for c in CATEGORIES if c in chosen)


# ---------------------------------------------------------------------------------------------
# Events: selection, dates, placement


def event_date_text(event: Event) -> str:
    """Human date of an event: "5 Dec 2025", "29–30 Oct 2025", "30 Nov – 2 Dec 2025"."""
    start, end = event.start, event.last_day
    if end == start:
        return f"{start.day} {start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def _legend_line(number: int, event: Event) -> str:
    return f"{number} — {event.title} ({event_date_text(event)})"


def _event_record(number: int, event: Event, kind: str, x: str | None) -> dict[str, Any]:
    return {
        "number": number,
        "title": event.title,
        "category": event.category,
        "start": event.start.isoformat(),
        "end": event.last_day.isoformat(),
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
    if event.last_day < first_day:
        return (first_day - event.last_day).days
    if event.start >= end_exclusive:
        return (event.start - end_exclusive).days
    return 0


def _newest_first(events: Sequence[Event]) -> list[int]:
    """Indices of the events, the latest start (then end) first."""
    return sorted(
        range(len(events)), key=lambda i: (events[i].start, events[i].last_day, i), reverse=True
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
    last = min(event.last_day, end_exclusive - dt.timedelta(days=1))
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
    origin = dt.datetime.combine(first_day, dt.time())
    span_days = (end_exclusive - first_day).days

    def to_px(moment: dt.datetime) -> float:
        days = (moment - origin).total_seconds() / 86400
        return days / span_days * ASSUMED_PLOT_WIDTH_PX

    centres = [_centre(e, shown) for e, shown in inside]
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
        shape, kind = _event_shape(number, event, shown)
        shapes.append(shape)
        x_label = _datetime_iso(centres[i])
        if collide:
            annotations.append(_number_marker(number, x_label, rows[i] or 0, places[i].shift_px))
            drawing.legend_lines.append(_legend_line(number, event))
        else:
            annotations.append(_event_label(number, event, x_label, labels[i], intervals[i][2]))
        drawing.drawn.append(_event_record(number, event, kind, x_label))
    _append_layout(fig, shapes, annotations)
    placed_rows = [rows[i] or 0 for i in placed]
    drawing.marker_rows = (max(placed_rows) + 1) if collide and placed_rows else 1
    return drawing


def _centre(event: Event, shown: tuple[dt.date, dt.date]) -> dt.datetime:
    """Where an event's label sits: its day, or the middle of the part of its range shown."""
    start = dt.datetime.combine(shown[0], dt.time())
    if event.end is None:
        return start
    return start + (dt.datetime.combine(shown[1], dt.time()) - start) / 2


def _event_shape(
    number: int, event: Event, shown: tuple[dt.date, dt.date]
) -> tuple[dict[str, Any], str]:
    """The line (a single day) or band (a range) of an event on a date axis, and its kind."""
    # Shapes take ISO strings: plotly's add_vline(annotation_text=...) fails with
    # datetime.date on date axes, so lines/bands and their labels are drawn separately.
    axis = {"xref": "x", "y0": 0, "y1": 1, "yref": "paper"}
    name = f"event-{number}"
    if event.end is None:
        x = event.start.isoformat()
        dash = EVENT_DASH.get(event.category, "dot")
        line = {"color": EVENT_LINE_COLOR, "width": 1.5, "dash": dash}
        shape = {"type": "line", "x0": x, "x1": x, **axis, "line": line, "layer": "above"}
        return {**shape, "name": name}, "line"
    # The band covers its end day (to the start of the next), clipped to the axis.
    band = {
        "type": "rect",
        "x0": shown[0].isoformat(),
        "x1": shown[1].isoformat(),
        **axis,
        "fillcolor": EVENT_BAND_FILL,
        "line": {"color": EVENT_LINE_COLOR, "width": 1},
        "layer": "below",
        "name": name,
    }
    return band, "band"


def _event_label(number: int, event: Event, x: str, label: str, anchor: str) -> dict[str, Any]:
    """An event's title written above the plot at ``x`` (when the titles do not collide)."""
    return {
        "x": x,
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "yanchor": "bottom",
        "xanchor": anchor,
        "yshift": 2,
        "text": plotly_text(label),
        "hovertext": plotly_text(_legend_line(number, event)),
        "showarrow": False,
        "font": {"size": 11, "color": "#111111"},
        "name": f"event-label-{number}",
    }


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
                (p for p, a, b in spans if event.start.year < a <= event.last_day.year), None
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
    covered = [any(e.start.year <= b and e.last_day.year >= a for a, b in years) for e in events]
    inside = [e for e, c in zip(events, covered, strict=True) if c]
    span = _year_span(min(a for a, _ in years), max(b for _, b in years)) if years else None
    _list_outside(drawing, [e for e, c in zip(events, covered, strict=True) if not c], span)
    keep = _newest(inside, MAX_DRAWN_EVENTS)
    drawing.not_drawn += len(inside) - len(keep)
    for number, i in enumerate(keep, start=1):
        drawing.legend_lines.append(_legend_line(number, inside[i]))
        drawing.drawn.append(_event_record(number, inside[i], "listed", None))
    return drawing
