"""The three register layouts: per deal, per delivery year, and the 2014-era report."""

from __future__ import annotations

import csv
import itertools
import re

import numpy as np
import pandas as pd

from analysis import names
from analysis.layouts import LAYOUTS, REGISTER, REGISTER_DELIVERIES, REGISTER_LEGACY
from analysis.schema import (
    MAX_YEAR,
    MIN_YEAR,
    coerce_deals,
    coerce_flows,
)
from analysis.sipri.canonical import _canonical_deals, _canonical_pair
from analysis.sipri.detect import _Block, _Lines
from analysis.sipri.model import (
    _LABELS,
    C_HEADER,
    C_LABELS,
    CATEGORIES,
    D_COLUMNS,
    MAX_TIV,
    SipriExport,
    SipriFormatError,
    register_scope,
)
from analysis.sipri.records import _all_records, _check_header
from analysis.vocab import counted

_TRUE_FLAGS = ["?", "Yes", "yes", "YES", "Y", "y", "True", "true", "TRUE", "1", " ?", "? "]


def _text(series: pd.Series) -> pd.Series:
    """A text column; an all-empty one comes back from the parser as floats."""
    if series.dtype == "str":
        return series
    return series.astype("str").where(series.notna(), "")


def _flag(series: pd.Series) -> pd.Series:
    """SIPRI's uncertainty/estimate flags ('?' or 'Yes') as booleans; empty is False."""
    if series.dtype.kind in "fi":  # an all-empty (or 0/1) column parsed as numbers
        return (series == 1).astype("boolean")
    return series.isin(_TRUE_FLAGS).astype("boolean")


def _num(
    series: pd.Series,
    label: str = "",
    export: SipriExport | None = None,
    line_no: pd.Series | None = None,
) -> pd.Series:
    """Numbers from text; '(12)' and '12?' (old uncertainty marks) count as 12, '' as <NA>.

    Text that is no number at all ('n/a', 'twenty') is left empty, and when ``export`` is
    given a note says how many such cells ``label`` had and where the first one is.
    """
    if series.dtype.kind in "if":
        return series.astype("Float64")
    values = pd.to_numeric(series, errors="coerce")
    retry = values.isna() & series.notna() & (series.astype("str").str.strip() != "")
    if retry.any():
        cleaned = series[retry].astype("str").str.strip().str.strip("()?").str.strip()
        values[retry] = pd.to_numeric(cleaned, errors="coerce")
        lost = retry & values.isna()
        if lost.any() and export is not None:
            k = lost.idxmax()
            where = f" (first: '{str(series[k])[:30]}'" + (
                f" on line {int(line_no[k])})" if line_no is not None else ")"
            )
            export.notes.append(
                f"{int(lost.sum())} cell(s) of '{label}' are not numbers{where}; they were "
                "left empty."
            )
    return values.astype("Float64")


def _years_index(series: pd.Series) -> tuple[np.ndarray, list[list[int]]]:
    """Each row's code into a list of distinct parsed year lists (-1: no delivery year).

    Many deals share the same delivery-year text: each distinct text is parsed once.
    """
    codes, uniques = pd.factorize(series)
    # A column of bare numbers comes back as floats; 'inf' there is text, not a year.
    texts = [
        t if isinstance(t, str) else str(int(t)) if np.isfinite(t) else str(t)
        for t in uniques.tolist()
    ]
    return codes, (_parse_years(texts) if texts else [])


def _years_list(series: pd.Series, index=None) -> np.ndarray:
    """'1979; 1980' (new) or '2010 - 2012' / '(2013)' (old) -> sorted list of years per row."""
    codes, lists = index if index is not None else _years_index(series)
    parsed = np.empty(len(lists) + 1, dtype=object)
    parsed[:-1] = lists
    parsed[-1] = []  # code -1: an empty cell
    return parsed[codes]


def _parse_years(texts: list[str]) -> list[list[int]]:
    out = []
    for text in texts:
        if not text:
            out.append([])
            continue
        try:  # the common case: SIPRI's '1979; 1980; 1981'
            out.append(sorted({int(p) for p in text.split(";")}))
            continue
        except ValueError:
            pass
        years: list[int] = []
        if isinstance(text, str) and text.strip():
            for part in re.split(r"[;,]", text):
                part = part.strip().strip("()?").strip()
                if not part:
                    continue
                m = re.match(r"^(\d{4})\s*-\s*(\d{4})$", part)
                if m:
                    a, b = int(m.group(1)), int(m.group(2))
                    years.extend(range(a, b + 1) if 0 <= b - a <= 100 else [a, b])
                elif part.isdigit():
                    years.append(int(part))
        out.append(sorted(set(years)))
    return out


