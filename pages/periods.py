"""Periods: a fact-sheet comparison of two SIPRI periods, with a self-check against SIPRI."""

from __future__ import annotations

import streamlit as st

from analysis import views
from analysis.periods import compared_periods, default_pair, period_windows, requested_period
from analysis.results import SelfCheck
from analysis.vintages import choose
from pages.common import (
    DEFAULT_COUNTRY,
    dash_missing,
    event_category_filter,
    index_of,
    load_events,
    load_flows,
    md_escape,
    render_chart,
    set_url,
    state_token,
    through_app,
    upload_hint,
    url_bool,
    url_value,
)

through_app()


@st.cache_data(show_spinner=False, max_entries=8)
def _recipients(token: str) -> list[str]:
    return views.recipients_with_data(load_flows())


@st.cache_data(show_spinner=False, max_entries=16)
def _span(token: str, country: str) -> tuple[int, int] | None:
    return views.recipient_years(load_flows(), country)


@st.cache_data(show_spinner=False, max_entries=16)
def _facts(token: str, country: str, a: tuple, b: tuple, lineage: bool, hidden: tuple):
    flows = choose(load_flows())  # one export per recipient, once for the chart and tables
    view = views.period_comparison_view(
        flows,
        load_events(),
        recipient=country,
        period_a=a,
        period_b=b,
        merge_lineage=lineage,
        hidden_categories=hidden,
    )
    return (
        view,
        views.period_table(flows, country, a, b, lineage),
        views.world_position(flows, country, [a, b]),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _self_check(token: str, country: str) -> SelfCheck:
    return views.self_check(load_flows(), country)


token = state_token()
recipients = _recipients(token)
st.title("Periods: a fact-sheet comparison")

if not recipients:
    upload_hint()
    st.caption("Meanwhile, SIPRI's published figures for India:")
    view = views.published_comparison_view(load_events(), recipient=DEFAULT_COUNTRY)
    render_chart(view.fig, view.meta, key="periods_published", events=view.events, data=view.data)
    for note in view.notes:
        st.caption(md_escape(note))
    st.stop()

country = st.selectbox(
    "Recipient",
    recipients,
    index=index_of(recipients, url_value("country", DEFAULT_COUNTRY)),
    key="periods_country",
)
span = _span(token, country)
# Every 5-year window inside the data, newest first; SIPRI's fact sheets compare the latest
# period with the one before, which is the default.
windows = period_windows(span)
if not windows:
    st.error(
        f"{md_escape(country)}'s data ({span[0]}-{span[1]}) do not span a whole 5-year period."
    )
    st.stop()
default_a, default_b = default_pair(windows)
c1, c2, c3 = st.columns(3)
label_a = c1.selectbox(
    "Earlier period",
    windows,
    index=index_of(windows, requested_period(windows, url_value("a", ""), default_a)),
    key="periods_a",
)
label_b = c2.selectbox(
    "Later period",
    windows,
    index=index_of(windows, requested_period(windows, url_value("b", ""), default_b)),
    key="periods_b",
)
lineage = c3.toggle(
    "Count the Soviet Union as Russia", value=url_bool("lineage", False), key="periods_lineage"
)
hidden = event_category_filter("periods")
set_url(country=country, a=label_a, b=label_b, lineage=lineage)
pair = compared_periods(label_a, label_b)
if pair is None:
    st.info(
        "Choose two different periods to compare"
        + (f" ({md_escape(country)}'s data span only {label_a})." if len(windows) == 1 else ".")
    )
    st.stop()
period_a, period_b = pair

view, table, world = _facts(token, country, period_a, period_b, lineage, tuple(hidden))
vintage = views.vintage_text(table.vintage)
st.subheader(f"{md_escape(country)}'s suppliers, {label_a} and {label_b}")
st.dataframe(dash_missing(table.table), hide_index=True, key="periods_table")
st.caption(
    "Share = the supplier's TIV over the 5 years / all of the recipient's TIV over the same "
    "years (SIPRI rounding). Change in percentage points; volume change in TIV. "
    f"Source: SIPRI Arms Transfers Database, data generated {vintage}."
)
if world.table.empty:
    st.caption(
        "World share and rank: load SIPRI's all-importers TIV table (every country's imports) "
        "on the Data page to see them."
    )
else:
    st.markdown(f"**{md_escape(country)}'s share of world arms imports**")
    st.dataframe(dash_missing(world.table), hide_index=True, key="periods_world")
    st.caption(
        "Source: SIPRI Arms Transfers Database, data generated "
        f"{views.vintage_text(world.vintage)}; rank among states."
    )

render_chart(view.fig, view.meta, key="periods_chart", events=view.events, data=view.data)
for note in view.notes:
    st.caption(md_escape(note))

st.subheader("Self-check against SIPRI's published figures")
check = _self_check(token, country)
if check.table.empty:
    st.info(f"No published SIPRI figure for {md_escape(country)} falls within the loaded years.")
else:
    # Our own sentence (numbers only): same-release misses count, other releases' are revisions.
    st.markdown(check.summary)
    st.dataframe(dash_missing(check.table), hide_index=True, key="periods_check")
    st.caption(
        "'match': the same figure once rounded the SIPRI way. 'different vintage': SIPRI "
        "revises its whole series every year, so an older release can differ from today's data. "
        "A release is the same as the data's when its year is the year the data were generated."
    )
