"""Alt text written from the data: one to three sentences saying what a chart plots.

Built from what a view plots (its table, metadata and the events drawn), never from the
figure's pixels, so screen readers, SVG/PNG exports, the bundle and the CLI all read the same
sentences. Every share is printed with ``vocab.share_text`` (SIPRI's rounding), like the chart's
labels and the tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analysis.chart_events import event_date_text
from analysis.chart_meta import ChartMeta
from analysis.events import Event
from analysis.vocab import (
    NO_DELIVERIES_TEXT,
    NOT_BROKEN_DOWN,
    OTHERS,
    UNKNOWN_RECIPIENT,
    UNKNOWN_SUPPLIER,
    country_phrase,
    delivered_share_text,
    period_label,
    pp_text,
    share_text,
)

# Rows that are not a country: never "the largest supplier" nor "the largest change".
_NOT_A_COUNTRY = frozenset(
    {OTHERS, UNKNOWN_SUPPLIER, UNKNOWN_RECIPIENT, "unknown", NOT_BROKEN_DOWN}
)
# Events named in the description; more are counted.
MAX_NAMED_EVENTS = 3
# Periods compared for "the largest change": the latest 5 years and those 10 years earlier
# (SIPRI's fact sheets compare 2009-13 with 2019-23), else the 5 years just before.
GAPS_YEARS = (10, 5)


def chart_kind(fig: go.Figure) -> str:
    """The builder's name for the chart (``layout.meta["chart"]``), empty when unknown."""
    meta = fig.layout.meta
    return str(meta.get("chart", "")) if isinstance(meta, dict) else ""


def describe_view(view: Any) -> str:
    """The alt text of an ``analysis.views.ChartView`` (see :func:`describe_chart`)."""
    return describe_chart(view.fig, view.meta, view.data, view.events, drawn=view.drawn)


