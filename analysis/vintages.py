"""Which export a figure comes from: one per country when several cover it (newest, exact first)."""

from __future__ import annotations

import pandas as pd

from analysis.layouts import REGISTER
from analysis.results import LoadedFlows, loaded

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
            flows["layout"].astype(str) != REGISTER
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


def choose(
    flows: pd.DataFrame | LoadedFlows | None, owner: str = "recipient", vintage: str | None = None
) -> LoadedFlows:
    """``flows`` with one export chosen per ``owner`` country (``select_vintage``), once.

    A view calls this once and passes the result down: every share function skips the choice
    for flows already chosen for the same side, so it is made once per view.

    Args:
        flows: loaded flows (or a bare frame).
        owner: "recipient" or "supplier": whose trade is split.
        vintage: keep exactly this vintage's rows instead of choosing.

    Returns:
        The chosen rows with the Total rows and dataset records of the exports kept.

    Raises:
        ValueError: when ``flows`` were already chosen for the other side (that choice has
            dropped rows the other side may need: choose from the loaded flows instead).
    """
    flows = loaded(flows)
    if flows.chosen == owner and vintage is None:
        return flows
    if flows.chosen is not None:
        raise ValueError(
            f"flows chosen per {flows.chosen} cannot be chosen again per {owner}: "
            "choose from the loaded flows"
        )
    frame = flows.frame
    if frame.empty or "vintage" not in frame.columns:
        return LoadedFlows(frame, flows.totals, flows.datasets, owner, flows.unpinned)
    rows = select_vintage(frame, vintage, owner)
    if rows is frame or "dataset_id" not in rows.columns:
        return LoadedFlows(rows, flows.totals, flows.datasets, owner, flows.unpinned)
    kept = set(rows["dataset_id"].dropna().astype(int))
    totals = tuple(t for t in flows.totals if t.dataset_id is None or t.dataset_id in kept)
    datasets = tuple(s for s in flows.datasets if s.dataset_id is None or s.dataset_id in kept)
    return LoadedFlows(rows, totals, datasets, owner, flows.unpinned)
