"""Pure plotly chart builders: import mix and customers by year or period, events drawn honestly.

A builder returns an ``analysis.results.Chart``: the figure, the table it plots and the record
of the events it draws. The look, the events, the tables and the finishing live in their own
modules (``chart_style``, ``chart_events``, ``chart_tables``, ``chart_finish``); the period
comparison and the supplier map in ``period_comparison`` and ``supplier_map``; import those
names from their own modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.chart_events import (
    _draw_events_on_dates,
    _draw_events_on_periods,
    _EventDrawing,
    _list_outside,
    _year_span,
)
from analysis.chart_finish import _finish
from analysis.chart_meta import ChartMeta
from analysis.chart_style import YEAR_AXIS_TITLE, _plotly_texts, plotly_text
from analysis.chart_tables import (
    _series_order,
    _year_midpoint,
    _year_width_ms,
    mix_by_period_data,
    mix_by_year_data,
)
from analysis.colors import color_map
from analysis.event_layout import axis_note
from analysis.events import Event, events_for
from analysis.results import Chart
from analysis.vocab import moving_average


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
) -> Chart:
    if measure not in ("share", "tiv"):
        raise ValueError(f"measure must be 'share' or 'tiv', not {measure!r}")
    table = mix_by_year_data(mix, series=series, top_n=top_n)
    if year_range is not None:
        table = table[table["year"].between(year_range[0], year_range[1])].reset_index(drop=True)
    fig = go.Figure()
    _add_year_bars(fig, table, series, "share" if measure == "share" else "tiv")
    notes = []
    if moving_average and not table.empty:
        table, note = _add_moving_average(fig, table, series, measure, moving_average_of)
        notes.append(note)
    span = _axis_span(table, year_range, axis_end)
    shown = events_for(events, country, hidden=hidden_categories)
    if span is None:
        drawing = _EventDrawing()
        _list_outside(drawing, shown, None)
        notes.append("No deliveries in the selected data.")
    else:
        first_day, end_exclusive = span
        drawing = _draw_events_on_dates(fig, shown, first_day, end_exclusive)
        fig.update_xaxes(range=[first_day.isoformat(), end_exclusive.isoformat()])
        last = year_range[1] if year_range is not None else int(table["year"].max())
        if axis_end is not None and (note := axis_note(last, axis_end)):
            notes.append(note)  # on the figure: every export says why the last years are empty
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


def _add_year_bars(fig: go.Figure, table: pd.DataFrame, series: str, value: str) -> None:
    """One stacked bar trace per series, each bar spanning its calendar year."""
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


def _add_moving_average(
    fig: go.Figure, table: pd.DataFrame, series: str, measure: str, target: str | None
) -> tuple[pd.DataFrame, str]:
    """Draw the centred 5-year moving average; return the table with it and the note on it."""
    if measure == "share" and target is None:
        target = _series_order(table, series, "tiv")[0]
    averaged = moving_average(table, target, series=series, measure=measure)
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
    note = "Moving average: centred 5-year window, plotted at its middle year" + (
        " (share = TIV over the 5 years / all TIV over the same 5 years)."
        if measure == "share"
        else "."
    )
    return table.assign(moving_average_5y=table["year"].map(averaged).astype("float64")), note


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
) -> Chart:
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
        The figure, the plotted table and the events drawn (``analysis.results.Chart``).
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
) -> Chart:
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
        The figure, the plotted table and the events drawn (``analysis.results.Chart``).
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


def build_import_mix_by_period(
    mix: pd.DataFrame,
    *,
    meta: ChartMeta,
    events: Sequence[Event] = (),
    hidden_categories: Iterable[str] = (),
    recipient: str | None = None,
    measure: str = "share",
    top_n: int | None = None,
) -> Chart:
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
        The figure, the plotted table and the events drawn (``analysis.results.Chart``).
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
    shown = events_for(events, recipient, hidden=hidden_categories)
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
