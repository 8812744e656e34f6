"""The change between two periods: volume change (%) and share change (percentage points)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.results import PERIOD_CHANGE, Flows, Shares, validate
from analysis.shares import TOTAL_LABEL, Period, _shares


def period_change(
    flows: Flows,
    recipient: str,
    before: Period,
    after: Period,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Shares:
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
        ``Shares`` of one row per supplier present in either period, then a ``"Total"`` row for the
        recipient: ``supplier, tiv_before, tiv_after, volume_change_pct, share_before,
        share_after, share_change_pp[, vintage]``. ``volume_change_pct`` is NaN for a
        supplier absent before (growth from zero has no percentage).
    """
    result = _shares(
        flows, "recipient", "supplier", recipient, [before, after], merge_lineage, vintage, mapping
    )
    shares = result.table
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
        out["vintage"] = result.vintage
    return result.with_table(validate(out, PERIOD_CHANGE))
