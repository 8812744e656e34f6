"""SIPRI-style statistics on tidy flows: period shares, change, world rank, dependency, vintages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.vocab import OTHERS, share_text

Period = tuple[int, int]

DEFAULT_PERIODS: tuple[Period, ...] = ((2009, 2013), (2019, 2023))
OTHERS_LABEL = OTHERS
TOTAL_LABEL = "Total"
_REQUIRED = ("recipient", "supplier", "year", "tiv")


# --------------------------------------------------------------------------- periods


def sipri_periods(end_year: int, count: int, width: int = 5) -> list[Period]:
    """Consecutive, non-overlapping periods ending at ``end_year``, oldest first.

    Args:
        end_year: Last year of the newest period (e.g. 2023 for 2019-23).
        count: Number of periods.
        width: Years per period (SIPRI uses 5).

    Returns:
        ``[(start, end), ...]``, e.g. ``sipri_periods(2023, 2) == [(2014, 2018), (2019, 2023)]``.
    """
    if count < 0 or width < 1:
        raise ValueError("count must be >= 0 and width >= 1")
    first_end = end_year - (count - 1) * width
    return [(e - width + 1, e) for e in range(first_end, end_year + 1, width)][:count]


def latest_complete_periods(flows: pd.DataFrame, n: int = 2, width: int = 5) -> list[Period]:
    """The ``n`` newest periods of ``width`` years that the data fully covers, oldest first.

    Coverage is the frame's first to last year: the loader already drops the unpublished
    current year (its column is empty in every row), so the last year present is the last
    complete one. Fewer than ``n`` periods are returned when the data is too short.

    Args:
        flows: Tidy flows.
        n: Number of periods wanted.
        width: Years per period.

    Returns:
        List of ``(start, end)``; empty when ``flows`` is empty.
    """
    if flows.empty:
        return []
    first, last = int(flows["year"].min()), int(flows["year"].max())
    fitting = (last - first + 1) // width
    return sipri_periods(last, min(n, fitting), width)


def _check_periods(periods: Sequence[Period]) -> list[Period]:
    checked = [(int(s), int(e)) for s, e in periods]
    for start, end in checked:
        if start > end:
            raise ValueError(f"period {start}-{end} ends before it starts")
    return checked


# --------------------------------------------------------------------------- rounding


def sipri_round(share: float) -> str:
    """SIPRI's printed share: ``analysis.vocab.share_text`` (kept under this name for callers)."""
    return share_text(share)


# --------------------------------------------------------------------------- vintages


# Scopes (analysis.sipri.SCOPES) whose rows give a complete split of an owner's trade.
COMPLETE_FOR = {"recipient": ("imports", "world"), "supplier": ("exports", "world")}


def _newest_rows(flows: pd.DataFrame, candidates: pd.Series, keys: list[pd.Series]) -> pd.Series:
    """Among ``candidates``, the rows of the newest vintage (then the latest loaded dataset)
    within each group of ``keys``."""
    stamp = flows["vintage"].fillna("").astype(str).where(candidates, "")
    keep = candidates & (stamp == stamp.groupby(keys).transform("max"))
    if "dataset_id" in flows.columns:
        ids = flows["dataset_id"].astype("Float64").fillna(-1.0).where(keep, -2.0)
        keep &= ids == ids.groupby(keys).transform("max")
    return keep


