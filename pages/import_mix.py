"""Import mix: any recipient's suppliers by year or period, share or TIV, with events."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import estimates, sources, views
from analysis.blanks import COMPUTED_REASONS, share_cells, tiv_cells
from analysis.categories import NO_CATEGORIES_SENTENCE, NO_SPLIT_CATEGORIES_SENTENCE
from analysis.colors import capped_top_n
from analysis.event_window import window_table
from analysis.periods import anchor_years, requested_anchor
from analysis.vocab import country_phrase
from pages.cached_views import category_mix as _category_view
from pages.cached_views import category_periods as _category_periods
from pages.cached_views import category_recipients as _category_recipients
from pages.cached_views import event_window as _window_view
from pages.cached_views import import_mix as _mix_view
from pages.cached_views import recipient_span as _span
from pages.cached_views import recipients as _recipients
from pages.cached_views import share_bounds as _share_bounds
from pages.cached_views import weapon_categories as _weapon_categories
from pages.common import (
    DEFAULT_COUNTRY,
    dash_missing,
    event_category_filter,
    index_of,
    load_events,
    load_flows,
    md_escape,
    measure_and_top_n,
    render_chart,
    render_view,
    set_url,
    source_picker,
    state_token,
    through_app,
    upload_hint,
    url_bool,
    url_int,
    url_value,
)
from pages.embed import embed_mode, share_panel, show_embedded
from pages.mark_panel import show_clicked_deals
from pages.published_figures import published_section, table_with_reasons

through_app()

BY_LABELS = {"year": "By year", "period": "By SIPRI 5-year period"}
MEASURE_LABELS = {"share": "Share of imports", "tiv": "TIV (millions)"}
LIST_SEPARATOR = "|"  # as on the Deals page: URL lists of names use "|"


def _url_source(country: str) -> int | None:
    """The export the URL's ``source=`` names for ``country`` (None: the default rule)."""
    options = sources.candidates(load_flows(), country)
    picked = sources.find_source(options, url_value("source", "")) if len(options) > 1 else None
    return picked.dataset_id if picked else None


token = state_token()
recipients = _recipients(token)
# A TIV table by weapon category names no supplier: its country is still worth a breakdown.
with_categories = _category_recipients(token)
countries = sorted({*recipients, *with_categories})

if embed_mode():  # the chart alone, for an iframe, from the URL's choices
    try:
        view = _mix_view(
            token,
            source=_url_source(url_value("country", DEFAULT_COUNTRY)),
            recipient=url_value("country", DEFAULT_COUNTRY),
            by=url_value("by", "year"),
            measure=url_value("measure", "share"),
            merge_lineage=url_bool("lineage", False),
            top_n=capped_top_n(url_int("top", 6)),
            moving_average=url_bool("ma", False) and url_value("by", "year") == "year",
            hidden_categories=tuple(c for c in url_value("mix_hide", "").split(",") if c),
            extend_to_events=True,
            weapon_categories=tuple(
                c for c in url_value("category", "").split(LIST_SEPARATOR) if c
            ),
        )
    except ValueError as exc:
        st.error(md_escape(exc))
        st.stop()
    show_embedded(view.fig, view.meta, key="mix")

st.title("Import mix")
if not countries:
    upload_hint()
    published_section("mix")
    st.stop()

country = st.selectbox(
    "Recipient",
    countries,
    index=index_of(countries, url_value("country", DEFAULT_COUNTRY)),
    key="mix_country",
)
# Which stored export feeds the figures: a picker when several cover the country.
picked = source_picker(load_flows(), country, key="mix") if country in recipients else None
source_id = picked.dataset_id if picked else None
c1, c2, c3 = st.columns(3)
by = c1.radio(
    "View",
    list(BY_LABELS),
    index=index_of(list(BY_LABELS), url_value("by", "year")),
    format_func=BY_LABELS.get,
    key="mix_by",
    horizontal=True,
)
measure, top_n = measure_and_top_n(
    c2, c3, key="mix", labels=MEASURE_LABELS, default_top=6, counted="Suppliers"
)
c4, c5 = st.columns(2)
lineage = c4.toggle(
    "Count the Soviet Union as Russia",
    value=url_bool("lineage", False),
    key="mix_lineage",
    help="SIPRI lists the Soviet Union and Russia separately; merge them to follow one lineage.",
)
moving = c5.toggle(
    "5-year moving average",
    value=url_bool("ma", False),
    key="mix_ma",
    disabled=by != "year",
    help="A centred 5-year moving average over the yearly bars (by-year view only).",
)
hidden = event_category_filter("mix")
set_url(country=country, by=by, measure=measure, top=top_n, lineage=lineage, ma=moving)
# SIPRI's periods tile back from the latest one's last year (the data's last by default).
anchor = None
anchors = anchor_years(_span(token, country)) if by == "period" else []
if anchors:
    anchor = st.selectbox(
        "Latest period ends in",
        anchors,
        index=anchors.index(requested_anchor(_span(token, country), url_value("end", ""))),
        key="mix_end",
        help="SIPRI's 5-year periods are counted back from this year: 2023 gives 2019-23, "
        "2014-18, 2009-13, ...",
    )
    set_url(end=anchor)
weapon_options = _weapon_categories(token, country)
weapons: list[str] = []
if weapon_options:
    in_url = url_value("category", "").split(LIST_SEPARATOR)
    weapons = st.multiselect(
        "Weapon categories",
        weapon_options,
        default=[c for c in weapon_options if c in in_url],
        key="mix_weapon_categories",
        placeholder="All",
        help="Only deliveries in these categories (from SIPRI's per-delivery register).",
    )
