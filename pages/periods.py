"""Periods: a fact-sheet comparison of two SIPRI periods, with a self-check against SIPRI."""

from __future__ import annotations

import streamlit as st

from analysis import (
    estimate_views,
    estimates,
    published_views,
    recipient_data,
    sources,
    tables,
    views,
)
from analysis.blanks import COMPUTED_REASONS
from analysis.periods import (
    STORY_PAIR,
    anchor_years,
    compared_periods,
    requested_anchor,
    requested_period,
    story_pair_available,
    tiled_pair,
    tiled_periods,
)
from analysis.results import SelfCheck
from analysis.vintages import choose
from analysis.vocab import country_phrase, period_label
from analysis.world_sources import why_no_world
from pages import embed_views
from pages.common import (
    DEFAULT_COUNTRY,
    dash_missing,
    event_category_filter,
    index_of,
    load_deals,
    load_events,
    load_flows,
    md_escape,
    render_view,
    set_url,
    source_picker,
    state_token,
    through_app,
    upload_hint,
    url_bool,
    url_value,
)
from pages.embed import embed_mode, share_panel
from pages.published_figures import footnote, table_with_reasons

through_app()


@st.cache_data(show_spinner=False, max_entries=8)
def _recipients(token: str) -> list[str]:
    return recipient_data.recipients_with_data(load_flows())


@st.cache_data(show_spinner=False, max_entries=16)
def _span(token: str, country: str, source: int | None) -> tuple[int, int] | None:
    # The years of the export picked for the country, as its chart and tables.
    return recipient_data.recipient_years(sources.pin(load_flows(), country, source), country)


