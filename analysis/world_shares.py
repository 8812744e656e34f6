"""A country's share of world imports (or exports) and its rank, and the whole ranking.

The world is one export, whole (``analysis.world_sources.world_rows``): an all-importers
(all-exporters) table or a register of all countries, read as loaded before any pinned
export (``results.whole``). The world total counts unknown parties, organisations and armed
groups (as SIPRI's "Total world import" does); ranks are among states only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.results import WORLD_SHARE, Flows, WorldShare, newest_vintage, validate, whole
from analysis.shares import Period, check_periods
from analysis.world_sources import deliveries, world_rows

_WORLD_DTYPES = {
    "start": "int64",
    "end": "int64",
    "rank": "Int64",
    "countries": "int64",
    "complete": "bool",
    "country": "str",
    "source": "str",
    "tiv": "float64",
    "world_tiv": "float64",
    "share": "float64",
}
_COLUMNS = ["start", "end", "country", "tiv", "world_tiv", "share", "rank", "countries"]
_COLUMNS += ["complete", "source", "vintage"]


def is_rankable(names: pd.Series) -> np.ndarray:
    """States only: SIPRI marks armed groups ``*``, organisations ``**``; unknowns are unnamed."""
    text = names.astype(str)
    return (~text.str.endswith("*") & ~text.str.lower().str.startswith("unknown")).to_numpy()


def _world(flows: Flows, side: str, vintage: str | None, min_countries: int):
    """The loaded flows (whole), their deliveries, the world's rows and the kind of source."""
    if side not in ("import", "export"):
        raise ValueError("side must be 'import' or 'export'")
    prepared = whole(flows)  # a pinned country's world figures come from every export whole
    frame = deliveries(prepared.frame, vintage)
    table, source = (frame, None) if frame.empty else world_rows(frame, side, min_countries)
    return prepared, frame, table, source


def _period_table(table: pd.DataFrame, side: str, period: Period, source: str) -> pd.DataFrame:
    """Every country's volume, share and rank in ``period`` (``_COLUMNS``), largest first."""
    country_col = "recipient" if side == "import" else "supplier"
    start, end = period
    within = table[(table["year"] >= start) & (table["year"] <= end)]
    volume = within.groupby(country_col)["tiv"].sum()
    world = float(volume.sum())
    states = volume[is_rankable(volume.index.to_series())]
    states = states[states > 0]
    ranks = states.rank(ascending=False, method="min").reindex(volume.index)
    out = pd.DataFrame(
        {
            "start": start,
            "end": end,
            "country": volume.index.astype("str"),
            "tiv": volume.to_numpy(dtype="float64"),
            "world_tiv": world,
            "share": volume.to_numpy(dtype="float64") / world if world > 0 else np.nan,
            "rank": ranks.astype("Int64").to_numpy(),
            "countries": len(states),
            "complete": int(table["year"].min()) <= start and int(table["year"].max()) >= end,
            "source": source,
            "vintage": newest_vintage(within),
        },
        columns=_COLUMNS,
    )
    return out.sort_values(["rank", "tiv", "country"], ascending=[True, False, True])


def _result(out: pd.DataFrame, frame, prepared, table, source, rows: bool) -> WorldShare:
    out = out.astype(_WORLD_DTYPES)
    if "vintage" not in frame.columns:
        out = out.drop(columns="vintage")
    return WorldShare(
        validate(out.reset_index(drop=True), WORLD_SHARE),
        newest_vintage(table),
        source if rows else None,
        prepared.sources_of(table),
    )


def world_share_and_rank(
    flows: Flows,
    recipient: str,
    periods: Sequence[Period],
    side: str = "import",
    *,
    vintage: str | None = None,
    min_countries: int = 20,
) -> WorldShare:
    """A country's share of world imports (or exports) per period and its rank.

    Sources (``analysis.world_sources.world_rows``), first present wins: for imports an
    all-importers table (rows with supplier <NA>), for exports an all-exporters table
    (recipient <NA>), otherwise a register of all countries (per deal, or per delivery with
    weapon categories) or bare flows naming at least ``min_countries`` countries on each side;
    one export, whole.

    Args:
        flows: Tidy flows (not chosen per country: the world source is chosen here); flows
            with a pinned export (``sources.pin``) are read as they were before the pin.
        recipient: The country (an importer for ``side="import"``, an exporter otherwise).
        periods: ``(start, end)`` pairs.
        side: ``"import"`` or ``"export"``.
        vintage: Use this export vintage instead of the newest.
        min_countries: Fewest countries bare world-wide flows must name on each side.

    Returns:
        ``WorldShare`` of ``start, end, country, tiv, world_tiv, share, rank, countries,
        complete, source[, vintage]``: one row per period (rank <NA> when the country has no
        volume; ``complete`` says whether the source spans the period); empty when nothing is
        loaded. Its ``source`` names the kind of source used.

    Raises:
        NoWorldSource: (a ValueError) when the loaded rows are not the world: one country's
            table or register, a regional table, a table by weapon category.
    """
    periods = check_periods(periods)
    prepared, frame, table, source = _world(flows, side, vintage, min_countries)
    rows = []
    for period in periods if not table.empty else []:
        every = _period_table(table, side, period, source)
        own = every[every["country"] == recipient]
        if own.empty:  # no volume: no rank, a share of 0
            own = every.head(1).assign(country=recipient, tiv=0.0, rank=pd.NA)
            own["share"] = 0.0 if float(every["world_tiv"].iloc[0]) > 0 else np.nan
            if every.empty:
                own = _empty_period(table, period, source, recipient)
        rows.append(own)
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=_COLUMNS)
    return _result(out, frame, prepared, table, source, bool(rows))


def _empty_period(table: pd.DataFrame, period: Period, source: str, country: str):
    """The row of a period without any delivery in the world source."""
    start, end = period
    complete = int(table["year"].min()) <= start and int(table["year"].max()) >= end
    row = dict(start=start, end=end, country=country, tiv=0.0, world_tiv=0.0, share=np.nan)
    row.update(rank=pd.NA, countries=0, complete=complete, source=source, vintage=None)
    return pd.DataFrame([row], columns=_COLUMNS)


def world_ranking(
    flows: Flows,
    period: Period,
    side: str = "import",
    *,
    vintage: str | None = None,
    min_countries: int = 20,
) -> WorldShare:
    """Every country's share of world imports (or exports) in ``period``, ranked.

    The same world source, shares and ranks as ``world_share_and_rank`` (and its refusals):
    one row per country with a delivery in the world source's rows, states by rank first,
    then the parties that take no rank (unknown, organisations, armed groups).
    """
    (period,) = check_periods([period])
    prepared, frame, table, source = _world(flows, side, vintage, min_countries)
    out = pd.DataFrame(columns=_COLUMNS)
    if not table.empty:
        out = _period_table(table, side, period, source)
    return _result(out, frame, prepared, table, source, not table.empty)
