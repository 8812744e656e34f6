"""The two-period comparison: each supplier's share in two periods as a dumbbell chart."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.chart_events import _list_events_in_years
from analysis.chart_finish import _finish
from analysis.chart_meta import ChartMeta
from analysis.chart_style import _plotly_texts, plotly_text
from analysis.chart_tables import _require
from analysis.colors import color_map
from analysis.events import Event, events_for
from analysis.results import Chart
from analysis.vocab import UNKNOWN_SUPPLIER, delivered_share_text, parse_period, pp_text


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
) -> Chart:
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
        The figure, the plotted table and the events listed (``analysis.results.Chart``).
    """
    _require(shares, ["period", "supplier", "share"], "build_period_comparison")
    table = comparison_table(shares, period_a, period_b, top_n)
    label_a, label_b = plotly_text(period_a), plotly_text(period_b)
    fig = go.Figure()
    values = table[[f"share_{period_a}", f"share_{period_b}"]].to_numpy(dtype="float64")
    x_max = float(np.nanmax(values)) if values.size and np.isfinite(values).any() else 1.0
    x_max = x_max if x_max > 0 else 1.0
    _add_dumbbells(fig, table, period_a, period_b, x_max)
    shown = events_for(events, recipient, hidden=hidden_categories)
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


def comparison_table(
    shares: pd.DataFrame, period_a: str, period_b: str, top_n: int | None
) -> pd.DataFrame:
    """The table behind the dumbbells: supplier, share in each period and the change.

    Args:
        shares: long frame with columns period, supplier, share (0-1).
        period_a: the earlier period label.
        period_b: the later period label.
        top_n: keep the N suppliers with the largest share in either period.

    Returns:
        Columns supplier, ``share_<period_a>``, ``share_<period_b>``, change_pp (percentage
        points), the largest later share first.
    """
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
    return table


# Labels of markers closer than this (a fraction of the largest share) to the left edge start
# at the marker instead of being centred on it: "no deliveries (-93.3 pp)" at 0 was cut.
NEAR_LEFT_EDGE = 0.2


def label_positions(values: Iterable[float], x_max: float, side: str) -> list[str]:
    """Text positions for value labels ``side`` ("top" or "bottom") of their markers:
    right of the marker near the left edge of the axis, centred elsewhere."""
    near = [not v > NEAR_LEFT_EDGE * x_max for v in values]  # a missing value counts as 0
    return [f"{side} right" if n else f"{side} center" for n in near]


def _add_dumbbells(
    fig: go.Figure, table: pd.DataFrame, period_a: str, period_b: str, x_max: float
) -> None:
    """A grey connector per supplier, a hollow marker for ``period_a`` and a filled one for
    ``period_b``, each labelled with the share (the later one with the change too)."""
    suppliers = table["supplier"].tolist()
    # Supplier names are the categories of the y axis (tick labels, %{y}); the table keeps them raw.
    categories = _plotly_texts(suppliers)
    label_a, label_b = plotly_text(period_a), plotly_text(period_b)
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
        textposition=label_positions(table[f"share_{period_a}"], x_max, "top"),
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
        textposition=label_positions(table[f"share_{period_b}"], x_max, "bottom"),
        hovertemplate="%{y} " + label_b + ": %{x:.1%}<extra></extra>",
    )
