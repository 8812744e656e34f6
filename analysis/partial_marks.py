"""An exporter's customers chart built from importers' tables or registers: said on the figure.

``views.customers_view`` counts the deliveries in the loaded flows. Without an export covering
the exporter's trade whole (its exports table, or a register of all countries) those flows
name only the recipients whose imports are loaded: from India's register alone, "India is the
largest recipient (100%)". ``customers_marks`` says so on the figure itself (title, subtitle),
in the CSV (its ``Filters`` line and ``partial``/``estimated`` columns) and so in the alt text,
and says "estimated" when the volumes come from a per-deal register.
"""

from __future__ import annotations

import dataclasses

import plotly.graph_objects as go

from analysis.chart_finish import _wrap_items
from analysis.chart_meta import ChartMeta
from analysis.chart_style import SUBTITLE_LINE_PX, SUBTITLE_WRAP_CHARS, plotly_text
from analysis.views import ChartView
from analysis.vintages import COMPLETE_FOR
from analysis.vocab import OTHERS, country_phrase

PARTIAL_TITLE = " (loaded recipients only)"
ESTIMATED_VOLUMES = "estimated from a per-deal register (each deal's TIV spread over its years)"


def coverage_text(recipients: list[str]) -> str:
    """The Coverage filter: "PARTIAL: counts only the recipients loaded (India)"."""
    named = [r for r in recipients if r != OTHERS]
    listed = ", ".join(named) if 0 < len(named) <= 3 else f"{len(recipients)} recipients"
    return f"PARTIAL: counts only the recipients loaded ({listed})"


def customers_marks(view: ChartView) -> ChartView:
    """The customers view with its partial coverage and estimated volumes on the figure.

    Args:
        view: ``views.customers_view(...)`` (its sources are the exports it counted).

    Returns:
        ``view`` itself when its exports cover the exporter whole with exact volumes; else a
        copy whose title says "(loaded recipients only)", whose subtitle carries
        ``Coverage: PARTIAL: counts only the recipients loaded (...)`` and/or ``Volumes:
        estimated ...``, and whose data gain ``partial`` and ``estimated`` columns.
    """
    if view.data.empty or not view.sources:
        return view
    partial = not any(s.scope in COMPLETE_FOR["supplier"] for s in view.sources)
    estimated = any(s.estimated for s in view.sources)
    if not partial and not estimated:
        return view
    filters = dict(view.meta.filters)
    title = view.meta.title
    if partial:
        title += PARTIAL_TITLE
        recipients = list(dict.fromkeys(view.data["recipient"].astype(str)))
        filters["Coverage"] = coverage_text(recipients)
    if estimated:
        filters["Volumes"] = ESTIMATED_VOLUMES
    meta = dataclasses.replace(view.meta, title=title, filters=filters)
    fig = go.Figure(view.fig)
    retitle(fig, view.meta, meta)
    # The alt text reads this sentence (``alt_text.estimate_sentence``).
    caveat = caveat_sentence(filters, str(filters.get("Exporter", "")))
    fig.update_layout(meta={**dict(fig.layout.meta or {}), "estimate": caveat})
    data = view.data.assign(partial=partial, estimated=estimated)
    return dataclasses.replace(view, fig=fig, meta=meta, data=data)


def retitle(fig: go.Figure, old: ChartMeta, new: ChartMeta) -> None:
    """Write ``new``'s title and subtitle on a built figure (a copy, changed in place), the
    top margin grown by the subtitle's extra lines."""
    lines = _wrap_items(new.subtitle_line().split(" · "), SUBTITLE_WRAP_CHARS)
    before = len(_wrap_items(old.subtitle_line().split(" · "), SUBTITLE_WRAP_CHARS))
    grow = (len(lines) - before) * SUBTITLE_LINE_PX
    fig.update_layout(
        title_text=f"<b>{plotly_text(new.title)}</b>",
        title_subtitle_text="<br>".join(plotly_text(line) for line in lines),
    )
    if grow:
        fig.update_layout(margin_t=(fig.layout.margin.t or 0) + grow)
        if fig.layout.height:
            fig.update_layout(height=fig.layout.height + grow)
    meta = dict(fig.layout.meta or {})
    meta.update(title=new.title, subtitle=new.subtitle_line())
    fig.update_layout(meta=meta)


def caveat_sentence(filters: dict, exporter: str) -> str:
    """The alt text's sentence: what the chart leaves out and what it estimates."""
    parts = []
    if "Coverage" in filters:
        loaded = filters["Coverage"].split("(", 1)[-1].rstrip(")")
        parts.append(
            f"It counts only the recipients loaded ({loaded}), not every customer of "
            f"{country_phrase(exporter)}"
        )
    if "Volumes" in filters:
        parts.append(
            "the volumes are estimated from a per-deal register (each deal's TIV "
            "spread evenly over its delivery years)"
        )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "." if text else ""
