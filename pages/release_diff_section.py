"""Data page: compare two stored releases (SIPRI revises its whole series every spring)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import recipient_data, tables
from analysis.revisions import revision_view, tiv_revisions
from analysis.vocab import share_text
from pages.common import dash_missing, load_datasets, md_escape, render_chart

INTRO = (
    "SIPRI revises its whole series every spring: the same year's TIV and a supplier's share "
    "differ between releases. Pick two stored exports covering the same country in different "
    "vintages to see what moved, biggest revisions first."
)


@st.cache_resource(show_spinner=False, max_entries=8)
def _flows_of(token: str, dataset_id: int) -> pd.DataFrame:
    from pages.common import get_store

    return get_store().flows([dataset_id])


def _label(row) -> str:
    vintage = tables.vintage_text(row.vintage) or "no date"
    return f"#{row.id} {row.file_name} (data generated {vintage})"


def release_diff_section(token: str) -> None:
    """Two pickers, the recipient, then the share table, the chart and the yearly TIV table."""
    st.subheader("Compare two releases")
    datasets = load_datasets()
    if len(datasets) < 2:
        st.caption(INTRO + " Store at least two exports to compare them.")
        return
    st.caption(INTRO)
    labels = {int(r.id): _label(r) for r in datasets.itertuples(index=False)}
    ids = sorted(labels, key=lambda i: str(datasets.set_index("id").loc[i, "vintage"]))
    c1, c2, c3 = st.columns(3)
    a = c1.selectbox("Release A (older)", ids, index=0, format_func=labels.get, key="diff_a")
    b = c2.selectbox(
        "Release B (newer)", ids, index=len(ids) - 1, format_func=labels.get, key="diff_b"
    )
    flows_a, flows_b = _flows_of(token, a), _flows_of(token, b)
    both = sorted(
        set(recipient_data.recipients_with_data(flows_a))
        & set(recipient_data.recipients_with_data(flows_b))
    )
    if not both:
        st.info(
            "These two releases cover no recipient in common: pick two exports of the same country."
        )
        return
    recipient = c3.selectbox("Recipient", both, key="diff_recipient")
    layouts = datasets.set_index("id")["layout"]
    if layouts.get(a) != layouts.get(b):
        st.warning(
            "These two exports are of different kinds (a TIV table and a trade register, say): "
            "part of what differs comes from how each is computed, not from SIPRI's revision. "
            "Compare two exports of the same kind to see a revision alone."
        )
    names = (f"#{a}", f"#{b}")
    try:
        view = revision_view(flows_a, flows_b, recipient, names=names)
    except ValueError as exc:
        st.info(md_escape(exc))
        return
    table = view.data
    shown = pd.DataFrame(
        {
            "Supplier": table["supplier"],
            "Period": table["period"],
            "Share A": [share_text(s) for s in table["share_a"]],
            "Share B": [share_text(s) for s in table["share_b"]],
            "Change (pp)": table["change_pp"].round(1),
        }
    )
    st.dataframe(dash_missing(shown), hide_index=True, key="diff_shares")
    render_chart(view.fig, view.meta, key="diff_chart", data=table, drawn=view.drawn)
    for note in view.notes:
        st.caption(md_escape(note))
    yearly = tiv_revisions(flows_a, flows_b, recipient)
    st.markdown("**Yearly TIV (millions), biggest revisions first**")
    st.dataframe(
        dash_missing(
            # A year is a label (no thousands separator); TIV to one decimal, as elsewhere.
            yearly.astype({"year": "str"})
            .round({"tiv_a": 1, "tiv_b": 1, "change": 1})
            .rename(
                columns={
                    "supplier": "Supplier",
                    "year": "Year",
                    "tiv_a": "TIV A",
                    "tiv_b": "TIV B",
                    "change": "Change",
                }
            )
            .drop(columns="recipient")
        ),
        hide_index=True,
        key="diff_tiv",
    )
