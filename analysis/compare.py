"""Countries side by side: small multiples of 2-6 recipients' import mix and a period-share table.

Each country's rows are chosen exactly as on the Import mix page (one export per recipient,
chosen once per view by ``vintages.choose``). The panels
share their y axis, name the same suppliers (the top N over all the compared countries, each
country weighing the same) and give a supplier one colour and one legend entry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import vocab
from analysis.chart_events import _EventDrawing
from analysis.chart_finish import _finish
from analysis.chart_meta import ChartMeta
from analysis.chart_style import PLOT_HEIGHT_PX, plotly_text
from analysis.chart_tables import mix_by_period_data, mix_by_year_data
from analysis.colors import capped_top_n, color_map
from analysis.names import name_kind
from analysis.recipient_data import ESTIMATED_NOTE, provenance_notes, recipient_years
from analysis.results import (
    COMPARISON,
    COMPARISON_TABLE,
    Flows,
    LoadedFlows,
    Shares,
    frame_of,
    validate,
)
from analysis.shares import (
    Period,
    period_shares,
    sipri_periods,
    yearly_shares,
)
from analysis.tables import vintage_date, vintage_text
from analysis.views import BY_OPTIONS, MEASURES, ChartView, chart_view
from analysis.vintages import choose
from analysis.vocab import (
    OTHERS,
    UNKNOWN_SUPPLIER,
    lineage_label,
    period_label,
    period_labels,
    share_text,
)

MIN_COUNTRIES = 2
MAX_COUNTRIES = 6
PANEL_HEIGHT_PX = 300  # each row of panels when there are two rows
COUNTRY_COLUMN = "Country"


@dataclass
class Comparison:
    """The small multiples and the period-share table of the compared countries.

    Attributes:
        chart: the figure, its metadata, the plotted table (recipient, year or period,
            supplier, tiv, share) and the notes printed under it.
        table: one row per country: its suppliers' shares in each table period, SIPRI-rounded.
        periods: the SIPRI 5-year periods the table shows.
        suppliers: the suppliers named in the panels and the table (Others not included).
    """

    chart: ChartView
    table: pd.DataFrame
    periods: list[Period]
    suppliers: list[str]


def _chosen(flows: Flows, recipients: Sequence[str]) -> LoadedFlows:
    """The recipients' rows, one export chosen per recipient (once, for the whole view).

    The export is chosen per recipient, so a recipient's rows, years and coverage do not
    depend on the other recipients' rows; keeping only theirs makes every lookup cheaper.
    """
    chosen = choose(flows)
    return chosen.with_frame(chosen.frame[chosen.frame["recipient"].isin(list(recipients))])


def check_countries(recipients: Sequence[str]) -> list[str]:
    """The countries to compare, in the order given, each once.

    Raises:
        ValueError: for fewer than 2 or more than 6 distinct countries.
    """
    chosen = list(dict.fromkeys(str(r) for r in recipients))
    if not MIN_COUNTRIES <= len(chosen) <= MAX_COUNTRIES:
        raise ValueError(
            f"Pick between {MIN_COUNTRIES} and {MAX_COUNTRIES} countries to compare "
            f"({len(chosen)} picked)."
        )
    return chosen


def parse_countries(text: str, known: Sequence[str]) -> list[str]:
    """Countries from a comma-separated URL value, keeping known names that hold a comma.

    Unknown names are dropped; each known name is kept once, in the order written.
    """
    names = set(known)
    parts = str(text).split(",")
    found: list[str] = []
    i = 0
    while i < len(parts):
        # The longest run of parts that joins into a known name ("Korea, South").
        for j in range(len(parts), i, -1):
            name = ",".join(parts[i:j]).strip()
            if name in names:
                found.append(name)
                i = j
                break
        else:
            i += 1
    return list(dict.fromkeys(found))


def default_countries(flows: Flows, first: str = "India", count: int = 3) -> list[str]:
    """``first`` (when loaded) and the largest other importers, up to ``count`` countries.

    Importers are ranked by their total TIV in the rows Import mix would use; unknown
    recipients, organisations, armed groups and regions are never proposed.
    """
    if flows is None or frame_of(flows).empty:
        return []
    rows = choose(flows).frame
    rows = rows[rows["recipient"].notna() & rows["supplier"].notna()]
    totals = rows.groupby("recipient")["tiv"].sum()
    ranked = sorted(totals.index, key=lambda name: (-float(totals[name]), str(name)))
    states = [
        str(n)
        for n in ranked
        if name_kind(str(n)) not in ("unknown", "organisation", "armed_group", "region")
    ]
    chosen = [first] if first in states else []
    chosen += [n for n in states if n != first]
    return chosen[:count]


def comparison_periods(flows: Flows, recipients: Sequence[str]) -> list[Period]:
    """SIPRI 5-year periods ending in the newest year any of the countries has, oldest first.

    The periods run back to the earliest year of any of them; empty when the countries'
    years together do not span five years.
    """
    mine = _chosen(flows, recipients)
    return _periods([recipient_years(mine, r) for r in recipients])


# The yearly panels start here (as the Overview's chart does) unless every country's data start
# later: a shared axis from 1950 would squeeze a country with recent data into a sliver.
YEARLY_SINCE = 2000


def _yearly_since(spans: dict[str, tuple[int, int]]) -> int:
    """First year of the yearly panels: 2000, or the earliest start when all data start later
    (and the earliest start when no data reach 2000)."""
    starts = [s[0] for s in spans.values()]
    if max(s[1] for s in spans.values()) < YEARLY_SINCE:
        return min(starts)
    return max(min(starts), YEARLY_SINCE)


def _periods(spans: Sequence[tuple[int, int] | None]) -> list[Period]:
    spans = [s for s in spans if s is not None]
    if not spans:
        return []
    first = min(s[0] for s in spans)
    last = max(s[1] for s in spans)
    return sipri_periods(last, max(0, (last - first + 1) // 5))


def _kept_suppliers(rows: pd.DataFrame, top_n: int | None) -> list[str]:
    """The suppliers named in every panel, largest first (unknown supplier(s) last).

    Each country counts the same: a supplier's weight is the sum over the countries of its
    share of that country's plotted imports, so one large importer does not pick them all.
    """
    totals = rows.groupby("recipient")["tiv"].transform("sum")
    weighted = rows.assign(weight=(rows["tiv"] / totals.where(totals > 0)).fillna(0.0))
    ranked = vocab.top_n(weighted, "supplier", top_n, value="weight", by=())
    ranked = ranked[ranked["supplier"] != OTHERS]
    ranked = ranked.sort_values(["weight", "supplier"], ascending=[False, True], kind="stable")
    names = [str(s) for s in ranked["supplier"]]
    return [n for n in names if n != UNKNOWN_SUPPLIER] + [n for n in names if n == UNKNOWN_SUPPLIER]


def _relabel(frame: pd.DataFrame, kept: Sequence[str]) -> pd.DataFrame:
    supplier = frame["supplier"].fillna(UNKNOWN_SUPPLIER).astype("str")
    return frame.assign(supplier=supplier.where(supplier.isin(list(kept)), OTHERS))


def _grid(count: int) -> tuple[int, int]:
    cols = count if count <= 3 else math.ceil(count / 2)
    return math.ceil(count / cols), cols


def _title(recipients: Sequence[str], by: str) -> str:
    if len(recipients) <= 3:
        names = ", ".join(recipients[:-1]) + " and " + recipients[-1]
    else:
        names = f"{len(recipients)} countries"
    return f"Arms imports by supplier: {names}, " + (
        "by year" if by == "year" else "by 5-year period"
    )


def _notes(
    spans: dict[str, tuple[int, int]],
    caveats: dict[str, list[str]],
    vintages: dict[str, object],
) -> list[str]:
    partial = [n for n, notes in caveats.items() if any(c.startswith("Only part") for c in notes)]
    estimated = [n for n, notes in caveats.items() if ESTIMATED_NOTE in notes]
    notes = []
    if partial:
        notes.append(
            "PARTIAL coverage (only the suppliers in the loaded exporters' tables; shares are of "
            "those suppliers only): " + ", ".join(partial) + "."
        )
    if estimated:
        notes.append(
            "Yearly volumes estimated from a per-deal register: " + ", ".join(estimated) + "."
        )
    years = "; ".join(f"{name} {first}-{last}" for name, (first, last) in spans.items())
    notes.append("Years in the loaded data: " + years + ".")
    stamps = {n: vintage_text(v) for n, v in vintages.items() if vintage_text(v)}
    if len(set(stamps.values())) > 1:
        notes.append("Data generated: " + "; ".join(f"{n} {t}" for n, t in stamps.items()) + ".")
    return notes


def _add_panels(
    fig: go.Figure,
    table: pd.DataFrame,
    recipients: Sequence[str],
    order: Sequence[str],
    *,
    by: str,
    measure: str,
    cols: int,
) -> None:
    """Stacked bars per panel, supplier by supplier, so that every panel stacks alike."""
    value = "share" if measure == "share" else "tiv"
    of = "the year" if by == "year" else "the period"
    colors = color_map(order)  # one map for the whole figure: the same colour in every panel
    for name in order:
        color = colors[name]
        label = plotly_text(name)
        legend_shown = False
        for i, country in enumerate(recipients):
            part = table[(table["recipient"] == country) & (table["supplier"] == name)]
            if part.empty:
                continue
            x = (
                part["year"].to_numpy(dtype="int64")
                if by == "year"
                else [plotly_text(p) for p in part["period"]]
            )
            fig.add_bar(
                x=x,
                y=part[value].to_numpy(dtype="float64"),
                name=label,
                legendgroup=label,
                showlegend=not legend_shown,
                marker={"color": color, "line": {"color": "#FFFFFF", "width": 0.5}},
                customdata=np.column_stack(
                    [part["tiv"].to_numpy(dtype="float64"), part["share"].to_numpy("float64")]
                ),
                hovertemplate=(
                    f"{label}, to {plotly_text(country)} %{{x}}<br>%{{customdata[0]:,.0f}} TIV m"
                    f"<br>%{{customdata[1]:.1%}} of {of}<extra></extra>"
                ),
                row=i // cols + 1,
                col=i % cols + 1,
            )
            legend_shown = True


def period_share_table(
    flows: Flows,
    recipients: Sequence[str],
    periods: Sequence[Period],
    suppliers: Sequence[str],
    merge_lineage: bool = False,
) -> pd.DataFrame:
    """One row per country: each named supplier's share (and Others') in each period.

    Shares are computed as on the Periods page (``shares.period_shares``) and printed the SIPRI
    way; "n/a" where the country's loaded data have no delivery in the period.

    Returns:
        Columns Country, then "<supplier> <period>" for each supplier (Others last) and period,
        then Coverage ("all suppliers" or "PARTIAL": only some suppliers' exports are loaded)
        and Data generated.
    """
    labels = [period_label(*p) for p in periods]
    columns: dict[str, list[str]] = {COUNTRY_COLUMN: list(recipients)}
    names = [*suppliers, OTHERS]
    for name in names:
        for label in labels:
            columns[f"{name} {label}"] = []
    coverage, generated = [], []
    mine = _chosen(flows, recipients)
    for country in recipients:
        result = period_shares(mine, country, list(periods), merge_lineage)
        generated.append(vintage_text(result.vintage))
        shares = _relabel(result.table, suppliers)
        for name in names:
            for (start, end), label in zip(periods, labels, strict=True):
                in_period = shares[(shares["start"] == start) & (shares["end"] == end)]
                if in_period.empty or not np.isfinite(in_period["share"]).any():
                    columns[f"{name} {label}"].append(share_text(float("nan")))
                    continue
                share = float(in_period.loc[in_period["supplier"] == name, "share"].sum())
                columns[f"{name} {label}"].append(share_text(share))
        partial = any(c.startswith("Only part") for c in provenance_notes(mine, country))
        coverage.append("PARTIAL" if partial else "all suppliers")
    columns["Coverage"] = coverage
    columns["Data generated"] = generated
    return validate(pd.DataFrame(columns, dtype="str"), COMPARISON_TABLE)


def _compare_meta(recipients, by, span, measure, merge_lineage, top_n, vintages, mine) -> ChartMeta:
    """Title, filters, source line (every country's data date) and sources of the comparison."""
    filters = {"Countries": ", ".join(recipients), "Years" if by == "year" else "Periods": span}
    filters["Measure"] = "share of imports" if measure == "share" else "TIV (millions)"
    filters["Lineage"] = lineage_label(merge_lineage)
    filters["Suppliers"] = f"top {top_n} over all the countries + Others" if top_n else "all"
    filters["Y axis"] = "shared"
    dates = {r: vintage_date(v) for r, v in vintages.items() if vintage_date(v) is not None}
    return ChartMeta(
        title=_title(recipients, by),
        filters=filters,
        vintage=max(dates.values()) if dates else None,
        source=_source_line(dates),
        sources=mine.sources_of(mine.frame),
    )


def _source_line(dates: dict) -> str:
    """The chart's source line naming every country's data date when they differ (an export
    must not show one date for data generated on several)."""
    if len(set(dates.values())) <= 1:
        return ""  # ChartMeta's own line, with the one date
    by_date: dict = {}
    for country, date in dates.items():
        by_date.setdefault(date, []).append(country)
    parts = [f"{d:%d %b %Y} ({', '.join(c)})" for d, c in sorted(by_date.items())]
    return "Source: SIPRI Arms Transfers Database, data generated " + "; ".join(parts)


def _check_options(by: str, measure: str, top_n: int | None) -> None:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    if by not in BY_OPTIONS:
        raise ValueError(f"by must be one of {BY_OPTIONS}, not {by!r}")
    if top_n is not None and int(top_n) < 1:
        raise ValueError("top_n must be at least 1 (or None to name every supplier)")


def _country_rows(flows, country: str, by: str, periods, merge_lineage: bool) -> Shares:
    """One country's TIV by supplier per year or per period, with its provenance."""
    if by == "year":
        result = yearly_shares(flows, country, merge_lineage)
        return result.with_table(result.table[["year", "supplier", "tiv"]])
    result = period_shares(flows, country, periods, merge_lineage)
    part = result.table
    return result.with_table(part.assign(period=period_labels(part))[["period", "supplier", "tiv"]])


def _plotted(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    if by == "year":
        return mix_by_year_data(rows[["year", "supplier", "tiv"]])
    return mix_by_period_data(rows[["period", "supplier", "tiv"]])


def _all_rows(flows, recipients, by, periods, merge_lineage, since) -> tuple[pd.DataFrame, dict]:
    """Every country's rows (yearly ones from ``since`` on) and each country's vintage."""
    frames, vintages = [], {}
    for country in recipients:
        part = _country_rows(flows, country, by, periods, merge_lineage)
        vintages[country] = part.vintage
        frames.append(part.table.assign(recipient=country))
    rows = pd.concat(frames, ignore_index=True)
    return (rows[rows["year"] >= since] if by == "year" else rows), vintages


def _panels_figure(
    table: pd.DataFrame,
    recipients: Sequence[str],
    order: Sequence[str],
    by: str,
    measure: str,
    periods: Sequence[Period],
    years: tuple[int, int],
) -> tuple[go.Figure, int]:
    """The small multiples (one panel per country, a shared y axis) and their number of rows."""
    n_rows, cols = _grid(len(recipients))
    specs = [
        [{} if r * cols + c < len(recipients) else None for c in range(cols)] for r in range(n_rows)
    ]
    fig = make_subplots(
        rows=n_rows,
        cols=cols,
        specs=specs,
        shared_yaxes="all",
        subplot_titles=[f"<b>{plotly_text(c)}</b>" for c in recipients],
        horizontal_spacing=0.035,
        vertical_spacing=0.16 if n_rows > 1 else 0.0,
    )
    _add_panels(fig, table, recipients, order, by=by, measure=measure, cols=cols)
    x_title = _x_axes(fig, by, periods, years)
    y_title = (
        ("Share of the year's imports" if by == "year" else "Share of the period's imports")
        if measure == "share"
        else "TIV (millions)"
    )
    fig.update_yaxes(
        tickformat=".0%" if measure == "share" else ",.0f",
        range=[0, 1] if measure == "share" else None,
        showgrid=True,
        gridcolor="#E5E5E5",
        linecolor="#444444",
        zeroline=False,
    )
    fig.update_xaxes(showgrid=False, linecolor="#444444", ticks="outside", zeroline=False)
    for i in range(len(recipients)):
        row, col = i // cols + 1, i % cols + 1
        if col == 1:
            fig.update_yaxes(title_text=y_title, row=row, col=col)
        if row == n_rows or (i + cols) >= len(recipients):
            fig.update_xaxes(title_text=x_title, row=row, col=col)
    fig.update_annotations(font={"size": 14, "color": "#111111"})
    fig.update_layout(barmode="relative", bargap=0 if by == "year" else 0.2)
    fig.update_layout(legend={"traceorder": "reversed", "title": {"text": "Supplier"}})
    return fig, n_rows


def _x_axes(fig: go.Figure, by: str, periods: Sequence[Period], years: tuple[int, int]) -> str:
    """Years or every period in every panel; returns the x axis title."""
    if by == "year":
        first, last = years
        fig.update_xaxes(range=[first - 0.5, last + 0.5], tickformat="d", showticklabels=True)
        return "Year"
    labels = [plotly_text(period_label(*p)) for p in periods]
    # Every period in every panel, in order, even where a country has no delivery.
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=labels,
        range=[-0.5, len(labels) - 0.5],
        showticklabels=True,
    )
    return "SIPRI 5-year period"


def _table_periods(table_periods: Sequence[Period] | None, periods: list[Period]) -> list[Period]:
    """One or two periods for the share table (default: the latest two)."""
    if table_periods is None:
        table_periods = periods[-2:] if periods else []
    chosen = [(int(s), int(e)) for s, e in table_periods]
    if len(chosen) > 2:
        raise ValueError("Choose one or two periods for the table.")
    return chosen


def compare_view(
    flows: Flows,
    recipients: Sequence[str],
    *,
    by: str = "year",
    measure: str = "share",
    merge_lineage: bool = False,
    top_n: int | None = 6,
    table_periods: Sequence[Period] | None = None,
) -> Comparison:
    """Small multiples of 2-6 recipients' imports by supplier, and their period-share table.

    Args:
        flows: loaded flows (the store's, with vintage and dataset_id).
        recipients: 2-6 importers, one panel each in this order.
        by: "year" (stacked yearly bars) or "period" (SIPRI 5-year periods, the same in every
            panel: they end in the newest year any of the countries has).
        measure: "share" of each country's imports or absolute "tiv"; the y axis is shared.
        merge_lineage: count the Soviet Union as Russia (and other predecessors).
        top_n: the N suppliers named in every panel, the rest summed as Others (None: all).
        table_periods: one or two periods for the table (default: the latest two of
            ``comparison_periods``, or the latest one).

    Returns:
        The comparison; its chart's ``data`` is the plotted table.

    Raises:
        ValueError: for fewer than 2 or more than 6 countries, an unknown option, a country
            without supplier-split data, or (by period) countries spanning no 5-year period.
    """
    recipients = check_countries(recipients)
    _check_options(by, measure, top_n)
    mine = _chosen(flows, recipients)
    spans = {r: recipient_years(mine, r) for r in recipients}
    missing = [r for r, span in spans.items() if span is None]
    if missing:
        raise ValueError(
            "The loaded data have no imports by supplier of " + ", ".join(missing) + "."
        )
    periods = _periods(list(spans.values()))
    if by == "period" and not periods:
        raise ValueError("The countries' loaded data do not span a whole 5-year period.")
    since = _yearly_since(spans)
    rows, vintages = _all_rows(mine, recipients, by, periods, merge_lineage, since)
    kept = _kept_suppliers(rows, top_n := capped_top_n(top_n))  # one palette colour each
    relabelled = _relabel(rows, kept)
    per_country = [
        _plotted(relabelled[relabelled["recipient"] == country], by).assign(recipient=country)
        for country in recipients
    ]
    key = "year" if by == "year" else "period"
    table = pd.concat(per_country, ignore_index=True)[
        ["recipient", key, "supplier", "tiv", "share"]
    ]
    table = validate(table, COMPARISON)
    order = [*kept, *([OTHERS] if (table["supplier"] == OTHERS).any() else [])]
    first, last = since, max(span[1] for span in spans.values())
    fig, n_rows = _panels_figure(table, recipients, order, by, measure, periods, (first, last))
    span = (
        f"{first}-{last}"
        if by == "year"
        else (f"{period_label(*periods[0])} to {period_label(*periods[-1])}")
    )
    meta = _compare_meta(recipients, by, span, measure, merge_lineage, top_n, vintages, mine)
    caveats = {r: provenance_notes(mine, r) for r in recipients}
    notes = _notes(spans, caveats, vintages)
    built = _finish(fig, meta, "compare_import_mix", _EventDrawing(), table, notes)
    # One plot height per row of panels: a second row must not squeeze both.
    plot_px = PLOT_HEIGHT_PX if n_rows == 1 else n_rows * PANEL_HEIGHT_PX + 60
    fig.update_layout(height=fig.layout.margin.t + fig.layout.margin.b + plot_px)
    chart = chart_view(built, meta, notes, [], "computed", data=table.copy())

    table_periods = _table_periods(table_periods, periods)
    shares = (
        period_share_table(mine, recipients, table_periods, kept, merge_lineage)
        if table_periods
        else pd.DataFrame({COUNTRY_COLUMN: pd.Series(recipients, dtype="str")})
    )
    return Comparison(chart, shares, table_periods, kept)
