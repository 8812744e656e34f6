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
