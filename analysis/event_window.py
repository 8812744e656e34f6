"""The event window: each supplier's share in the years before an event versus from its year on,
and that table as displayed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.results import Flows, Shares, loaded
from analysis.shares import period_shares
from analysis.vocab import share_text

SHARE_PREFIX = "share_"


def window_table(data: pd.DataFrame) -> pd.DataFrame:
    """The event window's plotted table with display columns and SIPRI-rounded shares.

    Args:
        data: The window chart's plotted table (``views.event_window_view(...).data``):
            ``supplier``, ``share_<before period>``, ``share_<after period>`` (fractions, in
            that order) and ``change_pp``.

    Returns:
        ``Supplier``, ``Share <before period> (before)``, ``Share <after period> (after)``
        (text such as "36%" or "4.2%", "n/a" when missing) and ``Change (pp)`` rounded to
        one decimal; rows in the order of ``data`` (the chart's order).

    Raises:
        ValueError: when ``data`` does not hold exactly two share columns, or lacks
            ``supplier`` or ``change_pp``.
    """
    shares = [c for c in data.columns if str(c).startswith(SHARE_PREFIX)]
    missing = [c for c in ("supplier", "change_pp") if c not in data.columns]
    if len(shares) != 2 or missing:
        raise ValueError(
            "an event window table needs supplier, two share_<period> columns and change_pp; "
            f"got {[str(c) for c in data.columns]}"
        )
    before, after = shares
    return pd.DataFrame(
        {
            "Supplier": data["supplier"].to_numpy(),
            f"Share {before.removeprefix(SHARE_PREFIX)} (before)": [
                share_text(s) for s in data[before]
            ],
            f"Share {after.removeprefix(SHARE_PREFIX)} (after)": [
                share_text(s) for s in data[after]
            ],
            "Change (pp)": data["change_pp"].round(1).to_numpy(),
        }
    )


def event_window(
    flows: Flows,
    recipient: str,
    date: dt.date | str | pd.Timestamp,
    years: int = 5,
    merge_lineage: bool = False,
    *,
    vintage: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Shares:
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
        ``Shares`` of the ``period_shares`` columns plus ``window`` ("before"/"after") and ``complete``
        (whether the data reaches both ends of that window).
    """
    year = pd.Timestamp(date).year
    before, after = (year - years, year - 1), (year, year + years - 1)
    result = period_shares(
        flows, recipient, [before, after], merge_lineage, vintage=vintage, mapping=mapping
    )
    shares = result.table.copy()
    frame = loaded(flows).frame
    first = int(frame["year"].min()) if len(frame) else 0
    last = int(frame["year"].max()) if len(frame) else -1
    shares["window"] = np.where(shares["start"] == before[0], "before", "after")
    shares["window"] = shares["window"].astype("str")
    shares["complete"] = (shares["start"] >= first) & (shares["end"] <= last)
    return result.with_table(shares)
