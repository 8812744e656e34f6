"""Arms-trade dashboard: page config and navigation (pages live in pages/)."""

import logging
import uuid

import streamlit as st

from analysis.store import StoreError
from pages import THROUGH_APP, app_pages, configure_page
from pages.common import watch_store
from pages.embed import embed_mode

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


configure_page()

# Pages check this to know the run came through here (see pages.common.through_app).
st.session_state[THROUGH_APP] = True
# An embedded view (?embed=true, in an iframe) shows its chart alone: no page menu.
page = st.navigation(app_pages(), position="hidden" if embed_mode() else "sidebar")
watch_store()  # a team's shared store: other processes' saves show without a click
run_page(page)