elif country in with_categories:
    st.caption(NO_SPLIT_CATEGORIES_SENTENCE)
else:
    st.caption(NO_CATEGORIES_SENTENCE)
set_url(category=LIST_SEPARATOR.join(weapons))

split = country in recipients
view = None
if split:
    try:
        view = _mix_view(
            token,
            source=source_id,
            recipient=country,
            by=by,
            measure=measure,
            merge_lineage=lineage,
            top_n=top_n,
            moving_average=moving and by == "year",
            hidden_categories=tuple(hidden),
            extend_to_events=True,
            weapon_categories=tuple(weapons),
            period_end=anchor,
        )
    except ValueError as exc:
        st.error(md_escape(exc))  # the categories below may still have something to show
# Shares estimated from a per-deal register: hatched, bounded in the CSV (the cached view's
# marks) and, by period, in a table.
bounded = None
if view is not None and by == "period" and not weapons:
    bounded = _share_bounds(token, country, view.data, lineage, source_id)
if view is not None:
    clicked = render_view(view, key="mix", selectable=True)
    share_panel(view.meta.title, key="mix")
    show_clicked_deals(clicked, view, recipient=country, by=by, merge_lineage=lineage, key="mix")
    if bounded is not None:
        st.markdown("**Estimated shares and their bounds, by period**")
        st.dataframe(dash_missing(bounded), hide_index=True, key="mix_bounds")
        st.caption(estimates.METHOD_NOTE)
    for note in view.notes:
        st.caption(md_escape(note))
    outside = view.outside
    if outside:
        st.caption("Events outside the plotted years: " + md_escape("; ".join(outside)))
elif not split:
    st.info(
        f"The loaded data do not split {md_escape(country_phrase(country, possessive=True))} "
        "imports by supplier (a TIV table "
        "by weapon category names none): load its import table by supplier or a trade register "
        "for the suppliers' chart."
    )

# --------------------------------------------------------------------------- weapon categories
# Without categories the sentence under the filter above says which export carries them.
if country in with_categories:
    st.subheader("By weapon category")
    try:
        by_category = _category_view(
            token, recipient=country, by=by, measure=measure, hidden_categories=tuple(hidden)
        )
    except ValueError as exc:
        by_category = None
        st.caption(md_escape(exc))
    if by_category is not None:
        render_view(by_category, key="mix_categories")
        for note in by_category.notes:
            st.caption(md_escape(note))
    per_period = _category_periods(token, country)
    period_names = [c.removeprefix("share ") for c in per_period.columns if c.startswith("share ")]
    if period_names:
        columns = {"Weapon category": per_period["category"]}
        for name in period_names:
            # A category that delivered nothing in a period is blank there, not "0.0%".
            tiv = per_period[f"tiv {name}"]
            columns[f"Share {name}"] = share_cells(per_period[f"share {name}"], tiv)
            columns[f"TIV {name} (millions)"] = tiv_cells(tiv, 1)
        table_with_reasons(pd.DataFrame(columns), COMPUTED_REASONS, key="mix_categories_table")
        st.caption(
            f"Each category's share of {md_escape(country_phrase(country, possessive=True))} "
            "imports per SIPRI 5-year period "
            "(TIV summed over the period)."
        )
    elif by_category is not None:  # else the sentence above already said so
        st.caption("The weapon-category data span no whole SIPRI 5-year period: no period table.")
if view is None:
    st.stop()  # the event window compares suppliers

# --------------------------------------------------------------------------- event window
st.subheader("Event window: suppliers before and after an event")
# Off until asked for: it costs a table and two widgets on every rerun of the page.
if not st.toggle(
    "Compare the suppliers' shares before and after an event",
    value=url_bool("window_on", False),
    key="mix_window_on",
):
    set_url(window_on=False)
    st.stop()
set_url(window_on=True)
candidates = [e for e in load_events() if e.concerns(country)]
if not candidates:
    st.info(f"No event concerns {md_escape(country_phrase(country))}. Add one on the Events page.")
    st.stop()
labels = [f"{e.start:%d %b %Y}: {e.title}" for e in candidates]
w1, w2 = st.columns([3, 1])
chosen = w1.selectbox(
    "Event",
    range(len(candidates)),
    index=min(max(url_int("event", 0), 0), len(candidates) - 1),
    format_func=lambda i: labels[i],
    key="mix_event",
)
years = int(
    w2.number_input(
        "Years on each side",
        min_value=1,
        max_value=15,
        value=min(max(url_int("window", 5), 1), 15),
        key="mix_window",
    )
)
set_url(event=chosen, window=years)
event = candidates[chosen]
st.caption(views.DELIVERY_LAG_CAVEAT)
try:
    window = _window_view(
        token, event, source=source_id, recipient=country, years=years, merge_lineage=lineage
    )
except ValueError as exc:
    st.error(md_escape(exc))
    st.stop()
table = window.data
st.dataframe(
    dash_missing(window_table(table)),
    hide_index=True,
    key="mix_window_table",
)
for note in window.notes[1:]:
    st.caption(md_escape(note))
# The toggle's key must not collide with the keys render_chart derives from its prefix.
if st.toggle("Show as a chart", value=url_bool("window_chart", False), key="mix_window_show"):
    render_chart(
        window.fig,
        window.meta,
        key="mix_window",
        events=window.events,
        drawn=window.drawn,
        data=table,
    )
set_url(window_chart=bool(st.session_state.get("mix_window_show")))
