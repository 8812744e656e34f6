"""What the loaded flows hold for a view: who has supplier-split rows, their years, the
periods they cover, and what a reader should know about them (partial splits, estimates)."""

from __future__ import annotations

from functools import partial

import pandas as pd

from analysis.layouts import REGISTER
from analysis.results import Flows, frame_of
from analysis.shares import Period, latest_complete_periods
from analysis.vintages import COMPLETE_FOR, choose, partial_owners
from analysis.vocab import country_phrase

_whose = partial(country_phrase, possessive=True)  # "India's", "the United States'"


def supplier_split(flows: Flows | None) -> pd.DataFrame:
    """Rows naming both sides (supplier-split flows), one export per recipient (``choose``:
    free when the view already chose)."""
    frame = frame_of(flows)
    if frame is None or frame.empty:
        return frame.iloc[:0] if frame is not None else pd.DataFrame()
    rows = choose(flows).frame
    return rows[rows["recipient"].notna() & rows["supplier"].notna()]


def recipients_with_data(flows: Flows) -> list[str]:
    """Recipients whose imports are split by supplier in the loaded flows, sorted by name."""
    rows = supplier_split(flows)
    return sorted(str(r) for r in rows["recipient"].unique()) if len(rows) else []


def exporters_with_data(flows: Flows) -> list[str]:
    """Suppliers named in the loaded flows, sorted by name."""
    rows = supplier_split(flows)
    return sorted(str(s) for s in rows["supplier"].unique()) if len(rows) else []


ESTIMATED_NOTE = (
    "Yearly volumes estimated from a per-deal register: each deal's TIV is spread "
    "evenly over its delivery years (a TIV table or the per-delivery register is exact)."
)


def provenance_notes(flows: Flows | None, recipient: str) -> list[str]:
    """What a reader should know about the rows behind ``recipient``'s shares.

    Returns:
        Sentences: the split is partial (only some suppliers' exports are loaded), or the
        yearly volumes are estimates from a per-deal register.
    """
    frame = frame_of(flows)
    if frame is None or frame.empty or "scope" not in frame.columns:
        return []
    rows = supplier_split(flows)
    rows = rows[rows["recipient"] == recipient]
    notes = []
    if recipient in partial_owners(rows, "recipient"):
        notes.append(
            f"Only part of {_whose(recipient)} suppliers are in the loaded data (exporters' "
            "tables or a register limited to some suppliers): shares are of the loaded suppliers "
            "only. "
            f"Load {_whose(recipient)} own import table or a register of all its suppliers."
        )
    if "layout" in rows.columns and (rows["layout"] == REGISTER).any():
        notes.append(ESTIMATED_NOTE)
    return notes


def has_recipient_data(flows: Flows, recipient: str) -> bool:
    """Whether the loaded flows split ``recipient``'s imports by supplier (all suppliers)."""
    rows = supplier_split(flows)
    if "scope" in rows.columns:
        rows = rows[rows["scope"].isin(COMPLETE_FOR["recipient"])]
    return bool(len(rows)) and bool((rows["recipient"] == recipient).any())


def recipient_years(flows: Flows, recipient: str) -> tuple[int, int] | None:
    """First and last year of ``recipient``'s supplier-split rows (None when it has none)."""
    rows = supplier_split(flows)
    mine = rows[rows["recipient"] == recipient] if len(rows) else rows
    if mine is None or mine.empty:
        return None
    return int(mine["year"].min()), int(mine["year"].max())


def default_periods(flows: Flows, recipient: str) -> list[Period]:
    """The latest two SIPRI periods the recipient's data fully cover (fewer when short)."""
    rows = supplier_split(flows)
    mine = rows[rows["recipient"] == recipient] if len(rows) else rows
    if mine is None or mine.empty:
        return []
    return latest_complete_periods(mine, 2)
