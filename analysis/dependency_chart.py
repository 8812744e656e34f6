"""Dependency on suppliers: top supplier's share, top-3 share and HHI per SIPRI period.

A pure table formatter, a pure chart builder (a small trend chart in the look of
analysis.chart_style) and the view the Overview page and the CLI can call.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.chart_finish import footer_annotations
from analysis.chart_meta import ChartMeta
from analysis.chart_style import DEFAULT_HEIGHT_PX, FOOTER_WRAP_CHARS, PRINT_TEMPLATE, plotly_text
from analysis.recipient_data import has_recipient_data, provenance_notes, recipient_years
from analysis.results import Chart, LoadedFlows
from analysis.shares import Period, dependency, sipri_periods
from analysis.tables import vintage_date
from analysis.views import ChartView, chart_view
from analysis.vintages import choose
from analysis.vocab import country_phrase, lineage_label, period_label, share_text

DEPENDENCY_PERIODS = 5  # the last quarter-century, as the Overview's story
PERIOD_YEARS = 5
HHI_SCALE = 10_000  # the antitrust convention: 10,000 = a single supplier
NO_DELIVERIES = "no deliveries"
HHI_AXIS_TITLE = "HHI (0-10,000, right axis)"
SHARE_AXIS_TITLE = "Share of imports (left axis)"
EXPLANATION = (
    "Top-3 share: the three largest suppliers' combined share of the period's imports. "
    "HHI (Herfindahl-Hirschman index): the sum of the squared supplier shares × 10,000, from "
    "near 0 (many small suppliers) to 10,000 (a single supplier); unknown suppliers count as one."
)
DATA_COLUMNS = [
    "period",
    "start",
    "end",
    "top_supplier",
    "top_share",
    "top3_suppliers",
    "top3_share",
    "hhi_0_to_10000",
    "suppliers",
]
# A small chart: a shorter plot area than the full-size charts of analysis.charts.
SMALL_PLOT_HEIGHT_PX = 260
SMALL_HEIGHT_PX = min(DEFAULT_HEIGHT_PX, 440)
LINE_COLORS = {"top": "#B2182B", "top3": "#2166AC", "hhi": "#555555"}
# Value labels in the body text colour, not the lines': the dark on-screen variant swaps it to
# a light one, while dark red or blue text on a dark background would be unreadable.
LABEL_COLOR = "#222222"


# --------------------------------------------------------------------------- numbers


def hhi_points(hhi: float | None) -> int | None:
    """An HHI on the 0..1 scale as points on the 0..10,000 scale, rounded half up."""
    if hhi is None or pd.isna(hhi):
        return None
    return int(
        (Decimal(repr(float(hhi))) * HHI_SCALE).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    )


def hhi_text(hhi: float | None) -> str:
    """An HHI as printed: ``"4,922"`` (``"n/a"`` when missing)."""
    points = hhi_points(hhi)
    return "n/a" if points is None else f"{points:,}"


def dependency_periods(
    first_year: int, last_year: int, count: int = DEPENDENCY_PERIODS
) -> list[Period]:
    """The newest ``count`` SIPRI 5-year periods within ``first_year..last_year``, oldest first.

    They end at the last year of the data, as SIPRI's releases do (2019-23 in the 2024 release).
    """
    fitting = (last_year - first_year + 1) // PERIOD_YEARS
    return sipri_periods(last_year, max(0, min(count, fitting)), PERIOD_YEARS)


# --------------------------------------------------------------------------- tables


def dependency_data(dep: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    """The tidy table behind the chart and its CSV: one row per period, oldest first.

    Args:
        dep: a result of ``analysis.shares.dependency`` for one recipient.
        periods: every period asked for; a period without deliveries gets a row with
            ``top_supplier`` "no deliveries" and missing figures (never 0%).

    Returns:
        Columns ``DATA_COLUMNS``: shares as fractions, the HHI in whole points (0..10,000).
    """
    by_period = {(int(r.start), int(r.end)): r for r in dep.itertuples(index=False)}
    rows = []
    for start, end in periods:
        row = by_period.get((int(start), int(end)))
        points = None if row is None else hhi_points(row.hhi)
        rows.append(
            {
                "period": period_label(start, end),
                "start": int(start),
                "end": int(end),
                "top_supplier": NO_DELIVERIES if row is None else str(row.top_supplier),
                "top_share": np.nan if row is None else float(row.top_share),
                "top3_suppliers": "" if row is None else str(row.top3_suppliers),
                "top3_share": np.nan if row is None else float(row.top3_share),
                "hhi_0_to_10000": np.nan if points is None else float(points),
                "suppliers": 0 if row is None else int(row.suppliers),
            }
        )
    out = pd.DataFrame(rows, columns=DATA_COLUMNS)
    return out.astype(
        {
            "period": "str",
            "start": "int64",
            "end": "int64",
            "top_supplier": "str",
            "top_share": "float64",
            "top3_suppliers": "str",
            "top3_share": "float64",
            "hhi_0_to_10000": "float64",
            "suppliers": "int64",
        }
    )


def dependency_table(data: pd.DataFrame) -> pd.DataFrame:
    """The table shown on the page: shares with SIPRI's rounding, HHI as whole points.

    Args:
        data: a result of ``dependency_data``.

    Returns:
        Columns Period, Top supplier, Top-supplier share, Top 3 suppliers, Top-3 share, HHI
        (all text, as printed).
    """
    return pd.DataFrame(
        {
            "Period": data["period"].astype("str"),
            "Top supplier": data["top_supplier"].astype("str"),
            "Top-supplier share": [share_text(s) for s in data["top_share"]],
            "Top 3 suppliers": data["top3_suppliers"].astype("str"),
            "Top-3 share": [share_text(s) for s in data["top3_share"]],
            "HHI": ["n/a" if pd.isna(h) else f"{int(h):,}" for h in data["hhi_0_to_10000"]],
        }
    )


# --------------------------------------------------------------------------- chart


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, FOOTER_WRAP_CHARS, break_long_words=False) or [""]


def _finish_small(fig: go.Figure, meta: ChartMeta, data: pd.DataFrame, notes: list[str]) -> Chart:
    """Title, subtitle, footer notes and source line in the look of analysis.charts' figures."""
    blocks = [(f"note-{i}", _wrap(note)) for i, note in enumerate(notes)]
    blocks.append(("source", _wrap(meta.source_line(short_names=True))))
    # Below the x-axis title, as in analysis.charts.
    footer, offset = footer_annotations(blocks, 72)
    top = 100
    fig.update_layout(
        template=PRINT_TEMPLATE,
        showlegend=True,
        title={
            "text": f"<b>{plotly_text(meta.title)}</b>",
            "subtitle": {
                "text": plotly_text(meta.subtitle_line()),
                "font": {"size": 13, "color": "#555555"},
            },
            "y": 0.98,
            "yref": "container",
            "yanchor": "top",
        },
        annotations=footer,
        margin={"t": top, "b": offset + 8, "l": 70, "r": 80},
        height=max(SMALL_HEIGHT_PX, top + SMALL_PLOT_HEIGHT_PX + offset + 8),
        meta={
            "chart": "dependency_trend",
            "title": meta.title,
            "subtitle": meta.subtitle_line(),
            "source": meta.source_line(),
        },
    )
    return Chart(fig, data.reset_index(drop=True))


