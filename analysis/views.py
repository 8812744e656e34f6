"""Chart views: (flows, events, options) -> figure, metadata, plotted table and notes, for UI and CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.categories import filter_by_category
from analysis.chart_events import hidden_event_categories
from analysis.chart_meta import ChartMeta
from analysis.charts import (
    build_customers_over_time,
    build_import_mix_by_period,
    build_import_mix_by_year,
)
from analysis.colors import capped_top_n
from analysis.event_layout import axis_end
from analysis.event_window import event_window
from analysis.events import Event, events_for
from analysis.period_comparison import build_period_comparison
from analysis.recipient_data import (
    ESTIMATED_NOTE,
    default_periods,
    has_recipient_data,
    provenance_notes,
    recipient_years,
)
from analysis.results import (
    Chart,
    Flows,
    LoadedFlows,
    Source,
    loaded,
)
from analysis.shares import (
    Period,
    customers,
    period_shares,
    sipri_periods,
    yearly_shares,
)
from analysis.supplier_map import build_supplier_map
from analysis.tables import vintage_date
from analysis.vintages import COMPLETE_FOR, choose
from analysis.vocab import (
    country_phrase,
    lineage_label,
    period_label,
    period_labels,
)

_the = country_phrase  # "the United States", "India"
_whose = partial(country_phrase, possessive=True)  # "India's", "the United States'"

DELIVERY_LAG_CAVEAT = (
    "Deliveries lag orders by years: what arrives after an event was mostly ordered before it, "
    "so a shift in shares may show only several years later."
)
MEASURES = ("share", "tiv")
BY_OPTIONS = ("year", "period")


@dataclass
class ChartView:
    """Everything a page or the CLI needs to show or export one chart.

    Attributes:
        fig: the finished plotly figure (title, subtitle, source line, events drawn).
        meta: the chart's metadata (title, filters, vintage or citations).
        data: exactly what the chart plots, as a tidy table (the "Data (CSV)" download).
        notes: sentences to show under the chart (caveats, what was left out).
        events: the events the chart shows (for the report bundle's events CSV).
        origin: "computed" (from loaded exports) or "published" (SIPRI's published figures).
        sources: the stored exports the figures come from (empty for published figures).
        drawn: the events drawn on (or listed under) the chart, as the builder placed them.
        outside: the events named as off the plotted years, then the sentence counting the
            ones left off for the caps.
    """

    fig: go.Figure
    meta: ChartMeta
    data: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    origin: str = "computed"
    sources: tuple[Source, ...] = ()
    drawn: list[dict] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- what is loaded


def _check_options(measure: str, by: str | None = None) -> None:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    if by is not None and by not in BY_OPTIONS:
        raise ValueError(f"by must be one of {BY_OPTIONS}, not {by!r}")


# --------------------------------------------------------------------------- import mix


def _mix_scope(
    flows: Flows, recipient: str, weapon_categories: Sequence[str]
) -> tuple[LoadedFlows, tuple[int, int], dict[str, str], list[str]]:
    """The recipient's flows (in the chosen weapon categories, one export chosen per
    recipient), its years, the filters that an exported chart must show on itself
    (categories, partial coverage, estimated volumes) and the caveats for under the chart."""
    chosen = sorted({str(c) for c in weapon_categories})
    flows = loaded(flows)
    if chosen:
        # Before the export is chosen: a category filter may leave another export to choose.
        flows = flows.with_frame(filter_by_category(flows.frame, chosen))
    flows = choose(flows)
    years = recipient_years(flows, recipient)
    if years is None:
        within = f" in {', '.join(chosen)}" if chosen else ""
        raise ValueError(
            f"the loaded data have no imports of {_the(recipient)} by supplier{within}"
        )
    filters = {"Recipient": recipient}
    if chosen:
        filters["Weapon categories"] = ", ".join(chosen)
    caveats = provenance_notes(flows, recipient)
    if any(c.startswith("Only part") for c in caveats):
        filters["Coverage"] = "PARTIAL: only the suppliers in the loaded exporters' tables"
    if ESTIMATED_NOTE in caveats:
        filters["Volumes"] = "estimated from a per-deal register"
    return flows, years, filters, caveats


def _yearly_mix(
    flows: LoadedFlows,
    recipient: str,
    years: tuple[int, int],
    since: int,
    event_ends: list[dt.date],
    merge_lineage: bool,
    filters: dict[str, str],
    notes: list[str],
):
    """The by-year mix from ``since`` on: its shares, the table drawn (top N and the CSV: the
    years drawn), the years and the axis end (widened to ``event_ends``); adds the filter and
    the note on an axis running past the data."""
    mix = yearly_shares(flows, recipient, merge_lineage)
    first, last = years
    first = min(max(first, since), last)
    table = mix.table[mix.table["year"] >= first]
    end = axis_end(last, event_ends, dt.date.today())
    filters["Years"] = f"{first}-{years[1]}"
    return mix, table, (first, last), end


def _period_mix(
    flows: LoadedFlows,
    recipient: str,
    years: tuple[int, int],
    period_end: int | None,
    merge_lineage: bool,
    filters: dict[str, str],
):
    """The mix per SIPRI 5-year period up to ``period_end`` (default: the last year) and its
    table with period labels; adds the filter."""
    end = years[1] if period_end is None else int(period_end)
    count = max(0, (end - years[0] + 1) // 5)
    periods = sipri_periods(end, count)
    if not periods:
        raise ValueError(f"{_whose(recipient, start=True)} data span no whole 5-year period")
    mix = period_shares(flows, recipient, periods, merge_lineage)
    table = mix.table.assign(period=period_labels(mix.table))
    filters["Periods"] = f"{period_label(*periods[0])} to {period_label(*periods[-1])}"
    return mix, table


def import_mix_view(
    flows: pd.DataFrame,
    events: Sequence[Event] = (),
    *,
    recipient: str,
    by: str = "year",
    measure: str = "share",
    merge_lineage: bool = False,
    top_n: int | None = 6,
    moving_average: bool = False,
    hidden_categories: Iterable[str] = (),
    period_end: int | None = None,
    extend_to_events: bool = False,
    since: int | None = None,
    weapon_categories: Sequence[str] = (),
) -> ChartView:
    """A recipient's imports by supplier, by year or by SIPRI 5-year period, with events.

    Args:
        flows: loaded flows (the store's, with vintage and dataset_id).
        events: all known events; those concerning the recipient (or global) are drawn.
        recipient: the importer.
        by: "year" (stacked yearly bars on a date axis) or "period" (5-year periods).
        measure: "share" of the year's/period's imports or absolute "tiv".
        merge_lineage: count the Soviet Union as Russia (and other predecessors).
        top_n: keep the N largest suppliers, the rest summed as Others (None keeps all).
        moving_average: draw a centred 5-year moving average over the yearly bars.
        hidden_categories: event categories toggled off.
        period_end: last year of the newest period (default: the recipient's last year).
        extend_to_events: widen the yearly axis up to the latest shown event (recent events
            drawn on the chart instead of listed under it).
        since: first year of the yearly chart (default: the data's first year).
        weapon_categories: only deliveries in these weapon categories (empty: all); only
            rows carrying a category (the per-delivery register) can match.

    Returns:
        The view; ``data`` is the plotted table.

    Raises:
        ValueError: for an unknown option or a recipient without supplier-split data.
    """
    _check_options(measure, by)
    flows, years, filters, caveats = _mix_scope(flows, recipient, weapon_categories)
    shown = events_for(events, recipient, hidden=hidden_categories)
    notes: list[str] = []
    if by == "year":
        since_year = years[0] if since is None else int(since)
        ends = [e.last_day for e in shown if extend_to_events]
        mix, table, (first, last), end = _yearly_mix(
            flows, recipient, years, since_year, ends, merge_lineage, filters, notes
        )
    else:
        mix, table = _period_mix(flows, recipient, years, period_end, merge_lineage, filters)
    filters["Measure"] = "share of imports" if measure == "share" else "TIV (millions)"
    filters["Lineage"] = lineage_label(merge_lineage)
    if top_n := capped_top_n(top_n):  # at most one palette colour each, none repeated
        filters["Suppliers"] = f"top {top_n} + Others"
    meta = ChartMeta(
        title=f"{_whose(recipient, start=True)} arms imports by supplier, "
        + ("by year" if by == "year" else "by 5-year period"),
        filters=filters,
        vintage=vintage_date(mix.vintage),
        hidden_events=hidden_event_categories(hidden_categories),
        sources=mix.sources,
    )
    common = {"meta": meta, "events": shown, "recipient": recipient, "measure": measure}
    common["top_n"] = top_n
    if by == "year":
        chart = build_import_mix_by_year(
            table[["year", "supplier", "tiv"]],
            **common,
            moving_average=moving_average,
            year_range=(first, last),
            axis_end=end,
        )
    else:
        chart = build_import_mix_by_period(table[["period", "supplier", "tiv"]], **common)
    notes.extend(caveats)
    return chart_view(chart, meta, notes, shown, "computed")


def chart_view(
    chart: Chart,
    meta: ChartMeta,
    notes: Sequence[str],
    events: Sequence[Event],
    origin: str,
    data: pd.DataFrame | None = None,
) -> ChartView:
    """The view of a builder's chart: its figure, plotted table and drawn events.

    Args:
        chart: a builder's result (``analysis.results.Chart``).
        meta: the chart's metadata (its ``sources`` become the view's).
        notes: sentences for under the chart.
        events: the events the chart shows.
        origin: "computed" or "published".
        data: the table to offer as the chart's data instead of the plotted one.
    """
    plotted = chart.data if data is None else data
    return ChartView(
        chart.figure,
        meta,
        plotted,
        list(notes),
        list(events),
        origin,
        meta.sources,
        [dict(r) for r in chart.drawn],
        list(chart.outside),
    )


# --------------------------------------------------------------------------- published figures


# --------------------------------------------------------------------------- headline and change


# --------------------------------------------------------------------------- periods


def period_comparison_view(
    flows: pd.DataFrame,
    events: Sequence[Event] = (),
    *,
    recipient: str,
    period_a: Period,
    period_b: Period,
    merge_lineage: bool = False,
    top_n: int | None = 8,
    hidden_categories: Iterable[str] = (),
) -> ChartView:
    """Dumbbell chart of each supplier's share in two periods, computed from loaded data.

    Raises:
        ValueError: when the recipient has no supplier-split data.
    """
    flows = choose(flows)
    if not has_recipient_data(flows, recipient):
        raise ValueError(f"the loaded data have no imports of {_the(recipient)} by supplier")
    shares = period_shares(flows, recipient, [period_a, period_b], merge_lineage)
    label_a, label_b = period_label(*period_a), period_label(*period_b)
    frame = shares.table.assign(period=period_labels(shares.table))
    shown = events_for(events, recipient, hidden=hidden_categories)
    meta = ChartMeta(
        title=f"{_whose(recipient, start=True)} suppliers: {label_a} versus {label_b}",
        filters={
            "Recipient": recipient,
            "Periods": f"{label_a} and {label_b}",
            "Lineage": lineage_label(merge_lineage),
        },
        vintage=vintage_date(shares.vintage),
        hidden_events=hidden_event_categories(hidden_categories),
        sources=shares.sources,
    )
    chart = build_period_comparison(
        frame[["period", "supplier", "share"]],
        meta=meta,
        period_a=label_a,
        period_b=label_b,
        events=shown,
        recipient=recipient,
        top_n=top_n,
    )
    notes = []
    years = recipient_years(flows, recipient)
    for start, end in (period_a, period_b):
        if years and (start < years[0] or end > years[1]):
            notes.append(
                f"The loaded data cover {years[0]}-{years[1]}: {period_label(start, end)} is "
                "only partly covered."
            )
    return chart_view(chart, meta, notes, shown, "computed")


# --------------------------------------------------------------------------- event window


def event_window_view(
    flows: pd.DataFrame,
    event: Event,
    *,
    recipient: str,
    years: int = 5,
    merge_lineage: bool = False,
    top_n: int | None = 8,
) -> ChartView:
    """Suppliers' shares in the ``years`` years before an event versus from its year on.

    The event's year counts as the first "after" year (see ``event_window.event_window``). The
    notes carry the delivery-lag caveat and say when a window is not fully covered.

    Raises:
        ValueError: when the recipient has no supplier-split data, ``years`` < 1 or the
            window runs past the years a date can hold (an event dated 0001 or 9999).
    """
    if years < 1:
        raise ValueError("the window must be at least one year")
    flows = choose(flows)
    if not has_recipient_data(flows, recipient):
        raise ValueError(f"the loaded data have no imports of {_the(recipient)} by supplier")
    year = event.start.year
    if year - years < dt.MINYEAR or year + years - 1 > dt.MAXYEAR:
        raise ValueError(
            f"An event dated {event.start.isoformat()} leaves no room for {years} years on "
            "both sides: pick an event within the years of the data."
        )
    window = event_window(flows, recipient, event.start, years, merge_lineage)
    before, after = (year - years, year - 1), (year, year + years - 1)
    label_a, label_b = period_label(*before), period_label(*after)
    frame = window.table.assign(
        period=np.where(window.table["window"] == "before", label_a, label_b)
    )
    meta = ChartMeta(
        title=f"{_whose(recipient, start=True)} suppliers {years} years before and after: "
        f"{event.title}",
        filters={
            "Recipient": recipient,
            "Before": label_a,
            "After": label_b,
            "Lineage": lineage_label(merge_lineage),
        },
        vintage=vintage_date(window.vintage),
        sources=window.sources,
    )
    chart = build_period_comparison(
        frame[["period", "supplier", "share"]],
        meta=meta,
        period_a=label_a,
        period_b=label_b,
        events=[event],
        recipient=None,
        top_n=top_n,
    )
    notes = [DELIVERY_LAG_CAVEAT]
    data_years = recipient_years(flows, recipient)
    if data_years:
        for label, (start, end) in ((label_a, before), (label_b, after)):
            if start < data_years[0] or end > data_years[1]:
                covered = (max(start, data_years[0]), min(end, data_years[1]))
                if covered[0] > covered[1]:
                    notes.append(f"No loaded data fall in {label}: that side is empty.")
                else:
                    notes.append(
                        f"{label} is only partly covered by the loaded data "
                        f"({covered[0]}-{covered[1]})."
                    )
    return chart_view(chart, meta, notes, [event], "computed")


# --------------------------------------------------------------------------- suppliers


def customers_view(
    flows: pd.DataFrame,
    events: Sequence[Event] = (),
    *,
    exporter: str,
    measure: str = "tiv",
    merge_lineage: bool = False,
    top_n: int | None = 10,
    hidden_categories: Iterable[str] = (),
) -> ChartView:
    """An exporter's deliveries by recipient, year by year, with events.

    Raises:
        ValueError: for an unknown measure or an exporter absent from the loaded data.
    """
    _check_options(measure)
    result = customers(flows, exporter, None, merge_lineage)
    yearly = result.table
    if yearly.empty:
        raise ValueError(f"the loaded data have no deliveries from {_the(exporter)}")
    shown = events_for(events, exporter, hidden=hidden_categories)
    recipients = int(yearly["recipient"].nunique())
    meta = ChartMeta(
        title=f"{_whose(exporter, start=True)} arms exports by recipient, by year",
        filters={
            "Exporter": exporter,
            "Measure": "share of its exports" if measure == "share" else "TIV (millions)",
            "Lineage": lineage_label(merge_lineage),
            "Recipients": f"top {capped_top_n(top_n)} + Others" if top_n else "all",
        },
        vintage=vintage_date(result.vintage),
        hidden_events=hidden_event_categories(hidden_categories),
        sources=result.sources,
    )
    chart = build_customers_over_time(
        yearly[["year", "recipient", "tiv"]],
        meta=meta,
        events=shown,
        exporter=exporter,
        measure=measure,
        top_n=capped_top_n(top_n),
    )
    # Said only when no export counted covers the exporter whole (its exports table, a world
    # table or register): then the loaded recipients may be all of its customers shown.
    complete = any(s.scope in COMPLETE_FOR["supplier"] for s in result.sources)
    notes = (
        []
        if complete
        else [
            f"Counts only the recipients in the loaded data ({recipients}). For the whole "
            f"picture load an 'exports from {_the(exporter)}' table or the full trade register."
        ]
    )
    return chart_view(chart, meta, notes, shown, "computed")


def supplier_map_view(
    flows: pd.DataFrame,
    events: Sequence[Event] = (),
    *,
    recipient: str,
    years: Period | None = None,
    merge_lineage: bool = False,
    hidden_categories: Iterable[str] = (),
) -> ChartView:
    """World map of a recipient's suppliers over ``years`` (default: its latest 5-year period).

    Raises:
        ValueError: when the recipient has no supplier-split data.
    """
    flows = choose(flows)
    span = recipient_years(flows, recipient)
    if span is None:
        raise ValueError(f"the loaded data have no imports of {_the(recipient)} by supplier")
    if years is None:
        periods = default_periods(flows, recipient)
        years = periods[-1] if periods else span
    shares = period_shares(flows, recipient, [years], merge_lineage)
    shown = events_for(events, recipient, hidden=hidden_categories)
    meta = ChartMeta(
        title=f"Where {_whose(recipient)} arms imports came from, {period_label(*years)}",
        filters={
            "Recipient": recipient,
            "Years": f"{years[0]}-{years[1]}",
            "Lineage": lineage_label(merge_lineage),
        },
        vintage=vintage_date(shares.vintage),
        hidden_events=hidden_event_categories(hidden_categories),
        sources=shares.sources,
    )
    chart = build_supplier_map(
        shares.table[["supplier", "tiv"]],
        meta=meta,
        years=years,
        events=shown,
        recipient=recipient,
    )
    return chart_view(chart, meta, [], shown, "computed")
