"""Estimated figures marked where they are drawn: error bars, hatching and bounded table text.

When a recipient's shares come from a per-deal register (``estimates``), the charts
and tables built from the loaded flows show the even-spread estimate; these helpers add the
bounds (``analysis.bounds``) next to it:

- the two-period comparison gets each supplier's ``[low, high]`` as horizontal error bars and
  ``share_low_<period>, share_high_<period>`` columns in its data (the CSV);
- the stacked bars by period are hatched (stacked bars cannot carry error bars sensibly);
- the "what changed" table prints ``"43% (estimated; 31-50%)"`` like the headline cards.

Every function is pure: figures are copied, never changed in place (views may be cached and
shared). Each returns its input unchanged when ``deals`` is None (exact figures).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import bounds
from analysis.chart_style import plotly_text
from analysis.results import DisplayTable
from analysis.shares import Period
from analysis.views import ChartView
from analysis.vocab import period_label

RANGE_NOTE = (
    "estimated: bar shows the range over every split of each deal's TIV over its delivery years"
)
HATCH_NOTE = (
    "Hatched bars are estimated from a per-deal register (each deal's TIV spread evenly "
    "over its delivery years); the bounds are in the table below and in the CSV."
)
HATCH_LEGEND = "hatched: estimated (bounds in the table and CSV)"
# Overlaid on the supplier's colour (the default "replace" mode would drop the colour).
HATCH = {"shape": "/", "fillmode": "overlay", "fgcolor": "#FFFFFF", "size": 8, "solidity": 0.3}
RANGE_COLOR = "#555555"
LEGEND2_PX = 24
# Where each period's range sits off the markers' line, in rows (earlier above, later below).
PERIOD_OFFSETS = (-0.24, 0.24)


def _bounds_by_period(
    deals: pd.DataFrame, recipient: str, periods: Sequence[Period], merge_lineage: bool
) -> dict[str, pd.DataFrame]:
    """``supplier_share_bounds`` per period label, indexed by supplier."""
    table = bounds.supplier_share_bounds(deals, recipient, periods, merge_lineage)
    labels = [period_label(s, e) for s, e in zip(table["start"], table["end"], strict=True)]
    table = table.assign(period=labels)
    return {
        period_label(*p): table[table["period"] == period_label(*p)].set_index("supplier")
        for p in periods
    }


# --------------------------------------------------------------------------- comparison chart


def comparison_with_bounds(
    view: ChartView,
    deals: pd.DataFrame | None,
    recipient: str,
    periods: tuple[Period, Period],
    merge_lineage: bool = False,
) -> ChartView:
    """The two-period comparison (``views.period_comparison_view``) with its bounds drawn.

    Args:
        view: The comparison's view (its data: ``supplier, share_<a>, share_<b>, ...``).
        deals: ``estimates.recipient_register_deals(...)``; None returns ``view`` as it is.
        recipient: The importer.
        periods: The earlier and the later period, as compared.
        merge_lineage: Count predecessor states as their successor (as the view did).

    Returns:
        A new view: each period's range is a trace of its own (``range_name(period)``) with
        ``error_x`` (``arrayminus`` down to the lowest share, ``array`` up to the highest),
        drawn just off the markers' line (``PERIOD_OFFSETS``: the two periods' ranges never
        overlap); a legend entry names the range, the data gain ``share_low_<period>,
        share_high_<period>`` and the notes say how it is bounded.
    """
    if deals is None or view.data.empty:
        return view
    by_period = _bounds_by_period(deals, recipient, list(periods), merge_lineage)
    data = view.data.copy()
    suppliers = data["supplier"].astype(str)
    fig = go.Figure(view.fig)
    _offset_axis(fig, len(data))
    for i, (label, table) in enumerate(by_period.items()):
        for side in ("low", "high"):
            column = table[f"share_{side}"].astype("float64")
            data[f"share_{side}_{label}"] = suppliers.map(column).fillna(0.0).to_numpy()
        _error_bars(
            fig,
            label,
            data[f"share_{label}"],
            data[[f"share_low_{label}", f"share_high_{label}"]],
            PERIOD_OFFSETS[i],
        )
    _range_legend(fig)
    notes = [*view.notes, f"Bars on the markers: {RANGE_NOTE}."]
    return dataclasses.replace(view, fig=fig, data=data, notes=notes)


def _offset_axis(fig: go.Figure, rows: int) -> None:
    """A hidden numeric y axis laid over the suppliers' categories (row i at i), so that each
    period's range can sit just off the line the two markers share."""
    span = [rows - 0.5, -0.5]  # the category axis runs top to bottom
    fig.update_layout(
        yaxis={"autorange": False, "range": span},
        yaxis2={"overlaying": "y", "range": span, "visible": False, "fixedrange": True},
    )


