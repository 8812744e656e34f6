"""A country's share of world imports or exports per period and its rank among states."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.results import WORLD_SHARE, Flows, WorldShare, loaded, newest_vintage, validate
from analysis.shares import Period, check_periods
from analysis.world_sources import deliveries, world_rows


def is_rankable(names: pd.Series) -> np.ndarray:
    """States only: SIPRI marks armed groups ``*``, organisations ``**``; unknowns are unnamed."""
    text = names.astype(str)
    return (~text.str.endswith("*") & ~text.str.lower().str.startswith("unknown")).to_numpy()


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
    one export, whole. The world total includes unknown parties, organisations and armed
    groups (as SIPRI's "Total world import" does); the rank is among states only.

    Args:
        flows: Tidy flows (not chosen per country: the world source is chosen here).
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
    if side not in ("import", "export"):
        raise ValueError("side must be 'import' or 'export'")
    country_col = "recipient" if side == "import" else "supplier"
    periods = check_periods(periods)
    prepared = loaded(flows)
    frame = deliveries(prepared.frame, vintage)
    table, source = (frame, None) if frame.empty else world_rows(frame, side, min_countries)
    columns = ["start", "end", "country", "tiv", "world_tiv", "share", "rank", "countries"]
    rows = []
    if not table.empty:
        first, last = int(table["year"].min()), int(table["year"].max())
        for start, end in periods:
            within = table[(table["year"] >= start) & (table["year"] <= end)]
            volume = within.groupby(country_col)["tiv"].sum()
            world = float(volume.sum())
            states = volume[is_rankable(volume.index.to_series())]
            states = states[states > 0]
            ranks = states.rank(ascending=False, method="min")
            own = float(volume.get(recipient, 0.0))
            rows.append(
                {
                    "start": start,
                    "end": end,
                    "country": recipient,
                    "tiv": own,
                    "world_tiv": world,
                    "share": own / world if world > 0 else np.nan,
                    "rank": int(ranks[recipient]) if recipient in ranks.index else pd.NA,
                    "countries": len(states),
                    "complete": first <= start and last >= end,
                    "source": source,
                    "vintage": newest_vintage(within),
                }
            )
    out = pd.DataFrame(rows, columns=[*columns, "complete", "source", "vintage"])
    out = out.astype(_WORLD_DTYPES)
    if "vintage" not in frame.columns:
        out = out.drop(columns="vintage")
    return WorldShare(
        validate(out, WORLD_SHARE),
        newest_vintage(table),
        source if rows else None,
        prepared.sources_of(table),
    )
