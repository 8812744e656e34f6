"""Deals page: drill down into the stored trade registers, and the orders not yet delivered."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.categories import NO_DEAL_CATEGORIES_SENTENCE
from analysis.chart_meta import ChartMeta
from analysis.deals import filter_deals, no_match_sentence
from analysis.export import chart_data_csv
from analysis.pipeline import latest_deals, orders_pipeline
from analysis.vocab import counted
from pages.common import (
    DEFAULT_COUNTRY,
    dash_missing,
    index_of,
    load_deals,
    md_escape,
    set_url,
    through_app,
    url_value,
    view_url,
)

through_app()

ALL = "All recipients"
LIST_SEPARATOR = "|"  # SIPRI names contain commas ("Korea, South"), so URL lists use "|"

# The one mapping from tidy column names to what readers see (table and CSV header).
DEAL_LABELS = {
    "recipient": "Recipient",
    "supplier": "Supplier",
    "order_year": "Year of order",
    "order_year_uncertain": "Order year uncertain",
    "number_ordered": "Number ordered",
    "designation": "Designation",
    "description": "Description",
    "category": "Weapon category",
    "number_delivered": "Number delivered",
    "delivery_years": "Year(s) of delivery",
    "status": "Status",
    "tiv_unit": "TIV per unit (millions)",
    "tiv_order": "TIV of the order (millions)",
    "tiv_delivered": "TIV delivered (millions)",
    "comments": "Comments",
    "vintage": "Data generated",
}
PIPELINE_LABELS = {
    "supplier": "Supplier",
    "tiv_order": "TIV ordered (millions)",
    "tiv_delivered": "TIV delivered (millions)",
    "tiv_pending": "TIV not yet delivered (millions)",
    "deals": "Deals",
}

EMPTY_STATE = """
No trade register is stored yet. The deal list comes from SIPRI's **trade register**:

1. Open the SIPRI Arms Transfers Database (armstransfers.sipri.org) and choose
   **Trade registers**.
2. Pick a recipient (e.g. India) and/or a supplier and the years, then **Download CSV**.
3. Upload the file, unchanged, on the **Data** page and press **Save**.

TIV tables (importer/exporter values) feed the charts but hold no deals.
"""


def url_list(key: str) -> list[str]:
    """A multi-choice filter from the URL ("a|b")."""
    return [part for part in url_value(key, "").split(LIST_SEPARATOR) if part]


def url_range(key: str, low: int, high: int) -> tuple[int, int]:
    """A year range from the URL ("1990-2024"), clipped to [low, high]."""
    try:
        first, last = (int(x) for x in url_value(key, "").split("-", 1))
    except ValueError:
        return low, high
    first, last = max(low, min(first, high)), min(high, max(last, low))
    return (first, last) if first <= last else (low, high)


def delivery_years_text(years: object) -> str:
    """Delivery years as readers expect them: "2011; 2012" (empty when none)."""
    if isinstance(years, list | tuple):
        return "; ".join(str(int(y)) for y in years)
    return ""


def display_frame(deals: pd.DataFrame) -> pd.DataFrame:
    """The deals with readable labels, delivery years as text and empty columns left out."""
    columns = [c for c in DEAL_LABELS if c in deals.columns]
    out = deals[columns].copy()
    out["delivery_years"] = [delivery_years_text(v) for v in out["delivery_years"]]
    if "category" in out.columns and out["category"].isna().all():
        out = out.drop(columns="category")
    return out.rename(columns=DEAL_LABELS)


def _options(series: pd.Series) -> list[str]:
    return sorted({str(v) for v in series.dropna()})


def _multiselect(label: str, options: list[str], key: str, url_key: str) -> list[str]:
    chosen = [v for v in url_list(url_key) if v in options]
    picked = st.multiselect(label, options, default=chosen, key=key, placeholder="All")
    set_url(**{url_key: LIST_SEPARATOR.join(picked)})
    return picked


def _year_slider(label: str, low: int, high: int, key: str, url_key: str) -> tuple[int, int]:
    if low >= high:
        st.caption(f"{label}: {low}")
        return low, high
    value = url_range(url_key, low, high)
    chosen = st.slider(label, low, high, value, key=key)
    set_url(**{url_key: f"{chosen[0]}-{chosen[1]}" if chosen != (low, high) else ""})
    return int(chosen[0]), int(chosen[1])


def _show_pipeline(deals: pd.DataFrame) -> None:
    st.subheader("Orders pipeline: ordered, not yet delivered")
    result = orders_pipeline(deals)
    pipeline = result.table
    if pipeline.empty:
        st.caption("No valued deal matches the filters.")
        return
    shown = pipeline[list(PIPELINE_LABELS)].rename(columns=PIPELINE_LABELS)
    # One decimal of TIV million, thousands separated, "–" for missing, as the other tables.
    st.dataframe(dash_missing(shown.round(1)), hide_index=True, key="deals_pipeline")
    excluded = result.excluded_deals
    notes = [
        "By supplier, for the deals matching the filters: TIV of the order minus TIV delivered "
        "(never below zero per deal). Deliveries lag orders by years."
    ]
    if excluded:
        verb = "is" if excluded == 1 else "are"
        notes.append(f"{counted(excluded, 'deal')} without a TIV for the order {verb} left out.")
    if "vintage" in pipeline.columns and pipeline["vintage"].notna().any():
        notes.append(f"Data generated {pipeline['vintage'].iloc[0]}.")
    st.caption(" ".join(notes))


def _column_filters(scoped: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """Supplier, status and weapon-category choices (categories only where a layout has them)."""
    cols = st.columns(3)
    with cols[0]:
        suppliers = _multiselect(
            "Supplier", _options(scoped["supplier"]), "deals_suppliers", "suppliers"
        )
    with cols[1]:
        statuses = _multiselect("Status", _options(scoped["status"]), "deals_status", "status")
    with cols[2]:
        categories: list[str] = []
        if scoped["category"].notna().any():  # only some layouts carry a weapon category
            categories = _multiselect(
                "Weapon category", _options(scoped["category"]), "deals_category", "category"
            )
        else:
            st.caption(md_escape(NO_DEAL_CATEGORIES_SENTENCE))
    return suppliers, statuses, categories


def _year_filters(scoped: pd.DataFrame) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Order and delivery year ranges; None for a full range (it keeps deals without one)."""
    cols = st.columns(2)
    order_years = None
    known_orders = scoped["order_year"].dropna()
    with cols[0]:
        if len(known_orders):
            order_years = _year_slider(
                "Year of order",
                int(known_orders.min()),
                int(known_orders.max()),
                "deals_order_years",
                "ordered",
            )
    delivery_years = None
    all_deliveries = [y for ys in scoped["delivery_years"] if isinstance(ys, list) for y in ys]
    with cols[1]:
        if all_deliveries:
            low, high = min(all_deliveries), max(all_deliveries)
            chosen = _year_slider(
                "Year(s) of delivery", low, high, "deals_delivery_years", "delivered"
            )
            # The full range keeps deals without deliveries (e.g. ordered, not yet delivered).
            delivery_years = None if chosen == (low, high) else chosen
    if order_years is not None and order_years == (
        int(known_orders.min()),
        int(known_orders.max()),
    ):
        order_years = None  # the full range keeps deals whose order year is unknown
    return order_years, delivery_years


