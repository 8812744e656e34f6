"""Arms-trade dashboard: page config and navigation (pages live in pages/)."""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

st.set_page_config(
    page_title="Arms imports by supplier — SIPRI data",
    page_icon=":material/public:",
    layout="wide",
)

PAGES = [
    st.Page(HERE / "pages" / "overview.py", title="Overview", icon=":material/home:", default=True),
    st.Page(HERE / "pages" / "import_mix.py", title="Import mix", icon=":material/bar_chart:"),
    st.Page(HERE / "pages" / "periods.py", title="Periods", icon=":material/compare_arrows:"),
    st.Page(HERE / "pages" / "suppliers.py", title="Suppliers", icon=":material/public:"),
    st.Page(HERE / "pages" / "deals.py", title="Deals", icon=":material/list_alt:"),
    st.Page(HERE / "pages" / "events.py", title="Events", icon=":material/event:"),
    st.Page(HERE / "pages" / "data.py", title="Data", icon=":material/upload_file:"),
    st.Page(HERE / "pages" / "about.py", title="About", icon=":material/info:"),
]

st.navigation(PAGES).run()
