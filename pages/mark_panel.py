"""Under an import-mix chart: the deals behind the bar segment the reader clicked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from analysis.mark_deals import (
    NEEDS_REGISTER,
    deals_behind,
    deals_page_query,
    mark_from_point,
    one_register,
    supplier_of_trace,
)
from analysis.pipeline import latest_deals
from analysis.sources import candidates, source_phrase
from analysis.views import ChartView
from analysis.vocab import OTHERS
from pages.common import dash_missing, load_deals, load_deliveries, load_flows, md_escape

SMALL_TABLE = 25
CLICK_HINT = "Click a bar segment to list the deals behind it (SIPRI trade register)."


def _points(selection: object) -> list[Mapping[str, Any]]:
    try:
        return list(selection["selection"]["points"])  # type: ignore[index]
    except (KeyError, TypeError):
        return []


def _clicked_supplier(point: Mapping[str, Any], view: ChartView) -> tuple[str | None, list[str]]:
    """The clicked segment's supplier (None for a line or an unknown trace) and the named ones."""
    suppliers = list(dict.fromkeys(str(s) for s in view.data.get("supplier", [])))
    curve = point.get("curve_number")
    traces = view.fig.data
    name = traces[curve].name if isinstance(curve, int) and curve < len(traces) else None
    supplier = supplier_of_trace(name or str(point.get("legendgroup", "")), suppliers)
    return supplier, [s for s in suppliers if s != OTHERS]


def _table(found: pd.DataFrame, span: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Supplier": found["supplier"],
            "Designation": found["designation"],
            "Description": found["description"],
            "Weapon category": found["category"],
            "Status": found["status"],
            "Year of order": [str(int(y)) if pd.notna(y) else None for y in found["order_year"]],
            "Year(s) of delivery": [
                "; ".join(str(int(y)) for y in ys) if isinstance(ys, list | tuple) else ""
                for ys in found["delivery_years"]
            ],
            f"TIV delivered in {span} (millions)": found["tiv_in_span"].round(1),
            "TIV basis": found["tiv_basis"],
            "TIV delivered in all years (millions)": found["tiv_delivered"].round(1),
        }
    )


def _register_deals(view: ChartView, recipient: str) -> tuple[pd.DataFrame, str | None]:
    """The deals of one register (the chart's own, else the source rule's first that lists the
    recipient), each deal once, and the phrase naming that register (None when not one)."""
    flows = load_flows()
    ranked = [*view.sources, *candidates(flows, recipient)]
    deals, dataset_id = one_register(load_deals(), recipient, [s.dataset_id for s in ranked])
    source = next((s for s in ranked if s.dataset_id == dataset_id), None)
    return latest_deals(deals), source_phrase(source) if source is not None else None


def show_clicked_deals(
    selection: object, view: ChartView, *, recipient: str, by: str, merge_lineage: bool, key: str
) -> None:
    """List the deals behind the clicked segment, or say how to get them, or how to click."""
    points = _points(selection)
    if not points:
        st.caption(CLICK_HINT)
        return
    supplier, named = _clicked_supplier(points[0], view)
    if supplier is None:
        st.caption(CLICK_HINT)
        return
    try:
        mark = mark_from_point(points[0], supplier, recipient, by=by, named=named)
    except ValueError:
        st.caption(CLICK_HINT)
        return
    with st.container(border=True, key=f"{key}_clicked"):
        st.markdown(
            f"**Deals behind the segment: {md_escape(supplier)} → {md_escape(recipient)}, "
            f"{mark.span_text}**"
        )
        deals, used = _register_deals(view, recipient)
        if deals.empty or not (deals["recipient"] == recipient).any():
            st.info(md_escape(NEEDS_REGISTER.format(country=recipient)), icon=":material/list_alt:")
            return
        found = deals_behind(deals, mark, merge_lineage=merge_lineage, deliveries=load_deliveries())
        if found.deals.empty:
            st.caption(
                "No deal in the loaded registers delivered in these years: the bar comes from "
                "a TIV table or a register covering other years."
            )
        else:
            count = len(found.deals)
            st.caption(
                f"{count} deal{'s' if count != 1 else ''}, {found.total_tiv:,.1f} TIV millions "
                f"delivered in {mark.span_text}."
            )
            table = dash_missing(_table(found.deals, mark.span_text)).hide(axis="index")
            if count <= SMALL_TABLE:  # a plain table: every row readable at once, and printable
                st.table(table)
            else:
                st.dataframe(table, hide_index=True, key=f"{key}_clicked_table")
        for note in found.notes:
            st.caption(md_escape(note))
        if used is not None:
            st.caption(md_escape(f"Deals from {used}."))
        st.page_link(
            "pages/deals.py",
            label="Open these deals on the Deals page",
            icon=":material/list_alt:",
            query_params=deals_page_query(mark),
        )