def select_vintage(
    flows: pd.DataFrame, vintage: str | None = None, owner: str = "recipient"
) -> pd.DataFrame:
    """Keep, for each country, the rows of one export when several cover it.

    SIPRI revises its whole series every spring, so summing two exports of different
    "Data generated" dates would double-count and mix revisions. Per ``owner`` country
    (the recipient for import shares, the supplier for an exporter's customers):

    - rows of exports that split its trade completely (``scope`` "imports"/"world" for a
      recipient, "exports"/"world" for a supplier) come from its newest such export only
      (then the latest loaded copy);
    - a country with no complete export falls back to partial rows (e.g. exporters' tables
      naming it), deduplicated per (recipient, supplier) pair, never per country, so two
      exporters' tables both count;
    - among complete exports, SIPRI's exact yearly volumes (TIV tables, the per-delivery
      register) are preferred to those estimated from a per-deal register;
    - totals rows (one side <NA>) are deduplicated per (recipient, supplier, scope);
      regional rows (suppliers to regions and organisations) are left out.

    Without a ``scope`` column (one export straight from the loader) rows are grouped by the
    owner and by whether they carry the supplier split.

    Args:
        flows: Flows, optionally with ``vintage``, ``dataset_id`` and ``scope`` columns.
        vintage: Keep exactly this vintage's rows instead (countries without it drop out).
        owner: "recipient" or "supplier": whose trade the caller splits.

    Returns:
        The selected rows (``flows`` itself when there is no ``vintage`` column).
    """
    if "vintage" not in flows.columns:
        return flows
    if vintage is not None:
        return flows[flows["vintage"] == vintage]
    other = "supplier" if owner == "recipient" else "recipient"
    # Sentinels instead of <NA> so that rows with one side missing still form groups.
    owner_key = flows[owner].fillna("\0").astype(str)
    other_key = flows[other].fillna("\0").astype(str)
    split = (flows[owner].notna() & flows[other].notna()).to_numpy()
    if "scope" not in flows.columns:
        everything = pd.Series(True, index=flows.index)
        keep = _newest_rows(flows, everything, [owner_key, flows["supplier"].isna()])
    else:
        scope = flows["scope"].fillna("partial").astype(str)
        complete = pd.Series(split, index=flows.index) & scope.isin(COMPLETE_FOR[owner])
        # SIPRI's own yearly volumes (TIV tables, the per-delivery register) beat yearly
        # volumes estimated from a per-deal register, whatever their vintages.
        exact = (
            flows["layout"].astype(str) != "register"
            if "layout" in flows.columns
            else pd.Series(True, index=flows.index)
        )
        ranked = flows.assign(
            vintage=exact.map({True: "1", False: "0"}) + flows["vintage"].fillna("")
        )
        keep = _newest_rows(ranked, complete, [owner_key])
        covered = owner_key.isin(set(owner_key[complete]))
        partial = pd.Series(split, index=flows.index) & ~complete & ~covered
        partial &= scope != "regional"
        keep |= _newest_rows(flows, partial, [owner_key, other_key])
        # Totals rows (one side <NA>); regional rows (regions are not countries) are left out.
        rest = ~pd.Series(split, index=flows.index) & (scope != "regional")
        keep |= _newest_rows(
            flows, rest, [flows["recipient"].fillna("\0").astype(str), other_key, scope]
        )
    if bool(keep.all()):
        return flows
    return flows[keep.to_numpy()]


def partial_owners(rows: pd.DataFrame, owner: str = "recipient") -> list[str]:
    """Countries whose split in ``rows`` comes from partial exports only (not all partners)."""
    if "scope" not in rows.columns or rows.empty:
        return []
    other = "supplier" if owner == "recipient" else "recipient"
    split = rows[rows[owner].notna() & rows[other].notna()]
    partial = split[~split["scope"].isin(COMPLETE_FOR[owner])]
    return sorted(str(n) for n in partial[owner].unique())


def _newest_vintage(frame: pd.DataFrame) -> str | None:
    if "vintage" not in frame.columns:
        return None
    stamps = frame["vintage"].dropna()
    return str(stamps.max()) if len(stamps) else None


def _stamp(result: pd.DataFrame, used: pd.DataFrame) -> pd.DataFrame:
    """Record the vintage of the rows a result was computed from."""
    result.attrs["vintage"] = _newest_vintage(used)
    return result


# --------------------------------------------------------------------------- lineage


