"""The chart alone (``?embed=true``) for Compare, Periods and Suppliers, from the URL's choices.

Each function builds the page's chart from the same URL parameters the page's widgets read
(and write), shows it through ``pages.embed.show_embedded`` and stops the run; an unusable
choice is one error sentence.
"""

from __future__ import annotations

import streamlit as st

from analysis import (
    estimate_views,
    published_views,
    recipient_data,
    sources,
    views,
)
from analysis.colors import capped_top_n
from analysis.compare import MAX_COUNTRIES, MIN_COUNTRIES, parse_countries
from analysis.partial_marks import customers_marks
from analysis.periods import (
    anchor_years,
    compared_periods,
    requested_anchor,
    requested_period,
    tiled_pair,
    tiled_periods,
)
from analysis.vintages import choose
from pages.cached_views import compare_defaults, comparison, recipients
from pages.common import (
    DEFAULT_COUNTRY,
    load_deals,
    load_events,
    load_flows,
    md_escape,
    url_bool,
    url_int,
    url_value,
)
from pages.embed import show_embedded


def _hidden(key: str) -> tuple[str, ...]:
    return tuple(c for c in url_value(f"{key}_hide", "").split(",") if c)


def _refuse(text: str) -> None:
    st.error(md_escape(text))
    st.stop()


def compare(token: str) -> None:
    """The Compare page's small multiples."""
    loaded = recipients(token)
    if len(loaded) < MIN_COUNTRIES:
        _refuse("The loaded data split fewer than two countries' imports by supplier.")
    countries = parse_countries(url_value("countries", ""), loaded)[:MAX_COUNTRIES]
    countries = countries or compare_defaults(token)
    try:
        view = comparison(
            token,
            tuple(countries),
            by=url_value("by", "year"),
            measure=url_value("measure", "share"),
            merge_lineage=url_bool("lineage", False),
            top_n=capped_top_n(url_int("top", 6)),
            table_periods=(),
        )
    except ValueError as exc:
        _refuse(str(exc))
    show_embedded(view.chart.fig, view.chart.meta, key="cmp")


def periods(token: str, with_data: list[str]) -> None:
    """The Periods page's comparison of two periods (SIPRI's published figures for India when
    nothing is loaded)."""
    country = url_value("country", DEFAULT_COUNTRY)
    if not with_data:
        view = published_views.published_comparison_view(load_events(), recipient=DEFAULT_COUNTRY)
        show_embedded(view.fig, view.meta, key="periods_published")
    # The export the URL's source= names for the country (else the default rule), as the page.
    picked = sources.find_source(sources.candidates(load_flows(), country), url_value("source", ""))
    flows = sources.pin(load_flows(), country, picked.dataset_id if picked else None)
    span = recipient_data.recipient_years(flows, country)
    years = anchor_years(span) if span else []
    if country not in with_data or not years:
        _refuse(f"No whole 5-year period of imports by supplier is loaded for {country}.")
    anchor = requested_anchor(span, url_value("end", ""), url_value("b", ""))
    windows = tiled_periods(anchor, span)
    default_a, default_b = tiled_pair(windows)
    pair = compared_periods(
        requested_period(windows, url_value("a", ""), default_a),
        requested_period(windows, url_value("b", ""), default_b),
    )
    if pair is None:
        _refuse("Choose two different periods to compare.")
    try:
        view = views.period_comparison_view(
            choose(flows),
            load_events(),
            recipient=country,
            period_a=pair[0],
            period_b=pair[1],
            merge_lineage=url_bool("lineage", False),
            hidden_categories=_hidden("periods"),
        )
    except ValueError as exc:
        _refuse(str(exc))
    view = estimate_views.recipient_marks(
        view, choose(flows), load_deals(), country, url_bool("lineage", False)
    )
    show_embedded(view.fig, view.meta, key="periods_chart")


def suppliers(token: str, exporters: list[str]) -> None:
    """The Suppliers page's customers chart, or its map with ``chart=map``."""
    if not exporters:
        _refuse("No exporter's customers are loaded: upload SIPRI data on the Data page.")
    exporter = url_value("exporter", "Russia")
    exporter = exporter if exporter in exporters else exporters[0]
    lineage, hidden = url_bool("lineage", False), _hidden("sup")
    flows, events = load_flows(), load_events()
    try:
        if url_value("chart", "customers") == "map":
            country = url_value("country", DEFAULT_COUNTRY)
            span = recipient_data.recipient_years(flows, country)
            if span is None:
                _refuse(f"No imports by supplier are loaded for {country}.")
            view = views.supplier_map_view(
                flows,
                events,
                recipient=country,
                years=(url_int("from", span[0]), url_int("to", span[1])),
                merge_lineage=lineage,
                hidden_categories=hidden,
            )
        else:
            view = customers_marks(
                views.customers_view(
                    flows,
                    events,
                    exporter=exporter,
                    measure=url_value("measure", "tiv"),
                    merge_lineage=lineage,
                    top_n=capped_top_n(url_int("top", 10)),
                    hidden_categories=hidden,
                )
            )
    except ValueError as exc:
        _refuse(str(exc))
    show_embedded(view.fig, view.meta, key="sup")