@st.cache_data(show_spinner=False, max_entries=16)
def _facts(
    token: str, country: str, a: tuple, b: tuple, lineage: bool, hidden: tuple, source: int | None
):
    # The export picked for the country (else the default rule), chosen once for the chart and
    # the table; the world position reads the whole world export.
    flows = choose(sources.pin(load_flows(), country, source))
    view = views.period_comparison_view(
        flows,
        load_events(),
        recipient=country,
        period_a=a,
        period_b=b,
        merge_lineage=lineage,
        hidden_categories=hidden,
    )
    # Estimated from a per-deal register: each supplier's range as error bars and CSV columns.
    return (
        estimate_views.recipient_marks(view, flows, load_deals(), country, lineage),
        tables.period_table(flows, country, a, b, lineage),
        tables.world_position(load_flows(), country, [a, b]),  # one world export, whole
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _bounds(token: str, country: str, a: tuple, b: tuple, lineage: bool, source: int | None):
    """The period table's and world position's bounds when they are estimated (else None):
    the country's from the export picked (as the chart), the world's from the world export."""
    flows, deals = sources.pin(load_flows(), country, source), load_deals()
    mine = estimates.recipient_register_deals(flows, deals, country)
    table = None if mine is None else estimates.share_bounds_table(mine, country, [a, b], lineage)
    world_deals = estimates.world_register_deals(flows, deals)
    world = None
    if world_deals is not None:
        world = estimates.world_bounds_table(world_deals, country, [a, b])
    return table, world


def _story_pair() -> None:
    """The one-click comparison: 2009-13 vs 2019-23, through the URL the widgets read."""
    end, a, b = STORY_PAIR[1][1], period_label(*STORY_PAIR[0]), period_label(*STORY_PAIR[1])
    st.query_params.update({"end": str(end), "a": a, "b": b})
    # The widgets' own state is set too: a popped key let the browser keep showing the old
    # period in the select while the chart showed the new one.
    st.session_state.update({"periods_end": end, "periods_a": a, "periods_b": b})


def _new_anchor() -> None:
    """A new latest year: compare its latest period with the one before (the URL's pair is
    dropped, the widgets start from their defaults)."""
    for key in ("a", "b"):
        st.query_params.pop(key, None)
    for key in ("periods_a", "periods_b"):
        st.session_state.pop(key, None)


def _url_anchor(source: int | None) -> str:
    """The URL's ``end=``, unless the source picker has just changed the export: then the
    anchor (and the pair) go back to the new export's defaults. An ``end=`` set for this
    export (a link, or the user's choice after picking it) is kept."""
    before = st.session_state.get("periods_end_source", source)
    st.session_state["periods_end_source"] = source
    if before == source:
        return url_value("end", "")
    st.session_state.pop("periods_end", None)
    st.query_params.pop("end", None)
    _new_anchor()
    return ""


@st.cache_data(show_spinner=False, max_entries=8)
def _self_check(token: str, country: str) -> SelfCheck:
    return tables.self_check(load_flows(), country)


token = state_token()
recipients = _recipients(token)
if embed_mode():  # the chart alone, for an iframe, from the URL's choices
    embed_views.periods(token, recipients)
st.title("Periods: a fact-sheet comparison")

if not recipients:
    upload_hint()
    st.caption("Meanwhile, SIPRI's published figures for India:")
    view = published_views.published_comparison_view(load_events(), recipient=DEFAULT_COUNTRY)
    render_view(view, key="periods_published")
    share_panel(view.meta.title, key="periods_published")
    for note in view.notes:
        st.caption(md_escape(note))
    footnote(view.meta.citations)
    st.stop()

country = st.selectbox(
    "Recipient",
    recipients,
    index=index_of(recipients, url_value("country", DEFAULT_COUNTRY)),
    key="periods_country",
)
# Which stored export feeds the figures: a picker when several cover the country.
picked = source_picker(load_flows(), country, key="periods")
source_id = picked.dataset_id if picked else None
span = _span(token, country, source_id)
whose = md_escape(country_phrase(country, possessive=True))  # "India's", "the Philippines'"
whose_opening = whose[:1].upper() + whose[1:]
# SIPRI's periods tile back from the latest one's last year (the data's last year unless the
# URL names another): 2023 gives 2019-23, 2014-18, 2009-13. Any two of them can be compared.
years = anchor_years(span)
if not years:
    st.error(f"{whose_opening} data ({span[0]}-{span[1]}) do not span a whole 5-year period.")
    st.stop()
c0, c1, c2, c3 = st.columns([2, 2, 2, 3])
anchor = c0.selectbox(
    "Latest period ends in",
    years,
    index=years.index(requested_anchor(span, _url_anchor(source_id), url_value("b", ""))),
    key="periods_end",
    on_change=_new_anchor,
    help="SIPRI's 5-year periods are counted back from this year.",
)
windows = tiled_periods(anchor, span)
default_a, default_b = tiled_pair(windows)
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
story = f"{period_label(*STORY_PAIR[0])} vs {period_label(*STORY_PAIR[1])}"
if story_pair_available(span) and (label_a, label_b) != tuple(period_label(*p) for p in STORY_PAIR):
    c3.button(
        story,
        key="periods_story",
        on_click=_story_pair,
        help="The story's pair: Russia's share of India's imports fell from 76% to 36%.",
    )
lineage = c3.toggle(
    "Count the Soviet Union as Russia", value=url_bool("lineage", False), key="periods_lineage"
)
hidden = event_category_filter("periods")
set_url(country=country, end=anchor, a=label_a, b=label_b, lineage=lineage)
pair = compared_periods(label_a, label_b)
if pair is None:
    st.info(
        "Choose two different periods to compare"
        + (f" ({whose} data span only {label_a})." if len(windows) == 1 else ".")
    )
    st.stop()
period_a, period_b = pair

view, table, world = _facts(token, country, period_a, period_b, lineage, tuple(hidden), source_id)
table_bounds, world_bounds = _bounds(token, country, period_a, period_b, lineage, source_id)
vintage = tables.vintage_text(table.vintage)
st.subheader(f"{whose_opening} suppliers, {label_a} and {label_b}")
table_with_reasons(table.table, COMPUTED_REASONS, key="periods_table")
if table_bounds is not None:
    st.markdown("**Estimated shares and their bounds**")
    st.dataframe(dash_missing(table_bounds), hide_index=True, key="periods_bounds")
    st.caption(estimates.METHOD_NOTE)
st.caption(
    "Share = the supplier's TIV over the 5 years / all of the recipient's TIV over the same "
    "years (SIPRI rounding). Change in percentage points; volume change in TIV. "
    f"Source: SIPRI Arms Transfers Database, data generated {vintage}."
)
no_world = why_no_world(load_flows()) if world.table.empty else None
if no_world:  # the loaded exports are not the world: say why in one sentence
    st.info(md_escape(no_world), icon=":material/info:")
elif world.table.empty:
    st.caption(
        "World share and rank: load SIPRI's all-importers TIV table (every country's imports) "
        "or a trade register of all countries on the Data page to see them."
    )
else:
    st.markdown(f"**{whose_opening} share of world arms imports**")
    st.dataframe(dash_missing(world.table), hide_index=True, key="periods_world")
    if world_bounds is not None:
        st.dataframe(dash_missing(world_bounds), hide_index=True, key="periods_world_bounds")
        st.caption(estimates.METHOD_NOTE)
    st.caption(
        "Source: SIPRI Arms Transfers Database, data generated "
        f"{tables.vintage_text(world.vintage)}; rank among states."
    )

render_view(view, key="periods_chart")
share_panel(view.meta.title, key="periods_chart")
for note in view.notes:
    st.caption(md_escape(note))

st.subheader("Self-check against SIPRI's published figures")
check = _self_check(token, country)
if check.table.empty:
    st.info(
        f"No published SIPRI figure for {md_escape(country_phrase(country))} falls within the "
        "loaded years."
    )
else:
    # Our own sentence (numbers only): same-release misses count, other releases' are revisions.
    st.markdown(check.summary)
    st.dataframe(dash_missing(check.table), hide_index=True, key="periods_check")
    st.caption(
        "'match': the same figure once rounded the SIPRI way. 'different vintage': SIPRI "
        "revises its whole series every year, so an older release can differ from today's data. "
        "A release is the same as the data's when its year is the year the data were generated."
    )
