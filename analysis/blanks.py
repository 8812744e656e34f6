"""Blank cells with a reason: a table shows "–" where a number is missing, and says why.

A share of a period without deliveries is no "0.0%" (that would read as a small share that
rounds to zero): it is blank, because there were no deliveries in this period. A published
table is blank where SIPRI's releases name no figure. The reasons are worded once here, for the
tables' column tooltips (``blank_reasons``), the pages and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.vocab import share_text

MISSING_TEXT = "–"
NO_DELIVERIES = "no deliveries in this period"
GROWTH_FROM_ZERO = "no deliveries in the earlier period, so no percentage change"
NOT_PUBLISHED = "not in SIPRI's published figures for this period"
NEEDS_BOTH = "needs a published share in both periods"
SHARES_NOT_VOLUMES = "SIPRI's releases quote shares, not volumes"

# Reasons by column name prefix, for the tables computed from loaded data (what changed, the
# fact-sheet table) and for those built from SIPRI's published figures.
COMPUTED_REASONS: dict[str, str] = {
    "Share": NO_DELIVERIES,
    "TIV": NO_DELIVERIES,
    "Volume change": GROWTH_FROM_ZERO,
}
PUBLISHED_REASONS: dict[str, str] = {
    "Share": NOT_PUBLISHED,
    "Change (pp)": NEEDS_BOTH,
    "Volume change": SHARES_NOT_VOLUMES,
    "": NOT_PUBLISHED,  # any other column (a supplier's shares per period)
}
_MISSING_WORDS = frozenset({"", MISSING_TEXT, "None", "nan", "NaN", "<NA>"})


def share_cells(shares: Iterable[float], tiv: Iterable[float]) -> list[str | None]:
    """Shares printed the SIPRI way, None (a blank) where the period had no deliveries.

    Args:
        shares: fractions 0..1.
        tiv: the TIV behind each share; 0 or missing means nothing was delivered.
    """
    return [
        share_text(s) if pd.notna(t) and t > 0 and pd.notna(s) else None
        for s, t in zip(shares, tiv, strict=True)
    ]


def tiv_cells(tiv: pd.Series, decimals: int = 0) -> pd.Series:
    """TIV rounded for a table, NaN (a blank) where nothing was delivered.

    SIPRI prints 0 for deliveries worth less than 0.5 million: a 0 here keeps that meaning
    only for a non-zero volume; no deliveries at all is a blank.
    """
    values = pd.to_numeric(tiv, errors="coerce").astype("float64")
    return values.where(values > 0, np.nan).round(decimals)


def is_missing(value: object) -> bool:
    """Whether a table cell is a blank (None, NaN or the dash/"None" text it is shown as)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() in _MISSING_WORDS
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def blank_reasons(table: pd.DataFrame, reasons: Mapping[str, str]) -> dict[str, str]:
    """Why each column's blanks are blank: column -> reason, for columns holding a blank.

    Args:
        table: a display table (blanks as None, NaN or "–").
        reasons: column-name prefix -> reason; the longest matching prefix wins ("" matches
            every column).

    Returns:
        Only the columns that have a blank and a reason.
    """
    out: dict[str, str] = {}
    prefixes = sorted(reasons, key=len, reverse=True)
    for column in table.columns:
        if not any(is_missing(v) for v in table[column]):
            continue
        hit = next((p for p in prefixes if str(column).startswith(p)), None)
        if hit is not None:
            out[str(column)] = reasons[hit]
    return out


def reason_help(reason: str) -> str:
    """The tooltip text for a column whose blanks have ``reason``."""
    return f"{MISSING_TEXT} = {reason}."
