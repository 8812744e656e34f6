"""The tidy contract every part of the project shares: column names, dtypes, empty frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Yearly volume: one row per (recipient, supplier, year, category) with a delivery.
FLOW_COLUMNS = ["recipient", "supplier", "year", "tiv", "category"]
FLOW_DTYPES = {
    "recipient": "str",
    "supplier": "str",
    "year": "int64",
    "tiv": "float64",
    "category": "str",
}

# SIPRI's Total rows, kept beside the flows (never as flows): see SipriExport.totals.
TOTAL_COLUMNS = ["recipient", "supplier", "year", "tiv", "side"]
TOTAL_DTYPES = {
    "recipient": "str",
    "supplier": "str",
    "year": "int64",
    "tiv": "float64",
    "side": "str",
}

# One row per deal (register layouts).
DEAL_COLUMNS = [
    "deal_id",
    "recipient",
    "supplier",
    "order_year",
    "number_ordered",
    "designation",
    "description",
    "category",
    "number_delivered",
    "delivery_years",
    "status",
    "comments",
    "tiv_unit",
    "tiv_order",
    "tiv_delivered",
    "order_year_uncertain",
    "number_ordered_uncertain",
    "number_delivered_uncertain",
    "delivery_uncertain",
    "local_production",
]
DEAL_DTYPES = {
    "deal_id": "Int64",
    "recipient": "str",
    "supplier": "str",
    "order_year": "Int64",
    "number_ordered": "Float64",
    "designation": "str",
    "description": "str",
    "category": "str",
    "number_delivered": "Float64",
    "delivery_years": "object",  # list[int]
    "status": "str",
    "comments": "str",
    "tiv_unit": "Float64",
    "tiv_order": "Float64",
    "tiv_delivered": "Float64",
    "order_year_uncertain": "boolean",
    "number_ordered_uncertain": "boolean",
    "number_delivered_uncertain": "boolean",
    "delivery_uncertain": "boolean",
    "local_production": "boolean",
}

MIN_YEAR = 1900
MAX_YEAR = 2100


def empty_flows() -> pd.DataFrame:
    """An empty flows frame with the declared dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=FLOW_DTYPES[c]) for c in FLOW_COLUMNS})


def _coerce(frame: pd.DataFrame, columns: list[str], dtypes: dict[str, str], fill) -> pd.DataFrame:
    if list(frame.columns) == columns and all(
        str(frame[col].dtype) == dtypes[col] for col in columns
    ):
        # Already in shape (the loader builds it so): skip rebuilding a large frame.
        return frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index(drop=True)
    data = {}
    n = len(frame)
    for col in columns:
        if col in frame.columns:
            series = frame[col].reset_index(drop=True)
        elif dtypes[col] == "str":
            # An all-missing text column, built without a Python list (registers are large).
            series = pd.Series(pd.array([None], dtype="str").take(np.full(n, -1), allow_fill=True))
        else:
            series = pd.Series(fill(col, n))
        # Only convert what is not already in the declared dtype: loaders build most columns
        # right, and a no-op astype still costs a copy on large registers.
        if str(series.dtype) != dtypes[col] and not (
            dtypes[col] == "str" and series.dtype == "str"
        ):
            series = series.astype(dtypes[col])
        data[col] = series
    return pd.DataFrame(data)


def coerce_flows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly the flow columns in the declared dtypes.

    Missing recipient/supplier/category become ``<NA>``.
    """
    return _coerce(frame, FLOW_COLUMNS, FLOW_DTYPES, lambda col, n: [pd.NA] * n)


def coerce_deals(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly the deal columns in the declared dtypes."""

    def fill(col: str, n: int) -> list:
        return [[] for _ in range(n)] if col == "delivery_years" else [pd.NA] * n

    return _coerce(frame, DEAL_COLUMNS, DEAL_DTYPES, fill)
