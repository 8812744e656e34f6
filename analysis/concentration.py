"""How concentrated imports are: the top suppliers with the rest grouped as Others, and the
top supplier's share, the top-3 share and the HHI per period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.results import DEPENDENCY, Columns, Flows, Shares, newest_vintage, validate
from analysis.shares import (
    DEFAULT_PERIODS,
    OTHERS_LABEL,
    Period,
    _prepare,
    _result,
    _split_rows,
    period_shares,
)


def top_suppliers(
    shares_or_flows: Shares | Flows, n: int = 5, others_label: str = OTHERS_LABEL
) -> Shares:
    """Keep the ``n`` largest suppliers and group the rest as ``others_label``.

    The same suppliers are kept in every period/year (chosen by TIV over the whole frame,
    per recipient), so a stacked chart keeps each supplier's colour across periods.

    Args:
        shares_or_flows: A result of ``period_shares``/``yearly_shares`` (its table has
            ``share``), or tidy flows, which are summed over all their years per recipient
            first.
        n: Number of suppliers kept.
        others_label: Label of the grouped remainder.

    Returns:
        ``Shares`` (the input's provenance) of the same columns as the input shares (or
        ``recipient, supplier, tiv, share`` for flows), the kept suppliers largest first and
        one ``others_label`` row per group when anything was grouped.
    """
    if isinstance(shares_or_flows, Shares):
        result, shares = shares_or_flows, shares_or_flows.table
    elif isinstance(shares_or_flows, pd.DataFrame) and "share" in shares_or_flows.columns:
        result = Shares(shares_or_flows, vintage=newest_vintage(shares_or_flows))
        shares = shares_or_flows
    else:
        prepared = _prepare(shares_or_flows, False, None, None)
        rows = _split_rows(prepared.frame, "recipient", "supplier", None)
        result = _result(rows.iloc[:0], prepared, rows, "recipient", Columns("flows", {}))
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
    return result.with_table(out)


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