def _check_years(values: pd.Series, what: str, lines_no: pd.Series) -> None:
    bad = values.notna() & ((values < MIN_YEAR) | (values > MAX_YEAR))
    if bad.any():
        k = bad.idxmax()
        raise SipriFormatError(
            f"{what} {values[k]} is outside {MIN_YEAR}-{MAX_YEAR}.", int(lines_no[k])
        )


def _check_negative(frame: pd.DataFrame, cols: list[str], lines_no: pd.Series) -> None:
    """Refuse negative, infinite or implausibly large numbers, naming the line."""
    for col in cols:
        values = frame[col].to_numpy(dtype="float64", na_value=0.0)
        label = _LABELS.get(col, col)
        for bad, message in (
            (values < 0, "Negative value in '{label}' ({value:g})."),
            # 'inf' parses as a number: refuse it, as the TIV tables do, rather than store it.
            (np.isinf(values), "The value in '{label}' ({value}) is not a finite number."),
            (
                values > MAX_TIV,
                "The value in '{label}' ({value:g}) is implausibly large for SIPRI data.",
            ),
        ):
            if bad.any():
                k = int(np.argmax(bad))
                raise SipriFormatError(
                    message.format(label=label, value=values[k]), int(lines_no.iloc[k])
                )


def _register_deals(
    raw: pd.DataFrame, line_no: pd.Series, export: SipriExport
) -> tuple[pd.DataFrame, tuple]:
    """The per-deal register's records as typed, checked deals, and their delivery-year index."""
    n = len(raw)
    numbers = {
        col: _num(raw[col], C_LABELS[col], export, line_no)
        for col in ("number_ordered", "number_delivered", "tiv_unit", "tiv_order", "tiv_delivered")
    }
    order_year = _num(raw["order_year"], "Year of order", export, line_no).round().astype("Int64")
    _check_years(order_year, "Year of order", line_no)
    _check_negative(pd.DataFrame(numbers), list(numbers), line_no)
    recipient, supplier = _canonical_pair(raw["recipient"], raw["supplier"], export)
    years_index = _years_index(raw["delivery_years"])
    delivered_flag = _flag(raw["number_delivered_uncertain"])
    # Built once, in the declared column order and dtypes, so coerce_deals has nothing to redo.
    deals = pd.DataFrame(
        {
            "deal_id": pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)),
            "recipient": recipient,
            "supplier": supplier,
            "order_year": order_year,
            "number_ordered": numbers["number_ordered"],
            "designation": _text(raw["designation"]),
            "description": _text(raw["description"]),
            "category": pd.array([None], dtype="str").take(np.full(n, -1), allow_fill=True),
            "number_delivered": numbers["number_delivered"],
            "delivery_years": _years_list(raw["delivery_years"], years_index),
            "status": _text(raw["status"]),
            "comments": _text(raw["comments"]),
            "tiv_unit": numbers["tiv_unit"],
            "tiv_order": numbers["tiv_order"],
            "tiv_delivered": numbers["tiv_delivered"],
            "order_year_uncertain": _flag(raw["order_year_uncertain"]),
            "number_ordered_uncertain": _flag(raw["number_ordered_uncertain"]),
            "number_delivered_uncertain": delivered_flag,
            "delivery_uncertain": delivered_flag,
            "local_production": pd.array([pd.NA] * n, dtype="boolean"),
        },
        copy=False,  # the columns are new (or the parser's text): no second copy of each
    )
    return deals, years_index


