"""Estimated figures marked on the built charts: by-year bars, Compare's panels, the alt text.

A recipient's yearly volumes from a per-deal register are an even spread of each
deal's TIV over its delivery years (``analysis.bounds``). Once a view is built, these helpers
mark what depends on that spread, on a copy of the figure (views may be cached and shared):

- a bar (supplier, year) whose value changes with the split is hatched; a year whose every
  deal lists that year alone is exact and stays plain; the TIV view gets error bars on each
  year's total from its lowest to its highest;
- the plotted table (the CSV) gains ``tiv_low, tiv_high, share_low, share_high, estimated``;
- a legend entry names the method, and ``layout.meta["estimate"]`` holds one sentence with
  the bounds of the headline figure, which the alt text (``analysis.alt_text``) reads.

``mark_estimates`` picks the marking for the chart the view holds (``layout.meta["chart"]``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import bounds, estimate_marks, estimates
from analysis.chart_style import plotly_text
from analysis.chart_tables import _year_midpoint
from analysis.shares import Period, apply_lineage
from analysis.views import ChartView
from analysis.vocab import OTHERS, UNKNOWN_SUPPLIER, country_phrase, parse_period, period_label

YEARS_LEGEND = "estimated: a deal's TIV spread evenly over its delivery years"
YEARS_NOTE = (
    "Hatched bars are estimated from a per-deal register (each deal's TIV spread evenly "
    "over its delivery years; plain bars are the same under any split); the lowest and highest "
    "values over every split are in the CSV (tiv_low, tiv_high, share_low, share_high)."
)
TOTAL_RANGE_NAME = "range of the year's<br>total, any split"
BOUND_COLUMNS = ["tiv_low", "tiv_high", "share_low", "share_high"]
_TOLERANCE = 1e-9


# --------------------------------------------------------------------------- bounds per bar


def bounded_rows(
    data: pd.DataFrame, deals: pd.DataFrame, recipient: str, key: str, merge_lineage: bool
) -> pd.DataFrame:
    """A plotted table (``key, supplier, tiv, share, ...``) with each bar's bounds.

    Args:
        data: One recipient's plotted rows; ``key`` is "year" or "period" (a label).
        deals: The recipient's register deals (``estimates.recipient_register_deals``).
        recipient: The importer.
        key: "year" or "period".
        merge_lineage: Count predecessor states as their successor (as the chart did).

    Returns:
        ``data`` with ``tiv_low, tiv_high, share_low, share_high`` (the suppliers outside the
        chart's named ones together, as its Others) and ``estimated``: whether the bar's value
        changes with the split of the deals over their delivery years.
    """
    spans = {v: (int(v), int(v)) if key == "year" else parse_period(v) for v in data[key].unique()}
    if not spans:
        return data.assign(
            **{c: pd.Series(dtype="float64") for c in BOUND_COLUMNS}, estimated=False
        )
    table = bounds.supplier_share_bounds(
        deals, recipient, sorted(set(spans.values())), merge_lineage
    )
    table["supplier"] = table["supplier"].replace("\0", UNKNOWN_SUPPLIER)
    rest = ~table["supplier"].isin(set(data["supplier"].astype(str)) - {OTHERS})
    if rest.any():
        table = pd.concat([table[~rest], bounds.others_bounds(table, rest)], ignore_index=True)
    label = {span: value for value, span in spans.items()}
    table[key] = [label.get((s, e)) for s, e in zip(table["start"], table["end"], strict=True)]
    columns = [key, "supplier", *BOUND_COLUMNS]
    out = data.merge(table[columns], on=[key, "supplier"], how="left")
    for side in ("low", "high"):  # a bar no deal can make: exactly what is drawn
        out[f"tiv_{side}"] = out[f"tiv_{side}"].astype("float64").fillna(out["tiv"])
        out[f"share_{side}"] = out[f"share_{side}"].astype("float64").fillna(out["share"])
    spread = (out["tiv_high"] - out["tiv_low"] > _TOLERANCE) | (
        out["share_high"] - out["share_low"] > _TOLERANCE
    )
    return out.assign(estimated=spread.to_numpy(dtype=bool))


def _pattern(shapes: Sequence[str]) -> dict:
    return {**estimate_marks.HATCH, "shape": list(shapes)}


def _hatch_traces(
    fig: go.Figure, rows: pd.DataFrame, key: str, measure: str, keys_of, panel=None
) -> None:
    """Hatch each bar point whose drawn value (``measure``: "share" or "tiv") changes with the
    split (``fig`` is a copy, changed in place)."""
    flagged = {(plotly_text(s), str(k)) for s, k in zip(rows["supplier"], rows[key], strict=True)}
    varies = rows[f"{measure}_high"] - rows[f"{measure}_low"] > _TOLERANCE
    estimated = {
        (plotly_text(s), str(k))
        for s, k, e in zip(rows["supplier"], rows[key], varies, strict=True)
        if e
    }
    for trace in fig.data:
        if trace.type != "bar" or (panel is not None and not panel(trace)):
            continue
        points = [str(k) for k in keys_of(trace)]
        if not any((trace.name, k) in flagged for k in points):
            continue
        trace.marker.pattern = _pattern(
            ["/" if (trace.name, k) in estimated else "" for k in points]
        )


def _legend_entry(fig: go.Figure) -> None:
    estimate_marks.hatch_legend(fig, YEARS_LEGEND.replace(" evenly", "<br>evenly"))


def _with_estimate(fig: go.Figure, sentence: str) -> None:
    """Keep the alt text's sentence on the figure (``layout.meta["estimate"]``)."""
    meta = dict(fig.layout.meta or {})
    meta["estimate"] = sentence
    fig.update_layout(meta=meta)


# --------------------------------------------------------------------------- by year


def _measure(view: ChartView) -> str:
    """The value drawn: "tiv" or "share" (the chart's Measure filter)."""
    return "tiv" if str(view.meta.filters.get("Measure", "")).startswith("TIV") else "share"


def _years_of(trace) -> list[int]:
    """The years of an import-mix-by-year bar trace (its customdata's first column)."""
    return [int(row[0]) for row in np.asarray(trace.customdata)]


def _total_ranges(fig: go.Figure, deals: pd.DataFrame, recipient: str, years, merge_lineage):
    """Error bars on each year's total TIV, from its lowest to its highest over every split."""
    merged = apply_lineage(deals) if merge_lineage else deals
    totals = bounds.total_bounds(merged, recipient, [(int(y), int(y)) for y in years])
    fig.add_scatter(
        x=[_year_midpoint(int(y)) for y in totals["start"]],
        y=totals["tiv"].to_numpy(dtype="float64"),
        mode="markers",
        marker={"size": 4, "color": estimate_marks.RANGE_COLOR},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": np.clip(totals["tiv_high"] - totals["tiv"], 0, None).tolist(),
            "arrayminus": np.clip(totals["tiv"] - totals["tiv_low"], 0, None).tolist(),
            "color": estimate_marks.RANGE_COLOR,
            "thickness": 1.2,
            "width": 3,
        },
        name=TOTAL_RANGE_NAME,
        customdata=totals[["tiv_low", "tiv_high"]].to_numpy(dtype="float64"),
        hovertemplate="%{x|%Y}: %{y:,.0f} TIV m (estimated; "
        "%{customdata[0]:,.0f}-%{customdata[1]:,.0f})<extra></extra>",
    )


