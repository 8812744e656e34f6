"""Arms-trade dashboard: page config and navigation (pages live in pages/)."""

import logging
import uuid
from pathlib import Path

import streamlit as st

from analysis.store import StoreError

HERE = Path(__file__).resolve().parent

LOG = logging.getLogger("arms_dashboard")
if not LOG.handlers:  # app.py runs again on every rerun: one handler per server process
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)


class UnexpectedPageError(Exception):
    """What a page shows instead of an unexpected exception: an error id, no traceback."""

    alternate_name = "Error"  # the type name Streamlit shows in the box


def run_page(page) -> None:
    """Run the chosen page; errors become one sentence, never a traceback or a server path.

    A store fault the page left to us shows its sentence. Any other exception is logged on the
    server with a short id that the page shows. st.stop and st.rerun raise Streamlit's
    ScriptControlException, a BaseException: they pass through untouched.
    """
    try:
        page.run()
    except StoreError as exc:
        from pages.common import md_escape  # imported by every page already

        st.error(md_escape(str(exc)), icon=":material/database:")
    except Exception as exc:
        error_id = uuid.uuid4().hex[:8]
        LOG.error("error id %s on page %s", error_id, page.title, exc_info=exc)
        # An exception element without a traceback (the new exception was never raised): the
        # reader sees the sentence, and tests still see that the page failed.
        st.exception(
            UnexpectedPageError(
                f"Something went wrong (error id {error_id}). The details are in the server log."
            )
        )


st.set_page_config(
    page_title="Arms imports by supplier — SIPRI data",
    page_icon=":material/public:",
    layout="wide",
)

PAGES = [
    st.Page(HERE / "pages" / "overview.py", title="Overview", icon=":material/home:", default=True),
    st.Page(HERE / "pages" / "import_mix.py", title="Import mix", icon=":material/bar_chart:"),
    st.Page(HERE / "pages" / "compare.py", title="Compare countries", icon=":material/compare:"),
    st.Page(HERE / "pages" / "periods.py", title="Periods", icon=":material/compare_arrows:"),
    st.Page(HERE / "pages" / "suppliers.py", title="Suppliers", icon=":material/public:"),
    st.Page(HERE / "pages" / "deals.py", title="Deals", icon=":material/list_alt:"),
    st.Page(HERE / "pages" / "events.py", title="Events", icon=":material/event:"),
    st.Page(HERE / "pages" / "data.py", title="Data", icon=":material/upload_file:"),
    st.Page(HERE / "pages" / "about.py", title="About", icon=":material/info:"),
]

run_page(st.navigation(PAGES))
