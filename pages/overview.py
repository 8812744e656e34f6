"""Overview: one country's story (India by default): headline shares, import mix with events."""

from __future__ import annotations

import streamlit as st

from analysis import (
    estimate_marks,
    estimate_views,
    estimates,
    headlines,
    published_views,
    recipient_data,
    sources,
    tables,
    views,
)
from analysis.blanks import COMPUTED_REASONS, PUBLISHED_REASONS
from analysis.dependency_chart import EXPLANATION, DependencyView, dependency_view
from analysis.published import load_published
from analysis.results import DisplayTable
from analysis.vocab import country_phrase, period_label
from pages.common import (
    DEFAULT_COUNTRY,
    event_category_filter,
    index_of,
    load_deals,
    load_events,
    load_flows,
    md_escape,
    render_chart,
    render_view,
    set_url,
    source_caption,
    source_picker,
    state_token,
    through_app,
    upload_hint,
    url_value,
)
from pages.embed import embed_mode, share_panel, show_embedded
from pages.mark_panel import show_clicked_deals
from pages.published_figures import footnote, table_with_reasons

through_app()

BEFORE, AFTER = tables.HEADLINE_PERIODS


@st.cache_data(show_spinner=False, max_entries=8)
def _countries(token: str) -> tuple[list[str], list[str]]:
    published = load_published()
    return recipient_data.recipients_with_data(load_flows()), sorted(set(published["recipient"]))


@st.cache_data(show_spinner=False, max_entries=16)
def _suppliers(token: str, country: str) -> list[str]:
    return headlines.headline_suppliers(load_flows(), country)


def _flows(country: str, source: int | None):
    """The loaded flows with ``country``'s figures coming from the chosen export."""
    return sources.pin(load_flows(), country, source)


@st.cache_data(show_spinner=False, max_entries=16)
def _cards(token: str, country: str, supplier: str, source: int | None) -> list[headlines.Headline]:
    flows = _flows(country, source)
    cards = headlines.headline_cards(flows, country, supplier)
    # Shares estimated from a per-deal register read "75% (estimated; 48-93%)".
    deals = estimates.recipient_register_deals(flows, load_deals(), country)
    return estimates.bounded_headlines(cards, deals, country, supplier)


@st.cache_data(show_spinner=False, max_entries=16)
def _mix(
    token: str, country: str, hidden: tuple[str, ...], loaded: bool, source: int | None = None
) -> views.ChartView:
    if loaded:
        flows = _flows(country, source)
        view = views.import_mix_view(
            flows,
            load_events(),
            recipient=country,
            by="year",
            top_n=6,
            hidden_categories=hidden,
            extend_to_events=True,
            # The story is the last quarter-century; the Import mix page shows every year.
            since=2000,
        )
        # Years estimated from a per-deal register: hatched, bounded in the CSV and alt text.
        return estimate_views.recipient_marks(view, flows, load_deals(), country)
    return published_views.published_mix_view(
        load_events(), recipient=country, hidden_categories=hidden
    )


# A resource (shared, not copied), as in pages/cached_views.py: the page never mutates it.
@st.cache_resource(show_spinner=False, max_entries=16)
def _dependency(token: str, country: str, source: int | None) -> DependencyView:
    return dependency_view(_flows(country, source), country)


@st.cache_data(show_spinner=False, max_entries=16)
def _changed(token: str, country: str, loaded: bool, source: int | None) -> DisplayTable:
    if loaded:
        flows = _flows(country, source)
        changed = tables.what_changed(flows, country, BEFORE, AFTER)
        # Shares estimated from a per-deal register read "43% (estimated; 31-50%)", as the cards.
        deals = estimates.recipient_register_deals(flows, load_deals(), country)
        return estimate_marks.bounded_change_table(changed, deals, country, (BEFORE, AFTER))
    return tables.published_change(country, BEFORE, AFTER)


token = state_token()
flows = load_flows()
with_data, with_published = _countries(token)

if embed_mode():  # the chart alone, for an iframe: nothing else is drawn
    embedded = url_value("country", DEFAULT_COUNTRY)
    hidden_url = tuple(c for c in url_value("overview_hide", "").split(",") if c)
    options = sources.candidates(flows, embedded)
    picked = sources.find_source(options, url_value("source", "")) if len(options) > 1 else None
    try:
        view = _mix(
            token,
            embedded,
            hidden_url,
            embedded in with_data,
            picked.dataset_id if picked else None,
        )
    except ValueError as exc:
        st.error(md_escape(exc))
        st.stop()
    show_embedded(view.fig, view.meta, key="overview_mix")

st.title("Arms imports by supplier")
country_options = sorted(set(with_data) | set(with_published) | {DEFAULT_COUNTRY})
country = st.selectbox(
    "Country",
    country_options,
    index=index_of(country_options, url_value("country", DEFAULT_COUNTRY)),
    key="overview_country",
    help="Recipients in the loaded data, plus those with published SIPRI figures.",
)
set_url(country=country)
loaded = country in with_data
# Which stored export feeds the figures: a picker when several cover the country.
source = source_picker(flows, country, key="overview") if loaded else None
source_id = source.dataset_id if source else None

