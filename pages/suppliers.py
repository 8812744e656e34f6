"""Suppliers: an exporter's customers over time, and a world map of a recipient's suppliers."""

from __future__ import annotations

import streamlit as st

from analysis import recipient_data, views
from analysis.partial_marks import customers_marks
from pages import embed_views
from pages.common import (
    DEFAULT_COUNTRY,
    event_category_filter,
    index_of,
    load_events,
    load_flows,
    md_escape,
    measure_and_top_n,
    render_view,
    set_url,
    state_token,
    through_app,
    upload_hint,
    url_bool,
    url_int,
    url_value,
)
from pages.embed import embed_mode, share_panel
from pages.published_figures import published_section

through_app()

MEASURE_LABELS = {"tiv": "TIV (millions)", "share": "Share of its exports"}


@st.cache_data(show_spinner=False, max_entries=8)
def _choices(token: str) -> tuple[list[str], list[str]]:
    flows = load_flows()
    return recipient_data.exporters_with_data(flows), recipient_data.recipients_with_data(flows)


@st.cache_data(show_spinner=False, max_entries=16)
def _customers(token: str, **options: object) -> views.ChartView:
    # Counted from importers' tables or a per-deal register: partial / estimated on the figure.
    return customers_marks(views.customers_view(load_flows(), load_events(), **options))


@st.cache_data(show_spinner=False, max_entries=16)
def _span(token: str, country: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """The recipient's years, and the default map years: its latest whole 5-year period."""
    flows = load_flows()
    span = recipient_data.recipient_years(flows, country)
    periods = recipient_data.default_periods(flows, country)
    return span, (periods[-1] if periods else span)


@st.cache_data(show_spinner=False, max_entries=16)
def _map(token: str, **options: object) -> views.ChartView:
    return views.supplier_map_view(load_flows(), load_events(), **options)


token = state_token()
exporters, recipients = _choices(token)
if embed_mode():  # one chart alone, for an iframe: the customers, or the map with chart=map
    embed_views.suppliers(token, exporters)
st.title("Suppliers")
if not exporters:
    upload_hint()
    published_section("sup", by_supplier=True)
    st.stop()

lineage = st.toggle(
    "Count the Soviet Union as Russia", value=url_bool("lineage", False), key="sup_lineage"
)
hidden = event_category_filter("sup")

st.subheader("An exporter's customers over time")
c1, c2, c3 = st.columns(3)
exporter = c1.selectbox(
    "Exporter",
    exporters,
    index=index_of(exporters, url_value("exporter", "Russia")),
    key="sup_exporter",
)
measure, top_n = measure_and_top_n(
    c2, c3, key="sup", labels=MEASURE_LABELS, default_top=10, counted="Customers"
)
try:
    view = _customers(
        token,
        exporter=exporter,
        measure=measure,
        merge_lineage=lineage,
        top_n=top_n,
        hidden_categories=tuple(hidden),
    )
except ValueError as exc:
    st.error(md_escape(exc))
else:
    render_view(view, key="sup_customers")
    share_panel(view.meta.title, key="sup_customers", query={"chart": "customers"})
    for note in view.notes:
        st.caption(md_escape(note))

st.subheader("Where a recipient's arms come from")
recipient = st.selectbox(
    "Recipient",
    recipients,
    index=index_of(recipients, url_value("country", DEFAULT_COUNTRY)),
    key="sup_recipient",
)
span, (first_default, last_default) = _span(token, recipient)
first_year, last_year = st.slider(
    "Years",
    min_value=span[0],
    max_value=span[1],
    value=(
        min(max(url_int("from", first_default), span[0]), span[1]),
        min(max(url_int("to", last_default), span[0]), span[1]),
    ),
    key="sup_years",
)
set_url(
    exporter=exporter,
    measure=measure,
    top=top_n,
    lineage=lineage,
    country=recipient,
    **{"from": first_year, "to": last_year},
)
try:
    world = _map(
        token,
        recipient=recipient,
        years=(first_year, last_year),
        merge_lineage=lineage,
        hidden_categories=tuple(hidden),
    )
except ValueError as exc:
    st.error(md_escape(exc))
else:
    render_view(world, key="sup_map")
    share_panel(world.meta.title, key="sup_map", query={"chart": "map"})
    for note in world.notes:
        st.caption(md_escape(note))