def apply_lineage(flows: pd.DataFrame, mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Rename predecessor states to their successor (Soviet Union -> Russia, ...).

    Both supplier and recipient are renamed, so Soviet-era imports count for Russia too.
    Rows are not aggregated: the share functions sum them anyway.

    Args:
        flows: Tidy flows (or any frame with recipient/supplier columns).
        mapping: ``{old: successor}``; defaults to ``analysis.names.lineage_map()``.

    Returns:
        A copy with the names replaced.
    """
    if mapping is None:
        from analysis.names import lineage_map  # imported late: names.py is optional here

        mapping = lineage_map()
    out = flows.copy()
    for col in ("recipient", "supplier"):
        if col in out.columns:
            hit = out[col].isin(list(mapping))
            if hit.any():
                out.loc[hit, col] = out.loc[hit, col].map(mapping)
    return out


# --------------------------------------------------------------------------- core aggregation


def _prepare(
    flows: pd.DataFrame,
    merge_lineage: bool,
    vintage: str | None,
    mapping: Mapping[str, str] | None,
    owner: str = "recipient",
) -> pd.DataFrame:
    missing = [c for c in _REQUIRED if c not in flows.columns]
    if missing:
        raise ValueError(f"flows lack column(s) {', '.join(missing)}")
    # The loader's flows.attrs["totals"] (SIPRI's Total rows) are read by _sipri_totals before
    # this point; work on a view without attrs so they do not travel into every result.
    frame = flows.copy(deep=False)
    frame.attrs = {}
    frame = select_vintage(frame, vintage, owner)
    if frame["tiv"].isna().any():  # NaN means no delivery; skip the copy when there is none
        frame = frame[frame["tiv"].notna()]
    if merge_lineage:
        frame = apply_lineage(frame, mapping)
    return frame


def _lineage_name(name: str | None, merge_lineage: bool, mapping) -> str | None:
    if name is None or not merge_lineage:
        return name
    if mapping is None:
        from analysis.names import lineage_map

        mapping = lineage_map()
    return mapping.get(name, name)


def _split_rows(frame: pd.DataFrame, owner: str, part: str, owner_name: str | None):
    """Rows where both ``owner`` and ``part`` are named, narrowed to one owner if given."""
    mask = None
    if owner_name is not None:
        mask = (frame[owner] == owner_name).to_numpy()
    else:
        nulls = frame[owner].isna().to_numpy()
        if nulls.any():
            mask = ~nulls
    nulls = frame[part].isna().to_numpy()
    if nulls.any():
        mask = ~nulls if mask is None else mask & ~nulls
    return frame if mask is None else frame[mask]


def _overlapping(periods: list[Period]) -> bool:
    ordered = sorted(periods)
    return any(b[0] <= a[1] for a, b in zip(ordered, ordered[1:], strict=False))


def _period_codes(years: np.ndarray, periods: list[Period]) -> np.ndarray:
    """Index into ``periods`` for each year, -1 outside every period (periods are disjoint)."""
    lo = min(s for s, _ in periods)
    hi = max(e for _, e in periods)
    lookup = np.full(hi - lo + 1, -1, dtype=np.int64)
    for i, (start, end) in enumerate(periods):
        lookup[start - lo : end - lo + 1] = i
    inside = (years >= lo) & (years <= hi)
    codes = np.full(len(years), -1, dtype=np.int64)
    codes[inside] = lookup[years[inside] - lo]
    return codes


def _aggregate(
    rows: pd.DataFrame,
    owner: str,
    part: str,
    periods: list[Period],
    keep_owner: bool,
    sipri_totals: dict[tuple[str, int], float] | None = None,
) -> pd.DataFrame:
    """TIV per (period, owner, part) and the part's share of the owner's period total."""
    codes = _period_codes(rows["year"].to_numpy(dtype=np.int64), periods)
    inside = codes >= 0
    if not inside.all():
        rows = rows[inside]
        codes = codes[inside]
    # Owner first so that results for every recipient come out grouped by recipient.
    keys = [rows[owner], pd.Series(codes, index=rows.index, name="_period"), rows[part]]
    has_vintage = "vintage" in rows.columns
    grouped = rows.groupby(keys, sort=True, observed=True, dropna=True)
    if has_vintage:
        agg = grouped.agg(tiv=("tiv", "sum"), vintage=("vintage", "max"))
    else:
        agg = grouped["tiv"].sum().to_frame()
    owners = agg.index.get_level_values(0)
    code = agg.index.get_level_values(1).to_numpy(dtype=np.int64)
    tiv = agg["tiv"].to_numpy()
    # Result rows come sorted by (owner, period), so a new group starts where either changes.
    owner_codes = pd.factorize(owners)[0]
    starts = np.ones(len(agg), dtype=bool)
    starts[1:] = (code[1:] != code[:-1]) | (owner_codes[1:] != owner_codes[:-1])
    group_id = np.cumsum(starts) - 1
    totals = np.bincount(group_id, weights=tiv) if len(tiv) else np.zeros(0)
    if sipri_totals:
        totals = _sipri_denominators(totals, starts, owners, code, periods, sipri_totals)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = tiv / totals[group_id]
    bounds = np.array(periods, dtype=np.int64).reshape(-1, 2)
    columns = {}
    if keep_owner:
        columns[owner] = owners.astype("str")
    columns["start"] = bounds[code, 0]
    columns["end"] = bounds[code, 1]
    columns[part] = agg.index.get_level_values(2).astype("str")
    columns["tiv"] = tiv.astype("float64")
    columns["share"] = share
    if has_vintage:
        columns["vintage"] = agg["vintage"].to_numpy()
    out = pd.DataFrame(columns)
    # lexsort is stable, so suppliers with equal TIV keep their name order.
    order = np.lexsort((-tiv, group_id))  # (owner, period) groups, largest first within
    return out.iloc[order].reset_index(drop=True)


def _sipri_totals(
    flows: pd.DataFrame, owner: str, datasets: set[int] | None = None
) -> dict[tuple[str, int], float] | None:
    """(owner, year) -> SIPRI's own Total row, from the loader's ``flows.attrs["totals"]``.

    A table's Total row is rounded once per year, while the supplier cells are rounded one by
    one, so SIPRI's published shares match the Total row (India 2019-23: Russia 5,014 / 13,753
    = 36.46%) better than the sum of the rounded supplier cells (5,014 / 13,757 = 36.45%).
    """
    records = flows.attrs.get("totals")
    if not records:
        return None
    side = "import" if owner == "recipient" else "export"
    out: dict[tuple[str, int], float] = {}
    for record in records:
        recipient, supplier, year, tiv, kind = record[:5]
        # Store records name their dataset: use only the Total rows of the exports kept.
        if datasets is not None and len(record) > 5 and record[5] not in datasets:
            continue
        name = recipient if owner == "recipient" else supplier
        other = supplier if owner == "recipient" else recipient
        if kind == side and isinstance(name, str) and not isinstance(other, str):
            out[(name, int(year))] = float(tiv)
    return out or None


def _sipri_denominators(totals, starts, owners, code, periods, sipri_totals) -> np.ndarray:
    """Swap each (owner, period) sum for SIPRI's Total row where that row covers the period.

    The swap is only made when the Total row agrees with the sum of the cells within rounding
    (half a unit per cell and year), so totals from another table or a merged lineage never
    distort a share.
    """
    out = totals.copy()
    group_starts = np.flatnonzero(starts)
    for g, first in enumerate(group_starts):
        owner_name = owners[first]
        start, end = periods[code[first]]
        years = range(start, end + 1)
        if not all((owner_name, y) in sipri_totals for y in years):
            continue
        published = sum(sipri_totals[(owner_name, y)] for y in years)
        n_cells = (group_starts[g + 1] if g + 1 < len(group_starts) else len(starts)) - first
        if abs(published - totals[g]) <= 0.5 * n_cells * len(years) + 1:
            out[g] = published
    return out


def _shares(
    flows: pd.DataFrame,
    owner: str,
    part: str,
    owner_name: str | None,
    periods: Sequence[Period],
    merge_lineage: bool,
    vintage: str | None,
    mapping: Mapping[str, str] | None,
) -> pd.DataFrame:
    periods = _check_periods(periods)
    frame = _prepare(flows, merge_lineage, vintage, mapping, owner)
    kept = set(frame["dataset_id"].dropna().astype(int)) if "dataset_id" in frame else None
    sipri_totals = None if merge_lineage else _sipri_totals(flows, owner, kept)
    owner_name = _lineage_name(owner_name, merge_lineage, mapping)
    rows = _split_rows(frame, owner, part, owner_name)
    keep_owner = owner_name is None
    if not periods:
        out = _aggregate(rows.iloc[:0], owner, part, [(0, 0)], keep_owner)
    elif _overlapping(periods):
        # Overlapping periods (2009-13 and 2010-14) cannot share one year->period lookup.
        parts = [_aggregate(rows, owner, part, [p], keep_owner, sipri_totals) for p in periods]
        out = pd.concat(parts, ignore_index=True)
    else:
        out = _aggregate(rows, owner, part, sorted(periods), keep_owner, sipri_totals)
    out.attrs["partial"] = partial_owners(rows, owner)
    return _stamp(out, rows)


def period_shares(
    flows: pd.DataFrame,
    recipient: str | None = "India",
    periods: Sequence[Period] = DEFAULT_PERIODS,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each supplier's share of a recipient's imports over 5-year (or any) periods.

    SIPRI's share is the supplier's TIV summed over the period divided by the recipient's
    total over the same years (not an average of yearly shares); the denominator is every
    supplier's TIV, unknown suppliers included. Rows with supplier <NA> (all-importers
    tables) carry no supplier split and are ignored.

    Args:
        flows: Tidy flows (recipient, supplier, year, tiv; optional vintage, dataset_id).
        recipient: Importer to analyse; None computes every recipient at once.
        periods: ``(start, end)`` year pairs, inclusive; may overlap.
        merge_lineage: Count predecessor states as their successor (Soviet Union as Russia).
        vintage: Use this export vintage instead of the newest per recipient.
        mapping: Lineage mapping to use instead of ``analysis.names.lineage_map()``.

    Returns:
        Columns ``[recipient,] start, end, supplier, tiv, share[, vintage]``: one row per
        supplier with a delivery in the period, largest first; share is a fraction that sums
        to 1 per period (NaN if the period's total is 0). ``attrs["vintage"]`` holds the
        newest vintage used.
    """
    return _shares(
        flows, "recipient", "supplier", recipient, periods, merge_lineage, vintage, mapping
    )


