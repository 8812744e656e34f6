"""SIPRI's vocabulary, once: how a share is printed, period labels, and the labels of rows
that are not a country. Tables, charts, exports and the CLI all use these."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

# The rest of a split after the named suppliers (or customers).
OTHERS = "Others"
# SIPRI's placeholders for an unidentified party.
UNKNOWN_SUPPLIER = "unknown supplier(s)"
UNKNOWN_RECIPIENT = "unknown recipient(s)"
# What a missing share reads as in a table.
NOT_AVAILABLE = "n/a"


def share_text(share: float | None) -> str:
    """A share the way SIPRI prints it: whole percent from 10% up, one decimal below.

    Half-up on the decimal text of the share, so 0.365 is "37%" (SIPRI's 36.5% rounds up) and
    0.0951 is "9.5%" wherever it is printed: tables, chart labels, exports, the CLI.

    Args:
        share: Fraction in 0..1 (0.759 for 75.9%).

    Returns:
        ``"76%"``, ``"7.7%"``, ``"0.4%"``; ``"n/a"`` for a missing value.
    """
    if share is None or pd.isna(share):
        return NOT_AVAILABLE
    # Binary floats would turn 0.125 into "12%" under round(): work on the decimal text.
    pct = Decimal(repr(float(share))) * 100
    one_decimal = pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if one_decimal >= 10:  # 9.96% becomes "10%", not "10.0%"
        return f"{pct.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return f"{one_decimal}%"


def pp_text(change: float | None) -> str:
    """A change in percentage points as the tables print it: one decimal, signed ("-39.5 pp")."""
    if change is None or pd.isna(change):
        return NOT_AVAILABLE
    points = Decimal(repr(float(change))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return "±0.0 pp" if points == 0 else f"{points:+} pp"


_PERIOD_RE = re.compile(r"^\s*(\d{4})\s*\D+\s*(\d{2,4})\s*$")


def period_label(first_year: int, last_year: int) -> str:
    """SIPRI's period label, e.g. ``period_label(2019, 2023) == "2019-23"``."""
    if first_year // 100 == last_year // 100:
        return f"{first_year}-{last_year % 100:02d}"
    return f"{first_year}-{last_year}"


def period_labels(table) -> list[str]:
    """The period label of each row of a table with ``start`` and ``end`` columns."""
    return [period_label(s, e) for s, e in zip(table["start"], table["end"], strict=True)]


def parse_period(label: str) -> tuple[int, int]:
    """First and last year of a period label such as "2019-23", "2019–2023" or "1999-2003".

    Raises:
        ValueError: for a label that is not a year range.
    """
    match = _PERIOD_RE.match(str(label))
    if not match:
        raise ValueError(f"not a period label: {label!r}")
    first = int(match.group(1))
    tail = match.group(2)
    if len(tail) == 4:
        last = int(tail)
    else:
        last = first - first % 100 + int(tail)
        if last < first:  # e.g. 1998-02
            last += 100
    return first, last