def yearly_with_bounds(
    view: ChartView, deals: pd.DataFrame | None, recipient: str, merge_lineage: bool = False
) -> ChartView:
    """The import mix by year with its estimated bars hatched (see the module docstring).

    Args:
        view: ``views.import_mix_view(..., by="year")``.
        deals: ``estimates.recipient_register_deals(...)``; None returns ``view`` as it is.
        recipient: The importer.
        merge_lineage: As the view was built.
    """
    if deals is None or view.data.empty or "year" not in view.data.columns:
        return view
    rows = bounded_rows(view.data, deals, recipient, "year", merge_lineage)
    fig = go.Figure(view.fig)
    measure = _measure(view)
    _hatch_traces(fig, rows, "year", measure, _years_of)
    if measure == "tiv":
        _total_ranges(fig, deals, recipient, sorted(rows["year"].unique()), merge_lineage)
    _legend_entry(fig)
    last = int(rows["year"].max())
    span = (max(last - 4, int(rows["year"].min())), last)
    _with_estimate(fig, headline_sentence(deals, recipient, rows, [span], merge_lineage))
    notes = [*view.notes, YEARS_NOTE]
    return dataclasses.replace(view, fig=fig, data=rows, notes=notes)


def headline_sentence(
    deals: pd.DataFrame,
    recipient: str,
    rows: pd.DataFrame,
    spans: Sequence[Period],
    merge_lineage: bool = False,
) -> str:
    """ "Estimated from a per-deal register ...: Russia's share of India's imports in
    2020-24 is 42.6% (estimated; 31-50%)." for the largest named supplier of the last span."""
    table = bounds.supplier_share_bounds(deals, recipient, list(spans), merge_lineage)
    named = set(rows["supplier"].astype(str)) - {OTHERS, UNKNOWN_SUPPLIER}
    last = table[(table["end"] == spans[-1][1]) & table["supplier"].isin(named)]
    head = (
        "Estimated from a per-deal register (each deal's TIV spread evenly over its delivery years)"
    )
    if last.empty:
        return head + "."
    parts = []
    top = str(last.iloc[0]["supplier"])
    for span in spans:
        row = table[(table["start"] == span[0]) & (table["supplier"] == top)]
        text = (
            bounds.bounded_share_text(
                *(float(row[c].iloc[0]) for c in ("share", "share_low", "share_high"))
            )
            if len(row)
            else "no deliveries"
        )
        parts.append(f"{text} in {period_label(*span)}")
    whose = country_phrase(top, possessive=True)
    return f"{head}: {whose} share of {country_phrase(recipient, possessive=True)} imports is " + (
        " and ".join(parts) + "."
    )


