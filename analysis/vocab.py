"""SIPRI's vocabulary, once: how a share is printed, period labels, the labels of rows that are
not a country, the moving average and the top-N rule. Tables, charts, exports and the CLI all
use these."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

# The rest of a split after the named suppliers (or customers).
OTHERS = "Others"
# SIPRI's placeholders for an unidentified party.
UNKNOWN_SUPPLIER = "unknown supplier(s)"
UNKNOWN_RECIPIENT = "unknown recipient(s)"
# Other spellings of those rows (older exports, other tables), compared case-insensitively.
_NOT_A_COUNTRY = {
    "others": OTHERS,
    "other": OTHERS,
    "other suppliers": OTHERS,
    "other recipients": OTHERS,
    "unknown": UNKNOWN_SUPPLIER,
    "unknown country": UNKNOWN_SUPPLIER,
    "unknown supplier(s)": UNKNOWN_SUPPLIER,
    "unknown recipient(s)": UNKNOWN_RECIPIENT,
}
# What a missing share reads as in a table.
NOT_AVAILABLE = "n/a"
# The part of a recipient's imports that SIPRI's published figures do not split by supplier
# (100% minus the suppliers a release names): never a supplier called "Others".
NOT_BROKEN_DOWN = "not broken down in the published figures"


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


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count and its noun, singular for one: "1 recipient", "2 recipients", "1,200 deals".

    Args:
        count: how many.
        noun: the singular ("recipient", "yearly flow", "delivery row").
        plural: the plural when it is not ``noun`` + "s".
    """
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"


NO_DELIVERIES_TEXT = "no deliveries"


def delivered_share_text(share: float | None) -> str:
    """``share_text`` for a supplier's share of a period in which it may have delivered nothing:
    "no deliveries" for a zero or missing share (SIPRI prints no 0.0%), else ``share_text``."""
    if share is None or pd.isna(share) or float(share) <= 0:
        return NO_DELIVERIES_TEXT
    return share_text(share)


def pp_text(change: float | None) -> str:
    """A change in percentage points as the tables print it: one decimal, signed ("-39.5 pp"),
    or whole when the change is a whole number of points ("-40 pp").

    A change between two of SIPRI's whole-percent figures (76% to 36%) is whole and reads as
    such, with the precision of the figures; a change computed from unrounded shares keeps its
    decimal ("-39.5 pp" between 75.6% and 36.1%, printed as 76% and 36%).
    """
    if change is None or pd.isna(change):
        return NOT_AVAILABLE
    if abs(float(change) - round(float(change))) < 1e-9:
        whole = int(round(float(change)))
        return "±0 pp" if whole == 0 else f"{whole:+d} pp"
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


# Names read with "the" in a sentence ("Share from the United States"), beyond the patterns in
# ``_THE_PATTERN``; compared case-insensitively, after dropping SIPRI's "*"/"**" marks.
_WITH_THE = frozenset(
    {
        "bahamas",
        "comoros",
        "gambia",
        "maldives",
        "netherlands",
        "philippines",
        "seychelles",
        "uae",
        "uk",
        "us",
        "usa",
        "ussr",
        "eu",
        "un",
        "khmer rouge",
        "northern alliance",
        "vatican",
    }
)
# "United States", "Czech Republic", "Soviet Union", "Solomon Islands", "Republic of Korea",
# "Democratic Republic of the Congo", "United Nations", "Kurdistan Regional Government (Iraq)".
_THE_PATTERN = re.compile(
    r"^(united|republic|democratic republic|federal republic|people's republic|kingdom)\b"
    r"|\b(republic|union|islands|emirates|kingdom|states|nations|federation|government)$",
    re.IGNORECASE,
)


def country_phrase(name: object, *, start: bool = False, possessive: bool = False) -> str:
    """A country (or SIPRI actor) name as it reads inside a sentence.

    Names that take "the" get it: ``country_phrase("United States")`` is "the United States",
    "Netherlands", "Philippines", "Czech Republic", "United Arab Emirates" and SIPRI's "Soviet
    Union" too; "India" stays "India". A parenthesised place ("Kurdistan Regional Government
    (Iraq)*") is ignored when deciding.

    Args:
        name: the name as SIPRI (or the user) spells it.
        start: the phrase opens a sentence or title ("The United States").
        possessive: add the possessive ending: "India's", "the United States'".

    Returns:
        The phrase; an empty name gives "".
    """
    text = " ".join(str(name).split())
    if not text:
        return ""
    core = re.sub(r"\s*\(.*\)\s*", " ", text).strip(" *")
    if text.lower().startswith("the "):
        text = text[4:]
        core = "the"
    if core == "the" or core.lower() in _WITH_THE or _THE_PATTERN.search(core):
        text = f"the {text}"
    if possessive:
        text += "'" if text.endswith("s") else "'s"
    return text[0].upper() + text[1:] if start else text