def describe_chart(
    fig: go.Figure,
    meta: ChartMeta,
    data: pd.DataFrame | None,
    events: Sequence[Event] = (),
    *,
    drawn: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """One to three plain-text sentences describing a chart from what it plots.

    The first says what is drawn, whose and over which years; the second the largest supplier
    (or recipient, category) and the largest change in share; the third the events drawn.

    Args:
        fig: the chart (its ``layout.meta`` names the builder).
        meta: the chart's metadata (filters name the country and the measure).
        data: exactly what the chart plots (the view's ``data``).
        events: the events the view shows, used when there is no record of what was drawn.
        drawn: the builder's record of the events drawn or listed (the view's ``drawn``).

    Returns:
        Plain text (not escaped: escape it for the place it goes).
    """
    kind = chart_kind(fig)
    table = data if data is not None else pd.DataFrame()
    describer = _DESCRIBERS.get(kind.removesuffix("_by_year").removesuffix("_by_period"))
    if describer is None:
        sentences = [_sentence(meta.title)]
    else:
        try:
            sentences = describer(kind, meta, table)
        except (KeyError, ValueError, TypeError, IndexError):
            # A table not shaped as expected still gets a true, shorter description.
            sentences = [_sentence(meta.title)]
    sentences.append(estimate_sentence(fig))
    sentences.append(events_sentence(drawn, events))
    return " ".join(s for s in sentences if s)


def estimate_sentence(fig: go.Figure) -> str:
    """The sentence saying the figures are estimated, with their bounds, when they are
    (``analysis.estimate_views`` keeps it in ``layout.meta["estimate"]``); else empty."""
    meta = fig.layout.meta
    return _sentence(meta.get("estimate", "")) if isinstance(meta, dict) else ""


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if not text or text.endswith(".") else text + "."


def _listing(names: Sequence[str]) -> str:
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _whose(filters: Mapping[str, str], key: str, fallback: str) -> str:
    value = str(filters.get(key, "")).strip()
    return f"{value}'s" if value else fallback


def _measure_phrase(filters: Mapping[str, str], per: str) -> str:
    measure = str(filters.get("Measure", ""))
    if measure.startswith("TIV"):
        return "in TIV (millions)"
    return f"as shares of each {per}'s total"


# --------------------------------------------------------------------------- shares over time


def _time_key(table: pd.DataFrame) -> str:
    return "year" if "year" in table.columns else "period"


def _window(table: pd.DataFrame, key: str, start: int, end: int) -> pd.DataFrame:
    if key == "year":
        return table[table["year"].between(start, end)]
    bounds = table["period"].map(_period_bounds)
    return table[bounds == (start, end)]


def _period_bounds(label: object) -> tuple[int, int]:
    from analysis.vocab import parse_period

    return parse_period(str(label))


def _spans(table: pd.DataFrame, key: str) -> list[tuple[int, int]]:
    """The 5-year spans the plotted table holds, oldest first."""
    if key == "year":
        years = sorted({int(y) for y in table["year"]})
        if not years:
            return []
        last = years[-1]
        return [(last - g - 4, last - g) for g in (*sorted(GAPS_YEARS, reverse=True), 0)]
    return sorted({_period_bounds(p) for p in table["period"]})


def _shares(part: pd.DataFrame, series: str) -> pd.Series:
    """Each series' share of a window: its volume over everything plotted in the window."""
    if "tiv" in part.columns and part["tiv"].notna().any():
        totals = part.groupby(series)["tiv"].sum()
        whole = float(totals.sum())
        return totals / whole if whole > 0 else totals * float("nan")
    # Published figures carry shares only (one period per window).
    return part.groupby(series)["share"].sum()


def compared_spans(table: pd.DataFrame) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The two 5-year spans a description compares: the latest and one 10 (else 5) years earlier.

    Returns:
        (earlier, later) first and last years, or None when the table holds no two such spans.
    """
    key = _time_key(table)
    spans = _spans(table, key)
    if not spans:
        return None
    later = spans[-1]
    first = int(table["year"].min()) if key == "year" else spans[0][0]
    for gap in GAPS_YEARS:
        earlier = (later[0] - gap, later[1] - gap)
        if earlier[0] >= first and (key == "year" or earlier in spans):
            return earlier, later
    return None


def change_clause(
    before: pd.Series,
    after: pd.Series,
    spans: tuple[tuple[int, int], tuple[int, int]],
    largest: str = "",
) -> str:
    """ "Russia's share fell from 76% in 2009-13 to 36% in 2019-23" for the largest change.

    Empty when a side has no deliveries (a window past the data) or no share changed; "its"
    instead of the name when the sentence has just named it (``largest``).
    """
    if not before.fillna(0).gt(0).any() or not after.fillna(0).gt(0).any():
        return ""
    names = [n for n in before.index.union(after.index) if str(n) not in _NOT_A_COUNTRY]
    if not names:
        return ""
    a = before.reindex(names).fillna(0.0)
    b = after.reindex(names).fillna(0.0)
    change = (b - a).abs()
    if not (change > 0).any():
        return ""
    name = max(names, key=lambda n: (round(float(change[n]), 12), -names.index(n)))
    old, new = delivered_share_text(float(a[name])), delivered_share_text(float(b[name]))
    label_a, label_b = period_label(*spans[0]), period_label(*spans[1])
    whose = "its" if str(name) == largest else country_phrase(str(name), possessive=True)
    if NO_DELIVERIES_TEXT in (old, new):  # never "0.0%": a period without deliveries says so
        verb = "rose to" if b[name] > a[name] else "fell to"
        return (
            f"{whose} share {verb} {new} in {label_b}, from {old} in {label_a}"
            if NO_DELIVERIES_TEXT == old
            else f"{whose} share fell from {old} in {label_a} to {new} in {label_b}"
        )
    if old == new:
        return f"{whose} share changed most, staying at about {new} ({label_a} and {label_b})"
    verb = "rose" if b[name] > a[name] else "fell"
    return f"{whose} share {verb} from {old} in {label_a} to {new} in {label_b}"


def _largest_clause(table: pd.DataFrame, series: str, role: str, span_text: str) -> tuple[str, str]:
    """ "Russia is the largest supplier over 2000-2024 (62%)" and the name (empty: none)."""
    if "tiv" not in table.columns and "period" in table.columns:
        # Published shares only: the latest period speaks for itself (shares do not add up).
        latest = max(table["period"], key=_period_bounds)
        table, span_text = table[table["period"] == latest], f"in {latest}"
    else:
        span_text = f"over {span_text}"
    shares = _shares(table, series)
    named = shares[[str(n) not in _NOT_A_COUNTRY for n in shares.index]].dropna()
    if named.empty or not (named > 0).any():
        return "", ""
    name = sorted(named.index, key=lambda n: (-float(named[n]), str(n)))[0]
    share = share_text(float(named[name]))
    return (
        f"{country_phrase(str(name), start=True)} is the largest {role} {span_text} ({share})",
        str(name),
    )


def _over_time_sentences(table: pd.DataFrame, series: str, role: str, span_text: str) -> list[str]:
    largest, name = _largest_clause(table, series, role, span_text)
    clauses = [largest]
    spans = compared_spans(table)
    if spans is not None:
        key = _time_key(table)
        before = _shares(_window(table, key, *spans[0]), series)
        after = _shares(_window(table, key, *spans[1]), series)
        clauses.append(change_clause(before, after, spans, largest=name))
    text = "; ".join(c for c in clauses if c)
    return [_sentence(text[:1].upper() + text[1:])] if text else []


def _span_text(table: pd.DataFrame) -> str:
    if "year" in table.columns:
        return f"{int(table['year'].min())}-{int(table['year'].max())}"
    periods = list(dict.fromkeys(str(p) for p in table["period"]))
    periods.sort(key=_period_bounds)
    return periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"


def _stacked(kind: str, meta: ChartMeta, table: pd.DataFrame) -> list[str]:
    """Import mix, an exporter's customers, weapon categories: stacked bars over time."""
    if table.empty:
        return [_sentence(meta.title)]
    filters = meta.filters
    series, role, what = {
        "customers_over_time": ("recipient", "recipient", "arms exports by recipient"),
        "category_mix": ("category", "category", "arms imports by weapon category"),
    }.get(
        kind.removesuffix("_by_year").removesuffix("_by_period"),
        ("supplier", "supplier", "arms imports by supplier"),
    )
    whose = _whose(filters, "Exporter" if series == "recipient" else "Recipient", "the")
    span = _span_text(table)
    per = "year" if "year" in table.columns else "period"
    per_period = "" if per == "year" else " per SIPRI 5-year period"
    published = ", as published by SIPRI" if "release" in table.columns else ""
    first = (
        f"Stacked bars of {whose} {what}{per_period}, {span}{published}, "
        f"{_measure_phrase(filters, per)}"
    )
    return [_sentence(first), *_over_time_sentences(table, series, role, span)]


# --------------------------------------------------------------------------- other charts


def _comparison(kind: str, meta: ChartMeta, table: pd.DataFrame) -> list[str]:
    """The dumbbell chart: each supplier's share in two periods."""
    columns = [c for c in table.columns if str(c).startswith("share_")]
    label_a, label_b = (c.removeprefix("share_") for c in columns[:2])
    whose = _whose(meta.filters, "Recipient", "the recipient's")
    first = f"Dumbbell chart of {whose} suppliers' shares of its arms imports in {label_a} and {label_b}"
    if "Before" in meta.filters:
        first += f", before and after the event {meta.title.split(': ', 1)[-1]}"
    rows = table.set_index("supplier")
    after = rows[f"share_{label_b}"].astype("float64")
    before = rows[f"share_{label_a}"].astype("float64")
    named = after[[str(n) not in _NOT_A_COUNTRY for n in after.index]]
    clauses, top = [], ""
    if len(named) and named.max() > 0:
        top = sorted(named.index, key=lambda n: (-float(named[n]), str(n)))[0]
        clauses.append(f"{top} is the largest supplier in {label_b} ({share_text(named[top])})")
    spans = (_period_bounds(label_a), _period_bounds(label_b))
    clauses.append(change_clause(before, after, spans, largest=str(top)))
    text = "; ".join(c for c in clauses if c)
    return [_sentence(first), _sentence(text[:1].upper() + text[1:]) if text else ""]


def _map(kind: str, meta: ChartMeta, table: pd.DataFrame) -> list[str]:
    """The world map of a recipient's suppliers over some years."""
    whose = _whose(meta.filters, "Recipient", "the recipient's")
    years = meta.filters.get("Years", "")
    first = f"World map of where {whose} arms imports came from, {years}, shaded by share"
    named = table[[str(n) not in _NOT_A_COUNTRY for n in table["supplier"]]]
    named = named[named["share"] > 0].sort_values(["share", "supplier"], ascending=[False, True])
    top = [f"{r.supplier} ({share_text(r.share)})" for r in named.head(3).itertuples()]
    second = f"The largest suppliers: {_listing(top)}" if top else ""
    return [_sentence(first), _sentence(second)]


def _compare(kind: str, meta: ChartMeta, table: pd.DataFrame) -> list[str]:
    """Small multiples: several recipients' imports by supplier."""
    countries = list(dict.fromkeys(str(c) for c in table["recipient"]))
    span = _span_text(table)
    first = (
        f"Small multiples of stacked bars: arms imports by supplier of {_listing(countries)}, "
        f"{span}, one panel each"
    )
    clauses = []
    for country in countries:
        part = table[table["recipient"] == country]
        shares = _shares(part, "supplier")
        shares = shares[[str(n) not in _NOT_A_COUNTRY for n in shares.index]].dropna()
        if len(shares):
            top = sorted(shares.index, key=lambda n: (-float(shares[n]), str(n)))[0]
            clauses.append(f"{country}, {top} ({share_text(shares[top])})")
    second = f"Largest supplier over {span}: " + "; ".join(clauses) if clauses else ""
    return [_sentence(first), _sentence(second)]


def _dependency(kind: str, meta: ChartMeta, table: pd.DataFrame) -> list[str]:
    """Top supplier's share, top-3 share and HHI per period."""
    whose = _whose(meta.filters, "Recipient", "the recipient's")
    span = _span_text(table)
    first = (
        f"Lines of how concentrated {whose} arms imports are per SIPRI 5-year period, {span}: "
        "the top supplier's share, the top three's share and the HHI"
    )
    rows = table.dropna(subset=["top_share"])
    if rows.empty:
        return [_sentence(first)]
    last = rows.iloc[-1]
    second = (
        f"In {last['period']} {last['top_supplier']} supplied {share_text(last['top_share'])} "
        f"and the top three {share_text(last['top3_share'])}"
    )
    if len(rows) > 1:
        earlier = rows.iloc[0]
        second += (
            f" (in {earlier['period']}: {earlier['top_supplier']} "
            f"{share_text(earlier['top_share'])}, top three {share_text(earlier['top3_share'])})"
        )
    return [_sentence(first), _sentence(second)]


def _release_diff(kind: str, meta: ChartMeta, table: pd.DataFrame) -> list[str]:
    """The revisions of a recipient's supplier shares between two stored releases."""
    whose = _whose(meta.filters, "Recipient", "the recipient's")
    # "file.csv (data generated 13 Mar 2025)": the date, not the long file name.
    dates = [meta.filters.get(f"Release {r}", "").rpartition(" (")[2].rstrip(")") for r in "AB"]
    first = (
        f"Horizontal bars of the revisions of {whose} supplier shares per SIPRI 5-year period "
        f"between release A ({dates[0]}) and release B ({dates[1]}), in percentage points"
    )
    if table.empty:
        return [_sentence(first)]
    top = table.iloc[0]  # the table is sorted biggest revision first
    second = (
        f"The largest: {top['supplier']} in {top['period']}, from {share_text(top['share_a'])} "
        f"to {share_text(top['share_b'])} ({pp_text(top['change_pp'])})"
    )
    return [_sentence(first), _sentence(second)]


_DESCRIBERS: dict[str, Callable[[str, ChartMeta, pd.DataFrame], list[str]]] = {
    "import_mix": _stacked,
    "customers_over_time": _stacked,
    "category_mix": _stacked,
    "period_comparison": _comparison,
    "supplier_map": _map,
    "compare_import_mix": _compare,
    "dependency_trend": _dependency,
    "release_diff": _release_diff,
}


# --------------------------------------------------------------------------- events


def events_sentence(drawn: Sequence[Mapping[str, Any]] | None, events: Sequence[Event] = ()) -> str:
    """The events drawn (or listed) on the chart, the latest named; empty when there are none.

    The builder's record of what it drew (``drawn``) wins; ``events`` is used only when there
    is no such record (None).
    """
    if drawn is not None:
        items = [(str(r["title"]), _record_dates(r)) for r in drawn]
        listed = any(r.get("kind") == "listed" for r in drawn)
    else:
        items = [(e.title, event_date_text(e)) for e in events]
        listed = False
    if not items:
        return ""
    named = [f"{' '.join(title.split())} ({when})" for title, when in items[-MAX_NAMED_EVENTS:]]
    where = "listed under the chart" if listed else "marked"
    if len(items) <= MAX_NAMED_EVENTS:
        lead = "Event" if len(items) == 1 else "Events"
        return _sentence(f"{lead} {where}: {_listing(named)}")
    return _sentence(f"{len(items)} events {where}, the latest {_listing(named)}")


def _record_dates(record: Mapping[str, Any]) -> str:
    import datetime as dt

    start = dt.date.fromisoformat(str(record["start"]))
    end = dt.date.fromisoformat(str(record.get("end") or record["start"]))
    return event_date_text(Event(title="", start=start, end=None if end == start else end))
