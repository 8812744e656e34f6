"""AppTest of every page with hostile names: file- and user-supplied text never becomes markup."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis.events import Event
from analysis.store import Store
from pages.common import md_escape

from .conftest import DATA, ROOT

RECIPIENT = "[Click me](https://evil.example)"
SUPPLIER = "![t](https://evil.example/t.png)"
EVENT_TITLE = "[x](https://evil.example)"
# Elements whose text Streamlit renders as markdown.
MARKDOWN_KINDS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
)
# A link or image needs "](" with neither bracket nor parenthesis escaped; a bare URL is
# autolinked, so the raw "https://" of the hostile names must not survive either.
LIVE_LINK = re.compile(r"(?<!\\)\]\s*(?<!\\)\(|https://evil")


def hostile_table() -> bytes:
    """The small India TIV table, with the recipient and one supplier renamed to markdown.

    Its six years are repeated to make twelve (2009-2020), so that the recipient has two whole
    5-year periods for the Periods page to compare.
    """
    text = (DATA / "tiv_table_india_by_supplier.csv").read_text(encoding="utf-8")
    text = text.replace("Total exports to India", f"Total exports to {RECIPIENT}")
    text = text.replace("\nFrance,", f"\n{SUPPLIER},")
    assert RECIPIENT in text and SUPPLIER in text
    lines = []
    for line in text.splitlines():
        cells = line.split(",")
        if cells[0] == "Supplier":
            years = [str(year) for year in range(2009, 2021)]
            cells = ["Supplier", *years, "2009-2020", *cells[8:]]
        elif len(cells) == 11:  # a table row: 6 years, period total, %, total, %
            twice = [_doubled(cells[7]), cells[8], _doubled(cells[9]), cells[10]]
            cells = [cells[0], *cells[1:7], *cells[1:7], *twice]
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _doubled(cell: str) -> str:
    return str(int(2 * float(cell))) if cell.strip() else ""


@pytest.fixture
def hostile_db(tmp_path, monkeypatch):
    path = tmp_path / "arms.sqlite"
    monkeypatch.setenv("ARMS_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    store = Store(path)
    assert store.import_bytes("hostile.csv", hostile_table()).ok
    flows = store.flows().frame
    assert set(flows["recipient"]) == {RECIPIENT} and SUPPLIER in set(flows["supplier"])
    assert (flows["year"].min(), flows["year"].max()) == (2009, 2019)
    # One event inside the data's years, one after them (listed as outside a period chart).
    for start in (dt.date(2011, 6, 1), dt.date(2030, 6, 1)):
        store.add_event(Event(start=start, title=EVENT_TITLE, countries=(RECIPIENT,)))
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rendered_texts(at: AppTest) -> list[str]:
    """Every markdown-rendered text of the page: text elements, metric labels and tooltips."""
    out = [str(element.value) for kind in MARKDOWN_KINDS for element in at.get(kind)]
    for metric in at.metric:
        out += [metric.label, metric.proto.help]
    return out


def assert_no_live_links(at: AppTest) -> list[str]:
    texts = rendered_texts(at)
    live = [t for t in texts if LIVE_LINK.search(t)]
    assert not live, live
    return texts


def shows(texts: list[str], name: str) -> bool:
    """Whether the escaped name is on the page (so the check above looked at real output)."""
    return any(md_escape(name) in t for t in texts)


def test_live_link_pattern_tells_raw_from_escaped():
    assert LIVE_LINK.search(f"Nothing is loaded for {RECIPIENT}.")
    assert LIVE_LINK.search(SUPPLIER)
    assert not LIVE_LINK.search(f"Nothing is loaded for {md_escape(RECIPIENT)}.")
    assert not LIVE_LINK.search(md_escape(SUPPLIER))


def test_overview_escapes_recipient_and_supplier(hostile_db):
    at = open_page("overview", country=RECIPIENT, supplier=SUPPLIER)
    assert at.selectbox(key="overview_country").value == RECIPIENT
    assert at.selectbox(key="overview_supplier").value == SUPPLIER
    texts = assert_no_live_links(at)
    assert shows(texts, RECIPIENT) and shows(texts, SUPPLIER)
    # Only the name is escaped: the label's own wording is left as written.
    assert any(m.label.startswith(f"Share from {md_escape(SUPPLIER)}, ") for m in at.metric)


def test_import_mix_escapes_recipient_and_event_titles(hostile_db):
    at = open_page("import_mix", country=RECIPIENT, by="period")
    assert at.selectbox(key="mix_country").value == RECIPIENT
    texts = assert_no_live_links(at)
    assert any(t.startswith("Events outside the plotted years: ") for t in texts)
    assert shows(texts, EVENT_TITLE)
    at.toggle(key="mix_window_on").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert_no_live_links(at)
    at.radio(key="mix_by").set_value("year").run()
    assert not at.exception, [e.value for e in at.exception]
    assert_no_live_links(at)


def test_import_mix_without_events_for_the_recipient(hostile_db):
    store = Store(hostile_db)
    for event in store.events():  # the seed's global events concern every country
        store.delete_event(int(event.id))
    at = open_page("import_mix", country=RECIPIENT, window_on="1")
    texts = assert_no_live_links(at)
    assert any(md_escape(RECIPIENT) in t and "No event concerns" in t for t in texts)


def test_periods_escapes_recipient(hostile_db):
    at = open_page("periods", country=RECIPIENT)
    assert at.selectbox(key="periods_country").value == RECIPIENT
    texts = assert_no_live_links(at)
    assert md_escape(RECIPIENT + "'s") + " suppliers, 2010-14 and 2015-19" in texts
    assert shows(texts, RECIPIENT)


def test_suppliers_escapes_exporter_and_recipient(hostile_db):
    at = open_page("suppliers", exporter=SUPPLIER, country=RECIPIENT)
    assert at.selectbox(key="sup_exporter").value == SUPPLIER
    assert at.selectbox(key="sup_recipient").value == RECIPIENT
    texts = assert_no_live_links(at)
    assert shows(texts, SUPPLIER)


@pytest.mark.parametrize("page", ["deals", "events", "data", "about"])
def test_other_pages_show_no_live_links(hostile_db, page):
    assert_no_live_links(open_page(page))