if flows.frame.empty:
    upload_hint()

# The seed story is Russia's share of India's imports; other countries get their own main
# suppliers to choose from (Russia first wherever it appears).
suppliers = _suppliers(token, country)
supplier = st.selectbox(
    "Supplier in the headline",
    suppliers or ["Russia"],
    index=index_of(suppliers, url_value("supplier", "Russia")) if suppliers else 0,
    key="overview_supplier",
)
set_url(supplier=supplier)
cards = _cards(token, country, supplier, source_id)
columns = st.columns(len(cards))
for column, card in zip(columns, cards, strict=True):
    with column:
        # The label names the supplier (a file-supplied name): only that part is escaped, so
        # the label's own wording stays as written. The source is one short line built from a
        # release or a parsed date; the press articles quoting published figures are footnoted.
        phrase = country_phrase(supplier)
        label = (
            card.label.replace(phrase, md_escape(phrase))
            if phrase in card.label
            else md_escape(card.label)
        )
        st.metric(label, card.value, border=True, help=card.source)
        st.caption(card.source)
if source is not None and any(card.origin == "computed" for card in cards):
    source_caption([source])
footnote(dict.fromkeys(c.citation for c in cards if c.citation))
if any(estimates.ESTIMATED_MARK in card.value for card in cards):
    st.caption(estimates.METHOD_NOTE)

hidden = event_category_filter("overview")
if loaded or country in with_published:
    try:
        view = _mix(token, country, tuple(hidden), loaded, source_id)
    except ValueError as exc:
        st.error(md_escape(exc))
    else:
        clicked = render_view(view, key="overview_mix", selectable=loaded)
        share_panel(view.meta.title, key="overview_mix")
        if loaded:
            show_clicked_deals(
                clicked, view, recipient=country, by="year", merge_lineage=False, key="overview_mix"
            )
        for note in view.notes:
            st.caption(md_escape(note))
        if not loaded:
            footnote(view.meta.citations)
            st.caption(
                f"No loaded export covers {md_escape(country_phrase(country))}: the chart shows "
                "SIPRI's published figures. Upload a SIPRI export on the Data page to chart "
                "every year."
            )
else:
    st.info(
        f"Nothing is loaded for {md_escape(country_phrase(country))}. Upload a SIPRI export "
        "covering it on the Data page.",
        icon=":material/info:",
    )

a, b = period_label(*BEFORE), period_label(*AFTER)
st.subheader(f"What changed between {a} and {b}")
span = recipient_data.recipient_years(_flows(country, source_id), country) if loaded else None
covers = span is not None and span[0] <= BEFORE[0] and span[1] >= AFTER[1]
if covers or (not loaded and country in with_published):
    try:
        changed = _changed(token, country, covers, source_id)
    except ValueError as exc:
        st.info(md_escape(exc))
    else:
        reasons = COMPUTED_REASONS if covers else PUBLISHED_REASONS
        table_with_reasons(changed.table, reasons, key="overview_changed")
        vintage = tables.vintage_text(changed.vintage)
        st.caption(
            "Shares of the recipient's imports over each 5-year period (SIPRI rounding); "
            + (
                "change in percentage points between the unrounded shares, so it can differ "
                "by up to 1 point from the difference of the rounded shares shown"
                if covers
                else "change in percentage points between the published figures"
            )
            + "; volume change in TIV. "
            + (
                # The export's own source line (below) names the data and its date.
                ""
                if covers and changed.sources
                else f"Source: SIPRI Arms Transfers Database, data generated {vintage}."
                if covers
                else "Source: SIPRI, published figures (sources quoted in the notes above)."
            )
        )
        source_caption(changed.sources)
        if estimates.ESTIMATED_MARK in changed.table.to_string():
            st.caption(estimates.METHOD_NOTE)
else:
    st.info(f"The loaded data for {md_escape(country_phrase(country))} do not span {a} to {b}.")

st.subheader("Dependency on suppliers")
if loaded:
    try:
        dependence = _dependency(token, country, source_id)
    except ValueError as exc:
        st.info(md_escape(exc))
    else:
        st.dataframe(dependence.table, hide_index=True, key="overview_dependency_table")
        # The source line names the export used (a file name): escaped.
        st.caption(
            "Shares of the recipient's imports over each 5-year period (SIPRI rounding). "
            f"{md_escape(dependence.source)}."
        )
        st.caption(EXPLANATION)
        # A page link, not a markdown one: the pages' text carries no live links.
        st.page_link(
            "pages/about.py", label="About: what the measures mean", icon=":material/info:"
        )
        for note in dependence.notes:
            st.caption(md_escape(note))
        render_chart(
            dependence.chart.fig,
            dependence.chart.meta,
            key="overview_dependency",
            data=dependence.chart.data,
            drawn=dependence.chart.drawn,
        )
else:
    st.info(
        f"Dependency (top supplier's share, top-3 share, HHI) needs an uploaded SIPRI export "
        f"covering all of {md_escape(country_phrase(country, possessive=True))} suppliers: "
        "SIPRI's published figures give only "
        "some suppliers' shares, so the top-3 share and the HHI cannot be computed from them.",
        icon=":material/info:",
    )
