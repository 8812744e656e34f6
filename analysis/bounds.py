"""Bounds for figures estimated from a per-deal register.

Such a register gives each deal's delivered TIV and the years it lists as delivery years, not
how much arrived in each year; the loader spreads the TIV evenly over the listed years
(``sipri.registers._spread_deliveries``). Any other split (each listed year >= 0, the deal's
total fixed) is as consistent with the register, so a period total, a share or a rank computed
from it lies in an interval:

- a deal whose listed years all fall in the period puts exactly its TIV in it; one with none
  puts 0; one straddling the period's edge anything from 0 to its TIV;
- deals are independent, so a share a/(a+b) is lowest with the supplier's (or country's) deals
  at their least and every other deal at its most, and highest the other way round; a rank is
  best with the country's deals at their most and everyone else's at their least.

Every function is pure and vectorised with numpy (registers hold up to ~100k deals).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.shares import Period, apply_lineage
from analysis.vocab import NOT_AVAILABLE, OTHERS, share_text
from analysis.world_shares import is_rankable

ESTIMATED = "estimated"
BOUND_COLUMNS = ("tiv", "tiv_low", "tiv_high")


# --------------------------------------------------------------------------- per deal


def _flat_years(delivery_years: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each listed year with the position of its deal, and the number of years per deal."""
    lists = [v if isinstance(v, list | tuple | np.ndarray) else [] for v in delivery_years]
    counts = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
    years = np.fromiter(
        itertools.chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum())
    )
    owner = np.repeat(np.arange(len(lists)), counts)
    return owner, years, counts


def deal_bounds(deals: pd.DataFrame, period: Period) -> pd.DataFrame:
    """What each deal can have delivered in ``period``: its even-spread estimate and bounds.

    A deal with delivered TIV but no delivery year is in no year's volume (as in the
    loader's yearly flows): 0 in every period.

    Args:
        deals: Deals with ``delivery_years`` (lists of years) and ``tiv_delivered``.
        period: ``(start, end)``, inclusive.

    Returns:
        ``tiv, tiv_low, tiv_high`` (float64) aligned with ``deals``' index: the even-spread
        estimate, and the least and most any split over the listed years gives.
    """
    owner, years, counts = _flat_years(deals["delivery_years"])
    tiv = deals["tiv_delivered"].to_numpy(dtype="float64", na_value=0.0)
    inside = (years >= period[0]) & (years <= period[1])
    n_in = np.bincount(owner, weights=inside, minlength=len(deals))
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = np.where(counts > 0, tiv * n_in / np.maximum(counts, 1), 0.0)
    placed = counts > 0
    low = np.where(placed & (n_in == counts), tiv, 0.0)
    high = np.where(placed & (n_in > 0), tiv, 0.0)
    return pd.DataFrame(
        {"tiv": estimate, "tiv_low": low, "tiv_high": high}, index=deals.index, dtype="float64"
    )


def _volumes(deals: pd.DataFrame, keys: Sequence[str], periods: Sequence[Period]) -> pd.DataFrame:
    """Estimate and bounds summed per ``keys`` and period: ``start, end, *keys, tiv, ...``."""
    parts = []
    names = deals[list(keys)].astype("object").fillna("\0")
    for start, end in periods:
        per_deal = deal_bounds(deals, (int(start), int(end)))
        if len(deals):
            summed = per_deal.groupby([names[k] for k in keys], sort=True).sum()
            summed = summed[summed["tiv_high"] > 0].reset_index()
        else:
            summed = pd.DataFrame(columns=[*keys, *BOUND_COLUMNS])
        summed.insert(0, "end", int(end))
        summed.insert(0, "start", int(start))
        parts.append(summed)
    columns = ["start", "end", *keys, *BOUND_COLUMNS]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    for key in keys:
        out[key] = out[key].astype("str")
    return out.astype({c: "float64" for c in BOUND_COLUMNS} | {"start": "int64", "end": "int64"})


