"""Chart views: (flows, events, options) -> figure, metadata, plotted table and notes, for UI and CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.charts import (
    ChartMeta,
    build_customers_over_time,
    build_import_mix_by_period,
    build_import_mix_by_year,
    build_period_comparison,
    build_supplier_map,
    event_end,
    events_for_chart,
    hidden_event_categories,
)
from analysis.event_layout import axis_end
from analysis.events import Event
from analysis.layouts import REGISTER
from analysis.published import (
    headline_shares,
    load_published,
)
from analysis.published_chart import (
    finish_published_bars,
    press_citations,
    published_mix,
    published_source_line,
)
from analysis.results import (
    Flows,
    LoadedFlows,
    Source,
    frame_of,
    loaded,
)
from analysis.shares import (
    COMPLETE_FOR,
    Period,
    customers,
    event_window,
    latest_complete_periods,
    partial_owners,
    period_shares,
    sipri_periods,
    yearly_shares,
)
from analysis.tables import (  # noqa: F401 - the display tables, re-exported for the pages
    HEADLINE_PERIODS,
    period_table,
    published_change,
    self_check,
    vintage_date,
    vintage_text,
    what_changed,
    world_position,
)
from analysis.vintages import choose
from analysis.vocab import (
    NOT_BROKEN_DOWN,
    country_phrase,
    parse_period,
    period_label,
    period_labels,
)

_the = country_phrase  # "the United States", "India"
_whose = partial(country_phrase, possessive=True)  # "India's", "the United States'"

LINEAGE_MERGED = "Soviet Union counted as Russia"
LINEAGE_SEPARATE = "Soviet Union and Russia separate"
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


def _split(flows: Flows | None) -> pd.DataFrame:
    """Rows naming both sides (supplier-split flows), one export per recipient (``choose``:
    free when the view already chose)."""
    frame = frame_of(flows)
    if frame is None or frame.empty:
        return frame.iloc[:0] if frame is not None else pd.DataFrame()
    rows = choose(flows).frame
    return rows[rows["recipient"].notna() & rows["supplier"].notna()]


def recipients_with_data(flows: Flows) -> list[str]:
    """Recipients whose imports are split by supplier in the loaded flows, sorted by name."""
    rows = _split(flows)
    return sorted(str(r) for r in rows["recipient"].unique()) if len(rows) else []


def exporters_with_data(flows: Flows) -> list[str]:
    """Suppliers named in the loaded flows, sorted by name."""
    rows = _split(flows)
    return sorted(str(s) for s in rows["supplier"].unique()) if len(rows) else []


def headline_suppliers(
    flows: Flows | None, recipient: str, published: pd.DataFrame | None = None
) -> list[str]:
    """Suppliers worth a headline card for ``recipient``, the usual first.

    Russia leads wherever SIPRI's published figures or the data name it (the seed story);
    then the recipient's suppliers by total TIV in the loaded data.

    Returns:
        Supplier names; empty when neither the data nor the published figures have any.
    """
    published = load_published() if published is None else published
    ranked: list[str] = []
    named = published.loc[published["recipient"] == recipient, "supplier"].dropna()
    if flows is not None and len(frame_of(flows)):
        rows = _split(flows)
        rows = rows[rows["recipient"] == recipient]
        totals = rows.groupby("supplier")["tiv"].sum().sort_values(ascending=False, kind="stable")
        ranked = [str(name) for name in totals.index]
    candidates = list(dict.fromkeys([*named.astype(str), *ranked]))
    if "Russia" in candidates:
        candidates.remove("Russia")
        candidates.insert(0, "Russia")
    return candidates


ESTIMATED_NOTE = (
    "Yearly volumes estimated from a per-deal register: each deal's TIV is spread "
    "evenly over its delivery years (a TIV table or the per-delivery register is exact)."
)


def provenance_notes(flows: Flows | None, recipient: str) -> list[str]:
    """What a reader should know about the rows behind ``recipient``'s shares.

    Returns:
        Sentences: the split is partial (only some suppliers' exports are loaded), or the
        yearly volumes are estimates from a per-deal register.
    """
    frame = frame_of(flows)
    if frame is None or frame.empty or "scope" not in frame.columns:
        return []
    rows = _split(flows)
    rows = rows[rows["recipient"] == recipient]
    notes = []
    if recipient in partial_owners(rows, "recipient"):
        notes.append(
            f"Only part of {_whose(recipient)} suppliers are in the loaded data (exporters' "
            "tables or a register limited to some suppliers): shares are of the loaded suppliers "
            "only. "
            f"Load {_whose(recipient)} own import table or a register of all its suppliers."
        )
    if "layout" in rows.columns and (rows["layout"] == REGISTER).any():
        notes.append(ESTIMATED_NOTE)
    return notes


def has_recipient_data(flows: Flows, recipient: str) -> bool:
    """Whether the loaded flows split ``recipient``'s imports by supplier (all suppliers)."""
    rows = _split(flows)
    if "scope" in rows.columns:
        rows = rows[rows["scope"].isin(COMPLETE_FOR["recipient"])]
    return bool(len(rows)) and bool((rows["recipient"] == recipient).any())


def recipient_years(flows: Flows, recipient: str) -> tuple[int, int] | None:
    """First and last year of ``recipient``'s supplier-split rows (None when it has none)."""
    rows = _split(flows)
    mine = rows[rows["recipient"] == recipient] if len(rows) else rows
    if mine is None or mine.empty:
        return None
    return int(mine["year"].min()), int(mine["year"].max())


def lineage_label(merge_lineage: bool) -> str:
    """The lineage choice as printed in subtitles."""
    return LINEAGE_MERGED if merge_lineage else LINEAGE_SEPARATE


def parse_periods_text(text: str) -> list[Period]:
    """Periods from text such as "2009-2013,2019-2023" or "2009-13, 2019-23".

    Raises:
        ValueError: for text that is not a comma-separated list of year ranges.
    """
    periods = [parse_period(part) for part in str(text).split(",") if part.strip()]
    if not periods:
        raise ValueError(f"no periods in {text!r}")
    return periods


def _check_options(measure: str, by: str | None = None) -> None:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    if by is not None and by not in BY_OPTIONS:
        raise ValueError(f"by must be one of {BY_OPTIONS}, not {by!r}")


def _shown(events: Iterable[Event], country: str | None, hidden: Iterable[str]) -> list[Event]:
    return events_for_chart(list(events), country, hidden)


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
        from analysis.categories import filter_by_category  # it imports this module

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
    shown = _shown(events, recipient, hidden_categories)
    notes: list[str] = []
    if by == "year":
        mix = yearly_shares(flows, recipient, merge_lineage)
        first, last = years
        first = first if since is None else min(max(first, int(since)), last)
        table = mix.table[mix.table["year"] >= first]  # top N and the CSV: the years drawn
        end = axis_end(last, [event_end(e) for e in shown if extend_to_events], dt.date.today())
        filters["Years"] = f"{first}-{years[1]}"
        if end > dt.date(last + 1, 1, 1):
            notes.append(
                f"The loaded data end in {years[1]}; the axis runs to {end - dt.timedelta(1):%B %Y} "
                "so that recent events are drawn (no bars there: SIPRI publishes a year's data "
                "the next March)."
            )
    else:
        end = years[1] if period_end is None else int(period_end)
        count = max(0, (end - years[0] + 1) // 5)
        periods = sipri_periods(end, count)
        if not periods:
            raise ValueError(f"{_whose(recipient, start=True)} data span no whole 5-year period")
        mix = period_shares(flows, recipient, periods, merge_lineage)
        table = mix.table.assign(period=period_labels(mix.table))
        filters["Periods"] = f"{period_label(*periods[0])} to {period_label(*periods[-1])}"
    filters["Measure"] = "share of imports" if measure == "share" else "TIV (millions)"
    filters["Lineage"] = lineage_label(merge_lineage)
    if top_n:
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
        fig = build_import_mix_by_year(
            table[["year", "supplier", "tiv"]],
            **common,
            moving_average=moving_average,
            year_range=(first, last),
            axis_end=end,
        )
    else:
        fig = build_import_mix_by_period(table[["period", "supplier", "tiv"]], **common)
    notes.extend(caveats)
    return chart_view(fig, meta, notes, shown, "computed")


def chart_view(
    fig: go.Figure,
    meta: ChartMeta,
    notes: Sequence[str],
    events: Sequence[Event],
    origin: str,
    data: pd.DataFrame | None = None,
) -> ChartView:
    """The view of a builder's figure: its plotted table and drawn events move into the view.

    Builders leave the plotted table and the events they placed in ``layout.meta``; the view
    takes them out once, so pages and exports read them from the view, and the figure that
    Streamlit deep-copies on every rerun no longer carries the table.

    Args:
        fig: a builder's figure (changed in place: its layout.meta keeps the chart's name,
            title, subtitle, source and the record of the events drawn, not the table).
        meta: the chart's metadata (its ``sources`` become the view's).
        notes: sentences for under the chart.
        events: the events the chart shows.
        origin: "computed" or "published".
        data: the table to offer as the chart's data instead of the plotted one.
    """
    from analysis.charts import drawn_events, plotted_data

    layout_meta = dict(fig.layout.meta or {})
    plotted = plotted_data(fig) if data is None else data
    drawn = drawn_events(fig)
    outside = list(layout_meta.get("events", {}).get("outside", []))
    # The record of the events drawn stays on the figure (the alt text reads it).
    fig.update_layout(meta={k: v for k, v in layout_meta.items() if k != "data"} or None)
    return ChartView(
        fig, meta, plotted, list(notes), list(events), origin, meta.sources, drawn, outside
    )


# --------------------------------------------------------------------------- published figures


def published_mix_view(
    events: Sequence[Event] = (),
    *,
    recipient: str = "India",
    hidden_categories: Iterable[str] = (),
    published: pd.DataFrame | None = None,
) -> ChartView:
    """The import mix per period from SIPRI's published figures, with events in their periods.

    Used when no loaded export covers the recipient: with the seed alone, India's story
    (Russia 76% in 2009-13, 36% in 2019-23) is on screen. Periods are SIPRI's rolling 5-year
    windows as published, so they overlap; an event is marked in the first period holding it.

    Raises:
        ValueError: when nothing was published for the recipient.
    """
    table = published_mix(recipient, published)
    if table.empty:
        raise ValueError(f"no published SIPRI figures for {_the(recipient)}")
    shown = _shown(events, recipient, hidden_categories)
    meta = ChartMeta(
        title=f"{_whose(recipient, start=True)} arms imports by supplier, SIPRI's published "
        "figures",
        filters={
            "Recipient": recipient,
            "Periods": f"{table['period'].iloc[0]} to {table['period'].iloc[-1]} (as published)",
            "Not broken down": "100% minus the suppliers SIPRI named",
        },
        citations=press_citations(table),
        source=published_source_line(table),
        hidden_events=hidden_event_categories(hidden_categories),
    )
    # The period builder sums "tiv" per period; shares of one period sum to 1, so passing the
    # shares as the values plots them unchanged.
    fig = build_import_mix_by_period(
        table[["period", "supplier", "share"]].rename(columns={"share": "tiv"}),
        meta=meta,
        events=shown,
        recipient=recipient,
        measure="share",
    )
    fig = finish_published_bars(fig)
    notes = [
        "Published SIPRI figures (seed data): each supplier's share is the newest release "
        "quoting it, so figures within one period may come from different releases; "
        "SIPRI revises its whole series every year.",
    ]
    return chart_view(fig, meta, notes, shown, "published", data=table)


# --------------------------------------------------------------------------- headline and change


@dataclass(frozen=True)
class Headline:
    """One headline card: a supplier's share of a recipient's imports in one period.

    ``source`` is one short line; ``citation`` names the press article that quoted a published
    figure (a footnote under the cards), empty for computed shares.
    """

    label: str
    value: str
    share: float
    origin: str
    source: str
    citation: str = ""


def _headline_from_row(row: pd.Series, supplier: str, estimated: bool = False) -> Headline:
    period = period_label(int(row["start"]), int(row["end"]))
    if row["origin"] == "computed":
        source = (
            f"Computed from the loaded SIPRI export, data generated {vintage_text(row['vintage'])}"
        )
        if estimated:
            source += " (yearly volumes estimated from a per-deal register)"
    elif row["origin"] == "published":
        source = f"Published by SIPRI, release {row['release']}"
    else:
        source = "No published figure and no loaded data for this period"
    return Headline(
        label=f"Share from {_the(supplier)}, {period}",
        value=str(row["display"]),
        share=float(row["share"]),
        origin=str(row["origin"]),
        source=source,
        citation=str(row["source"]) if row["origin"] == "published" else "",
    )


def headline_cards(
    flows: Flows | None,
    recipient: str = "India",
    supplier: str = "Russia",
    periods: Sequence[Period] = HEADLINE_PERIODS,
    published: pd.DataFrame | None = None,
) -> list[Headline]:
    """The Overview's cards: ``supplier``'s share in ``periods``, then the latest period available.

    A share is computed when the loaded data cover the period, else SIPRI's published figure is
    shown with its release. The latest card is the newest period either source has.

    Returns:
        One Headline per period, plus one for the latest period when it is not among them.
    """
    published = load_published() if published is None else published
    flows = choose(flows) if flows is not None and len(frame_of(flows)) else None
    table = headline_shares(recipient, supplier, list(periods), flows, published)
    estimated = ESTIMATED_NOTE in provenance_notes(flows, recipient)
    cards = [_headline_from_row(row, supplier, estimated) for _, row in table.iterrows()]
    everything = headline_shares(recipient, supplier, None, flows, published)
    candidates = everything[everything["origin"] != "unavailable"]
    years = recipient_years(flows, recipient) if flows is not None else None
    latest_rows = []
    if len(candidates):
        latest_rows.append(candidates.sort_values(["end", "start"], kind="stable").iloc[-1])
    if years is not None and years[1] - years[0] >= 4:
        computed = headline_shares(
            recipient, supplier, [(years[1] - 4, years[1])], flows, published
        ).iloc[0]
        latest_rows.append(computed)
    if latest_rows:
        latest = max(latest_rows, key=lambda r: (int(r["end"]), r["origin"] == "computed"))
        key = (int(latest["start"]), int(latest["end"]))
        if key not in {(int(s), int(e)) for s, e in periods}:
            card = _headline_from_row(latest, supplier, estimated)
            cards.append(replace(card, label=f"Latest period: {card.label}"))
    return cards


# --------------------------------------------------------------------------- periods


def default_periods(flows: Flows, recipient: str) -> list[Period]:
    """The latest two SIPRI periods the recipient's data fully cover (fewer when short)."""
    rows = _split(flows)
    mine = rows[rows["recipient"] == recipient] if len(rows) else rows
    if mine is None or mine.empty:
        return []
    return latest_complete_periods(mine, 2)


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
    shown = _shown(events, recipient, hidden_categories)
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
    fig = build_period_comparison(
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
    return chart_view(fig, meta, notes, shown, "computed")


def published_comparison_view(
    events: Sequence[Event] = (),
    *,
    recipient: str = "India",
    period_a: Period = HEADLINE_PERIODS[0],
    period_b: Period = HEADLINE_PERIODS[1],
    hidden_categories: Iterable[str] = (),
    published: pd.DataFrame | None = None,
) -> ChartView:
    """The dumbbell chart from SIPRI's published figures (seed), when no export is loaded.

    Raises:
        ValueError: when neither period has a published figure for the recipient.
    """
    table = published_mix(recipient, published)
    label_a, label_b = period_label(*period_a), period_label(*period_b)
    table = table[table["period"].isin([label_a, label_b])]
    if table.empty:
        raise ValueError(
            f"no published SIPRI figures for {_the(recipient)} in {label_a} or {label_b}"
        )
    # Compare only suppliers SIPRI named in both periods: a missing figure is unknown, not 0%
    # (and the part not broken down changes with which suppliers were named).
    named = table.groupby("supplier")["period"].nunique()
    both = [n for n in named[named == 2].index if n != NOT_BROKEN_DOWN]
    dropped = sorted(set(table["supplier"]) - set(both) - {NOT_BROKEN_DOWN})
    table = table[table["supplier"].isin(both)]
    if table.empty:
        raise ValueError(
            f"SIPRI's published figures name no supplier of {_the(recipient)} in both {label_a} "
            f"and {label_b}"
        )
    shown = _shown(events, recipient, hidden_categories)
    meta = ChartMeta(
        title=f"{_whose(recipient, start=True)} suppliers: {label_a} versus {label_b}, "
        "as published",
        filters={"Recipient": recipient, "Periods": f"{label_a} and {label_b}"},
        citations=press_citations(table),
        source=published_source_line(table),
        hidden_events=hidden_event_categories(hidden_categories),
    )
    fig = build_period_comparison(
        table[["period", "supplier", "share"]],
        meta=meta,
        period_a=label_a,
        period_b=label_b,
        events=shown,
        recipient=recipient,
        top_n=None,
    )
    notes = ["Published SIPRI figures: only suppliers named in both periods are compared."]
    if dropped:
        notes.append("Named in one period only (not compared): " + ", ".join(dropped) + ".")
    return chart_view(fig, meta, notes, shown, "published")


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

    The event's year counts as the first "after" year (see ``shares.event_window``). The
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
    fig = build_period_comparison(
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
    return chart_view(fig, meta, notes, [event], "computed")


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
    shown = _shown(events, exporter, hidden_categories)
    recipients = int(yearly["recipient"].nunique())
    meta = ChartMeta(
        title=f"{_whose(exporter, start=True)} arms exports by recipient, by year",
        filters={
            "Exporter": exporter,
            "Measure": "share of its exports" if measure == "share" else "TIV (millions)",
            "Lineage": lineage_label(merge_lineage),
            "Recipients": f"top {top_n} + Others" if top_n else "all",
        },
        vintage=vintage_date(result.vintage),
        hidden_events=hidden_event_categories(hidden_categories),
        sources=result.sources,
    )
    fig = build_customers_over_time(
        yearly[["year", "recipient", "tiv"]],
        meta=meta,
        events=shown,
        exporter=exporter,
        measure=measure,
        top_n=top_n,
    )
    notes = [
        f"Counts only the recipients in the loaded data ({recipients}). For the whole picture "
        f"load an 'exports from {_the(exporter)}' table or the full trade register."
    ]
    return chart_view(fig, meta, notes, shown, "computed")


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
    shown = _shown(events, recipient, hidden_categories)
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
    fig = build_supplier_map(
        shares.table[["supplier", "tiv"]],
        meta=meta,
        years=years,
        events=shown,
        recipient=recipient,
    )
    return chart_view(fig, meta, [], shown, "computed")