def _search_box() -> str:
    query = st.text_input(
        "Search designation, description and comments",
        value=url_value("q", ""),
        key="deals_query",
        placeholder="e.g. MiG-29, S-400, Wartsila",
        help=(
            "Searches the designation, description, comments, supplier and recipient. "
            "Every word must appear; case, accents, hyphens and spaces are ignored "
            "(s400 finds S-400); the text is matched literally."
        ),
    )
    set_url(q=query.strip())
    return query


def _say_count(deals: pd.DataFrame, result, query: str, vintages: list[str]) -> None:
    """How many deals match, and why none do when a search finds nothing."""
    st.markdown(
        f"**{result.count:,} {'deal matches' if result.count == 1 else 'deals match'}** "
        f"out of {result.total:,} stored · newest order first"
        + (f" · data generated {md_escape(', '.join(vintages))}" if vintages else "")
    )
    if result.count == 0 and query.strip():
        elsewhere = filter_deals(deals, query=query).count
        if elsewhere:  # the other filters, not SIPRI's coverage, leave the search empty
            st.info(
                f"No deal matches '{md_escape(query.strip())}' with these filters; "
                f"{elsewhere:,} stored deal(s) match it without them.",
                icon=":material/filter_alt_off:",
            )
        else:
            st.info(md_escape(no_match_sentence(query)), icon=":material/search_off:")
            st.page_link(
                "pages/about.py", label="About: what SIPRI's data cover", icon=":material/info:"
            )
    if len(vintages) > 1:
        st.caption(
            "Registers of different vintages are listed side by side; SIPRI revises its data "
            "every spring, so the same deal can appear once per vintage."
        )


def _download(found: pd.DataFrame, filters: dict[str, str], vintages: list[str]) -> None:
    meta = ChartMeta(
        title="SIPRI trade register: selected deals",
        filters=filters,
        vintage=", ".join(vintages) or None,
    )
    url = view_url()
    st.download_button(
        "Selected deals (CSV)",
        lambda: chart_data_csv(display_frame(found), meta, url),
        "sipri-deals-selected.csv",
        "text/csv",
        key="deals_download",
        on_click="ignore",
    )


def main() -> None:
    st.title("Deals")
    # The same deal listed by several registers (another vintage, the 2014 report) once.
    deals = latest_deals(load_deals())
    if deals.empty:
        st.info(EMPTY_STATE, icon=":material/list_alt:")
        return

    recipients = _options(deals["recipient"])
    default = DEFAULT_COUNTRY if DEFAULT_COUNTRY in recipients else ALL
    choices = [ALL, *recipients]
    recipient = st.selectbox(
        "Recipient",
        choices,
        index=index_of(choices, url_value("recipient", default)),
        key="deals_recipient",
    )
    set_url(recipient=recipient)
    scoped = deals if recipient == ALL else deals[deals["recipient"] == recipient]
    suppliers, statuses, categories = _column_filters(scoped)
    order_years, delivery_years = _year_filters(scoped)
    query = _search_box()

    result = filter_deals(
        deals,
        query=query,
        recipients=[] if recipient == ALL else [recipient],
        suppliers=suppliers,
        categories=categories,
        status=statuses,
        years=order_years,
        delivery_years=delivery_years,
    )
    found = result.deals
    vintages = sorted({str(v) for v in found["vintage"].dropna()})
    _say_count(deals, result, query, vintages)
    # "–" where a register gives no value (a per-deal register has no weapon category), never a
    # grey "None". The Styler's data alone: styling every cell of a whole register takes seconds.
    st.dataframe(dash_missing(display_frame(found)).data, hide_index=True, key="deals_table")
    filters = {
        "Recipient": recipient,
        "Suppliers": ", ".join(suppliers) or "all",
        "Search": query.strip() or "none",
    }
    _download(found, filters, vintages)
    _show_pipeline(found)


main()
