"""Compare countries: 2-6 recipients' import mix side by side, and a period-share table."""

from __future__ import annotations

import streamlit as st

from analysis.compare import MAX_COUNTRIES, MIN_COUNTRIES, parse_countries
from analysis.vocab import country_phrase, parse_period, period_label
from pages import embed_views
from pages.cached_views import compare_defaults as _defaults
from pages.cached_views import compare_periods as _periods
from pages.cached_views import comparison as _comparison
from pages.cached_views import recipients as _recipients
from pages.common import (
    index_of,
    md_escape,
    measure_and_top_n,
    render_chart,
    set_url,
    state_token,
    through_app,
    upload_hint,
    url_bool,
    url_value,
)
from pages.embed import embed_mode, share_panel

through_app()

BY_LABELS = {"year": "By year", "period": "By SIPRI 5-year period"}
MEASURE_LABELS = {"share": "Share of imports", "tiv": "TIV (millions)"}


token = state_token()
recipients = _recipients(token)
if embed_mode():  # the chart alone, for an iframe, from the URL's choices
    embed_views.compare(token)

st.title("Compare countries")
if not recipients:
    upload_hint()
    st.stop()
if len(recipients) < MIN_COUNTRIES:
    st.info(
        f"Only {md_escape(country_phrase(recipients[0], possessive=True))} imports are split "
        "by supplier in the loaded data: "
        "load another country's import table or register on the **Data** page to compare."
    )
    st.stop()

from_url = parse_countries(url_value("countries", ""), recipients)[:MAX_COUNTRIES]
countries = st.multiselect(
    f"Countries ({MIN_COUNTRIES} to {MAX_COUNTRIES})",
    recipients,
    default=from_url or _defaults(token),
    max_selections=MAX_COUNTRIES,
    key="cmp_countries",
    help="One panel per country, in the order picked.",
)
c1, c2, c3 = st.columns(3)
by = c1.radio(
    "View",
    list(BY_LABELS),
    index=index_of(list(BY_LABELS), url_value("by", "year")),
    format_func=BY_LABELS.get,
    key="cmp_by",
    horizontal=True,
)
measure, top_n = measure_and_top_n(
    c2, c3, key="cmp", labels=MEASURE_LABELS, default_top=6, counted="Suppliers"
)
lineage = st.toggle(
    "Count the Soviet Union as Russia",
    value=url_bool("lineage", False),
    key="cmp_lineage",
    help="SIPRI lists the Soviet Union and Russia separately; merge them to follow one lineage.",
)
set_url(countries=",".join(countries), by=by, measure=measure, top=top_n, lineage=lineage)
if len(countries) < MIN_COUNTRIES:
    st.info(f"Pick at least {MIN_COUNTRIES} countries to see them side by side.")
    st.stop()

periods = [period_label(*p) for p in _periods(token, tuple(countries))]
wanted = [p for p in url_value("periods", "").split(",") if p in periods]
table_periods = st.multiselect(
    "Periods in the table (one or two)",
    periods,
    default=wanted[:2] or periods[-2:],
    max_selections=2,
    key="cmp_periods",
)
set_url(periods=",".join(table_periods))

try:
    view = _comparison(
        token,
        tuple(countries),
        by=by,
        measure=measure,
        merge_lineage=lineage,
        top_n=top_n,
        table_periods=tuple(parse_period(p) for p in table_periods),
    )
except ValueError as exc:
    st.error(md_escape(exc))
    st.stop()

chart = view.chart
render_chart(chart.fig, chart.meta, key="cmp", data=chart.data, drawn=chart.drawn)
share_panel(chart.meta.title, key="cmp")
st.caption(
    "One panel per country on a shared y axis; a supplier keeps its colour in every panel. "
    f"The suppliers named are the top {top_n} over all the countries (each country weighing "
    "the same); the rest are Others. Events are drawn on each country's Import mix chart."
)
for note in chart.notes:
    st.caption(md_escape(note))

st.subheader("Suppliers' shares by period")
if not periods:
    st.info("The countries' loaded data do not span a whole 5-year period: no period table.")
elif not table_periods:
    st.info("Pick one or two periods for the table.")
else:
    st.dataframe(view.table, hide_index=True, key="cmp_table")
    st.caption(
        "Share = the supplier's TIV over the 5 years / all of the country's TIV over the same "
        "years (SIPRI rounding); n/a: no delivery in the loaded data for that period. PARTIAL: "
        "only some suppliers' exports are loaded for that country."
    )