def _read_register(lines: _Lines, blocks: list[_Block], export: SipriExport) -> None:
    mangled = any("?Number" in ln for ln in lines.lines[:15])  # before the lines are released
    raw, line_no = _all_records(
        lines,
        blocks,
        16,
        export,
        C_HEADER,
        {
            "order_year",
            "number_ordered",
            "number_delivered",
            "tiv_unit",
            "tiv_order",
            "tiv_delivered",
        },
    )
    if raw.empty:
        export.deals = coerce_deals(pd.DataFrame())
        export.notes.insert(0, f"Understood as a {LAYOUTS[REGISTER].description} with no deals.")
        return
    deals, years_index = _register_deals(raw, line_no, export)
    del raw  # what the deals do not share of it is not needed to spread the deliveries
    flows, unplaced = _spread_deliveries(deals, line_no, years_index)
    export.flows = coerce_flows(flows)
    export.deals = coerce_deals(deals)
    export.notes.insert(
        0,
        f"Understood as a {LAYOUTS[REGISTER].description}: {counted(len(deals), 'deal')}, "
        f"{counted(deals['recipient'].nunique(), 'recipient')}, "
        f"{counted(deals['supplier'].nunique(), 'supplier')}.",
    )
    export.notes.append(
        "Yearly volumes are estimated: each deal's delivered TIV is spread evenly over its "
        "delivery years (this layout gives one total per deal)."
    )
    if unplaced:
        export.notes.append(
            f"{unplaced} deal(s) with delivered TIV but no delivery year are not in the yearly volumes."
        )
    if mangled:
        export.notes.append("The preamble's quotes were mangled into '?' (harmless).")
    _range_note(blocks, export)