def build_dependency_trend(
    data: pd.DataFrame, *, meta: ChartMeta, notes: list[str] | tuple[str, ...] = ()
) -> Chart:
    """Small trend chart: top supplier's share, top-3 share (left axis) and HHI (right axis).

    Both axes are pinned so that full concentration sits at the same height: 100% of imports
    from one supplier is an HHI of 10,000.

    Args:
        data: a result of ``dependency_data``.
        meta: title, filters, source and vintage printed on the chart.
        notes: sentences printed above the source line (what the measures mean).

    Returns:
        The figure and ``data``, the table it plots (``analysis.results.Chart``).
    """
    missing = [c for c in DATA_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"build_dependency_trend needs column(s) {', '.join(missing)}")
    fig = go.Figure()
    _add_share_lines(fig, data)
    _add_hhi_line(fig, data)
    fig.update_layout(
        xaxis={"type": "category", "title": {"text": "5-year period"}},
        yaxis={
            "title": {"text": SHARE_AXIS_TITLE},
            "tickformat": ".0%",
            "range": [0, 1.08],
            "dtick": 0.25,
        },
        yaxis2={
            "title": {"text": HHI_AXIS_TITLE},
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.08 * HHI_SCALE],
            "dtick": HHI_SCALE / 4,
            "tickformat": ",d",
            "showgrid": False,
            "zeroline": False,
            "linecolor": "#444444",
        },
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )
    return _finish_small(fig, meta, data, list(notes))


