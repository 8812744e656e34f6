"""Finishing a chart: title, subtitle, footer (event legend, notes, source) and its result."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analysis.chart_events import _append_layout, _EventDrawing, not_drawn_sentence
from analysis.chart_meta import ChartMeta
from analysis.chart_style import (
    DEFAULT_HEIGHT_PX,
    FOOTER_LINE_PX,
    FOOTER_WRAP_CHARS,
    PLOT_HEIGHT_PX,
    PRINT_TEMPLATE,
    ROW_PX,
    SUBTITLE_LINE_PX,
    SUBTITLE_WRAP_CHARS,
    plotly_text,
)
from analysis.results import Chart


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
) -> Chart:
    """Title, subtitle and footer on ``fig`` (changed in place), and the builder's result.

    Args:
        fig: the plotted figure.
        meta: title, filters, source and vintage printed on the chart.
        chart: the chart's name (kept in ``layout.meta`` with the title and source line).
        drawing: the events drawn or listed.
        data: exactly the table plotted.
        notes: sentences printed above the source line.
        axis_room_px: room below the plot for the x axis and its title.
    """
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
        },
    )
    return Chart(
        fig,
        data.reset_index(drop=True),
        tuple(drawing.drawn),
        tuple(drawing.outside_items()),
        drawing.mode,
        drawing.not_drawn,
    )
