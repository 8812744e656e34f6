"""The deals behind one bar segment of an import-mix chart (year × supplier or period × supplier).

A register lists deals with their delivery years and the TIV delivered in all of them. The TIV
a deal delivered within the clicked year or period is:

- exact when every one of its delivery years lies in the span (all of it falls there), or when
  the per-delivery register's yearly values are given (``deliveries``);
- otherwise an estimate: the deal's delivered TIV spread evenly over its delivery years, the
  way the charts' yearly volumes from a per-deal register are estimated. Such rows are
  labelled, and the table's note says so.

Pure pandas: the pages wire the chart's selection to :func:`deals_behind`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.vocab import OTHERS, counted, parse_period

EXACT = "exact"
ESTIMATE = "estimate (spread evenly over its delivery years)"
NEEDS_REGISTER = (
    "Deal detail needs a SIPRI trade register: on armstransfers.sipri.org choose Trade "
    "registers, pick {country} as recipient and the years, press Download CSV, and drop the "
    "file on the Data page."
)
COLUMNS = [
    "supplier",
    "designation",
    "description",
    "category",
    "status",
    "order_year",
    "delivery_years",
    "tiv_in_span",
    "tiv_basis",
    "tiv_delivered",
    "vintage",
]


@dataclass(frozen=True)
class Mark:
    """One clicked bar segment: whose imports, from which supplier, in which years."""

    recipient: str
    supplier: str
    first_year: int
    last_year: int
    # For the "Others" segment: the suppliers the chart names separately (not Others).
    named: tuple[str, ...] = ()

    @property
    def span_text(self) -> str:
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}-{self.last_year}"


@dataclass
class MarkDeals:
    """The deals behind a mark, largest TIV in the span first, and what to say about them."""

    mark: Mark
    deals: pd.DataFrame
    total_tiv: float
    estimated: int  # rows whose TIV in the span is an even-spread estimate
    notes: list[str] = field(default_factory=list)


def mark_from_point(
    point: Mapping[str, object],
    supplier: str,
    recipient: str,
    *,
    by: str,
    named: Sequence[str] = (),
) -> Mark:
    """The mark a clicked plotly point stands for.

    Args:
        point: one point of Streamlit's plotly selection (``x``, ``customdata``).
        supplier: the clicked trace's supplier (its unescaped name).
        recipient: the chart's importer.
        by: "year" (bars at mid-year dates, the year first in customdata) or "period"
            (bars on period labels such as "2019-23").
        named: the suppliers the chart shows separately (for an "Others" segment).

    Raises:
        ValueError: when the point carries no year or period.
    """
    x = str(point.get("x", ""))
    if by == "year":
        custom = point.get("customdata")
        if isinstance(custom, list | tuple) and custom:
            first = last = int(float(custom[0]))
        elif x[:4].isdigit():
            first = last = int(x[:4])
        else:
            raise ValueError(f"no year in the clicked point {x!r}")
    else:
        first, last = parse_period(html.unescape(x))
    return Mark(recipient, supplier, first, last, tuple(named) if supplier == OTHERS else ())


def supplier_of_trace(trace_name: str, suppliers: Sequence[str]) -> str | None:
    """The supplier whose (escaped) trace name is ``trace_name`` (None for other traces)."""
    from analysis.chart_style import plotly_text

    return next((s for s in suppliers if plotly_text(s) == trace_name), None)


def _lineage_names(supplier: str, merge_lineage: bool) -> set[str]:
    if not merge_lineage:
        return {supplier}
    from analysis.names import lineage_map

    return {supplier} | {old for old, new in lineage_map().items() if new == supplier}


def _in_span(years: object, first: int, last: int) -> tuple[int, int]:
    """How many of a deal's delivery years fall in the span, and how many it has."""
    if not isinstance(years, list | tuple) or not years:
        return 0, 0
    return sum(first <= int(y) <= last for y in years), len(years)


def one_register(
    deals: pd.DataFrame, recipient: str, preferred: Sequence[int]
) -> tuple[pd.DataFrame, int | None]:
    """The deals of the one register that lists ``recipient``'s deals, first of ``preferred``.

    Registers of different layouts or vintages list the same deal again, often under another
    designation ("Deepak" / "Deepak-2"), which no key can match: summing over every stored
    register would count such a deal twice. The deals behind a segment therefore come from
    one register: the first of ``preferred`` (the chart's own export, then the exports the
    source rule ranks for the recipient) that lists any of its deals.

    Args:
        deals: every stored register's deals, with ``dataset_id``.
        recipient: the chart's recipient.
        preferred: dataset ids, the most preferred first.

    Returns:
        That register's deals and its dataset id; the deals unchanged and None when no
        preferred register lists the recipient (or the deals carry no dataset id).
    """
    if deals.empty or "dataset_id" not in deals.columns:
        return deals, None
    listed = set(deals.loc[deals["recipient"] == recipient, "dataset_id"].dropna().astype(int))
    for dataset_id in preferred:
        if int(dataset_id) in listed:
            return deals[deals["dataset_id"] == dataset_id], int(dataset_id)
    return deals, None


