"""SIPRI's published figures on the pages, and tables whose blanks say why they are blank.

Not a page (app_pages() lists the pages): shared by Overview, Import mix, Periods and Suppliers
so that with nothing loaded they all show the published figures the same honest way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import streamlit as st

from analysis import views
from analysis.blanks import PUBLISHED_REASONS, blank_reasons, reason_help
from analysis.published import load_published
from analysis.published_chart import footnote_text, published_recipients, supplier_table
from pages.common import dash_missing, md_escape, render_chart


@st.cache_data(show_spinner=False, max_entries=2)
def recipients() -> list[str]:
    """Recipients with published supplier shares (India in the seed)."""
    return published_recipients(load_published())


@st.cache_resource(show_spinner=False, max_entries=16)
def _mix(token: str, country: str, hidden: tuple[str, ...]) -> views.ChartView:
    from pages.common import load_events

    return views.for_display(
        views.published_mix_view(load_events(), recipient=country, hidden_categories=hidden)
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
    render_chart(view.fig, view.meta, key=key, events=view.events, data=view.data)
    for note in view.notes:
        st.caption(md_escape(note))
    footnote(view.meta.citations)


def published_suppliers(country: str, *, key: str) -> None:
    """Each named supplier's published share per period, blank where no release names one."""
    table = supplier_table(views.published_mix(country))
    if table.empty:
        st.info(f"SIPRI's published figures name no supplier of {md_escape(country)}.")
        return
    table_with_reasons(table, PUBLISHED_REASONS, key=key)
