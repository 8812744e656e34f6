"""Deal search and filters for the trade registers (the Deals page's logic, without Streamlit).

Search rules (``filter_deals(query=...)``):

- the designation, description, comments, supplier and recipient of each deal are searched;
- the query is split into words on whitespace: every word must appear, each in any field;
- case- and accent-insensitive: both sides are NFKD-normalised, combining marks dropped and
  case-folded ("wartsila" finds "Wärtsilä", "mig-29" finds "MiG-29");
- hyphens and spaces are ignored in a second comparison ("S400" finds "S-400", "AK-630" finds
  "AK 630");
- literal text, never a pattern: "(" or "." match only themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from analysis.results import DEALS, validate

SEARCHED_COLUMNS = ("designation", "description", "comments", "supplier", "recipient")

# Combining marks left by NFKD (Latin, Greek, Cyrillic diacritics and their extensions). The
# characters themselves, not \u escapes, so that both Python's re and pyarrow's RE2 read them.
_COMBINING = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
# Letters NFKD does not decompose, and dashes people type instead of a hyphen (after casefold).
_PLAIN = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_FIELD_SEPARATOR = "\x00"  # between fields, so that no word matches across two of them
_SQUEEZE = r"[\s\-]+"  # hyphens and whitespace, dropped in the second comparison

NO_MATCH_COVERAGE = (
    "SIPRI's Arms Transfers Database covers major conventional arms only (aircraft, armoured "
    "vehicles, artillery, missiles, ships, air defence systems, sensors, engines…): small arms, "
    "light weapons and ammunition are not in it. See About."
)


class FoundDeals(NamedTuple):
    """The deals matching the filters, newest order first, and how many there are."""

    deals: pd.DataFrame
    count: int
    total: int  # deals before filtering


def fold_text(text: pd.Series) -> pd.Series:
    """Text made comparable: NFKD, combining marks dropped, case-folded; missing becomes ""."""
    folded = (
        text.astype("str")
        .fillna("")
        .str.normalize("NFKD")
        .str.replace(_COMBINING, "", regex=True)
        .str.casefold()
        .str.translate(_PLAIN)
    )
    return folded.fillna("")


def _squeeze(text: pd.Series) -> pd.Series:
    return text.str.replace(_SQUEEZE, "", regex=True)


def query_words(query: str) -> list[str]:
    """The folded words of a query (what every matching deal must contain)."""
    cleaned = query.replace(_FIELD_SEPARATOR, " ")
    return fold_text(pd.Series([cleaned], dtype="str")).iloc[0].split()


def search_mask(deals: pd.DataFrame, query: str) -> pd.Series:
    """True for the deals containing every word of ``query`` (see the module's rules)."""
    words = query_words(query)
    if not words:
        return pd.Series(True, index=deals.index)
    columns = [c for c in SEARCHED_COLUMNS if c in deals.columns]
    if not columns:
        return pd.Series(False, index=deals.index)
    haystack = deals[columns[0]].astype("str").fillna("")
    for col in columns[1:]:
        haystack = haystack + _FIELD_SEPARATOR + deals[col].astype("str").fillna("")
    folded = fold_text(haystack)
    squeezed = _squeeze(folded)
    keep = pd.Series(True, index=deals.index)
    for word in words:  # one vectorised pass per word, never a loop over rows
        hits = folded.str.contains(word, regex=False)
        short = _squeeze(pd.Series([word], dtype="str")).iloc[0]
        if short:  # "-" alone squeezes to nothing, which would match every deal
            hits |= squeezed.str.contains(short, regex=False)
        keep &= hits.fillna(False).astype(bool)
    return keep


def sort_deals(deals: pd.DataFrame) -> pd.DataFrame:
    """Newest order year first (unknown years last), then designation A-Z (case-insensitive)."""
    columns = [c for c in ("order_year", "designation") if c in deals.columns]
    if not columns:
        return deals

    def key(series: pd.Series) -> pd.Series:
        return fold_text(series) if series.name == "designation" else series

    ascending = [col != "order_year" for col in columns]
    return deals.sort_values(
        columns, ascending=ascending, na_position="last", kind="stable", key=key
    )


def filter_deals(
    deals: pd.DataFrame,
    *,
    query: str = "",
    recipients: Sequence[str] = (),
    suppliers: Sequence[str] = (),
    categories: Sequence[str] = (),
    status: Sequence[str] = (),
    years: tuple[int, int] | None = None,
    delivery_years: tuple[int, int] | None = None,
) -> FoundDeals:
    """The deals matching every filter, newest order year first (then designation).

    Args:
        deals: Deals frame (analysis.schema DEAL_COLUMNS; optional vintage, dataset_id).
        query: Words to search for (see the module's rules); empty keeps every deal.
        recipients, suppliers, categories, status: Keep deals whose value is one of these;
            empty keeps every deal.
        years: Inclusive order-year range; deals with an unknown order year are left out.
            ``None`` keeps every deal (pass ``None`` for the full range to keep those).
        delivery_years: Keep deals with a delivery in this inclusive range; deals with no
            delivery are left out. ``None`` keeps every deal.

    Returns:
        ``FoundDeals(deals, count, total)``: the matching rows, their number and the number
        of deals given.
    """
    keep = pd.Series(True, index=deals.index)
    if recipients:
        keep &= deals["recipient"].isin(list(recipients))
    if suppliers:
        keep &= deals["supplier"].isin(list(suppliers))
    if categories:
        keep &= deals["category"].isin(list(categories))
    if status:
        keep &= deals["status"].isin(list(status))
    if years is not None:
        keep &= deals["order_year"].between(*years).fillna(False).astype(bool)
    if delivery_years is not None:
        low, high = delivery_years
        keep &= pd.Series(
            [
                isinstance(ys, list | tuple) and any(low <= y <= high for y in ys)
                for ys in deals["delivery_years"]
            ],
            index=deals.index,
            dtype=bool,
        )
    mask = keep.to_numpy(dtype=bool, copy=True)
    if query.strip():
        # Search only the rows the other filters kept: the text work is the costly part.
        rows = mask.nonzero()[0]
        mask[rows] = search_mask(deals.iloc[rows], query).to_numpy(dtype=bool)
    found = validate(sort_deals(deals[mask]), DEALS)
    return FoundDeals(found, len(found), len(deals))


def no_match_sentence(query: str) -> str:
    """What the page says when a search finds nothing: the query, then SIPRI's coverage."""
    return f"No deal matches '{query.strip()}'. {NO_MATCH_COVERAGE}"