def _spread_deliveries(
    deals: pd.DataFrame, line_no: pd.Series, years_index=None
) -> tuple[pd.DataFrame, int]:
    """Yearly flows from per-deal totals: each deal's delivered TIV spread evenly over its
    delivery years. Returns the flows and the number of deals with TIV but no year."""
    codes, lists = (
        years_index
        if years_index is not None
        else _years_index(pd.Series(deals["delivery_years"].map(lambda v: "; ".join(map(str, v)))))
    )
    # Expand every deal to its delivery years with array arithmetic on the distinct lists; an
    # array the length of the expansion is made only where needed (a register's largest).
    sizes = np.array([len(v) for v in lists] + [0], dtype=np.int64)  # last: code -1
    flat_lists = np.fromiter(
        itertools.chain.from_iterable(lists), dtype=np.int64, count=int(sizes.sum())
    )
    counts = sizes[codes]
    tiv = deals["tiv_delivered"].to_numpy(dtype="float64", na_value=0.0)
    unplaced = int(((tiv > 0) & (counts == 0)).sum())
    owner = np.repeat(np.arange(len(codes)), counts)
    # Where each expanded year sits in flat_lists: its list's start plus its place in the list.
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))[codes] - (np.cumsum(counts) - counts)
    flat = np.repeat(starts, counts)
    flat += np.arange(len(flat))
    flat = flat_lists[flat]
    del starts
    if len(flat) and (flat.min() < MIN_YEAR or flat.max() > MAX_YEAR):
        k = int(np.argmax((flat < MIN_YEAR) | (flat > MAX_YEAR)))
        raise SipriFormatError(
            f"Delivery year {flat[k]} is outside {MIN_YEAR}-{MAX_YEAR}.",
            int(line_no.iloc[owner[k]]),
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        per_year = np.where(counts > 0, tiv / np.maximum(counts, 1), 0.0)
    # Group on integer keys built from sorted codes: the result comes out sorted by
    # recipient, supplier, year, far faster than grouping strings.
    # An empty name is a group of its own (code -1 would index past the names).
    rec_codes, rec_names = pd.factorize(deals["recipient"], sort=True, use_na_sentinel=False)
    sup_codes, sup_names = pd.factorize(deals["supplier"], sort=True, use_na_sentinel=False)
    key = (rec_codes * len(sup_names) + sup_codes)[owner]
    key *= 10_000
    key += flat
    del flat
    uniq, inverse = _sorted_groups(key)
    del key
    tiv_sum = np.bincount(inverse, weights=per_year[owner], minlength=len(uniq))
    pair, year = np.divmod(uniq, 10_000)
    rec, sup = np.divmod(pair, max(len(sup_names), 1))
    flows = pd.DataFrame(
        {
            "recipient": rec_names.take(rec),
            "supplier": sup_names.take(sup),
            "year": year,
            "tiv": tiv_sum,
        }
    )
    return flows, unplaced


def _sorted_groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(key, return_inverse=True), by hashing: no sorted copies of the whole key."""
    codes, uniques = pd.factorize(key)
    order = np.argsort(uniques)
    rank = np.empty(len(order), dtype=codes.dtype)
    rank[order] = np.arange(len(order), dtype=codes.dtype)
    return uniques[order], rank.take(codes, out=codes)


def _range_note(blocks, export):
    title = blocks[0].title
    export.scope = register_scope(title)
    parties = re.search(r"from (.+?)\s+to (.+?)\s*\.", title)
    if parties:
        export.countries = sorted(
            names.canonical_name(p)
            for p in parties.groups()
            if p.strip().lower() != "all countries"
        )
    m = re.search(r"year range '(\d{4})' to '(\d{4})'", title)
    if m:
        export.notes.append(
            f"The export was restricted to deliveries in {m.group(1)}-{m.group(2)}: numbers and "
            "TIV delivered cover only those years."
        )


def _delivery_rows(raw: pd.DataFrame, export: SipriExport, line_no: pd.Series) -> pd.DataFrame:
    """The per-delivery register's rows, typed and checked (years, negatives, ids)."""
    frame = pd.DataFrame(
        {
            "deal_id": _num(raw["id"]).round().astype("Int64"),
            "supplier": _text(raw["supplier"]).str.strip(),
            "recipient": _text(raw["recipient"]).str.strip(),
            "designation": _text(raw["designation"]).str.strip().str.rstrip(" -").str.strip(),
            "description": _text(raw["description"]).str.strip(),
            "category": _text(raw["category"])
            .str.strip()
            .str.lower()
            .map(CATEGORIES)
            .fillna(_text(raw["category"]).str.strip()),
            "order_year": _num(raw["order_year"]).round().astype("Int64"),
            "order_est": _flag(raw["order_est"]),
            "delivered": _num(raw["delivered"], "Numbers delivered", export, line_no),
            "delivered_est": _flag(raw["delivered_est"]),
            "year": _num(raw["year"]).round().astype("Int64"),
            "year_est": _flag(raw["year_est"]),
            "status": _text(raw["status"]).str.strip(),
            "tiv_new": _num(raw["tiv_new"], "SIPRI estimate", export, line_no),
            "tiv_unit": _num(raw["tiv_unit"], "TIV deal unit", export, line_no),
            "tiv": _num(raw["tiv"], "TIV delivery values", export, line_no),
            "local": _flag(raw["local"]),
            "line": line_no,
        }
    )
    _check_years(frame["order_year"], "Order date", line_no)
    _check_years(frame["year"], "Delivery year", line_no)
    _check_negative(frame, ["delivered", "tiv_unit", "tiv", "tiv_new"], line_no)
    if frame["year"].isna().any():
        k = frame["year"].isna().idxmax()
        raise SipriFormatError("A delivery row has no delivery year.", int(line_no[k]))
    if frame["deal_id"].isna().any():
        k = frame["deal_id"].isna().idxmax()
        raise SipriFormatError("A delivery row has no SIPRI AT Database ID.", int(line_no[k]))
    return frame


def _deals_of_deliveries(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per deal from its delivery rows."""
    g = frame.groupby("deal_id", sort=False)
    deals = g.agg(
        recipient=("recipient", "first"),
        supplier=("supplier", "first"),
        order_year=("order_year", "first"),
        designation=("designation", "first"),
        description=("description", "first"),
        category=("category", "first"),
        number_delivered=("delivered", "sum"),
        status=("status", "first"),
        tiv_unit=("tiv_unit", "first"),
        tiv_delivered=("tiv", "sum"),
        order_year_uncertain=("order_est", "any"),
        number_delivered_uncertain=("delivered_est", "any"),
        delivery_uncertain=("year_est", "any"),
        local_production=("local", "any"),
    ).reset_index()
    deals["delivery_years"] = g["year"].agg(lambda s: sorted({int(y) for y in s})).tolist()
    deals["comments"] = ""
    return deals


def _deliveries_by_deal(frame: pd.DataFrame) -> pd.DataFrame:
    """The TIV each deal delivered in each year (missing when no row of that year has one)."""
    return (
        frame.groupby(["deal_id", "year"], as_index=False, sort=True)["tiv"]
        .sum(min_count=1)
        .astype({"deal_id": "int64", "year": "int64", "tiv": "Float64"})
    )


def _read_register_deliveries(lines: _Lines, blocks: list[_Block], export: SipriExport) -> None:
    preamble = lines.lines[: blocks[0].header_line]  # before the lines are released
    raw, line_no = _all_records(
        lines,
        blocks,
        17,
        export,
        D_COLUMNS,
        {"id", "order_year", "delivered", "year", "tiv_new", "tiv_unit", "tiv"},
    )
    if any("?" in ln for ln in preamble if "Number" in ln):
        export.notes.append("The preamble's quotes were mangled into '?' (harmless).")
    if raw.empty:
        export.deals = coerce_deals(pd.DataFrame())
        export.notes.insert(
            0, f"Understood as a {LAYOUTS[REGISTER_DELIVERIES].description} with no rows."
        )
        return
    frame = _delivery_rows(raw, export, line_no)
    frame = _canonical_deals(frame, export)
    with_tiv = frame[frame["tiv"].notna()]
    flows = (
        with_tiv.assign(
            tiv=with_tiv["tiv"].astype("float64"), year=with_tiv["year"].astype("int64")
        )
        # dropna=False: a delivery with no armament category still counts in the volumes.
        .groupby(
            ["recipient", "supplier", "year", "category"], as_index=False, sort=True, dropna=False
        )["tiv"]
        .sum()
    )
    deals = _deals_of_deliveries(frame)
    export.flows = coerce_flows(flows)
    export.deals = coerce_deals(deals)
    export.deliveries = _deliveries_by_deal(frame)
    export.notes.insert(
        0,
        f"Understood as a {LAYOUTS[REGISTER_DELIVERIES].description}: "
        f"{counted(len(frame), 'delivery row')} for {counted(len(deals), 'deal')}; yearly "
        "volumes are exact sums of 'TIV delivery values'.",
    )
    _range_note(blocks, export)


# The 2014-era report's 16 columns (E_HEADER), by position.
LEGACY_COLUMNS = [
    "id",
    "supplier",
    "recipient",
    "ordered",
    "ordered_unc",
    "designation",
    "description",
    "status",
    "status_unc",
    "order_year",
    "order_year_unc",
    "years",
    "delivered",
    "delivered_unc",
    "involvement",
    "comment",
]


def _legacy_records(lines: _Lines, blocks: list[_Block], export: SipriExport) -> list:
    """(line number, 16 fields) of every record of the 2014-era report."""
    recs = []
    for block in blocks:
        _check_header(lines, block, export)
        for i in range(block.header_line + 1, block.end):
            if lines.is_blank(i):
                continue
            f = next(csv.reader([lines.text(i)], delimiter=lines.delim))
            if len(f) < 16:
                raise SipriFormatError(
                    f"This record has {len(f)} fields but the header has 16: the file looks "
                    "truncated or edited.",
                    i + 1,
                )
            if len(f) > 16 and any(c.strip() for c in f[16:]):
                raise SipriFormatError(
                    f"This record has {len(f)} fields but the header has 16.", i + 1
                )
            recs.append((i + 1, f[:16]))
    return recs


def _read_register_legacy(lines: _Lines, blocks: list[_Block], export: SipriExport) -> None:
    recs = _legacy_records(lines, blocks, export)
    raw = pd.DataFrame([f for _, f in recs], columns=LEGACY_COLUMNS, dtype="str")
    line_no = pd.Series([n for n, _ in recs], dtype="int64")
    deals = (
        pd.DataFrame(
            {
                "deal_id": _num(raw["id"]).round().astype("Int64"),
                "recipient": raw["recipient"].str.strip(),
                "supplier": raw["supplier"].str.strip(),
                "order_year": _num(raw["order_year"]).round().astype("Int64"),
                "number_ordered": _num(raw["ordered"]),
                "designation": raw["designation"].str.strip(),
                "description": raw["description"].str.strip(),
                "number_delivered": _num(raw["delivered"]),
                "delivery_years": _years_list(raw["years"]),
                "status": raw["status"]
                .str.strip()
                .replace(
                    {"SecondHand": "Second hand", "Refurbished": "Second hand but modernized"}
                ),
                "comments": raw["comment"].str.strip(),
                "order_year_uncertain": _flag(raw["order_year_unc"]),
                "number_ordered_uncertain": _flag(raw["ordered_unc"]),
                "number_delivered_uncertain": _flag(raw["delivered_unc"]),
                "delivery_uncertain": _flag(raw["delivered_unc"]),
            }
        )
        if recs
        else pd.DataFrame()
    )
    if recs:
        _check_years(deals["order_year"], "Year of order", line_no)
        deals = _canonical_deals(deals, export)
    export.deals = coerce_deals(deals)
    export.notes.insert(
        0,
        f"Understood as a {LAYOUTS[REGISTER_LEGACY].description}: "
        f"{counted(len(export.deals), 'deal')}.",
    )
    export.notes.append(
        "This 2014-era register report has no TIV columns, so it gives deals but no yearly "
        "volumes: charts of volume need a TIV table or a newer register."
    )
