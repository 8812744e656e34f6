"""The top suppliers of a shares table (or of flows), the rest grouped as Others."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.results import Columns, Flows, Shares, newest_vintage
from analysis.shares import (
    _prepare,
    _result,
    _split_rows,
)
from analysis.vocab import OTHERS, top_names


def top_suppliers(
    shares_or_flows: Shares | Flows, n: int = 5, others_label: str = OTHERS
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
    totals = shares.groupby([*per, "supplier"])["tiv"].sum()
    if per:  # the same rule (vocab.top_names) per recipient
        kept = {
            (owner, name)
            for owner, part in totals.groupby(level=0)
            for name in top_names(part.droplevel(0), n)
        }
        pairs = zip(shares["recipient"], shares["supplier"], strict=True)
        is_kept = np.array([pair in kept for pair in pairs], dtype=bool)
    else:
        is_kept = shares["supplier"].isin(top_names(totals, n)).to_numpy(dtype=bool)
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
