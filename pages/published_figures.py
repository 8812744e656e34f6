"""SIPRI's published figures on the pages, and tables whose blanks say why they are blank.

Not a page (app_pages() lists the pages): shared by Overview, Import mix, Periods and Suppliers
so that with nothing loaded they all show the published figures the same honest way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import streamlit as st

from analysis import published_chart, published_views, views
from analysis.blanks import PUBLISHED_REASONS, blank_reasons, reason_help
from analysis.published import load_published
from analysis.published_chart import footnote_text, published_recipients, supplier_table
from analysis.vocab import country_phrase
from pages.common import (
    DEFAULT_COUNTRY,
    dash_missing,
    event_category_filter,
    index_of,
    md_escape,
    render_view,
    set_url,
    state_token,
    url_value,
)


@st.cache_data(show_spinner=False, max_entries=2)
def recipients() -> list[str]:
    """Recipients with published supplier shares (India in the seed)."""
    return published_recipients(load_published())


@st.cache_resource(show_spinner=False, max_entries=16)
def _mix(token: str, country: str, hidden: tuple[str, ...]) -> views.ChartView:
    from pages.common import load_events

    return published_views.published_mix_view(
        load_events(), recipient=country, hidden_categories=hidden
    )


def footnote(citations: Iterable[str]) -> None:
    """The sources of the published figures, as a footnote caption (nothing when none)."""
    text = footnote_text(citations)
    if text:
        st.caption(md_escape(text))


def table_with_reasons(table: pd.DataFrame, reasons: Mapping[str, str], *, key: str) -> None:
    """``st.dataframe`` with blanks as "–" and, on each column holding one, a tooltip saying why.

    st.dataframe has no per-cell tooltips (Streamlit 1.67 supports Styler tooltips in st.table
    only): the reason is the column's help, shown when hovering over its header.
    """
    why = blank_reasons(table, reasons)
    config = {column: st.column_config.Column(help=reason_help(r)) for column, r in why.items()}
    st.dataframe(dash_missing(table), hide_index=True, key=key, column_config=config or None)


def published_mix(token: str, country: str, hidden: Iterable[str], *, key: str) -> None:
    """The import mix per period as SIPRI published it, its notes and the press footnote."""
    try:
        view = _mix(token, country, tuple(hidden))
    except ValueError as exc:
        st.info(md_escape(exc))
        return
    render_view(view, key=key)
    for note in view.notes:
        st.caption(md_escape(note))
    footnote(view.meta.citations)


def published_suppliers(country: str, *, key: str) -> None:
    """Each named supplier's published share per period, blank where no release names one."""
    table = supplier_table(published_chart.published_mix(country))
    if table.empty:
        st.info(
            f"SIPRI's published figures name no supplier of {md_escape(country_phrase(country))}."
        )
        return
    table_with_reasons(table, PUBLISHED_REASONS, key=key)


def published_section(key: str, *, by_supplier: bool = False) -> None:
    """What a page shows before anything is loaded: SIPRI's published figures for a country.

    Args:
        key: the page's widget key prefix.
        by_supplier: also show each named supplier's published share per period (Suppliers).
    """
    countries = recipients()
    if not countries:
        return
    country = st.selectbox(
        "Recipient (SIPRI's published figures)",
        countries,
        index=index_of(countries, url_value("country", DEFAULT_COUNTRY)),
        key=f"{key}_published_country",
    )
    set_url(country=country)
    whose = md_escape(country_phrase(country, start=True, possessive=True))
    st.subheader(f"{whose} arms imports by supplier, as SIPRI published them")
    st.caption(
        "SIPRI's releases name the shares of some suppliers only: the rest of each period is "
        "drawn as not broken down in the published figures, never as one supplier."
    )
    hidden = event_category_filter(key)
    if by_supplier:
        published_suppliers(country, key=f"{key}_published_table")
    published_mix(state_token(), country, hidden, key=f"{key}_published")
