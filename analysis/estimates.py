"""Where a shown figure is estimated from a per-deal register: its bounds, ready for display.

The views compute shares from the loaded yearly flows; when a country's flows come from a
per-deal register those flows are an even spread of each deal's TIV
(``analysis.bounds``). These helpers find the register's deals behind a figure and put the
bounds next to it: headline cards, period tables and world position (the CSV columns and the
marks on the charts are ``analysis.estimate_views``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from analysis import bounds
from analysis.headlines import Headline
from analysis.layouts import REGISTER
from analysis.results import LoadedFlows, frame_of, whole
from analysis.shares import Period
from analysis.vintages import select_vintage
from analysis.vocab import parse_period, period_label
from analysis.world_sources import NoWorldSource, deliveries, world_rows

ESTIMATED_MARK = f"({bounds.ESTIMATED};"  # in every bounded figure's text
METHOD_NOTE = (
    "Estimated from a per-deal register: the bounds are the lowest and highest values "
    "over every way each deal's delivered TIV could be split across the delivery years it lists "
    "(see About)."
)


def _estimated_ids(rows: pd.DataFrame) -> list[int]:
    """The datasets of ``rows`` when every row comes from a per-deal register, else []."""
    if rows.empty or "layout" not in rows.columns or "dataset_id" not in rows.columns:
        return []
    if not (rows["layout"].astype(str) == REGISTER).all():
        return []
    return sorted(int(i) for i in rows["dataset_id"].dropna().unique())


def recipient_register_deals(
    flows: pd.DataFrame, deals: pd.DataFrame | None, recipient: str
) -> pd.DataFrame | None:
    """The deals behind ``recipient``'s supplier shares when they are estimated, else None.

    The same export as ``vintages.select_vintage`` picks for the recipient's shares; None when
    that export is exact (a TIV table, the per-delivery register) or its deals are not loaded.
    """
    flows = frame_of(flows)
    if flows is None or flows.empty or deals is None or deals.empty:
        return None
    if "dataset_id" not in deals.columns:
        return None
    rows = select_vintage(flows)
    rows = rows[(rows["recipient"] == recipient) & rows["supplier"].notna()]
    ids = _estimated_ids(rows)
    if not ids:
        return None
    mine = deals[deals["dataset_id"].isin(ids) & (deals["recipient"] == recipient)]
    return mine if len(mine) else None


def world_register_deals(flows: pd.DataFrame, deals: pd.DataFrame | None) -> pd.DataFrame | None:
    """The deals behind world shares and ranks when a per-deal register of all countries is
    their source (the export ``world_sources.world_rows`` picks), else None (flows with a pinned
    export are read as before the pin, like ``world_shares.world_share_and_rank``)."""
    flows = frame_of(whole(flows)) if isinstance(flows, LoadedFlows) else flows
    if flows is None or flows.empty or deals is None or deals.empty or "scope" not in flows:
        return None
    if "dataset_id" not in deals.columns:
        return None
    try:
        world, _ = world_rows(deliveries(flows), "import")
    except NoWorldSource:
        return None
    ids = _estimated_ids(world)
    return deals[deals["dataset_id"].isin(ids)] if ids else None


# --------------------------------------------------------------------------- headline cards


def bounded_headlines(
    cards: Sequence[Headline],
    deals: pd.DataFrame | None,
    recipient: str,
    supplier: str,
) -> list[Headline]:
    """Headline cards with their bounds when computed from a per-deal register.

    Args:
        cards: ``headlines.headline_cards(...)`` (a card's label ends with its period).
        deals: ``recipient_register_deals(...)``; None leaves the cards as they are.
        recipient: The importer.
        supplier: The supplier in the headline.

    Returns:
        The cards; each computed one reads ``"75% (estimated; 48-93%)"``.
    """
    if deals is None:
        return list(cards)
    out = []
    for card in cards:
        if card.origin != "computed":
            out.append(card)
            continue
        period = parse_period(card.label.rsplit(" ", 1)[-1])
        table = bounds.supplier_share_bounds(deals, recipient, [period])
        row = table[table["supplier"] == supplier]
        low, high = (
            (float(row[c].iloc[0]) for c in ("share_low", "share_high")) if len(row) else (0.0, 0.0)
        )
        value = bounds.bounded_share_text(card.share, low, high)
        out.append(dataclasses.replace(card, value=value))
    return out


# --------------------------------------------------------------------------- period tables


def share_bounds_table(
    deals: pd.DataFrame,
    recipient: str,
    periods: Sequence[Period],
    merge_lineage: bool = False,
) -> pd.DataFrame:
    """Suppliers' estimated shares with bounds, one text column per period, for display.

    Returns:
        ``Supplier`` then ``Share <period>`` per period (``"43% (estimated; 31-50%)"``, "–"
        where the supplier cannot have delivered), suppliers by their estimate in the
        latest period, largest first.
    """
    table = bounds.supplier_share_bounds(deals, recipient, periods, merge_lineage)
    table = table.assign(
        period=[period_label(s, e) for s, e in zip(table.start, table.end, strict=True)]
    )
    table["text"] = [
        bounds.bounded_share_text(s, lo, hi)
        for s, lo, hi in zip(table["share"], table["share_low"], table["share_high"], strict=True)
    ]
    labels = [period_label(*p) for p in periods]
    wide = table.pivot(index="supplier", columns="period", values="text")
    order = table.pivot(index="supplier", columns="period", values="tiv")
    newest_first = [period_label(*p) for p in sorted(periods, key=lambda p: (-p[1], -p[0]))]
    order = order.reindex(columns=newest_first).fillna(0.0)
    wide = wide.reindex(index=order.sort_values(list(order.columns), ascending=False).index)
    out = pd.DataFrame({"Supplier": wide.index.astype("str")})
    for label in labels:
        column = wide[label] if label in wide.columns else pd.Series(index=wide.index)
        out[f"Share {label}"] = column.to_numpy(dtype=object)
    return out


# --------------------------------------------------------------------------- world


def world_bounds_table(
    deals: pd.DataFrame, recipient: str, periods: Sequence[Period]
) -> pd.DataFrame:
    """The recipient's world share and rank per period with bounds, for display.

    Returns:
        Columns Period, Share of world imports, Rank, Rank can change, Countries ranked,
        share_low, share_high, rank_best, rank_worst (the last four for the CSV).
    """
    world = bounds.world_bounds(deals, recipient, periods)
    return pd.DataFrame(
        {
            "Period": [
                period_label(s, e) for s, e in zip(world["start"], world["end"], strict=True)
            ],
            "Share of world imports": [
                bounds.bounded_share_text(s, lo, hi)
                for s, lo, hi in zip(
                    world["share"], world["share_low"], world["share_high"], strict=True
                )
            ],
            "Rank": [
                bounds.bounded_rank_text(r, b, w)
                for r, b, w in zip(
                    world["rank"], world["rank_best"], world["rank_worst"], strict=True
                )
            ],
            "Rank can change": world["rank_can_change"].astype(bool),
            "Countries ranked": world["countries"],
            "share_low": world["share_low"],
            "share_high": world["share_high"],
            "rank_best": world["rank_best"],
            "rank_worst": world["rank_worst"],
        }
    )