def customers(
    flows: pd.DataFrame,
    supplier: str,
    periods: Sequence[Period] | None = None,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """An exporter's customers: each recipient's share of the supplier's exports.

    Args:
        flows: Tidy flows.
        supplier: Exporter to analyse.
        periods: Periods to sum over; None gives one row per recipient and year instead.
        merge_lineage: Count predecessor states as their successor.
        vintage: Use this export vintage instead of the newest per recipient.
        mapping: Lineage mapping override.

    Returns:
        ``start, end, recipient, tiv, share`` (or ``year, recipient, tiv, share``), plus
        ``vintage`` when the input has one; shares sum to 1 per period or year.
    """
    if periods is None:
        return _yearly(flows, "supplier", "recipient", supplier, merge_lineage, vintage, mapping)
    return _shares(
        flows, "supplier", "recipient", supplier, periods, merge_lineage, vintage, mapping
    )


def _yearly(flows, owner, part, owner_name, merge_lineage, vintage, mapping) -> pd.DataFrame:
    frame = _prepare(flows, merge_lineage, vintage, mapping, owner)
    name = _lineage_name(owner_name, merge_lineage, mapping)
    rows = _split_rows(frame, owner, part, name)
    if rows.empty:
        years: list[Period] = [(0, 0)]
    else:
        years = [(y, y) for y in range(int(rows["year"].min()), int(rows["year"].max()) + 1)]
    out = _aggregate(rows, owner, part, years, keep_owner=name is None)
    out = out.rename(columns={"start": "year"}).drop(columns="end")
    out.attrs["partial"] = partial_owners(rows, owner)
    return _stamp(out, rows)


def yearly_shares(
    flows: pd.DataFrame,
    recipient: str | None = "India",
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each supplier's share of a recipient's imports, year by year.

    Args:
        flows: Tidy flows.
        recipient: Importer; None for every recipient (adds a recipient column).
        merge_lineage: Count predecessor states as their successor.
        vintage: Use this export vintage instead of the newest per recipient.
        mapping: Lineage mapping override.

    Returns:
        ``[recipient,] year, supplier, tiv, share[, vintage]``; shares sum to 1 per year.
    """
    return _yearly(flows, "recipient", "supplier", recipient, merge_lineage, vintage, mapping)


# --------------------------------------------------------------------------- volumes


def moving_average(
    flows: pd.DataFrame,
    recipient: str = "India",
    window: int = 5,
    *,
    vintage: str | None = None,
) -> pd.DataFrame:
    """Yearly import volume and its trailing moving average (SIPRI fact-sheet figure 1).

    Years without deliveries count as 0. The volume is the sum over suppliers; when the
    recipient only appears in an all-importers table (supplier <NA>) that table is used.

    Args:
        flows: Tidy flows.
        recipient: Importer.
        window: Years averaged; the value at year Y averages Y-window+1 .. Y.
        vintage: Use this export vintage instead of the newest.

    Returns:
        ``year, tiv, moving_average[, vintage]``; the average is NaN for the first
        ``window - 1`` years.
    """
    frame = _prepare(flows, False, vintage, None)
    mine = frame[frame["recipient"] == recipient]
    split = mine[mine["supplier"].notna()]
    used = split if len(split) else mine
    yearly = used.groupby("year")["tiv"].sum()
    if len(yearly):
        yearly = yearly.reindex(range(int(yearly.index.min()), int(yearly.index.max()) + 1))
    yearly = yearly.fillna(0.0).astype("float64")
    out = pd.DataFrame(
        {
            "year": yearly.index.to_numpy(dtype=np.int64),
            "tiv": yearly.to_numpy(),
            "moving_average": yearly.rolling(window, min_periods=window).mean().to_numpy(),
        }
    )
    if "vintage" in frame.columns:
        out["vintage"] = _newest_vintage(used)
    return _stamp(out, used)


def period_change(
    flows: pd.DataFrame,
    recipient: str,
    before: Period,
    after: Period,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Volume change (%) and share change (percentage points) between two periods.

    Args:
        flows: Tidy flows.
        recipient: Importer.
        before: Earlier period ``(start, end)``.
        after: Later period.
        merge_lineage: Count predecessor states as their successor.
        vintage: Use this export vintage instead of the newest.
        mapping: Lineage mapping override.

    Returns:
        One row per supplier present in either period, then a ``"Total"`` row for the
        recipient: ``supplier, tiv_before, tiv_after, volume_change_pct, share_before,
        share_after, share_change_pp[, vintage]``. ``volume_change_pct`` is NaN for a
        supplier absent before (growth from zero has no percentage).
    """
    shares = _shares(
        flows, "recipient", "supplier", recipient, [before, after], merge_lineage, vintage, mapping
    )
    first = shares[(shares["start"] == before[0]) & (shares["end"] == before[1])]
    second = shares[(shares["start"] == after[0]) & (shares["end"] == after[1])]
    merged = pd.merge(
        first[["supplier", "tiv", "share"]],
        second[["supplier", "tiv", "share"]],
        on="supplier",
        how="outer",
        suffixes=("_before", "_after"),
    )
    merged = merged.sort_values(["tiv_after", "tiv_before"], ascending=False, kind="stable")
    total = pd.DataFrame(
        {
            "supplier": [TOTAL_LABEL],
            "tiv_before": [first["tiv"].sum()],
            "share_before": [1.0 if first["tiv"].sum() > 0 else np.nan],
            "tiv_after": [second["tiv"].sum()],
            "share_after": [1.0 if second["tiv"].sum() > 0 else np.nan],
        }
    )
    out = pd.concat([merged, total], ignore_index=True)
    for col in ("tiv_before", "tiv_after", "share_before", "share_after"):
        out[col] = out[col].astype("float64").fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        change = (out["tiv_after"] - out["tiv_before"]) / out["tiv_before"] * 100
    out["volume_change_pct"] = change.where(out["tiv_before"] > 0)
    out["share_change_pp"] = (out["share_after"] - out["share_before"]) * 100
    out["supplier"] = out["supplier"].astype("str")
    cols = [
        "supplier",
        "tiv_before",
        "tiv_after",
        "volume_change_pct",
        "share_before",
        "share_after",
        "share_change_pp",
    ]
    out = out[cols]
    if "vintage" in shares.columns:
        out["vintage"] = shares.attrs["vintage"]
    out.attrs["vintage"] = shares.attrs["vintage"]
    return out


# --------------------------------------------------------------------------- world share


def _is_region(name: str) -> bool:
    from analysis.names import name_kind

    return name_kind(name) == "region"


def _is_rankable(names: pd.Series) -> np.ndarray:
    """States only: SIPRI marks armed groups ``*``, organisations ``**``; unknowns are unnamed."""
    text = names.astype(str)
    return (~text.str.endswith("*") & ~text.str.lower().str.startswith("unknown")).to_numpy()


def world_share_and_rank(
    flows: pd.DataFrame,
    recipient: str,
    periods: Sequence[Period],
    side: str = "import",
    *,
    vintage: str | None = None,
    min_countries: int = 20,
) -> pd.DataFrame:
    """A country's share of world imports (or exports) per period and its rank.

    Sources, first present wins: for imports an all-importers table (rows with supplier
    <NA>), for exports an all-exporters table (recipient <NA>), otherwise world-wide flows
    (both named). World-wide flows only count when they name at least ``min_countries``
    countries on that side: a single country's table would otherwise make it "100% of the
    world". The world total includes unknown parties, organisations and armed groups (as
    SIPRI's "Total world import" does); the rank is among states only.

    Args:
        flows: Tidy flows.
        recipient: The country (an importer for ``side="import"``, an exporter otherwise).
        periods: ``(start, end)`` pairs.
        side: ``"import"`` or ``"export"``.
        vintage: Use this export vintage instead of the newest.
        min_countries: Fewest countries world-wide flows must name to stand for the world.

    Returns:
        ``start, end, country, tiv, world_tiv, share, rank, countries, complete, source
        [, vintage]``: one row per period (rank <NA> when the country has no volume;
        ``complete`` says whether the source spans the period); empty when no source is
        loaded. ``attrs["source"]`` names the source used.
    """
    if side not in ("import", "export"):
        raise ValueError("side must be 'import' or 'export'")
    country_col, other_col = (
        ("recipient", "supplier") if side == "import" else ("supplier", "recipient")
    )
    periods = _check_periods(periods)
    frame = _prepare(flows, False, vintage, None, country_col)
    # Never the world: weapon-category totals, regions (a regional table), or one country's
    # partners (a single country's table or a register between named countries).
    frame = frame[frame["category"].isna()] if "category" in frame.columns else frame
    if "scope" in frame.columns:
        totals_scope = "importer_totals" if side == "import" else "exporter_totals"
        table = frame[frame["scope"] == totals_scope]
        world = frame[frame["scope"] == "world"]
    else:
        table = frame[frame[other_col].isna() & frame[country_col].notna()]
        world = frame[frame[other_col].notna() & frame[country_col].notna()]
        regional = frame[country_col].map(_is_region, na_action="ignore").fillna(False)
        world = world[~regional[world.index].astype(bool)]
    table = table[table[country_col].notna()]
    source = "all-importers table" if side == "import" else "all-exporters table"
    if table.empty:
        table = world[world[other_col].notna() & world[country_col].notna()]
        source = "world-wide flows"
        if table[country_col].nunique() < min_countries:
            table = table.iloc[:0]
    columns = ["start", "end", "country", "tiv", "world_tiv", "share", "rank", "countries"]
    rows = []
    if not table.empty:
        first, last = int(table["year"].min()), int(table["year"].max())
        for start, end in periods:
            within = table[(table["year"] >= start) & (table["year"] <= end)]
            volume = within.groupby(country_col)["tiv"].sum()
            world = float(volume.sum())
            states = volume[_is_rankable(volume.index.to_series())]
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
                    "vintage": _newest_vintage(within),
                }
            )
    out = pd.DataFrame(rows, columns=[*columns, "complete", "source", "vintage"])
    out = out.astype(
        {
            "start": "int64",
            "end": "int64",
            "rank": "Int64",
            "countries": "int64",
            "complete": "bool",
        }
    )
    out = out.astype({"country": "str", "source": "str", "tiv": "float64", "world_tiv": "float64"})
    out["share"] = out["share"].astype("float64")
    if "vintage" not in frame.columns:
        out = out.drop(columns="vintage")
    out.attrs["source"] = source if rows else None
    return _stamp(out, table)