def _add_share_lines(fig: go.Figure, data: pd.DataFrame) -> None:
    """The top supplier's and the top three's shares, labelled the SIPRI way."""
    periods = [plotly_text(p) for p in data["period"]]
    top = [plotly_text(s) for s in data["top_supplier"]]
    top3 = [plotly_text(s) for s in data["top3_suppliers"]]
    top_share = data["top_share"].astype("float64").tolist()
    top3_share = data["top3_share"].astype("float64").tolist()

    def label(share: float) -> str:
        return "" if pd.isna(share) else share_text(share)

    fig.add_scatter(
        x=periods,
        y=top_share,
        mode="lines+markers+text",
        name="Top supplier's share",
        line={"color": LINE_COLORS["top"], "width": 2.5},
        marker={"size": 8},
        text=[
            f"{name} {label(s)}" if not pd.isna(s) else ""
            for name, s in zip(top, top_share, strict=True)
        ],
        textposition="bottom center",
        textfont={"size": 11, "color": LABEL_COLOR},
        hovertext=[
            f"{p}: {name}, {label(s) or 'n/a'}"
            for p, name, s in zip(periods, top, top_share, strict=True)
        ],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    fig.add_scatter(
        x=periods,
        y=top3_share,
        mode="lines+markers+text",
        name="Top-3 share",
        line={"color": LINE_COLORS["top3"], "width": 2.5},
        marker={"size": 8},
        text=[label(s) for s in top3_share],
        textposition="top center",
        textfont={"size": 11, "color": LABEL_COLOR},
        hovertext=[
            f"{p}: {names or 'n/a'}, {label(s) or 'n/a'}"
            for p, names, s in zip(periods, top3, top3_share, strict=True)
        ],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _add_hhi_line(fig: go.Figure, data: pd.DataFrame) -> None:
    """The HHI on the right axis (0-10,000), dashed."""
    periods = [plotly_text(p) for p in data["period"]]
    hhi = data["hhi_0_to_10000"].astype("float64").tolist()
    fig.add_scatter(
        x=periods,
        y=hhi,
        yaxis="y2",
        mode="lines+markers",
        name="HHI (right axis)",
        line={"color": LINE_COLORS["hhi"], "width": 2, "dash": "dash"},
        marker={"size": 7, "symbol": "diamond"},
        hovertext=[
            f"{p}: HHI {'n/a' if pd.isna(h) else f'{int(h):,}'}"
            for p, h in zip(periods, hhi, strict=True)
        ],
        hovertemplate="%{hovertext}<extra></extra>",
    )


# --------------------------------------------------------------------------- view


@dataclass
class DependencyView:
    """What the Overview shows for dependency: the printed table, its source and the chart."""

    table: pd.DataFrame
    data: pd.DataFrame
    chart: ChartView
    source: str
    notes: list[str] = field(default_factory=list)


def dependency_view(
    flows: pd.DataFrame | LoadedFlows,
    recipient: str,
    *,
    count: int = DEPENDENCY_PERIODS,
    merge_lineage: bool = False,
) -> DependencyView:
    """Top supplier's share, top-3 share and HHI for the newest ``count`` SIPRI periods.

    Raises:
        ValueError: (a sentence for the reader) when the loaded data do not split all of the
            recipient's imports by supplier, or cover less than one 5-year period.
    """
    flows = choose(flows)  # one export per recipient, once for the whole view
    if not has_recipient_data(flows, recipient):
        raise ValueError(
            f"Dependency needs an export of all of {country_phrase(recipient, possessive=True)} "
            "suppliers (its import table "
            "or a register of all its suppliers): the loaded data name only some of them."
        )
    first, last = recipient_years(flows, recipient) or (0, -1)
    periods = dependency_periods(first, last, count)
    if not periods:
        raise ValueError(
            f"The loaded data for {country_phrase(recipient)} cover {first}-{last}, less than "
            "one 5-year period."
        )
    dep = dependency(flows, recipient, periods, merge_lineage)
    data = dependency_data(dep.table, periods)
    notes = provenance_notes(flows, recipient)
    span = f"{data['period'].iloc[0]} to {data['period'].iloc[-1]}"
    meta = ChartMeta(
        title=f"How concentrated {country_phrase(recipient, possessive=True)} arms imports are",
        filters={
            "Recipient": recipient,
            "Periods": span if len(data) > 1 else data["period"].iloc[0],
            "Lineage": lineage_label(merge_lineage),
        },
        vintage=vintage_date(dep.vintage),
        sources=dep.sources,
    )
    chart = chart_view(
        build_dependency_trend(data, meta=meta, notes=[EXPLANATION, *notes]),
        meta,
        notes,
        [],
        "computed",
    )
    return DependencyView(dependency_table(data), data, chart, meta.source_line(), list(notes))