LINEAGE_MERGED = "Soviet Union counted as Russia"


LINEAGE_SEPARATE = "Soviet Union and Russia separate"


def lineage_label(merge_lineage: bool) -> str:
    """The lineage choice as printed in subtitles."""
    return LINEAGE_MERGED if merge_lineage else LINEAGE_SEPARATE


def parse_periods_text(text: str) -> list[tuple[int, int]]:
    """Periods from text such as "2009-2013,2019-2023" or "2009-13, 2019-23".

    Raises:
        ValueError: for text that is not a comma-separated list of year ranges.
    """
    periods = [parse_period(part) for part in str(text).split(",") if part.strip()]
    if not periods:
        raise ValueError(f"no periods in {text!r}")
    return periods


# --------------------------------------------------------------------------- rows, not countries


def not_a_country(name: object) -> str | None:
    """``OTHERS``, ``UNKNOWN_SUPPLIER`` or ``UNKNOWN_RECIPIENT`` when ``name`` spells one of the
    rows that are not a country ("Other suppliers", "Unknown country", ...), else None."""
    return _NOT_A_COUNTRY.get(" ".join(str(name).split()).casefold())


# --------------------------------------------------------------------------- moving average


def moving_average(
    table: pd.DataFrame,
    name: str | None = None,
    *,
    series: str = "supplier",
    measure: str = "share",
    window: int = 5,
    centred: bool = True,
) -> pd.Series:
    """The moving average of yearly TIV, indexed by year (years without deliveries count as 0).

    Args:
        table: yearly rows with ``year``, ``tiv`` and (for a ``name``) the ``series`` column.
        name: the series averaged; None averages the total TIV per year.
        series: the series column.
        measure: with a ``name``, "share" gives its share over the window (its TIV over the
            window / all TIV over the same years, the SIPRI way) and "tiv" its mean yearly TIV.
        window: years averaged.
        centred: the window centred on the year (the charts), else trailing: the value at year
            Y averages Y-window+1 .. Y (SIPRI's fact sheets).

    Returns:
        A float Series indexed by year over the table's first to last year; NaN where the
        window is not complete.
    """
    if table.empty:
        return pd.Series(dtype="float64")
    years = pd.RangeIndex(int(table["year"].min()), int(table["year"].max()) + 1, name="year")
    total = table.groupby("year")["tiv"].sum().reindex(years, fill_value=0.0)
    window_total = total.rolling(window, center=centred, min_periods=window).sum()
    if name is None:
        return (window_total / window).astype("float64")
    part = table[table[series] == name].groupby("year")["tiv"].sum().reindex(years, fill_value=0.0)
    window_part = part.rolling(window, center=centred, min_periods=window).sum()
    if measure == "tiv":
        return (window_part / window).astype("float64")
    return (window_part / window_total.where(window_total > 0)).astype("float64")


# --------------------------------------------------------------------------- top N


def top_names(totals: pd.Series, n: int | None) -> list:
    """The ``n`` largest of ``totals`` (name -> value), largest first, equal values by name;
    all of them when ``n`` is None."""
    ranked = sorted(totals.index, key=lambda k: (-totals[k], k))
    return ranked if n is None else ranked[:n]


def top_n(
    frame: pd.DataFrame,
    key: str,
    n: int | None,
    value: str = "tiv",
    by: Sequence[str] = ("year",),
    others_label: str = OTHERS,
) -> pd.DataFrame:
    """Keep the ``n`` largest ``key`` values (by total ``value``), summing the rest as Others.

    Args:
        frame: long frame with ``by`` columns, ``key`` and ``value``.
        key: the series column, e.g. "supplier".
        n: how many to keep; None keeps all.
        value: the column summed.
        by: the other grouping columns (e.g. year or period).
        others_label: the name of the summed remainder.

    Returns:
        A frame with columns ``[*by, key, value]``, one row per group and series.
    """
    out = frame[[*by, key, value]].copy()
    out[key] = out[key].fillna(UNKNOWN_SUPPLIER if key == "supplier" else "unknown").astype(str)
    if n is not None:
        totals = out[out[key] != others_label].groupby(key)[value].sum()
        keep = set(top_names(totals, n))
        out[key] = out[key].where(out[key].isin(keep), others_label)
    return out.groupby([*by, key], as_index=False, sort=True)[value].sum()
