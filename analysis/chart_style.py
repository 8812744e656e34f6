"""The charts' look: the print template, the dark on-screen variant, sizes and safe plot text."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

import plotly.graph_objects as go

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

EVENT_LINE_COLOR = "#333333"
EVENT_BAND_FILL = "rgba(90, 90, 90, 0.16)"

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


def plotly_text(text: object) -> str:
    """Text from a file or a user, made safe to put in any plotly text field, shown literally.

    plotly.js renders a subset of HTML in every text it draws (titles, legend names, category
    tick labels, hover labels, annotations, SVG exports): ``<a href>`` becomes a live link and
    ``<b>``, ``<br>``, ``<sup>`` render. It splits the text on ``<...>`` tags and then decodes the
    entities ``&lt; &gt; &amp;`` (and numeric ones) in the pieces between, so ``&lt;b&gt;``
    shows as ``<b>``. Quotes stay as they are: outside a tag they are inert, and plotly.js does
    not decode ``&quot;`` (it would print literally). Before rendering, plotly.js also fills
    ``%{...}`` templates in these fields from ``layout.meta`` (which holds the raw title): the
    ``%`` of a ``%{`` is written as ``&#37;`` so that user text never pulls that in.

    Escape each string exactly once, where it enters the figure (the plotted table keeps the
    raw names). The chart's own markup (``<b>``, ``<br>``, ``%{x}``) is added around it.
    """
    return html.escape(str(text), quote=False).replace("%{", "&#37;{")


def _plotly_texts(values: Iterable[object]) -> list[str]:
    return [plotly_text(v) for v in values]


def _truncate(text: str, limit: int = LABEL_MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
