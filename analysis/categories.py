"""Weapon categories: a recipient's imports by category, the category filter, and its chart.

Two SIPRI exports carry weapon categories, and both reach the store's flows with their
``category`` column filled:

- the per-delivery register (one row per deal and delivery year, layout
  ``register_deliveries``): flows per (recipient, supplier, year, category);
- TIV tables by weapon category (scope ``categories``): flows per (recipient, year, category)
  with no supplier.

Per-deal registers and TIV tables by supplier have no category (``category`` is missing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.category_colors import OTHER_CATEGORY, UNKNOWN_CATEGORY, category_colors
from analysis.chart_events import (
    _draw_events_on_dates,
    _draw_events_on_periods,
    _EventDrawing,
    _list_outside,
    _year_span,
)
from analysis.chart_finish import _finish
from analysis.chart_meta import ChartMeta
from analysis.chart_style import _plotly_texts, plotly_text
from analysis.chart_tables import _year_midpoint, _year_width_ms
from analysis.events import Event, events_for
from analysis.results import CATEGORY_BY_PERIOD, CATEGORY_BY_YEAR, Chart, frame_of, validate
from analysis.shares import Period, sipri_periods
from analysis.vintages import COMPLETE_FOR, choose
from analysis.vocab import period_label

NO_CATEGORIES_SENTENCE = (
    "Weapon categories come with SIPRI's per-delivery register (one row per deal and "
    "delivery year) or its TIV tables by weapon category: download one of those from "
    "armstransfers.sipri.org."
)
# For the deal list: a TIV table by category holds no deals.
NO_DEAL_CATEGORIES_SENTENCE = (
    "This register has no weapon category column: SIPRI's per-delivery register (one row "
    "per deal and delivery year) has one; download it from armstransfers.sipri.org."
)
# A TIV table by category has no supplier split, so it cannot narrow the suppliers' chart.
NO_SPLIT_CATEGORIES_SENTENCE = (
    "The weapon-category filter needs SIPRI's per-delivery register (one row per deal and "
    "delivery year): the loaded TIV table by weapon category does not split imports by supplier."
)
BREAKDOWN_BY = ("year", "period")
MEASURES = ("share", "tiv")

_TABLE_COLUMNS = {
    "year": ["year", "category", "tiv", "share"],
    "period": ["period", "start", "end", "category", "tiv", "share"],
}


# --------------------------------------------------------------------------- what carries them


def _recipient_rows(frame: pd.DataFrame, recipient: str | None) -> pd.DataFrame:
    if recipient is None or "recipient" not in frame.columns:
        return frame
    return frame[(frame["recipient"] == recipient).fillna(False).to_numpy(dtype=bool)]


def categories_of(
    frame: pd.DataFrame | None, recipient: str | None = None, *, by_supplier: bool = False
) -> list[str]:
    """The weapon categories in flows or deals, sorted by name (the filter's options).

    Args:
        frame: flows or deals (any frame with a ``category`` column).
        recipient: only this recipient's rows; None for all.
        by_supplier: only rows naming a supplier (flows a supplier chart can be narrowed by:
            TIV tables by category have none).

    Returns:
        Category names; empty when the rows carry none.
    """
    frame = frame_of(frame)  # loaded flows or a bare frame
    if frame is None or frame.empty or "category" not in frame.columns:
        return []
    rows = _recipient_rows(frame, recipient)
    if by_supplier and "supplier" in rows.columns:
        rows = rows[rows["supplier"].notna().to_numpy(dtype=bool)]
    names = rows["category"].dropna().astype(str).str.strip()
    return sorted({n for n in names if n})


def has_categories(
    frame: pd.DataFrame | None, recipient: str | None = None, *, by_supplier: bool = False
) -> bool:
    """Whether flows or deals carry a weapon category (for ``recipient`` when given).

    False for per-deal registers and TIV tables by supplier: show ``NO_CATEGORIES_SENTENCE``
    (``NO_DEAL_CATEGORIES_SENTENCE`` for a deal list) instead of a filter.
    """
    frame = frame_of(frame)  # loaded flows or a bare frame
    return bool(categories_of(frame, recipient, by_supplier=by_supplier))


def category_recipients(flows: pd.DataFrame | None) -> list[str]:
    """Recipients whose loaded imports carry weapon categories, sorted by name."""
    flows = frame_of(flows)  # loaded flows or a bare frame
    if flows is None or flows.empty or "category" not in flows.columns:
        return []
    rows = flows[flows["category"].notna().to_numpy(dtype=bool)]
    return sorted({str(r) for r in rows["recipient"].dropna()})


def filter_by_category(frame: pd.DataFrame, categories: Iterable[str]) -> pd.DataFrame:
    """Keep the rows of flows or deals in the chosen weapon categories.

    Args:
        frame: flows or deals with a ``category`` column.
        categories: the chosen categories; empty keeps every row (no filter).

    Returns:
        The matching rows (``frame`` itself when nothing is chosen). Rows without a category
        never match a chosen one; a frame without a ``category`` column keeps no row.
    """
    chosen = {str(c) for c in categories}
    if not chosen:
        return frame
    if "category" not in frame.columns:
        return frame.iloc[:0]
    keep = frame["category"].astype("str").str.strip().isin(chosen).fillna(False)
    return frame[keep.to_numpy(dtype=bool)]


# --------------------------------------------------------------------------- one source


def category_rows(flows: pd.DataFrame | None, recipient: str) -> pd.DataFrame:
    """The recipient's flows by category, from one source so that nothing is counted twice.

    Several stored exports can carry categories for one recipient (a per-delivery register and
    a TIV table by category, or two vintages of either). Their rows are never added up: among
    the exports carrying categories, ``vintages.choose`` picks one per recipient as for every
    view (the newest register of all suppliers, else each supplier's newest register; the
    newest TIV table by category), then the newest of those covering all of the recipient's
    suppliers is used (a TIV table by category always does). Rows of the chosen export
    without a category are kept as ``UNKNOWN_CATEGORY``, so the categories add up to the
    export's total.

    Returns:
        The chosen flow rows (all their columns, ``category`` filled); empty when none carries
        a category.
    """
    flows = frame_of(flows)  # loaded flows or a bare frame
    if flows is None or flows.empty or "category" not in flows.columns:
        return pd.DataFrame(columns=["recipient", "supplier", "year", "tiv", "category"])
    mine = _recipient_rows(flows, recipient)
    mine = mine[mine["tiv"].notna().to_numpy(dtype=bool)].reset_index(drop=True)
    source = _source_ids(mine)
    carrying = set(source[mine["category"].notna().to_numpy(dtype=bool)])
    mine = mine[source.isin(carrying).to_numpy(dtype=bool)].reset_index(drop=True)
    if mine.empty:
        return mine
    chosen = _one_complete_source(choose(mine).frame)
    category = chosen["category"].astype("str").str.strip()
    category = category.where(category.notna() & (category != ""), UNKNOWN_CATEGORY)
    return chosen.assign(category=category.astype("str"))


def _source_ids(rows: pd.DataFrame) -> pd.Series:
    if "dataset_id" not in rows.columns:
        return pd.Series(0.0, index=rows.index)
    return rows["dataset_id"].astype("Float64").fillna(-1.0).astype("float64")


def _one_complete_source(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of the newest export covering all suppliers (a TIV table by category, a
    register of all suppliers), or ``rows`` when only registers of some suppliers are left."""
    complete = rows["supplier"].isna()
    if "scope" in rows.columns:
        complete |= rows["scope"].isin(COMPLETE_FOR["recipient"])
    else:
        complete = pd.Series(True, index=rows.index)
    if not complete.any():
        return rows
    source = _source_ids(rows)
    vintage = (
        rows["vintage"].fillna("").astype(str)
        if "vintage" in rows.columns
        else pd.Series("", index=rows.index)
    )
    rank = pd.DataFrame({"source": source, "vintage": vintage})[complete.to_numpy(dtype=bool)]
    best = rank.sort_values(["vintage", "source"], kind="stable").iloc[-1]["source"]
    return rows[(source == best).to_numpy(dtype=bool)]


def default_periods(rows: pd.DataFrame) -> list[Period]:
    """SIPRI 5-year periods ending in the rows' last year, as many as the rows span whole."""
    if rows.empty:
        return []
    first, last = int(rows["year"].min()), int(rows["year"].max())
    return sipri_periods(last, (last - first + 1) // 5)


def breakdown_rows(rows: pd.DataFrame, by: str, periods: Sequence[Period] | None) -> pd.DataFrame:
    if by not in BREAKDOWN_BY:
        raise ValueError(f"by must be one of {BREAKDOWN_BY}, not {by!r}")
    columns = _TABLE_COLUMNS[by]
    if rows.empty:
        return _empty_table(by)
    frame = pd.DataFrame(
        {
            "year": rows["year"].astype("int64").to_numpy(),
            "category": rows["category"].astype("str").to_numpy(),
            "tiv": rows["tiv"].astype("float64").to_numpy(),
        }
    )
    if by == "year":
        table = frame.groupby(["year", "category"], as_index=False, sort=True)["tiv"].sum()
        keys = ["year"]
    else:
        chosen = (
            default_periods(rows) if periods is None else [(int(s), int(e)) for s, e in periods]
        )
        for start, end in chosen:
            if start > end:
                raise ValueError(f"period {start}-{end} ends before it starts")
        parts = []
        for start, end in chosen:  # periods may overlap: each one sums its own years
            inside = frame[frame["year"].between(start, end)]
            part = inside.groupby("category", as_index=False, sort=True)["tiv"].sum()
            parts.append(part.assign(period=period_label(start, end), start=start, end=end))
        if not parts:
            return _empty_table(by)
        table = pd.concat(parts, ignore_index=True)
        keys = ["start", "end"]
    totals = table.groupby(keys)["tiv"].transform("sum")
    table["share"] = (table["tiv"] / totals.where(totals > 0)).astype("float64")
    table = table.sort_values(
        [*keys, "tiv", "category"], ascending=[True] * len(keys) + [False, True], kind="stable"
    )
    return _typed(table[columns].reset_index(drop=True), by)


def _empty_table(by: str) -> pd.DataFrame:
    return _typed(pd.DataFrame({c: [] for c in _TABLE_COLUMNS[by]}), by)


def _typed(table: pd.DataFrame, by: str) -> pd.DataFrame:
    dtypes = {"category": "str", "tiv": "float64", "share": "float64"}
    if by == "year":
        dtypes["year"] = "int64"
    else:
        dtypes |= {"period": "str", "start": "int64", "end": "int64"}
    return validate(table.astype(dtypes), CATEGORY_BY_YEAR if by == "year" else CATEGORY_BY_PERIOD)


def category_breakdown(
    flows: pd.DataFrame | None,
    recipient: str,
    by: str = "year",
    periods: Sequence[Period] | None = None,
) -> pd.DataFrame:
    """A recipient's imports by weapon category, year by year or per period.

    The rows come from one stored export carrying categories (see :func:`category_rows`).

    Args:
        flows: loaded flows (the store's, with dataset_id, vintage, scope, layout).
        recipient: the importer.
        by: "year" or "period".
        periods: ``(start, end)`` pairs for ``by="period"``; default SIPRI's 5-year periods
            ending in the data's last year, as many as the data span whole.

    Returns:
        ``year, category, tiv, share`` (or ``period, start, end, category, tiv, share``), the
        largest category first within each year or period; ``share`` is the category's part
        of that year's or period's total (shares sum to 1; NaN when the total is 0). Empty when
        the recipient's data carry no category (or span no whole period).

    Raises:
        ValueError: for an unknown ``by`` or a period ending before it starts.
    """
    flows = frame_of(flows)  # loaded flows or a bare frame
    return breakdown_rows(category_rows(flows, recipient), by, periods)


def period_table(breakdown: pd.DataFrame) -> pd.DataFrame:
    """A by-period breakdown as a reader's table: one row per category, share and TIV per period.

    Args:
        breakdown: :func:`category_breakdown` with ``by="period"``.

    Returns:
        ``category`` then, per period, ``share <period>`` and ``tiv <period>``; categories
        ordered by their TIV in the newest period, then overall; missing cells are 0.
    """
    if breakdown.empty:
        return pd.DataFrame({"category": pd.Series(dtype="str")})
    labels = list(dict.fromkeys(breakdown.sort_values("start", kind="stable")["period"]))
    share = breakdown.pivot_table(index="category", columns="period", values="share", aggfunc="sum")
    tiv = breakdown.pivot_table(index="category", columns="period", values="tiv", aggfunc="sum")
    share, tiv = share.fillna(0.0), tiv.fillna(0.0)
    order = sorted(tiv.index, key=lambda c: (-tiv.loc[c, labels[-1]], -tiv.loc[c].sum(), c))
    out = pd.DataFrame({"category": pd.array(order, dtype="str")})
    for label in labels:
        out[f"share {label}"] = share.loc[order, label].to_numpy(dtype="float64")
        out[f"tiv {label}"] = tiv.loc[order, label].to_numpy(dtype="float64")
    return out


# --------------------------------------------------------------------------- chart


def _series_order(table: pd.DataFrame) -> list[str]:
    totals = table.groupby("category")["tiv"].sum()
    names = sorted(totals.index, key=lambda c: (-totals[c], c))
    tail = [c for c in (OTHER_CATEGORY, UNKNOWN_CATEGORY) if c in names]
    return [c for c in names if c not in tail] + tail


def build_category_mix(
    table: pd.DataFrame,
    *,
    meta: ChartMeta,
    by: str = "year",
    measure: str = "share",
    events: Sequence[Event] = (),
    hidden_categories: Iterable[str] = (),
    recipient: str | None = None,
    year_range: tuple[int, int] | None = None,
) -> Chart:
    """Stacked bars of a recipient's imports by weapon category, per year or per period.

    Args:
        table: :func:`category_breakdown` output for ``by`` (year or period, category, tiv,
            share; period tables also start and end).
        meta: title, filters, source and vintage printed on the chart.
        by: "year" (bars on a date axis, events at their dates) or "period" (one bar per
            period, events marked in their period).
        measure: "share" of the year's or period's imports, or "tiv" (millions).
        events: candidate events; those concerning ``recipient`` (or global) are drawn.
        hidden_categories: event categories toggled off (not weapon categories).
        recipient: the chart's country, used to pick the events.
        year_range: first and last year of the yearly axis (default: the table's years).

    Returns:
        The figure, the plotted table and the events drawn (``analysis.results.Chart``);
        every category name reaches plotly through ``plotly_text``.
    """
    _check_mix_options(table, by, measure)
    table = table[_TABLE_COLUMNS[by]].reset_index(drop=True)
    if by == "year" and year_range is not None:
        table = table[table["year"].between(*year_range)].reset_index(drop=True)
    whole = "year" if by == "year" else "period"
    fig = go.Figure()
    _add_category_bars(fig, table, by, "share" if measure == "share" else "tiv")
    shown = events_for(events, recipient, hidden=hidden_categories)
    notes: list[str] = []
    if by == "year":
        drawing, xaxis = _yearly_axis(fig, table, shown, year_range, notes)
    else:
        drawing, xaxis = _period_axis(fig, table, shown)
    fig.update_layout(
        barmode="relative",
        bargap=0 if by == "year" else None,
        legend={"traceorder": "reversed"},
        xaxis=xaxis,
        yaxis={
            "title": {
                "text": f"Share of the {whole}'s imports"
                if measure == "share"
                else "TIV (millions)"
            },
            "tickformat": ".0%" if measure == "share" else ",.0f",
            "range": [0, 1] if measure == "share" else None,
        },
    )
    return _finish(fig, meta, f"category_mix_by_{by}", drawing, table, notes)


def _check_mix_options(table: pd.DataFrame, by: str, measure: str) -> None:
    if by not in BREAKDOWN_BY:
        raise ValueError(f"by must be one of {BREAKDOWN_BY}, not {by!r}")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    missing = [c for c in _TABLE_COLUMNS[by] if c not in table.columns]
    if missing:
        raise ValueError(
            f"build_category_mix needs columns {_TABLE_COLUMNS[by]}; missing {missing}"
        )


def _add_category_bars(fig: go.Figure, table: pd.DataFrame, by: str, value: str) -> None:
    """One bar trace per category (largest first), on the date axis or per period."""
    for name, color in category_colors(_series_order(table)).items():
        part = table[table["category"] == name]
        label = plotly_text(name)
        common = {
            "name": label,
            "legendgroup": label,
            "marker": {"color": color, "line": {"color": "#FFFFFF", "width": 0.5}},
        }
        if by == "year":
            years = [int(y) for y in part["year"]]
            fig.add_bar(
                x=[_year_midpoint(y) for y in years],
                y=part[value].to_numpy(dtype="float64"),
                width=np.array([_year_width_ms(y) for y in years], dtype="float64"),
                customdata=np.column_stack(
                    [
                        np.array(years, dtype="float64"),
                        part["tiv"].to_numpy(dtype="float64"),
                        part["share"].to_numpy(dtype="float64"),
                    ]
                ),
                hovertemplate=(
                    f"{label} %{{customdata[0]}}<br>%{{customdata[1]:,.0f}} TIV m"
                    "<br>%{customdata[2]:.1%} of the year<extra></extra>"
                ),
                **common,
            )
        else:
            fig.add_bar(
                x=_plotly_texts(part["period"]),
                y=part[value].to_numpy(dtype="float64"),
                customdata=np.column_stack(
                    [part["tiv"].to_numpy(dtype="float64"), part["share"].to_numpy(dtype="float64")]
                ),
                hovertemplate=(
                    f"{label} %{{x}}<br>%{{customdata[0]:,.0f}} TIV m"
                    "<br>%{customdata[1]:.1%} of the period<extra></extra>"
                ),
                **common,
            )


def _yearly_axis(
    fig: go.Figure,
    table: pd.DataFrame,
    shown: list[Event],
    year_range: tuple[int, int] | None,
    notes: list[str],
) -> tuple[_EventDrawing, dict]:
    """Events drawn at their dates over the years shown; the date x axis."""
    if year_range is not None:
        first, last = year_range
    elif not table.empty:
        first, last = int(table["year"].min()), int(table["year"].max())
    else:
        first = last = None
    if first is None:
        drawing = _EventDrawing()
        _list_outside(drawing, shown, None)
        notes.append("No deliveries in the selected data.")
    else:
        first_day, end_exclusive = _year_span(first, last)
        drawing = _draw_events_on_dates(fig, shown, first_day, end_exclusive)
        fig.update_xaxes(range=[first_day.isoformat(), end_exclusive.isoformat()])
    xaxis = {
        "type": "date",
        "title": {"text": "Year (each bar spans its calendar year)", "font": {"size": 12}},
    }
    return drawing, xaxis


def _period_axis(
    fig: go.Figure, table: pd.DataFrame, shown: list[Event]
) -> tuple[_EventDrawing, dict]:
    """Events marked in their period; the category x axis of the periods, oldest first."""
    ordered = table.sort_values("start", kind="stable")
    periods = list(dict.fromkeys(ordered["period"]))
    drawing = _draw_events_on_periods(fig, shown, periods)
    xaxis = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": _plotly_texts(periods),
        "title": {"text": "SIPRI 5-year period (events marked in the period they fall in)"},
    }
    return drawing, xaxis


# --------------------------------------------------------------------------- view


def category_sources(flows: pd.DataFrame, recipient: str) -> list[int]:
    """Ids of the stored datasets carrying categories for ``recipient``."""
    flows = frame_of(flows)  # loaded flows or a bare frame
    if flows is None or flows.empty or "category" not in flows.columns:
        return []
    rows = _recipient_rows(flows, recipient)
    rows = rows[rows["category"].notna().to_numpy(dtype=bool)]
    return sorted({int(v) for v in rows["dataset_id"].dropna()})
