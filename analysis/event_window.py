"""The event-window table: each supplier's share before and after an event, as displayed."""

from __future__ import annotations

import pandas as pd

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
