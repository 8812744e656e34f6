"""Deals: each deal once across registers, and the order backlog (ordered, not yet delivered)."""

from __future__ import annotations

import pandas as pd

from analysis.results import PIPELINE, Pipeline, newest_vintage, validate
from analysis.vintages import _newest_rows


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


def orders_pipeline(deals: pd.DataFrame, recipient: str | None = None) -> Pipeline:
    """TIV ordered but not yet delivered, by supplier (the order backlog).

    Pending is ``tiv_order - tiv_delivered`` clipped at 0 per deal (deliveries can exceed
    the order after SIPRI's rounding). Deals without ``tiv_order`` cannot be valued and
    are left out; their count is the result's ``excluded_deals``. Beware registers exported
    for a year range: their delivered TIV covers only those years, so pending is overstated.

    Args:
        deals: Deals frame (analysis.schema DEAL_COLUMNS; optional vintage, dataset_id).
        recipient: Restrict to one importer's deals.

    Returns:
        ``Pipeline`` of ``supplier, tiv_order, tiv_delivered, tiv_pending, deals`` largest
        backlog first.
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
        out["vintage"] = newest_vintage(frame)
    return Pipeline(validate(out, PIPELINE), excluded, newest_vintage(frame))
