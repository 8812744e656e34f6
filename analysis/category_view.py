"""The weapon-category view: a recipient's imports by category from one stored export, with
the filters, notes and sources shown beside the chart (data and chart: analysis.categories)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.categories import (
    MEASURES,
    NO_CATEGORIES_SENTENCE,
    breakdown_rows,
    build_category_mix,
    category_rows,
    category_sources,
)
from analysis.chart_meta import ChartMeta
from analysis.events import Event, events_for
from analysis.layouts import LAYOUTS, REGISTER_DELIVERIES, TIV_TABLE
from analysis.results import loaded
from analysis.shares import Period
from analysis.tables import vintage_date
from analysis.views import ChartView, chart_view
from analysis.vintages import COMPLETE_FOR
from analysis.vocab import country_phrase

_SOURCES = {
    REGISTER_DELIVERIES: f"SIPRI's {LAYOUTS[REGISTER_DELIVERIES].label}",
    TIV_TABLE: f"SIPRI's {LAYOUTS[TIV_TABLE].label} by weapon category",
}


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
    table = breakdown_rows(rows, by, periods)
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
        "scope" in rows.columns and not rows["scope"].isin(COMPLETE_FOR["recipient"]).any()
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
    shown = events_for(events, recipient, hidden=hidden_categories)
    chart = build_category_mix(
        table, meta=meta, by=by, measure=measure, events=shown, recipient=recipient
    )
    if "dataset_id" in rows.columns and flows is not None and "dataset_id" in flows.columns:
        others = set(category_sources(flows, recipient)) - set(rows["dataset_id"].dropna())
        if others:
            notes.append(
                f"Other loaded exports also give {whose} imports by category: only one "
                f"is used ({_source_text(rows)}, the newest covering all suppliers), so that "
                "nothing is counted twice."
            )
    return chart_view(chart, meta, notes, shown, "computed", data=table)
