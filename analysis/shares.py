"""SIPRI-style statistics on tidy flows: period and yearly shares, customers, the import volume's
moving average, dependency (concentration). Elsewhere: period_change.py, world_shares.py
(world share and rank), top_suppliers.py, pipeline.py (deals), event_window.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.names import lineage_map
from analysis.results import (
    DEPENDENCY,
    PERIOD_SHARES,
    YEARLY_SHARES,
    Columns,
    Flows,
    LoadedFlows,
    Shares,
    estimated_rows,
    loaded,
    newest_vintage,
    validate,
)
from analysis.vintages import choose, partial_owners
from analysis.vocab import moving_average as vocab_moving_average

Period = tuple[int, int]

DEFAULT_PERIODS: tuple[Period, ...] = ((2009, 2013), (2019, 2023))
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


def check_periods(periods: Sequence[Period]) -> list[Period]:
    checked = [(int(s), int(e)) for s, e in periods]
    for start, end in checked:
        if start > end:
            raise ValueError(f"period {start}-{end} ends before it starts")
    return checked


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
    flows: Flows,
    merge_lineage: bool,
    vintage: str | None,
    mapping: Mapping[str, str] | None,
    owner: str = "recipient",
) -> LoadedFlows:
    """The rows a statistic uses: one export per country (chosen once, see ``choose``), with
    deliveries only, lineage merged when asked; SIPRI's Total rows travel beside them."""
    flows = loaded(flows)
    missing = [c for c in _REQUIRED if c not in flows.frame.columns]
    if missing:
        raise ValueError(f"flows lack column(s) {', '.join(missing)}")
    chosen = choose(flows, owner, vintage)
    frame = chosen.frame
    if frame["tiv"].isna().any():  # NaN means no delivery; skip the copy when there is none
        frame = frame[frame["tiv"].notna()]
    if merge_lineage:
        frame = apply_lineage(frame, mapping)
    return chosen.with_frame(frame)


def _result(
    table: pd.DataFrame, flows: LoadedFlows, rows: pd.DataFrame, owner: str, columns: Columns
) -> Shares:
    """``table`` with the provenance of the ``rows`` it was computed from."""
    return Shares(
        validate(table, columns),
        vintage=newest_vintage(rows),
        sources=flows.sources_of(rows),
        estimated=estimated_rows(rows),
        partial=tuple(partial_owners(rows, owner)),
    )


def _lineage_name(name: str | None, merge_lineage: bool, mapping) -> str | None:
    if name is None or not merge_lineage:
        return name
    if mapping is None:
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
    flows: LoadedFlows, owner: str, datasets: set[int] | None = None
) -> dict[tuple[str, int], float] | None:
    """(owner, year) -> SIPRI's own Total row, from the loaded flows' ``totals``.

    A table's Total row is rounded once per year, while the supplier cells are rounded one by
    one, so SIPRI's published shares match the Total row (India 2019-23: Russia 5,014 / 13,753
    = 36.46%) better than the sum of the rounded supplier cells (5,014 / 13,757 = 36.45%).
    """
    side = "import" if owner == "recipient" else "export"
    out: dict[tuple[str, int], float] = {}
    for total in flows.totals:
        # Stored Total rows name their dataset: use only those of the exports kept.
        if datasets is not None and total.dataset_id is not None:
            if total.dataset_id not in datasets:
                continue
        name = total.recipient if owner == "recipient" else total.supplier
        other = total.supplier if owner == "recipient" else total.recipient
        if total.side == side and isinstance(name, str) and not isinstance(other, str):
            out[(name, int(total.year))] = float(total.tiv)
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
    flows: Flows,
    owner: str,
    part: str,
    owner_name: str | None,
    periods: Sequence[Period],
    merge_lineage: bool,
    vintage: str | None,
    mapping: Mapping[str, str] | None,
) -> Shares:
    periods = check_periods(periods)
    prepared = _prepare(flows, merge_lineage, vintage, mapping, owner)
    frame = prepared.frame
    kept = set(frame["dataset_id"].dropna().astype(int)) if "dataset_id" in frame else None
    sipri_totals = None if merge_lineage else _sipri_totals(prepared, owner, kept)
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
    return _result(out, prepared, rows, owner, PERIOD_SHARES)


