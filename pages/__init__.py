"""The dashboard's pages; app.py routes to them with st.navigation(app_pages())."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
# Set by app.py on every run it routes: a page run without it came straight from a first deep
# link, which Streamlit serves in its old pages/ mode until st.navigation has run once.
THROUGH_APP = "_routed_by_app"


def configure_page() -> None:
    """The page config every page shares (title, icon, wide layout)."""
    st.set_page_config(
        page_title="Arms imports by supplier — SIPRI data",
        page_icon=":material/public:",
        layout="wide",
    )


def app_pages() -> list[st.Page]:
    """Every page, in sidebar order (the default page first)."""
    return [
        st.Page(HERE / "overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page(HERE / "import_mix.py", title="Import mix", icon=":material/bar_chart:"),
        st.Page(HERE / "compare.py", title="Compare countries", icon=":material/compare:"),
        st.Page(HERE / "periods.py", title="Periods", icon=":material/compare_arrows:"),
        st.Page(HERE / "suppliers.py", title="Suppliers", icon=":material/public:"),
        st.Page(HERE / "deals.py", title="Deals", icon=":material/list_alt:"),
        st.Page(HERE / "events.py", title="Events", icon=":material/event:"),
        st.Page(HERE / "data.py", title="Data", icon=":material/upload_file:"),
        st.Page(HERE / "about.py", title="About", icon=":material/info:"),
    ]
