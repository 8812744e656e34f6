"""Cached views shared by the chart pages, defined once (not re-created on every rerun)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import (
    categories,
    category_view,
    compare,
    estimate_views,
    estimates,
    recipient_data,
    sources,
    views,
)
from analysis.events import Event
from analysis.vocab import parse_period
from pages.common import load_deals, load_events, load_flows


@st.cache_data(show_spinner=False, max_entries=8)
def recipients(token: str) -> list[str]:
    """Recipients with supplier-split data, for the country pickers."""
    return recipient_data.recipients_with_data(load_flows())


# Views are cached as resources (shared, not copied): unpickling a cached plotly figure on
# every rerun would cost more than the chart itself. Keyed on the store token and every
# option, so a rerun with the same choices neither re-queries the store nor recomputes the
# shares or the figure; the pages never mutate a view.
@st.cache_resource(show_spinner=False, max_entries=32)
def import_mix(token: str, source: int | None = None, **options: object) -> views.ChartView:
    """The Import mix page's chart view for these options (``source``: the export picked for
    the recipient, None for the default rule)."""
    flows = sources.pin(load_flows(), str(options["recipient"]), source)
    view = views.import_mix_view(flows, load_events(), **options)
    if options.get("weapon_categories"):  # the bounds are of every deal, not of some categories
        return view
    # Figures estimated from a per-deal register: hatched, bounded in the CSV and the alt text.
    recipient, lineage = str(options["recipient"]), bool(options.get("merge_lineage"))
    return estimate_views.recipient_marks(view, flows, load_deals(), recipient, lineage)


@st.cache_resource(show_spinner=False, max_entries=16)
def event_window(
    token: str, event: Event, source: int | None = None, **options: object
) -> views.ChartView:
    """Suppliers' shares before and after ``event`` (from the export picked, if any)."""
    flows = sources.pin(load_flows(), str(options["recipient"]), source)
    return views.event_window_view(flows, event, **options)


@st.cache_data(show_spinner=False, max_entries=8)
def compare_defaults(token: str) -> list[str]:
    """India and the largest other importers loaded: the Compare page's first selection."""
    return compare.default_countries(load_flows())


@st.cache_data(show_spinner=False, max_entries=16)
def compare_periods(token: str, countries: tuple[str, ...]) -> list[tuple[int, int]]:
    """The SIPRI periods shared by the compared countries' panels and table."""
    return compare.comparison_periods(load_flows(), countries)


@st.cache_resource(show_spinner=False, max_entries=16)
def comparison(token: str, countries: tuple[str, ...], **options: object) -> compare.Comparison:
    """The Compare page's small multiples and period-share table for these options (estimated
    countries' bars hatched and bounded)."""
    found = compare.compare_view(load_flows(), countries, **options)
    lineage = bool(options.get("merge_lineage"))
    return estimate_views.compare_with_bounds(found, load_flows(), load_deals(), lineage)


@st.cache_data(show_spinner=False, max_entries=8)
def category_recipients(token: str) -> list[str]:
    """Recipients whose loaded imports carry weapon categories."""
    return categories.category_recipients(load_flows())


@st.cache_data(show_spinner=False, max_entries=16)
def weapon_categories(token: str, recipient: str) -> list[str]:
    """The weapon categories the recipient's supplier chart can be narrowed to."""
    return categories.categories_of(load_flows(), recipient, by_supplier=True)


@st.cache_resource(show_spinner=False, max_entries=16)
def category_mix(token: str, **options: object) -> views.ChartView:
    """A recipient's imports by weapon category (chart view) for these options."""
    return category_view.category_view(load_flows(), load_events(), **options)


@st.cache_data(show_spinner=False, max_entries=16)
def category_periods(token: str, recipient: str) -> pd.DataFrame:
    """A recipient's imports by weapon category per SIPRI period, one row per category."""
    return categories.period_table(
        categories.category_breakdown(load_flows(), recipient, by="period")
    )


@st.cache_data(show_spinner=False, max_entries=16)
def recipient_span(token: str, recipient: str) -> tuple[int, int] | None:
    """First and last year of the recipient's supplier-split data (None without any)."""
    return recipient_data.recipient_years(load_flows(), recipient)


@st.cache_data(show_spinner=False, max_entries=16)
def share_bounds(
    token: str, recipient: str, data: pd.DataFrame, merge_lineage: bool, source: int | None = None
) -> pd.DataFrame | None:
    """The bounds table to show beside a by-period chart when the recipient's shares are
    estimated from a per-deal register (else None), from the export picked (``source``)."""
    flows = sources.pin(load_flows(), recipient, source)
    deals = estimates.recipient_register_deals(flows, load_deals(), recipient)
    if deals is None or data.empty:
        return None
    periods = sorted({parse_period(p) for p in data["period"]}, reverse=True)
    return estimates.share_bounds_table(deals, recipient, periods, merge_lineage)
