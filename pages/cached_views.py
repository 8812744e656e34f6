"""Cached views shared by the chart pages, defined once (not re-created on every rerun)."""

from __future__ import annotations

import streamlit as st

from analysis import views
from analysis.events import Event
from pages.common import load_events, load_flows


@st.cache_data(show_spinner=False, max_entries=8)
def recipients(token: str) -> list[str]:
    """Recipients with supplier-split data, for the country pickers."""
    return views.recipients_with_data(load_flows())


# Views are cached as resources (shared, not copied): unpickling a cached plotly figure on
# every rerun would cost more than the chart itself. Keyed on the store token and every
# option, so a rerun with the same choices neither re-queries the store nor recomputes the
# shares or the figure; the pages never mutate a view.
@st.cache_resource(show_spinner=False, max_entries=32)
def import_mix(token: str, **options: object) -> views.ChartView:
    """The Import mix page's chart view for these options."""
    return views.for_display(views.import_mix_view(load_flows(), load_events(), **options))


@st.cache_resource(show_spinner=False, max_entries=16)
def event_window(token: str, event: Event, **options: object) -> views.ChartView:
    """Suppliers' shares before and after ``event``."""
    return views.for_display(views.event_window_view(load_flows(), event, **options))