# --------------------------------------------------------------------------- summaries


def top_suppliers(
    shares_or_flows: pd.DataFrame, n: int = 5, others_label: str = OTHERS_LABEL
) -> pd.DataFrame:
    """Keep the ``n`` largest suppliers and group the rest as ``others_label``.

    The same suppliers are kept in every period/year (chosen by TIV over the whole frame,
    per recipient), so a stacked chart keeps each supplier's colour across periods.

    Args:
        shares_or_flows: A result of ``period_shares``/``yearly_shares`` (has ``share``),
            or tidy flows, which are summed over all their years per recipient first.
        n: Number of suppliers kept.
        others_label: Label of the grouped remainder.

    Returns:
        The same columns as the input shares (or ``recipient, supplier, tiv, share`` for
        flows), the kept suppliers largest first and one ``others_label`` row per group
        when anything was grouped.
    """
    if "share" in shares_or_flows.columns:
        shares = shares_or_flows
    else:
        rows = _split_rows(
            _prepare(shares_or_flows, False, None, None), "recipient", "supplier", None
        )
        shares = rows.groupby(["recipient", "supplier"], as_index=False)["tiv"].sum()
        shares["share"] = shares["tiv"] / shares.groupby("recipient")["tiv"].transform("sum")
        shares = shares.sort_values(["recipient", "tiv"], ascending=[True, False], kind="stable")
    per = [c for c in ("recipient",) if c in shares.columns]
    groups = [c for c in ("recipient", "start", "end", "year") if c in shares.columns]
    totals = shares.groupby([*per, "supplier"], as_index=False)["tiv"].sum()
    totals = totals.sort_values(
        [*per, "tiv", "supplier"], ascending=[*[True] * len(per), False, True]
    )
    kept = totals.groupby(per).head(n) if per else totals.head(n)
    kept_keys = pd.MultiIndex.from_frame(kept[[*per, "supplier"]])
    is_kept = pd.MultiIndex.from_frame(shares[[*per, "supplier"]]).isin(kept_keys)
    top = shares[is_kept]
    rest = shares[~is_kept]
    if rest.empty:
        out = top.reset_index(drop=True)
    else:
        agg = {"tiv": ("tiv", "sum"), "share": ("share", "sum")}
        if "vintage" in rest.columns:
            agg["vintage"] = ("vintage", "max")
        others = rest.groupby(groups, as_index=False).agg(**agg) if groups else None
        if others is None:
            others = pd.DataFrame({k: [rest[c].agg(f)] for k, (c, f) in agg.items()})
        others["supplier"] = others_label
        out = pd.concat([top, others[shares.columns]], ignore_index=True)
        # Others last within each group; kept suppliers keep their largest-first order.
        out["_others"] = out["supplier"] == others_label
        out = out.sort_values([*groups, "_others"], kind="stable").drop(columns="_others")
        out = out.reset_index(drop=True)
    out["supplier"] = out["supplier"].astype("str")
    out.attrs["vintage"] = shares_or_flows.attrs.get("vintage", _newest_vintage(shares_or_flows))
    return out


