"""The tables the pages show beside the charts: shares printed the SIPRI way, with provenance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.blanks import share_cells, tiv_cells
from analysis.period_change import period_change
from analysis.published import reconcile, self_check_summary
from analysis.published_chart import press_citations, published_mix
from analysis.results import (
    SELF_CHECK,
    WHAT_CHANGED,
    WORLD_POSITION,
    DisplayTable,
    Flows,
    SelfCheck,
    WorldShare,
    validate,
)
from analysis.shares import Period
from analysis.vocab import NOT_BROKEN_DOWN, country_phrase, period_label, period_labels, share_text
from analysis.world_shares import world_share_and_rank
from analysis.world_sources import NoWorldSource

HEADLINE_PERIODS: tuple[Period, Period] = ((2009, 2013), (2019, 2023))


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


def what_changed(
    flows: Flows,
    recipient: str,
    before: Period = HEADLINE_PERIODS[0],
    after: Period = HEADLINE_PERIODS[1],
    merge_lineage: bool = False,
    top_n: int | None = 6,
) -> DisplayTable:
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
        A table of Supplier, Share <before>, Share <after>, Change (pp), Volume change (%),
        with shares printed the SIPRI way, with the data's vintage and sources.
    """
    result = period_change(flows, recipient, before, after, merge_lineage)
    change = result.table
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
    return DisplayTable(validate(out, WHAT_CHANGED), result.vintage, result.sources)


def period_table(
    flows: Flows,
    recipient: str,
    period_a: Period,
    period_b: Period,
    merge_lineage: bool = False,
) -> DisplayTable:
    """The fact-sheet table: each supplier's share and TIV in two periods and the changes.

    Returns:
        Columns Supplier, TIV <a>, Share <a>, TIV <b>, Share <b>, Change (pp),
        Volume change (%), largest supplier in the later period first, Total last; with the
        data's vintage and sources.
    """
    result = period_change(flows, recipient, period_a, period_b, merge_lineage)
    change = result.table
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
    return DisplayTable(validate(out, WHAT_CHANGED), result.vintage, result.sources)


_WORLD_POSITION_DTYPES = {
    "Period": "str",
    "Share of world imports": "str",
    "Rank": "Int64",
    "Countries ranked": "int64",
    "Source": "str",
    "Complete": "bool",
}


def world_position(flows: Flows, recipient: str, periods: Sequence[Period]) -> DisplayTable:
    """The recipient's share of world imports and rank per period (empty without a source).

    Args:
        flows: The loaded flows, not chosen per recipient (the world source is one export).

    Returns:
        Columns Period, Share of world imports, Rank, Countries ranked, Source, Complete;
        with the data's vintage and sources; empty when no loaded export is the world
        (``world_sources.NoWorldSource``: one country's table, a regional table...).
    """
    try:
        result = world_share_and_rank(flows, recipient, list(periods))
    except NoWorldSource:
        result = WorldShare(pd.DataFrame())
    world = result.table
    if world.empty:
        empty = pd.DataFrame(columns=list(WORLD_POSITION.required)).astype(_WORLD_POSITION_DTYPES)
        return DisplayTable(validate(empty, WORLD_POSITION), result.vintage, result.sources)
    out = pd.DataFrame(
        {
            "Period": period_labels(world),
            "Share of world imports": [share_text(s) for s in world["share"]],
            "Rank": world["rank"],
            "Countries ranked": world["countries"],
            "Source": world["source"],
            "Complete": world["complete"],
        }
    )
    return DisplayTable(validate(out, WORLD_POSITION), result.vintage, result.sources)


def self_check(flows: Flows, recipient: str | None = None) -> SelfCheck:
    """Published SIPRI figures that the loaded data cover, next to the recomputed ones.

    Returns:
        Columns Figure, Period, Published, Release, Computed, Data generated, Difference (pp),
        Verdict, Reason, Source (empty when the data cover no published figure), and the
        headline sentence (``published.self_check_summary``).
    """
    table = reconcile(flows)
    if recipient is not None:
        table = table[table["recipient"] == recipient]
    what = [
        f"{country_phrase(r.supplier, start=True, possessive=True)} share of "
        f"{country_phrase(r.recipient, possessive=True)} imports"
        if r.measure == "supplier_share"
        else f"{country_phrase(r.recipient, start=True, possessive=True)} share of world imports"
        for r in table.itertuples(index=False)
    ]
    out = pd.DataFrame(
        {
            "Figure": pd.Series(what, dtype="str"),
            "Period": period_labels(table),
            "Published": [share_text(s) for s in table["published"]],
            "Release": table["published_release"].to_numpy(),
            "Computed": [share_text(s) for s in table["computed"]],
            "Data generated": [vintage_text(v) for v in table["vintage"]],
            "Difference (pp)": table["diff_pp"].round(1).to_numpy(),
            "Verdict": table["verdict"].to_numpy(),
            "Reason": table["reason"].to_numpy(),
            "Source": table["source"].to_numpy(),
        }
    )
    return SelfCheck(validate(out, SELF_CHECK), self_check_summary(table))


def published_change(
    recipient: str = "India",
    before: Period = HEADLINE_PERIODS[0],
    after: Period = HEADLINE_PERIODS[1],
    published: pd.DataFrame | None = None,
) -> DisplayTable:
    """The "what changed" table from SIPRI's published figures (seed), for display.

    A supplier that a release does not name for a period is blank (None), never 0%.

    Returns:
        Columns Supplier, Share <before>, Share <after>, Change (pp) (NaN unless both are
        published), Volume change (%) (blank: releases quote shares, not TIV), with the
        citations of the figures; the reasons for blanks are ``analysis.blanks.PUBLISHED_REASONS``.
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
            f"Share {label_a}": [share_text(s) if pd.notna(s) else None for s in wide[label_a]],
            f"Share {label_b}": [share_text(s) if pd.notna(s) else None for s in wide[label_b]],
            "Change (pp)": ((wide[label_b] - wide[label_a]) * 100).round(1).to_numpy(),
            "Volume change (%)": None,
        }
    )
    return DisplayTable(validate(out, WHAT_CHANGED), citations=press_citations(table))