# --------------------------------------------------------------------------- by period, dispatch


def periods_with_bounds(
    view: ChartView, deals: pd.DataFrame | None, recipient: str, merge_lineage: bool = False
) -> ChartView:
    """The import mix by period: hatched (``estimate_marks.hatched_mix``), its table with
    bounds (the CSV) and the alt text's sentence."""
    if deals is None or view.data.empty or "period" not in view.data.columns:
        return view
    marked = estimate_marks.hatched_mix(view, True)
    rows = bounded_rows(view.data, deals, recipient, "period", merge_lineage)
    spans = sorted({parse_period(p) for p in rows["period"]})
    fig = go.Figure(marked.fig)
    _with_estimate(fig, headline_sentence(deals, recipient, rows, spans[-1:], merge_lineage))
    return dataclasses.replace(marked, fig=fig, data=rows)


def comparison_periods(view: ChartView) -> tuple[Period, Period] | None:
    """The two periods a comparison view compares (from its ``share_<period>`` columns)."""
    labels = [
        c.removeprefix("share_")
        for c in view.data.columns
        if c.startswith("share_") and not c.startswith(("share_low_", "share_high_"))
    ]
    return (parse_period(labels[0]), parse_period(labels[1])) if len(labels) >= 2 else None


def mark_estimates(
    view: ChartView, deals: pd.DataFrame | None, recipient: str, merge_lineage: bool = False
) -> ChartView:
    """The view with its estimated figures marked, whichever recipient chart it holds (import
    mix by year or by period, the two-period comparison); unchanged when ``deals`` is None.
    """
    if deals is None:
        return view
    kind = str((view.fig.layout.meta or {}).get("chart", ""))
    if kind == "import_mix_by_year":
        return yearly_with_bounds(view, deals, recipient, merge_lineage)
    if kind == "import_mix_by_period":
        return periods_with_bounds(view, deals, recipient, merge_lineage)
    pair = comparison_periods(view) if kind == "period_comparison" else None
    if pair is None:
        return view
    marked = estimate_marks.comparison_with_bounds(view, deals, recipient, pair, merge_lineage)
    fig = go.Figure(marked.fig)
    _with_estimate(fig, headline_sentence(deals, recipient, view.data, list(pair), merge_lineage))
    return dataclasses.replace(marked, fig=fig)


def recipient_marks(
    view: ChartView,
    flows,
    deals: pd.DataFrame | None,
    recipient: str,
    merge_lineage: bool = False,
) -> ChartView:
    """``mark_estimates`` with the deals behind ``recipient``'s figures in ``flows`` (the flows
    the view was built from: the export picked for it)."""
    mine = estimates.recipient_register_deals(flows, deals, recipient)
    return mark_estimates(view, mine, recipient, merge_lineage)


# --------------------------------------------------------------------------- Compare


def compare_with_bounds(comparison, flows, deals: pd.DataFrame | None, merge_lineage: bool):
    """Compare's small multiples with each estimated country's bars hatched and bounded.

    Args:
        comparison: ``compare.compare_view(...)``; its chart's data carry ``recipient``.
        flows: The loaded flows it was built from.
        deals: Every loaded deal (``Store.deals``); None leaves the comparison as it is.
        merge_lineage: As the comparison was built.
    """
    chart = comparison.chart
    if deals is None or chart.data.empty:
        return comparison
    key = "year" if "year" in chart.data.columns else "period"
    countries = list(dict.fromkeys(chart.data["recipient"].astype(str)))
    fig, parts, marked = go.Figure(chart.fig), [], []
    for i, country in enumerate(countries):
        rows = chart.data[chart.data["recipient"] == country]
        mine = estimates.recipient_register_deals(flows, deals, country)
        if mine is None:  # exact: the bounds are the values drawn
            exact = {f"{m}_{side}": rows[m] for m in ("tiv", "share") for side in ("low", "high")}
            parts.append(rows.assign(**exact, estimated=False))
            continue
        rows = bounded_rows(rows, mine, country, key, merge_lineage)
        axis = "x" if i == 0 else f"x{i + 1}"
        _hatch_traces(
            fig, rows, key, _measure(chart), lambda t: t.x, panel=lambda t, a=axis: t.xaxis == a
        )
        parts.append(rows)
        marked.append(country)
    if not marked:
        return comparison
    _legend_entry(fig)
    _with_estimate(
        fig,
        "Estimated from a per-deal register (each deal's TIV spread evenly over its "
        "delivery years): " + ", ".join(marked) + "; their bounds are in the CSV.",
    )
    data = pd.concat(parts, ignore_index=True)
    chart = dataclasses.replace(chart, fig=fig, data=data, notes=[*chart.notes, YEARS_NOTE])
    return dataclasses.replace(comparison, chart=chart)