def _prepared(
    deals: pd.DataFrame, merge_lineage: bool, mapping: Mapping[str, str] | None
) -> pd.DataFrame:
    return apply_lineage(deals, mapping) if merge_lineage else deals


# --------------------------------------------------------------------------- shares


def ratio_bounds(
    part_low: np.ndarray,
    part_high: np.ndarray,
    rest_low: np.ndarray,
    rest_high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Least and most of ``a / (a + b)`` for independent ``a`` in [part_low, part_high] and
    ``b`` in [rest_low, rest_high], over the splits where ``a + b > 0``.

    The ratio grows with ``a`` and falls with ``b``. When ``a`` and ``b`` can both be 0 at the
    low corner, ``b`` is always 0 and the share is 1 whenever defined (and the other way
    round at the high corner); NaN when no split gives a positive total.
    """
    part_low, part_high = np.asarray(part_low, float), np.asarray(part_high, float)
    rest_low = np.clip(np.asarray(rest_low, float), 0.0, None)
    rest_high = np.clip(np.asarray(rest_high, float), 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = part_low / (part_low + rest_high)
        high = part_high / (part_high + rest_low)
    low = np.where(part_low + rest_high > 0, low, np.where(part_high > 0, 1.0, np.nan))
    high = np.where(part_high + rest_low > 0, high, np.where(rest_high > 0, 0.0, np.nan))
    return low, high


def _possible(rest_high: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """``rest_high`` kept above 0 where the rest is known to be able to be positive."""
    return np.where(positive, np.maximum(rest_high, np.finfo(float).tiny), 0.0)


def _shares_of(parts: pd.DataFrame, group: Sequence[str]) -> pd.DataFrame:
    """Add ``share, share_low, share_high``: each row's share of its ``group``'s total."""
    grouped = parts.groupby(list(group), sort=False)
    totals = {c: grouped[c].transform("sum").to_numpy() for c in BOUND_COLUMNS}
    # Every row can be positive (_volumes keeps those), so the rest can be iff the group has
    # another row: say so exactly, not through a difference of sums that may round to 0.
    others = grouped["tiv_high"].transform("size").to_numpy() > 1
    low, high = ratio_bounds(
        parts["tiv_low"].to_numpy(),
        parts["tiv_high"].to_numpy(),
        totals["tiv_low"] - parts["tiv_low"].to_numpy(),
        _possible(totals["tiv_high"] - parts["tiv_high"].to_numpy(), others),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        share = parts["tiv"].to_numpy() / totals["tiv"]
    return parts.assign(share=share, share_low=low, share_high=high)


def supplier_share_bounds(
    deals: pd.DataFrame,
    recipient: str,
    periods: Sequence[Period],
    merge_lineage: bool = False,
    *,
    mapping: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A recipient's supplier shares per period, estimated and bounded.

    Args:
        deals: The per-deal register's deals (``delivery_years``, ``tiv_delivered``).
        recipient: The importer.
        periods: ``(start, end)`` pairs; may overlap.
        merge_lineage: Count predecessor states as their successor.
        mapping: Lineage mapping override.

    Returns:
        ``start, end, supplier, tiv, tiv_low, tiv_high, share, share_low, share_high``: one
        row per supplier that can have delivered in the period, largest estimate first;
        ``share`` is the even-spread estimate (what ``shares.period_shares`` gives on the
        loader's flows), always within ``[share_low, share_high]``.
    """
    frame = _prepared(deals, merge_lineage, mapping)
    frame = frame[frame["recipient"] == recipient]
    parts = _volumes(frame, ["supplier"], periods)
    out = _shares_of(parts, ["start", "end"])
    out = out.sort_values(
        ["start", "end", "tiv", "supplier"], ascending=[True, True, False, True], kind="stable"
    )
    return out.reset_index(drop=True)


def others_bounds(table: pd.DataFrame, grouped: pd.Series, label: str = OTHERS) -> pd.DataFrame:
    """The suppliers marked by ``grouped`` as one row per period (a chart's "Others").

    Args:
        table: ``supplier_share_bounds(...)`` (every supplier of each period).
        grouped: Boolean mask over ``table``'s rows: the suppliers put together.
        label: The grouped row's supplier name.

    Returns:
        ``table``'s columns, one ``label`` row per period with grouped suppliers; its bounds
        move its deals together against every other deal of the period.
    """
    keys = ["start", "end"]
    period_totals = table.groupby(keys)[list(BOUND_COLUMNS)].sum()
    part = table[grouped.to_numpy()].groupby(keys)[[*BOUND_COLUMNS, "share"]].sum()
    totals = period_totals.loc[part.index]
    rest = table[~grouped.to_numpy()].groupby(keys).size().reindex(part.index, fill_value=0)
    low, high = ratio_bounds(
        part["tiv_low"].to_numpy(),
        part["tiv_high"].to_numpy(),
        (totals["tiv_low"] - part["tiv_low"]).to_numpy(),
        _possible((totals["tiv_high"] - part["tiv_high"]).to_numpy(), rest.to_numpy() > 0),
    )
    out = part.reset_index().assign(supplier=label, share_low=low, share_high=high)
    extra = [c for c in table.columns if c not in out.columns]
    return out.assign(**{c: pd.NA for c in extra})[list(table.columns)]


def total_bounds(
    deals: pd.DataFrame, recipient: str, periods: Sequence[Period], owner: str = "recipient"
) -> pd.DataFrame:
    """A country's total imports (``owner="recipient"``) or exports per period, with bounds.

    Returns:
        ``start, end, tiv, tiv_low, tiv_high``, one row per period (zeros when nothing can
        have been delivered).
    """
    mine = deals[deals[owner] == recipient]
    rows = []
    for start, end in periods:
        summed = deal_bounds(mine, (int(start), int(end))).sum()
        rows.append({"start": int(start), "end": int(end), **summed.to_dict()})
    out = pd.DataFrame(rows, columns=["start", "end", *BOUND_COLUMNS])
    return out.astype({c: "float64" for c in BOUND_COLUMNS} | {"start": "int64", "end": "int64"})


# --------------------------------------------------------------------------- world


def _rank_range(volumes: pd.DataFrame, country: str) -> dict[str, object]:
    """Estimated, best and worst rank of ``country`` among states with a volume."""
    states = volumes[is_rankable(volumes["country"])]
    others = states[states["country"] != country]
    mine = states[states["country"] == country]
    if mine.empty:
        return {"rank": pd.NA, "rank_best": pd.NA, "rank_worst": pd.NA}
    est, low, high = (float(mine[c].iloc[0]) for c in BOUND_COLUMNS)
    # Ties share the better rank (rank method "min", as world_shares.world_share_and_rank).
    rank = 1 + int((others["tiv"] > est).sum()) if est > 0 else pd.NA
    best = 1 + int((others["tiv_low"] > high).sum())
    worst = 1 + int((others["tiv_high"] > low).sum())
    return {"rank": rank, "rank_best": best, "rank_worst": worst}


def world_bounds(
    deals: pd.DataFrame,
    country: str,
    periods: Sequence[Period],
    side: str = "import",
    *,
    min_countries: int = 20,
) -> pd.DataFrame:
    """A country's share of world imports (or exports) and its rank, estimated and bounded.

    The world is every deal in ``deals`` (unknown parties, organisations and armed groups
    count in the total, as in SIPRI's "Total world import"); ranks are among states. A
    country's best rank has its deals at their most and everyone else's at their least; its
    worst the other way round.

    Args:
        deals: A whole-world per-deal register's deals.
        country: The importer (``side="import"``) or exporter.
        periods: ``(start, end)`` pairs.
        side: ``"import"`` or ``"export"``.
        min_countries: Fewest countries the deals must name on that side to stand for the
            world (else the result is empty).

    Returns:
        ``start, end, country, tiv, tiv_low, tiv_high, world_tiv, share, share_low,
        share_high, rank, rank_best, rank_worst, rank_can_change, countries``: one row per
        period. ``rank_worst`` counts every state that can overtake the country; when the
        country's least is 0 it may also drop out of the ranking.
    """
    if side not in ("import", "export"):
        raise ValueError("side must be 'import' or 'export'")
    owner = "recipient" if side == "import" else "supplier"
    frame = deals[deals[owner].notna()].rename(columns={owner: "country"})
    if frame["country"].nunique() < min_countries:
        return pd.DataFrame(columns=_WORLD_COLUMNS)
    rows = []
    volumes = _volumes(frame, ["country"], periods)
    for (start, end), per in volumes.groupby(["start", "end"], sort=True):
        shares = _shares_of(per, ["start"])
        mine = shares[shares["country"] == country]
        states = per[is_rankable(per["country"]) & (per["tiv"] > 0)]
        row = {"start": start, "end": end, "country": country, "world_tiv": per["tiv"].sum()}
        for col in (*BOUND_COLUMNS, "share", "share_low", "share_high"):
            row[col] = float(mine[col].iloc[0]) if len(mine) else 0.0
        row.update(_rank_range(per, country))
        row["rank_can_change"] = row["rank_best"] != row["rank_worst"]
        row["countries"] = len(states)
        rows.append(row)
    out = pd.DataFrame(rows, columns=_WORLD_COLUMNS)
    return out.astype({"rank": "Int64", "rank_best": "Int64", "rank_worst": "Int64"})


_WORLD_COLUMNS = [
    "start",
    "end",
    "country",
    *BOUND_COLUMNS,
    "world_tiv",
    "share",
    "share_low",
    "share_high",
    "rank",
    "rank_best",
    "rank_worst",
    "rank_can_change",
    "countries",
]


# --------------------------------------------------------------------------- text


def _bare(text: str) -> str:
    return text[:-1] if text.endswith("%") else text


def bounded_share_text(share: float | None, low: float | None, high: float | None) -> str:
    """An estimated share and its bounds, printed the SIPRI way (``vocab.share_text``).

    Returns:
        ``"43% (estimated; 31-50%)"``; ``"43% (estimated; 43% under any split)"`` when the
        bounds print alike; ``"n/a"`` for a missing share.
    """
    if share is None or pd.isna(share):
        return NOT_AVAILABLE
    low_text, high_text = share_text(low), share_text(high)
    if NOT_AVAILABLE in (low_text, high_text):
        return f"{share_text(share)} ({ESTIMATED})"
    if low_text == high_text:
        return f"{share_text(share)} ({ESTIMATED}; {low_text} under any split)"
    return f"{share_text(share)} ({ESTIMATED}; {_bare(low_text)}-{high_text})"


def bounded_rank_text(rank: object, best: object, worst: object) -> str:
    """An estimated rank and its range: ``"2 (estimated; 1-3)"``, ``"1 (estimated; cannot
    change)"``; ``"n/a"`` without a rank."""
    if rank is None or pd.isna(rank):
        return NOT_AVAILABLE
    if pd.isna(best) or pd.isna(worst) or int(best) == int(worst):
        return f"{int(rank)} ({ESTIMATED}; cannot change)"
    return f"{int(rank)} ({ESTIMATED}; {int(best)}-{int(worst)})"


def bounded_tiv_text(tiv: float, low: float, high: float) -> str:
    """An estimated TIV total and its bounds in millions: ``"1,234 (estimated; 1,100-1,400)"``."""
    if tiv is None or pd.isna(tiv):
        return NOT_AVAILABLE
    return f"{tiv:,.0f} ({ESTIMATED}; {low:,.0f}-{high:,.0f})"
