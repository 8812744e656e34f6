"""The supplier map: a recipient's suppliers shaded by their share of its imports."""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from analysis.chart_events import _list_events_in_years
from analysis.chart_finish import _finish
from analysis.chart_meta import ChartMeta
from analysis.chart_style import _plotly_texts
from analysis.chart_tables import _require
from analysis.events import Event, events_for
from analysis.results import Chart
from analysis.vocab import UNKNOWN_SUPPLIER, share_text


@functools.lru_cache(maxsize=1)
def iso3_codes() -> dict[str, str]:
    """SIPRI country name -> ISO 3166-1 alpha-3 code, from analysis/reference/iso3.csv."""
    path = Path(__file__).resolve().parent / "reference" / "iso3.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["name"]: row["iso3"] for row in csv.DictReader(handle)}


def _unmapped_share(share: float) -> str:
    """A delivering supplier's share as SIPRI rounds it, never "0.0%" (it delivered something)."""
    text = share_text(share)
    return "less than 0.1%" if text == "0.0%" else text


def build_supplier_map(
    suppliers: pd.DataFrame,
    *,
    meta: ChartMeta,
    years: tuple[int, int],
    events: Sequence[Event] = (),
    hidden_categories: Iterable[str] = (),
    recipient: str | None = None,
) -> Chart:
    """World map of a recipient's suppliers, shaded by share of its imports over ``years``.

    Suppliers without a place on today's map (Soviet Union, unknown supplier(s), NATO**, armed
    groups) are listed under the map with their share, never dropped silently.

    Args:
        suppliers: frame with columns supplier, tiv (summed over ``years``).
        meta: title, filters, source and vintage printed on the chart.
        years: first and last year the values cover.
        events: candidate events; those within ``years`` are listed under the map.
        hidden_categories: event categories toggled off.
        recipient: the chart's country, used to pick the events.

    Returns:
        The figure, the plotted table and the events listed (``analysis.results.Chart``).
    """
    _require(suppliers, ["supplier", "tiv"], "build_supplier_map")
    table = suppliers[["supplier", "tiv"]].copy()
    table["supplier"] = table["supplier"].fillna(UNKNOWN_SUPPLIER).astype(str)
    table = table.groupby("supplier", as_index=False)["tiv"].sum()
    total = table["tiv"].sum()
    table["share"] = (table["tiv"] / total if total > 0 else table["tiv"] * float("nan")).astype(
        "float64"
    )
    codes = iso3_codes()
    table["iso3"] = table["supplier"].map(codes)
    table = table.sort_values(
        ["tiv", "supplier"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    mapped = table[table["iso3"].notna()]
    fig = go.Figure(
        go.Choropleth(
            locations=mapped["iso3"].tolist(),
            locationmode="ISO-3",
            z=(mapped["share"] * 100).tolist(),
            text=_plotly_texts(mapped["supplier"]),
            customdata=mapped["tiv"].tolist(),
            colorscale="Blues",
            zmin=0,
            marker={"line": {"color": "#FFFFFF", "width": 0.5}},
            colorbar={"title": {"text": "Share %"}, "ticksuffix": "%"},
            hovertemplate="%{text}: %{z:.1f}% (%{customdata:,.0f} TIV m)<extra></extra>",
            name="suppliers",
        )
    )
    fig.update_geos(
        projection_type="natural earth",
        # Greenwich in the middle (plotly centred the map on the Pacific).
        projection_rotation={"lon": 0, "lat": 0, "roll": 0},
        lonaxis_range=[-180, 180],
        center={"lon": 0, "lat": 0},
        showcountries=True,
        countrycolor="#BBBBBB",
        showland=True,
        landcolor="#F2F2F2",
        showframe=False,
        showcoastlines=False,
    )
    unmapped = table[table["iso3"].isna() & (table["tiv"] > 0)]
    notes = []
    if not unmapped.empty:
        parts = [f"{r.supplier} ({_unmapped_share(r.share)})" for r in unmapped.itertuples()]
        notes.append("Not on the map: " + "; ".join(parts))
    notes.append(
        f"Shares of {recipient or 'the recipient'}'s imports, {years[0]}-{years[1]} (TIV summed over the years)."
    )
    shown = events_for(events, recipient, hidden=hidden_categories)
    drawing = _list_events_in_years(shown, [years])
    return _finish(fig, meta, "supplier_map", drawing, table, notes, axis_room_px=10)