def deals_behind(
    deals: pd.DataFrame,
    mark: Mark,
    *,
    merge_lineage: bool = False,
    deliveries: pd.DataFrame | None = None,
) -> MarkDeals:
    """The register rows behind ``mark``, with the TIV each delivered in its years.

    Args:
        deals: deals frame (``analysis.schema.DEAL_COLUMNS``, optional vintage, dataset_id),
            each deal once (``pipeline.latest_deals``).
        mark: recipient, supplier (or Others with the chart's named suppliers) and years.
        merge_lineage: the chart counts predecessors as their successor (Soviet Union as
            Russia): their deals count for the successor's segment too.
        deliveries: optional per-delivery values ``deal_id, year, tiv`` (and ``dataset_id``
            when the deals carry it) from a per-delivery register: those deals' TIV in the
            span is the exact sum of their deliveries there.

    Returns:
        MarkDeals with ``deals`` in ``COLUMNS`` (largest TIV in the span first): only deals
        with a delivery in the span.
    """
    rows = deals[deals["recipient"] == mark.recipient]
    if mark.supplier == OTHERS:
        named = set().union(*(_lineage_names(s, merge_lineage) for s in mark.named))
        rows = rows[~rows["supplier"].isin(list(named))]
    else:
        rows = rows[rows["supplier"].isin(list(_lineage_names(mark.supplier, merge_lineage)))]
    counts = [_in_span(ys, mark.first_year, mark.last_year) for ys in rows["delivery_years"]]
    inside = pd.Series([k > 0 for k, _ in counts], index=rows.index, dtype=bool)
    rows, counts = rows[inside], [c for c in counts if c[0] > 0]
    delivered = rows["tiv_delivered"].astype("float64").to_numpy(na_value=float("nan"))
    whole = [k == n for k, n in counts]
    tiv = [
        d if all_in else d * k / n
        for d, all_in, (k, n) in zip(delivered, whole, counts, strict=True)
    ]
    basis = [EXACT if all_in else ESTIMATE for all_in in whole]
    exact = _exact_from_deliveries(rows, mark, deliveries)
    for i, key in enumerate(rows.index):
        if key in exact:
            tiv[i], basis[i] = exact[key], EXACT
    out = pd.DataFrame(
        {
            "supplier": rows["supplier"].astype("str"),
            "designation": rows["designation"].astype("str"),
            "description": rows["description"].astype("str"),
            "category": rows["category"].astype("str"),
            "status": rows["status"].astype("str"),
            "order_year": rows["order_year"].astype("Int64"),
            "delivery_years": rows["delivery_years"],
            "tiv_in_span": pd.array(tiv, dtype="Float64"),
            "tiv_basis": pd.array(basis, dtype="str"),
            "tiv_delivered": rows["tiv_delivered"].astype("Float64"),
            "vintage": rows["vintage"].astype("str") if "vintage" in rows else pd.NA,
        }
    )
    out = out.sort_values(
        ["tiv_in_span", "designation"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)
    estimated = int((out["tiv_basis"] == ESTIMATE).sum())
    return MarkDeals(mark, out, float(out["tiv_in_span"].sum()), estimated, _notes(estimated))


def _exact_from_deliveries(
    rows: pd.DataFrame, mark: Mark, deliveries: pd.DataFrame | None
) -> dict[object, float]:
    """Row index -> exact TIV in the span, for the deals the per-delivery values cover."""
    if deliveries is None or deliveries.empty or "deal_id" not in rows.columns:
        return {}
    keys = ["deal_id", "dataset_id"] if {"dataset_id"} <= {*deliveries, *rows} else ["deal_id"]
    years = deliveries["year"].astype("int64")
    span = deliveries[years.between(mark.first_year, mark.last_year)]
    sums = span.groupby(keys)["tiv"].sum()
    covered = set(deliveries.set_index(keys).index)
    exact = {}
    for index, key in zip(rows.index, rows.set_index(keys).index, strict=True):
        if key in covered:
            exact[index] = float(sums.get(key, 0.0))
    return exact


def _notes(estimated: int) -> list[str]:
    if not estimated:
        return []
    its = "its" if estimated == 1 else "their"
    return [
        f"{counted(estimated, 'deal')} delivered in years outside this span too, and {its} "
        f"register gives one TIV for all deliveries: {its} TIV here is that total spread evenly "
        "over the delivery years (an estimate). The per-delivery register gives exact yearly "
        "values."
    ]


def deals_page_query(mark: Mark) -> dict[str, str]:
    """The Deals page's URL filters for the mark: recipient, supplier(s), delivery years."""
    query = {"recipient": mark.recipient, "delivered": f"{mark.first_year}-{mark.last_year}"}
    if mark.supplier != OTHERS:
        query["suppliers"] = mark.supplier
    return query
