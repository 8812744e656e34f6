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

from analysis.charts import (
    ChartMeta,
    _draw_events_on_dates,
    _draw_events_on_periods,
    _EventDrawing,
    _finish,
    _list_outside,
    _plotly_texts,
    _year_midpoint,
    _year_span,
    _year_width_ms,
    events_for_chart,
    plotly_text,
)
from analysis.colors import supplier_color
from analysis.events import Event
from analysis.layouts import LAYOUTS, REGISTER_DELIVERIES, TIV_TABLE
from analysis.results import frame_of, loaded
from analysis.shares import Period, sipri_periods
from analysis.views import ChartView, chart_view, vintage_date
from analysis.vocab import country_phrase, period_label

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
UNKNOWN_CATEGORY = "category not given"
OTHER_CATEGORY = "Other"
BREAKDOWN_BY = ("year", "period")
MEASURES = ("share", "tiv")

# One fixed colour per SIPRI category (hashing 12 names into a palette would give two
# categories the same colour on one stacked bar). Other and unknown stay grey, as on the
# supplier charts.
CATEGORY_COLORS: dict[str, str] = {
    "Aircraft": "#332288",
    "Air defence systems": "#88CCEE",
    "Anti-submarine warfare weapons": "#44AA99",
    "Armoured vehicles": "#117733",
    "Artillery": "#999933",
    "Engines": "#DDCC77",
    "Missiles": "#CC6677",
    "Naval weapons": "#882255",
    "Satellites": "#AA4499",
    "Sensors": "#E69F00",
    "Ships": "#0072B2",
    OTHER_CATEGORY: "#9E9E9E",
    UNKNOWN_CATEGORY: "#CFCFCF",
}
# Scopes whose rows hold all of a recipient's suppliers (analysis.shares.COMPLETE_FOR).
_COMPLETE_SCOPES = ("imports", "world")
_TABLE_COLUMNS = {
    "year": ["year", "category", "tiv", "share"],
    "period": ["period", "start", "end", "category", "tiv", "share"],
}
_SOURCES = {
    REGISTER_DELIVERIES: f"SIPRI's {LAYOUTS[REGISTER_DELIVERIES].label}",
    TIV_TABLE: f"SIPRI's {LAYOUTS[TIV_TABLE].label} by weapon category",
}


# --------------------------------------------------------------------------- what carries them