def _error_bars(
    fig: go.Figure, label: str, share: pd.Series, low_high: pd.DataFrame, offset: float
) -> None:
    """The period's ranges as error bars on a trace of their own, ``offset`` rows off the
    markers' line (the earlier period above it, the later below): the two never overlap."""
    x = share.to_numpy(dtype="float64")
    low, high = (low_high.iloc[:, i].to_numpy(dtype="float64") for i in (0, 1))
    fig.add_scatter(
        x=x.tolist(),
        y=(np.arange(len(x)) + offset).tolist(),
        yaxis="y2",
        mode="markers",
        marker={"size": 3, "color": RANGE_COLOR},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": np.clip(high - x, 0.0, None).tolist(),
            "arrayminus": np.clip(x - low, 0.0, None).tolist(),
            "color": RANGE_COLOR,
            "thickness": 1.5,
            "width": 4,
        },
        name=range_name(label),
        showlegend=False,
        customdata=np.column_stack([low, high]).tolist(),
        hovertemplate=plotly_text(label)
        + ": %{x:.1%} (estimated; %{customdata[0]:.1%}-%{customdata[1]:.1%})<extra></extra>",
    )


def range_name(label: str) -> str:
    """The name of a period's range trace on the comparison: "2009-13 range"."""
    return f"{plotly_text(label)} range"


def _range_legend(fig: go.Figure) -> None:
    """A legend entry (a second legend, low in the plot) naming what the error bars show."""
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line={"color": RANGE_COLOR, "width": 1.5},
        name=RANGE_NOTE.replace(" of each deal", "<br>of each deal"),
        legend="legend2",
        hoverinfo="skip",
    )
    margin, height = fig.layout.margin, fig.layout.height
    fig.update_layout(
        # Room for the entry's two lines between the subtitle and the plot.
        margin={"t": (margin.t or 92) + LEGEND2_PX},
        height=(height + LEGEND2_PX) if height else None,
        legend2={
            # Top left, above the plot: the main legend sits top right.
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0.85)",
            "font": {"size": 10},
        },
    )


# --------------------------------------------------------------------------- stacked bars


def hatched_mix(view: ChartView, estimated: bool) -> ChartView:
    """The import mix by period (stacked bars) with every bar hatched when estimated.

    Args:
        view: ``views.import_mix_view(..., by="period")``.
        estimated: Whether its figures are estimated (``estimates.recipient_register_deals``
            found the deals behind them); False returns ``view`` as it is.

    Returns:
        A new view whose bars carry ``marker.pattern`` (shape "/"), with a legend entry for the
        hatching and a note saying where the bounds are.
    """
    if not estimated:
        return view
    fig = go.Figure(view.fig)
    for trace in fig.data:
        if trace.type == "bar":
            trace.marker.pattern = HATCH
    hatch_legend(fig, HATCH_LEGEND)
    return dataclasses.replace(view, fig=fig, notes=[*view.notes, HATCH_NOTE])


def hatch_legend(fig: go.Figure, name: str) -> None:
    """Add a legend entry ``name`` showing the hatching (``fig`` is a copy, changed in place)."""
    fig.add_bar(
        # One empty point: a trace without any is left out of the legend.
        x=[None],
        y=[None],
        name=name,
        marker={
            "color": "#FFFFFF",
            "line": {"color": RANGE_COLOR, "width": 0.5},
            "pattern": {**HATCH, "fgcolor": RANGE_COLOR},
        },
        legendrank=2000,
        hoverinfo="skip",
    )


# --------------------------------------------------------------------------- what changed


def bounded_change_table(
    changed: DisplayTable,
    deals: pd.DataFrame | None,
    recipient: str,
    periods: tuple[Period, Period],
    merge_lineage: bool = False,
) -> DisplayTable:
    """The "what changed" table (``tables.what_changed``) with estimated shares bounded.

    Returns:
        The table; each supplier's share cell reads ``"43% (estimated; 31-50%)"`` (blank
        cells and the Total row stay as they are). None ``deals``: ``changed`` itself.
    """
    if deals is None:
        return changed
    by_period = _bounds_by_period(deals, recipient, list(periods), merge_lineage)
    table = changed.table.copy()
    for label, bounded in by_period.items():
        column = f"Share {label}"
        if column not in table.columns:
            continue
        table[column] = [
            _bounded_cell(cell, supplier, bounded)
            for cell, supplier in zip(table[column], table["Supplier"], strict=True)
        ]
    return dataclasses.replace(changed, table=table)


def _bounded_cell(cell: object, supplier: str, table: pd.DataFrame) -> object:
    if cell is None or pd.isna(cell) or supplier == "Total" or supplier not in table.index:
        return cell
    row = table.loc[supplier]
    return bounds.bounded_share_text(row["share"], row["share_low"], row["share_high"])
