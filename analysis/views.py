"""Chart views: (flows, events, options) -> figure, metadata, plotted table and notes, for UI and CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.blanks import share_cells, tiv_cells
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
from analysis.published import (
    headline_shares,
    load_published,
    reconcile,
    self_check_summary,
)
from analysis.published_chart import (
    finish_published_bars,
    press_citations,
    published_mix,
    published_source_line,
)
from analysis.shares import (
    COMPLETE_FOR,
    Period,
    customers,
    event_window,
    latest_complete_periods,
    partial_owners,
    period_change,
    period_shares,
    select_vintage,
    sipri_periods,
    sipri_round,
    world_share_and_rank,
    yearly_shares,
)
from analysis.vocab import NOT_BROKEN_DOWN, country_phrase, parse_period, period_label

_the = country_phrase  # "the United States", "India"
_whose = partial(country_phrase, possessive=True)  # "India's", "the United States'"

HEADLINE_PERIODS: tuple[Period, Period] = ((2009, 2013), (2019, 2023))
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
    """

    fig: go.Figure
    meta: ChartMeta
    data: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    origin: str = "computed"


# --------------------------------------------------------------------------- what is loaded


def _split(flows: pd.DataFrame) -> pd.DataFrame:
    """Rows naming both sides (supplier-split flows), newest vintage per recipient."""
    if flows is None or flows.empty:
        return flows.iloc[:0] if flows is not None else pd.DataFrame()
    rows = select_vintage(flows)
    return rows[rows["recipient"].notna() & rows["supplier"].notna()]


def recipients_with_data(flows: pd.DataFrame) -> list[str]:
    """Recipients whose imports are split by supplier in the loaded flows, sorted by name."""
    rows = _split(flows)
    return sorted(str(r) for r in rows["recipient"].unique()) if len(rows) else []


def exporters_with_data(flows: pd.DataFrame) -> list[str]:
    """Suppliers named in the loaded flows, sorted by name."""
    rows = _split(flows)
    return sorted(str(s) for s in rows["supplier"].unique()) if len(rows) else []


def headline_suppliers(
    flows: pd.DataFrame | None, recipient: str, published: pd.DataFrame | None = None
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
    if flows is not None and len(flows):
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
    "Yearly volumes estimated from a one-row-per-deal register: each deal's TIV is spread "
    "evenly over its delivery years (a TIV table or the per-delivery register is exact)."
)


def provenance_notes(flows: pd.DataFrame | None, recipient: str) -> list[str]:
    """What a reader should know about the rows behind ``recipient``'s shares.

    Returns:
        Sentences: the split is partial (only some suppliers' exports are loaded), or the
        yearly volumes are estimates from a per-deal register.
    """
    if flows is None or flows.empty or "scope" not in flows.columns:
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
    if "layout" in rows.columns and (rows["layout"] == "register").any():
        notes.append(ESTIMATED_NOTE)
    return notes


def has_recipient_data(flows: pd.DataFrame, recipient: str) -> bool:
    """Whether the loaded flows split ``recipient``'s imports by supplier (all suppliers)."""
    rows = _split(flows)
    if "scope" in rows.columns:
        rows = rows[rows["scope"].isin(COMPLETE_FOR["recipient"])]
    return bool(len(rows)) and bool((rows["recipient"] == recipient).any())


def recipient_years(flows: pd.DataFrame, recipient: str) -> tuple[int, int] | None:
    """First and last year of ``recipient``'s supplier-split rows (None when it has none)."""
    rows = _split(flows)
    mine = rows[rows["recipient"] == recipient] if len(rows) else rows
    if mine is None or mine.empty:
        return None
    return int(mine["year"].min()), int(mine["year"].max())