# SIPRI names may hold commas ("Korea, South" in older exports): top-3 names are joined by "; ".
TOP3_SEPARATOR = "; "


def _join_names(names: pd.Series) -> str:
    return TOP3_SEPARATOR.join(str(n) for n in names.dropna())


def dependency(
    flows: pd.DataFrame,
    recipient: str | None = "India",
    periods: Sequence[Period] = DEFAULT_PERIODS,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """How concentrated a recipient's imports are: top supplier's share, top-3 share, HHI.

    The Herfindahl-Hirschman index is the sum of squared shares on a 0..1 scale (1 = one
    supplier only; multiply by 10,000 for the antitrust convention). Unknown suppliers
    count as one supplier, as they do in SIPRI's denominators. The top-3 share is the
    combined share of the three largest suppliers (all of them when there are fewer).

    Args:
        flows: Tidy flows.
        recipient: Importer; None for every recipient.
        periods: ``(start, end)`` pairs.
        merge_lineage: Count predecessor states as their successor.
        vintage: Use this export vintage instead of the newest.
        mapping: Lineage mapping override.

    Returns:
        ``[recipient,] start, end, top_supplier, top_share, top3_suppliers, top3_share, hhi,
        suppliers[, vintage]``: one row per period with deliveries; ``top3_suppliers`` names
        the three largest suppliers, largest first, joined by ``TOP3_SEPARATOR``.
    """
    shares = period_shares(
        flows, recipient, periods, merge_lineage, vintage=vintage, mapping=mapping
    )
    keys = [c for c in ("recipient", "start", "end") if c in shares.columns]
    # period_shares sorts largest first within each group, so the first row is the top one
    # and the first three are the top three (equal volumes keep their name order).
    in_top3 = shares.groupby(keys, sort=False).cumcount() < 3
    grouped = shares.assign(
        _sq=shares["share"] ** 2,
        _top3=shares["share"].where(in_top3),
        _top3_name=shares["supplier"].astype("object").where(in_top3),
    ).groupby(keys, sort=True)
    agg = {
        "top_supplier": ("supplier", "first"),
        "top_share": ("share", "first"),
        "top3_suppliers": ("_top3_name", _join_names),
        "top3_share": ("_top3", "sum"),
        "hhi": ("_sq", "sum"),
        "suppliers": ("supplier", "size"),
    }
    if "vintage" in shares.columns:
        agg["vintage"] = ("vintage", "max")
    out = grouped.agg(**agg).reset_index()
    out["top_supplier"] = out["top_supplier"].astype("str")
    out["top3_suppliers"] = out["top3_suppliers"].astype("str")
    out["top3_share"] = out["top3_share"].astype("float64")
    out.attrs["vintage"] = shares.attrs["vintage"]
    return out


# --------------------------------------------------------------------------- deals, events


def latest_deals(deals: pd.DataFrame) -> pd.DataFrame:
    """Each deal once: the copy from the newest register among those that list it.

    Registers of different vintages (or layouts: the 2014 report, today's per-deal export)
    list the same deal again, sometimes with revised numbers. A deal is known by recipient,
    supplier, designation and order year; registers covering different deals all count.
    """
    if deals.empty or "vintage" not in deals.columns:
        return deals
    keys = [
        deals[col].astype("object").where(deals[col].notna(), "\0").astype(str)
        for col in ("recipient", "supplier", "designation", "order_year")
    ]
    keep = _newest_rows(deals, pd.Series(True, index=deals.index), keys)
    return deals if bool(keep.all()) else deals[keep.to_numpy()]


def orders_pipeline(deals: pd.DataFrame, recipient: str | None = None) -> pd.DataFrame:
    """TIV ordered but not yet delivered, by supplier (the order backlog).

    Pending is ``tiv_order - tiv_delivered`` clipped at 0 per deal (deliveries can exceed
    the order after SIPRI's rounding). Deals without ``tiv_order`` cannot be valued and
    are left out; their count is in ``attrs["excluded_deals"]``. Beware registers exported
    for a year range: their delivered TIV covers only those years, so pending is overstated.

    Args:
        deals: Deals frame (analysis.schema DEAL_COLUMNS; optional vintage, dataset_id).
        recipient: Restrict to one importer's deals.

    Returns:
        ``supplier, tiv_order, tiv_delivered, tiv_pending, deals`` largest backlog first.
    """
    frame = latest_deals(deals)
    if recipient is not None:
        frame = frame[frame["recipient"] == recipient]
    valued = frame["tiv_order"].notna()
    excluded = int((~valued).sum())
    frame = frame[valued]
    order = frame["tiv_order"].astype("float64")
    delivered = frame["tiv_delivered"].astype("float64").fillna(0.0)
    work = pd.DataFrame(
        {
            "supplier": frame["supplier"].astype("str"),
            "tiv_order": order,
            "tiv_delivered": delivered,
            "tiv_pending": (order - delivered).clip(lower=0.0),
        }
    )
    out = work.groupby("supplier", as_index=False).agg(
        tiv_order=("tiv_order", "sum"),
        tiv_delivered=("tiv_delivered", "sum"),
        tiv_pending=("tiv_pending", "sum"),
        deals=("tiv_order", "size"),
    )
    out = out.sort_values(["tiv_pending", "supplier"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    if "vintage" in frame.columns:
        out["vintage"] = _newest_vintage(frame)
    out.attrs["excluded_deals"] = excluded
    return _stamp(out, frame)


def event_window(
    flows: pd.DataFrame,
    recipient: str,
    date: dt.date | str | pd.Timestamp,
    years: int = 5,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Supplier shares in the ``years`` full years before an event vs from the event year on.

    Flows are yearly, so the event's year has to fall on one side: it is counted as the
    first "after" year (an event in Feb 2022 changes most of 2022's deliveries less than it
    changes what follows, but the year cannot be split, and "before" then stays untouched
    by the event). Before = ``Y-years .. Y-1``, after = ``Y .. Y+years-1``.

    Args:
        flows: Tidy flows.
        recipient: Importer.
        date: Event date.
        years: Window length in years on each side.
        merge_lineage: Count predecessor states as their successor.
        vintage: Use this export vintage instead of the newest.
        mapping: Lineage mapping override.

    Returns:
        ``period_shares`` columns plus ``window`` ("before"/"after") and ``complete``
        (whether the data reaches both ends of that window).
    """
    year = pd.Timestamp(date).year
    before, after = (year - years, year - 1), (year, year + years - 1)
    shares = period_shares(
        flows, recipient, [before, after], merge_lineage, vintage=vintage, mapping=mapping
    )
    first = int(flows["year"].min()) if len(flows) else 0
    last = int(flows["year"].max()) if len(flows) else -1
    shares["window"] = np.where(shares["start"] == before[0], "before", "after")
    shares["window"] = shares["window"].astype("str")
    shares["complete"] = (shares["start"] >= first) & (shares["end"] <= last)
    return shares
