"""Charts from SIPRI's published figures (the seed), shown when no loaded export covers the
recipient: the import mix per period and the two-period comparison."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

import pandas as pd

from analysis.chart_events import hidden_event_categories
from analysis.chart_meta import ChartMeta
from analysis.charts import build_import_mix_by_period
from analysis.events import Event, events_for
from analysis.period_comparison import build_period_comparison
from analysis.published_chart import (
    finish_published_bars,
    press_citations,
    published_mix,
    published_source_line,
)
from analysis.shares import Period
from analysis.tables import HEADLINE_PERIODS
from analysis.views import ChartView, chart_view
from analysis.vocab import NOT_BROKEN_DOWN, country_phrase, period_label

_the = country_phrase
_whose = partial(country_phrase, possessive=True)


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
    shown = events_for(events, recipient, hidden=hidden_categories)
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
    chart = build_import_mix_by_period(
        table[["period", "supplier", "share"]].rename(columns={"share": "tiv"}),
        meta=meta,
        events=shown,
        recipient=recipient,
        measure="share",
    )
    finish_published_bars(chart.figure)
    notes = [
        "Published SIPRI figures (seed data): each supplier's share is the newest release "
        "quoting it, so figures within one period may come from different releases; "
        "SIPRI revises its whole series every year.",
    ]
    return chart_view(chart, meta, notes, shown, "published", data=table)


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
    shown = events_for(events, recipient, hidden=hidden_categories)
    meta = ChartMeta(
        title=f"{_whose(recipient, start=True)} suppliers: {label_a} versus {label_b}, "
        "as published",
        filters={"Recipient": recipient, "Periods": f"{label_a} and {label_b}"},
        citations=press_citations(table),
        source=published_source_line(table),
        hidden_events=hidden_event_categories(hidden_categories),
    )
    chart = build_period_comparison(
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
    return chart_view(chart, meta, notes, shown, "published")