def vintage_date(value: object) -> dt.date | None:
    """An ISO vintage string as a date (None when missing or unreadable)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def vintage_text(value: object) -> str:
    """A vintage as printed next to shares: "10 Oct 2024" (empty when unknown)."""
    date = vintage_date(value)
    return f"{date.day} {date:%b %Y}" if date else ""


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
    flows: pd.DataFrame, recipient: str, weapon_categories: Sequence[str]
) -> tuple[pd.DataFrame, tuple[int, int], dict[str, str], list[str]]:
    """The recipient's flows (in the chosen weapon categories), its years, the filters that an
    exported chart must show on itself (categories, partial coverage, estimated volumes) and
    the provenance caveats for under the chart."""
    chosen = sorted({str(c) for c in weapon_categories})
    if chosen:
        from analysis.categories import filter_by_category  # it imports this module

        flows = filter_by_category(flows, chosen)
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
        if since is not None:
            first = min(max(first, int(since)), last)
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
        mix = mix.assign(
            period=[period_label(s, e) for s, e in zip(mix["start"], mix["end"], strict=True)]
        )
        filters["Periods"] = f"{period_label(*periods[0])} to {period_label(*periods[-1])}"
    filters["Measure"] = "share of imports" if measure == "share" else "TIV (millions)"
    filters["Lineage"] = lineage_label(merge_lineage)
    if top_n:
        filters["Suppliers"] = f"top {top_n} + Others"
    meta = ChartMeta(
        title=f"{_whose(recipient, start=True)} arms imports by supplier, "
        + ("by year" if by == "year" else "by 5-year period"),
        filters=filters,
        vintage=vintage_date(mix.attrs.get("vintage")),
        hidden_events=hidden_event_categories(hidden_categories),
    )
    common = {"meta": meta, "events": shown, "recipient": recipient, "measure": measure}
    if by == "year":
        fig = build_import_mix_by_year(
            mix[["year", "supplier", "tiv"]],
            **common,
            top_n=top_n,
            moving_average=moving_average,
            year_range=(first, last),
            axis_end=end,
        )
    else:
        fig = build_import_mix_by_period(mix[["period", "supplier", "tiv"]], **common, top_n=top_n)
    notes.extend(caveats)
    return ChartView(fig, meta, _plotted(fig), notes, shown, "computed")


def _plotted(fig: go.Figure) -> pd.DataFrame:
    from analysis.charts import plotted_data

    return plotted_data(fig)


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
    return ChartView(fig, meta, table, notes, shown, "published")


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
    flows: pd.DataFrame | None,
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
    flows = flows if flows is not None and len(flows) else None
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


def what_changed(
    flows: pd.DataFrame,
    recipient: str,
    before: Period = HEADLINE_PERIODS[0],
    after: Period = HEADLINE_PERIODS[1],
    merge_lineage: bool = False,
    top_n: int | None = 6,
) -> pd.DataFrame:
    """Supplier, share before, share after, change in pp and volume change %, for display.

    Args:
        flows: loaded flows.
        recipient: the importer.
        before: the earlier period.
        after: the later period.
        merge_lineage: count the Soviet Union as Russia.
        top_n: keep the suppliers with the N largest shares in either period (the Total row
            is always kept last).

    Returns:
        Columns Supplier, Share <before>, Share <after>, Change (pp), Volume change (%),
        shares printed the SIPRI way (None: no deliveries in the period, see analysis.blanks);
        ``attrs["vintage"]`` holds the data vintage.
    """
    change = period_change(flows, recipient, before, after, merge_lineage)
    total = change[change["supplier"] == "Total"]
    rest = change[change["supplier"] != "Total"]
    rest = rest.assign(_max=rest[["share_before", "share_after"]].max(axis=1))
    rest = rest.sort_values(["share_after", "_max"], ascending=False, kind="stable")
    if top_n:
        rest = rest.sort_values("_max", ascending=False, kind="stable").head(top_n)
        rest = rest.sort_values("share_after", ascending=False, kind="stable")
    rows = pd.concat([rest.drop(columns="_max"), total], ignore_index=True)
    label_a, label_b = period_label(*before), period_label(*after)
    out = pd.DataFrame(
        {
            "Supplier": rows["supplier"].astype("str"),
            f"Share {label_a}": share_cells(rows["share_before"], rows["tiv_before"]),
            f"Share {label_b}": share_cells(rows["share_after"], rows["tiv_after"]),
            "Change (pp)": rows["share_change_pp"].round(1).astype("float64"),
            "Volume change (%)": rows["volume_change_pct"].round(0).astype("float64"),
        }
    )
    out.attrs["vintage"] = change.attrs.get("vintage")
    return out


# --------------------------------------------------------------------------- periods


def default_periods(flows: pd.DataFrame, recipient: str) -> list[Period]:
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
    if not has_recipient_data(flows, recipient):
        raise ValueError(f"the loaded data have no imports of {_the(recipient)} by supplier")
    shares = period_shares(flows, recipient, [period_a, period_b], merge_lineage)
    label_a, label_b = period_label(*period_a), period_label(*period_b)
    frame = shares.assign(
        period=[period_label(s, e) for s, e in zip(shares["start"], shares["end"], strict=True)]
    )
    shown = _shown(events, recipient, hidden_categories)
    meta = ChartMeta(
        title=f"{_whose(recipient, start=True)} suppliers: {label_a} versus {label_b}",
        filters={
            "Recipient": recipient,
            "Periods": f"{label_a} and {label_b}",
            "Lineage": lineage_label(merge_lineage),
        },
        vintage=vintage_date(shares.attrs.get("vintage")),
        hidden_events=hidden_event_categories(hidden_categories),
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
    return ChartView(fig, meta, _plotted(fig), notes, shown, "computed")


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
    return ChartView(fig, meta, _plotted(fig), notes, shown, "published")


def period_table(
    flows: pd.DataFrame,
    recipient: str,
    period_a: Period,
    period_b: Period,
    merge_lineage: bool = False,
) -> pd.DataFrame:
    """The fact-sheet table: each supplier's share and TIV in two periods and the changes.

    Returns:
        Columns Supplier, TIV <a>, Share <a>, TIV <b>, Share <b>, Change (pp),
        Volume change (%), largest supplier in the later period first, Total last; TIV and
        share blank (NaN/None) where the period had no deliveries.
    """
    change = period_change(flows, recipient, period_a, period_b, merge_lineage)
    label_a, label_b = period_label(*period_a), period_label(*period_b)
    out = pd.DataFrame(
        {
            "Supplier": change["supplier"].astype("str"),
            f"TIV {label_a} (m)": tiv_cells(change["tiv_before"]),
            f"Share {label_a}": share_cells(change["share_before"], change["tiv_before"]),
            f"TIV {label_b} (m)": tiv_cells(change["tiv_after"]),
            f"Share {label_b}": share_cells(change["share_after"], change["tiv_after"]),
            "Change (pp)": change["share_change_pp"].round(1),
            "Volume change (%)": change["volume_change_pct"].round(0),
        }
    )
    out.attrs["vintage"] = change.attrs.get("vintage")
    return out


def world_position(flows: pd.DataFrame, recipient: str, periods: Sequence[Period]) -> pd.DataFrame:
    """The recipient's share of world imports and rank per period (empty without a source).

    Returns:
        Columns Period, Share of world imports, Rank, Countries ranked, Source, Complete.
    """
    world = world_share_and_rank(flows, recipient, list(periods))
    if world.empty:
        return pd.DataFrame(
            columns=[
                "Period",
                "Share of world imports",
                "Rank",
                "Countries ranked",
                "Source",
                "Complete",
            ]
        )
    out = pd.DataFrame(
        {
            "Period": [
                period_label(s, e) for s, e in zip(world["start"], world["end"], strict=True)
            ],
            "Share of world imports": [sipri_round(s) for s in world["share"]],
            "Rank": world["rank"],
            "Countries ranked": world["countries"],
            "Source": world["source"],
            "Complete": world["complete"],
        }
    )
    out.attrs["vintage"] = world.attrs.get("vintage")
    return out


def self_check(flows: pd.DataFrame, recipient: str | None = None) -> pd.DataFrame:
    """Published SIPRI figures that the loaded data cover, next to the recomputed ones.

    Returns:
        Columns Figure, Period, Published, Release, Computed, Data generated, Difference (pp),
        Verdict, Reason, Source (empty when the data cover no published figure); attrs
        "summary" holds the headline (``published.self_check_summary``).
    """
    table = reconcile(flows) if flows is not None and len(flows) else reconcile(flows.iloc[:0])
    if recipient is not None:
        table = table[table["recipient"] == recipient]
    what = [
        f"{_whose(r.supplier, start=True)} share of {_whose(r.recipient)} imports"
        if r.measure == "supplier_share"
        else f"{_whose(r.recipient, start=True)} share of world imports"
        for r in table.itertuples(index=False)
    ]
    out = pd.DataFrame(
        {
            "Figure": pd.Series(what, dtype="str"),
            "Period": [
                period_label(s, e) for s, e in zip(table["start"], table["end"], strict=True)
            ],
            "Published": [sipri_round(s) for s in table["published"]],
            "Release": table["published_release"].to_numpy(),
            "Computed": [sipri_round(s) for s in table["computed"]],
            "Data generated": [vintage_text(v) for v in table["vintage"]],
            "Difference (pp)": table["diff_pp"].round(1).to_numpy(),
            "Verdict": table["verdict"].to_numpy(),
            "Reason": table["reason"].to_numpy(),
            "Source": table["source"].to_numpy(),
        }
    )
    out.attrs["summary"] = self_check_summary(table)
    return out


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
    frame = window.assign(period=np.where(window["window"] == "before", label_a, label_b))
    meta = ChartMeta(
        title=f"{_whose(recipient, start=True)} suppliers {years} years before and after: "
        f"{event.title}",
        filters={
            "Recipient": recipient,
            "Before": label_a,
            "After": label_b,
            "Lineage": lineage_label(merge_lineage),
        },
        vintage=vintage_date(window.attrs.get("vintage")),
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
    return ChartView(fig, meta, _plotted(fig), notes, [event], "computed")


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
    yearly = customers(flows, exporter, None, merge_lineage)
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
        vintage=vintage_date(yearly.attrs.get("vintage")),
        hidden_events=hidden_event_categories(hidden_categories),
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
    return ChartView(fig, meta, _plotted(fig), notes, shown, "computed")


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
        vintage=vintage_date(shares.attrs.get("vintage")),
        hidden_events=hidden_event_categories(hidden_categories),
    )
    fig = build_supplier_map(
        shares[["supplier", "tiv"]],
        meta=meta,
        years=years,
        events=shown,
        recipient=recipient,
    )
    return ChartView(fig, meta, _plotted(fig), [], shown, "computed")


def published_change(
    recipient: str = "India",
    before: Period = HEADLINE_PERIODS[0],
    after: Period = HEADLINE_PERIODS[1],
    published: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The "what changed" table from SIPRI's published figures (seed), for display.

    A supplier that a release does not name for a period is blank (None), never 0%.

    Returns:
        Columns Supplier, Share <before>, Share <after>, Change (pp) (NaN unless both are
        published), Volume change (%) (blank: releases quote shares, not TIV); the reasons
        are ``analysis.blanks.PUBLISHED_REASONS``.
    """
    table = published_mix(recipient, published)
    label_a, label_b = period_label(*before), period_label(*after)
    table = table[table["period"].isin([label_a, label_b]) & (table["supplier"] != NOT_BROKEN_DOWN)]
    wide = table.pivot_table(index="supplier", columns="period", values="share", aggfunc="sum")
    wide = wide.reindex(columns=[label_a, label_b])
    wide = wide.sort_values([label_b, label_a], ascending=False, na_position="last")
    out = pd.DataFrame(
        {
            "Supplier": wide.index.astype("str"),
            f"Share {label_a}": [sipri_round(s) if pd.notna(s) else None for s in wide[label_a]],
            f"Share {label_b}": [sipri_round(s) if pd.notna(s) else None for s in wide[label_b]],
            "Change (pp)": ((wide[label_b] - wide[label_a]) * 100).round(1).to_numpy(),
            "Volume change (%)": None,
        }
    )
    out.attrs["citations"] = press_citations(table)
    return out


def for_display(view: ChartView) -> ChartView:
    """The view with the plotted table dropped from the figure's metadata (kept in ``data``).

    Streamlit deep-copies a figure on every rerun; the table travelling in ``layout.meta`` is
    needed only when the figure alone is exported, so pages caching views drop it once.
    """
    fig = go.Figure(view.fig)
    meta = dict(fig.layout.meta or {})
    meta.pop("data", None)
    fig.update_layout(meta=meta)
    return ChartView(fig, view.meta, view.data, list(view.notes), list(view.events), view.origin)