def period_shares(
    flows: Flows,
    recipient: str | None = "India",
    periods: Sequence[Period] = DEFAULT_PERIODS,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Shares:
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
        ``Shares`` whose table has columns ``[recipient,] start, end, supplier, tiv,
        share[, vintage]``: one row per supplier with a delivery in the period, largest first;
        share is a fraction that sums to 1 per period (NaN if the period's total is 0). The
        result's vintage is the newest one used, its sources the exports used.
    """
    return _shares(
        flows, "recipient", "supplier", recipient, periods, merge_lineage, vintage, mapping
    )


def customers(
    flows: Flows,
    supplier: str,
    periods: Sequence[Period] | None = None,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Shares:
    """An exporter's customers: each recipient's share of the supplier's exports.

    Args:
        flows: Tidy flows.
        supplier: Exporter to analyse.
        periods: Periods to sum over; None gives one row per recipient and year instead.
        merge_lineage: Count predecessor states as their successor.
        vintage: Use this export vintage instead of the newest per recipient.
        mapping: Lineage mapping override.

    Returns:
        ``Shares`` of ``start, end, recipient, tiv, share`` (or ``year, recipient, tiv,
        share``), plus ``vintage`` when the input has one; shares sum to 1 per period or year.
    """
    if periods is None:
        return _yearly(flows, "supplier", "recipient", supplier, merge_lineage, vintage, mapping)
    return _shares(
        flows, "supplier", "recipient", supplier, periods, merge_lineage, vintage, mapping
    )


def _yearly(flows, owner, part, owner_name, merge_lineage, vintage, mapping) -> Shares:
    prepared = _prepare(flows, merge_lineage, vintage, mapping, owner)
    frame = prepared.frame
    name = _lineage_name(owner_name, merge_lineage, mapping)
    rows = _split_rows(frame, owner, part, name)
    if rows.empty:
        years: list[Period] = [(0, 0)]
    else:
        years = [(y, y) for y in range(int(rows["year"].min()), int(rows["year"].max()) + 1)]
    out = _aggregate(rows, owner, part, years, keep_owner=name is None)
    out = out.rename(columns={"start": "year"}).drop(columns="end")
    return _result(out, prepared, rows, owner, YEARLY_SHARES)


def yearly_shares(
    flows: Flows,
    recipient: str | None = "India",
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Shares:
    """Each supplier's share of a recipient's imports, year by year.

    Args:
        flows: Tidy flows.
        recipient: Importer; None for every recipient (adds a recipient column).
        merge_lineage: Count predecessor states as their successor.
        vintage: Use this export vintage instead of the newest per recipient.
        mapping: Lineage mapping override.

    Returns:
        ``Shares`` of ``[recipient,] year, supplier, tiv, share[, vintage]``; shares sum to 1
        per year.
    """
    return _yearly(flows, "recipient", "supplier", recipient, merge_lineage, vintage, mapping)


# --------------------------------------------------------------------------- volumes


def moving_average(
    flows: Flows,
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
    frame = _prepare(flows, False, vintage, None).frame
    mine = frame[frame["recipient"] == recipient]
    split = mine[mine["supplier"].notna()]
    used = split if len(split) else mine
    yearly = used.groupby("year")["tiv"].sum()
    if len(yearly):
        yearly = yearly.reindex(range(int(yearly.index.min()), int(yearly.index.max()) + 1))
    yearly = yearly.fillna(0.0).astype("float64")
    average = vocab_moving_average(used, window=window, centred=False)  # trailing, as SIPRI's
    out = pd.DataFrame(
        {
            "year": yearly.index.to_numpy(dtype=np.int64),
            "tiv": yearly.to_numpy(),
            "moving_average": average.reindex(yearly.index).to_numpy(dtype="float64"),
        }
    )
    if "vintage" in frame.columns:
        out["vintage"] = newest_vintage(used)
    return out


# --------------------------------------------------------------------------- summaries


# --------------------------------------------------------------------------- deals, events


# SIPRI names may hold commas ("Korea, South" in older exports): top-3 names are joined by "; ".
TOP3_SEPARATOR = "; "


def _join_names(names: pd.Series) -> str:
    return TOP3_SEPARATOR.join(str(n) for n in names.dropna())


def dependency(
    flows: Flows,
    recipient: str | None = "India",
    periods: Sequence[Period] = DEFAULT_PERIODS,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Shares:
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
        ``Shares`` of ``[recipient,] start, end, top_supplier, top_share, top3_suppliers,
        top3_share, hhi,
        suppliers[, vintage]``: one row per period with deliveries; ``top3_suppliers`` names
        the three largest suppliers, largest first, joined by ``TOP3_SEPARATOR``.
    """
    result = period_shares(
        flows, recipient, periods, merge_lineage, vintage=vintage, mapping=mapping
    )
    shares = result.table
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
    return result.with_table(validate(out, DEPENDENCY))