def category_color(name: str) -> str:
    """The colour of a weapon category on every chart (a hashed one for unknown names)."""
    return CATEGORY_COLORS.get(str(name)) or supplier_color(str(name))


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
    a TIV table by category, or two vintages of either). Their rows are never added up: the
    newest export covering all of the recipient's suppliers is used (a TIV table by category
    always does; a register does when it is of all suppliers), then the latest loaded. With
    only registers limited to some suppliers, each supplier's rows come from its newest one.
    Rows of the chosen export without a category are kept as ``UNKNOWN_CATEGORY``, so the
    categories add up to the export's total.

    Returns:
        The chosen flow rows (all their columns, ``category`` filled); empty when none carries
        a category.
    """
    flows = frame_of(flows)  # loaded flows or a bare frame
    if flows is None or flows.empty or "category" not in flows.columns:
        return pd.DataFrame(columns=["recipient", "supplier", "year", "tiv", "category"])
    mine = _recipient_rows(flows, recipient)
    mine = mine[mine["tiv"].notna().to_numpy(dtype=bool)].reset_index(drop=True)
    source = (
        mine["dataset_id"].astype("Float64").fillna(-1.0).astype("float64")
        if "dataset_id" in mine.columns
        else pd.Series(0.0, index=mine.index)
    )
    carrying = set(source[mine["category"].notna().to_numpy(dtype=bool)])
    keep = source.isin(carrying).to_numpy(dtype=bool)
    mine, source = mine[keep].reset_index(drop=True), source[keep].reset_index(drop=True)
    if mine.empty:
        return mine
    vintage = (
        mine["vintage"].fillna("").astype(str)
        if "vintage" in mine.columns
        else pd.Series("", index=mine.index)
    )
    complete = mine["supplier"].isna()
    if "scope" in mine.columns:
        complete |= mine["scope"].isin(_COMPLETE_SCOPES)
    else:
        complete = pd.Series(True, index=mine.index)
    rank = pd.DataFrame({"source": source, "vintage": vintage, "complete": complete})
    if complete.any():
        best = rank[complete].sort_values(["vintage", "source"], kind="stable").iloc[-1]["source"]
        chosen = mine[(source == best).to_numpy(dtype=bool)]
    else:
        # Registers of some suppliers only: per supplier, its newest register.
        rank["supplier"] = mine["supplier"].astype(str)
        newest = rank.sort_values(["vintage", "source"], kind="stable").groupby("supplier").tail(1)
        pairs = set(zip(newest["supplier"], newest["source"], strict=True))
        keep = [(s, d) in pairs for s, d in zip(rank["supplier"], rank["source"], strict=True)]
        chosen = mine[np.array(keep, dtype=bool)]
    category = chosen["category"].astype("str").str.strip()
    category = category.where(category.notna() & (category != ""), UNKNOWN_CATEGORY)
    return chosen.assign(category=category.astype("str"))


def default_periods(rows: pd.DataFrame) -> list[Period]:
    """SIPRI 5-year periods ending in the rows' last year, as many as the rows span whole."""
    if rows.empty:
        return []
    first, last = int(rows["year"].min()), int(rows["year"].max())
    return sipri_periods(last, (last - first + 1) // 5)


def _breakdown(rows: pd.DataFrame, by: str, periods: Sequence[Period] | None) -> pd.DataFrame:
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
    return table.astype(dtypes)


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
    return _breakdown(category_rows(flows, recipient), by, periods)


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
) -> go.Figure:
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
        A figure whose ``layout.meta`` holds the drawn events and the plotted table; every
        category name reaches plotly through ``plotly_text``.
    """
    if by not in BREAKDOWN_BY:
        raise ValueError(f"by must be one of {BREAKDOWN_BY}, not {by!r}")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    missing = [c for c in _TABLE_COLUMNS[by] if c not in table.columns]
    if missing:
        raise ValueError(
            f"build_category_mix needs columns {_TABLE_COLUMNS[by]}; missing {missing}"
        )
    table = table[_TABLE_COLUMNS[by]].reset_index(drop=True)
    if by == "year" and year_range is not None:
        table = table[table["year"].between(*year_range)].reset_index(drop=True)
    value = "share" if measure == "share" else "tiv"
    whole = "year" if by == "year" else "period"
    fig = go.Figure()
    for name in _series_order(table):
        part = table[table["category"] == name]
        label = plotly_text(name)
        common = {
            "name": label,
            "legendgroup": label,
            "marker": {"color": category_color(name), "line": {"color": "#FFFFFF", "width": 0.5}},
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
    shown = events_for_chart(events, recipient, hidden_categories)
    notes: list[str] = []
    if by == "year":
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
        bargap = 0
    else:
        ordered = table.sort_values("start", kind="stable")
        periods = list(dict.fromkeys(ordered["period"]))
        drawing = _draw_events_on_periods(fig, shown, periods)
        xaxis = {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": _plotly_texts(periods),
            "title": {"text": "SIPRI 5-year period (events marked in the period they fall in)"},
        }
        bargap = None
    fig.update_layout(
        barmode="relative",
        bargap=bargap,
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


# --------------------------------------------------------------------------- view


def _source_text(rows: pd.DataFrame) -> str:
    layouts = sorted({str(v) for v in rows["layout"].dropna()}) if "layout" in rows else []
    named = [_SOURCES.get(v, v) for v in layouts]
    return " and ".join(named) or "the loaded export"


def category_view(
    flows: pd.DataFrame | None,
    events: Sequence[Event] = (),
    *,
    recipient: str,
    by: str = "year",
    measure: str = "share",
    periods: Sequence[Period] | None = None,
    hidden_categories: Iterable[str] = (),
) -> ChartView:
    """A recipient's imports by weapon category, by year or by SIPRI 5-year period.

    Args:
        flows: loaded flows (the store's, with dataset_id, vintage, scope, layout).
        events: all known events; those concerning the recipient (or global) are drawn.
        recipient: the importer.
        by: "year" or "period".
        measure: "share" or "tiv".
        periods: the periods of ``by="period"`` (default: see :func:`category_breakdown`).
        hidden_categories: event categories toggled off.

    Returns:
        The view; ``data`` is the plotted table (year or period, category, tiv, share).

    Raises:
        ValueError: for an unknown option, data without categories (the message is
            ``NO_CATEGORIES_SENTENCE``) or, by period, data spanning no whole period.
    """
    stored = loaded(flows)
    flows = stored.frame
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    rows = category_rows(flows, recipient)
    if rows.empty:
        raise ValueError(NO_CATEGORIES_SENTENCE)
    table = _breakdown(rows, by, periods)
    if table.empty:
        raise ValueError(
            f"The weapon-category data for {country_phrase(recipient)} span "
            f"{int(rows['year'].min())}-{int(rows['year'].max())}: no whole 5-year period."
        )
    filters = {"Recipient": recipient}
    whose, the_recipient = country_phrase(recipient, possessive=True), country_phrase(recipient)
    if by == "year":
        filters["Years"] = f"{int(table['year'].min())}-{int(table['year'].max())}"
    else:
        filters["Periods"] = f"{table['period'].iloc[0]} to {table['period'].iloc[-1]}"
    filters["Measure"] = "share of imports" if measure == "share" else "TIV (millions)"
    filters["Data"] = _source_text(rows)
    partial = rows["supplier"].notna().all() and (
        "scope" in rows.columns and not rows["scope"].isin(_COMPLETE_SCOPES).any()
    )
    notes = []
    if partial:
        filters["Coverage"] = "PARTIAL: only the suppliers in the loaded registers"
        notes.append(
            f"The loaded registers hold only some of {whose} suppliers: the categories are of "
            f"their deliveries only. Load a register of all suppliers to {the_recipient}."
        )
    stamps = rows["vintage"].dropna() if "vintage" in rows.columns else pd.Series(dtype="str")
    meta = ChartMeta(
        title=f"{country_phrase(recipient, start=True, possessive=True)} arms imports by "
        "weapon category, " + ("by year" if by == "year" else "by 5-year period"),
        filters=filters,
        vintage=vintage_date(stamps.max()) if len(stamps) else None,
        sources=stored.sources_of(rows),
    )
    shown = events_for_chart(list(events), recipient, hidden_categories)
    fig = build_category_mix(
        table, meta=meta, by=by, measure=measure, events=shown, recipient=recipient
    )
    if "dataset_id" in rows.columns and flows is not None and "dataset_id" in flows.columns:
        others = set(_category_sources(flows, recipient)) - set(rows["dataset_id"].dropna())
        if others:
            notes.append(
                f"Other loaded exports also give {whose} imports by category: only one "
                f"is used ({_source_text(rows)}, the newest covering all suppliers), so that "
                "nothing is counted twice."
            )
    return chart_view(fig, meta, notes, shown, "computed", data=table)


def _category_sources(flows: pd.DataFrame, recipient: str) -> list[int]:
    """Ids of the stored datasets carrying categories for ``recipient``."""
    flows = frame_of(flows)  # loaded flows or a bare frame
    if flows is None or flows.empty or "category" not in flows.columns:
        return []
    rows = _recipient_rows(flows, recipient)
    rows = rows[rows["category"].notna().to_numpy(dtype=bool)]
    return sorted({int(v) for v in rows["dataset_id"].dropna()})
