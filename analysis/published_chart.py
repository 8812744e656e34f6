"""SIPRI's published figures drawn honestly: what SIPRI did not break down, and where a figure
was published.

A release names some suppliers' shares (Russia 36% of India's imports in 2019-23, France 33%);
the rest of the period is not split by supplier. That part is drawn light and hatched under the
name ``NOT_BROKEN_DOWN``, never as an "Others" supplier. The chart's source line is one line
naming SIPRI and the releases; the press articles that quoted the figures are footnotes (pages,
About, the bundle's citation file), not a paragraph under the chart.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from analysis.chart_style import plotly_text
from analysis.published import SOURCE_SEPARATOR, load_published, tied_sources
from analysis.vocab import NOT_BROKEN_DOWN, country_phrase, period_label, share_text

# Light with grey hatching on paper; analysis.chart_style.DARK_SWAPS turns both into dark greys on a
# dark page (#F2F2F2 is its map land, #BBBBBB its connectors), so it stays the faintest bar.
NOT_BROKEN_DOWN_FILL = "#F2F2F2"
NOT_BROKEN_DOWN_HATCH = "#BBBBBB"
NOT_BROKEN_DOWN_HOVER = (
    "%{x}: %{y:.0%} of the imports not broken down by supplier in SIPRI's published "
    "figures<extra></extra>"
)
PUBLISHED_HOVER = "%{fullData.name} %{x}: %{y:.0%} (published)<extra></extra>"


def releases_text(releases: Iterable[object]) -> str:
    """The releases a set of figures comes from, as one phrase: "release 2024-03" or
    "releases 2014-03 to 2026-03" (empty when none is named)."""
    named = sorted({str(r).strip() for r in releases if pd.notna(r) and str(r).strip()})
    if not named:
        return ""
    if len(named) == 1:
        return f"release {named[0]}"
    return f"releases {named[0]} to {named[-1]}"


def published_source_line(table: pd.DataFrame) -> str:
    """The chart's one-line source for published figures (rows with a ``release`` column).

    The press articles quoting the figures are not named here: see ``press_citations``.
    """
    named = table[table["supplier"] != NOT_BROKEN_DOWN] if "supplier" in table else table
    releases = releases_text(named["release"]) if "release" in named else ""
    return "Source: SIPRI, published figures" + (f" ({releases})" if releases else "")


def press_citations(table: pd.DataFrame) -> tuple[str, ...]:
    """Where each published figure was read: "source (release …)", oldest release first, once
    each. Rows ``NOT_BROKEN_DOWN`` (a remainder, not a figure) are skipped."""
    named = table[table["supplier"] != NOT_BROKEN_DOWN]
    pairs = named[["release", "source"]].drop_duplicates().sort_values("release", kind="stable")
    return tuple(
        dict.fromkeys(
            f"{source} (release {r.release})"
            for r in pairs.itertuples(index=False)
            for source in str(r.source).split(SOURCE_SEPARATOR)
        )
    )


def footnote_text(citations: Iterable[str]) -> str:
    """The page footnote listing the sources of the published figures (empty without any)."""
    items = list(dict.fromkeys(str(c) for c in citations if str(c).strip()))  # each once
    if not items:
        return ""
    return "Published figures as quoted by: " + "; ".join(items) + "."


def published_mix(recipient: str = "India", published: pd.DataFrame | None = None) -> pd.DataFrame:
    """A recipient's import mix per period as SIPRI published it (seed figures).

    Each supplier's figure is the one of the newest release quoting it for that period; the
    rest of the period (100% minus the named suppliers) is ``NOT_BROKEN_DOWN``, not a supplier.

    Args:
        recipient: the importer.
        published: published figures (default ``load_published()``).

    Returns:
        ``period, start, end, supplier, share, release, source`` ordered by period then share;
        empty when nothing was published for the recipient.
    """
    published = load_published() if published is None else published
    mine = published[
        (published["measure"] == "supplier_share") & (published["recipient"] == recipient)
    ]
    columns = ["period", "start", "end", "supplier", "share", "release", "source"]
    if mine.empty:
        return pd.DataFrame(columns=columns)
    ordered = mine.sort_values("release", kind="stable")
    newest = ordered.groupby(["start", "end", "supplier"], as_index=False).last()
    # A figure quoted by several sources (a press article naming no release next to the
    # release it matches) cites them all.
    newest["source"] = [
        tied_sources(
            ordered[
                (ordered["start"] == r.start)
                & (ordered["end"] == r.end)
                & (ordered["supplier"] == r.supplier)
            ],
            r.release,
            r.share,
        )
        for r in newest.itertuples(index=False)
    ]
    rows = []
    for (start, end), group in newest.groupby(["start", "end"], sort=True):
        group = group.sort_values("share", ascending=False, kind="stable")
        for r in group.itertuples(index=False):
            rows.append((start, end, r.supplier, float(r.share), r.release, r.source))
        rest = 1.0 - float(group["share"].sum())
        if rest > 1e-9:
            rows.append((start, end, NOT_BROKEN_DOWN, rest, "", "not split by supplier"))
    out = pd.DataFrame(rows, columns=columns[1:])
    out.insert(
        0, "period", [period_label(s, e) for s, e in zip(out["start"], out["end"], strict=True)]
    )
    return out.astype({"start": "int64", "end": "int64", "share": "float64"})


def finish_published_bars(fig: go.Figure) -> go.Figure:
    """Hover texts of published bars, and the unsplit part drawn light, hatched and on top.

    Args:
        fig: stacked bars whose remainder trace is named ``NOT_BROKEN_DOWN``.

    Returns:
        ``fig``, changed in place: the remainder trace is moved last (the top of each bar and
        the first legend entry), filled ``NOT_BROKEN_DOWN_FILL`` with a diagonal hatch.
    """
    fig.update_traces(hovertemplate=PUBLISHED_HOVER)
    label = plotly_text(NOT_BROKEN_DOWN)
    rest = [t for t in fig.data if t.name == label]
    if not rest:
        return fig
    fig.data = tuple(t for t in fig.data if t.name != label) + tuple(rest)
    fig.update_traces(
        selector={"name": label},
        marker={
            "color": NOT_BROKEN_DOWN_FILL,
            "pattern": {"shape": "/", "fgcolor": NOT_BROKEN_DOWN_HATCH, "size": 8, "solidity": 0.2},
            "line": {"color": NOT_BROKEN_DOWN_HATCH, "width": 0.5},
        },
        hovertemplate=NOT_BROKEN_DOWN_HOVER,
    )
    return fig


def published_recipients(published: pd.DataFrame) -> list[str]:
    """Recipients with at least one published supplier share, sorted by name."""
    rows = published[published["measure"] == "supplier_share"]
    return sorted(str(r) for r in rows["recipient"].dropna().unique())


def supplier_table(table: pd.DataFrame) -> pd.DataFrame:
    """Published shares per period (rows) and supplier (columns), for display.

    Args:
        table: ``analysis.published_chart.published_mix`` rows (period, start, supplier, share).

    Returns:
        Column Period (oldest first), one column per named supplier (largest published share
        first) with the share printed the SIPRI way, or None where no release names a share
        for it in that period (shown as "–": not in the published figures), and last the
        ``NOT_BROKEN_DOWN`` column.
    """
    order = list(dict.fromkeys(table.sort_values("start", kind="stable")["period"]))
    wide = table.pivot_table(index="period", columns="supplier", values="share", aggfunc="sum")
    wide = wide.reindex(index=order)
    named = [s for s in wide.columns if s != NOT_BROKEN_DOWN]
    named.sort(key=lambda s: (-wide[s].fillna(0).max(), s))
    columns = named + ([NOT_BROKEN_DOWN] if NOT_BROKEN_DOWN in wide.columns else [])
    out = pd.DataFrame({"Period": pd.Series(order, dtype="str")})
    for name in columns:
        label = "Not broken down" if name == NOT_BROKEN_DOWN else str(name)
        out[label] = [share_text(v) if pd.notna(v) else None for v in wide[name]]
    return out


def _figure_text(row) -> str:
    whose = country_phrase(row.recipient, start=True, possessive=True)
    if pd.notna(row.supplier):
        what = f"{whose} imports from {country_phrase(row.supplier)}"
    else:
        what = f"{whose} share of world imports"
    return f"{what}, {period_label(int(row.start), int(row.end))}: {share_text(row.share)}"


def published_sources(published: pd.DataFrame) -> list[str]:
    """Every source the published figures were read from, once, oldest release first, with
    the figures it gives: "2022 SIPRI release (as quoted by thehindu.com), release 2022 —
    India, Russia's share 2017-21: 46%; …" (and its address when known)."""
    lines = []
    for (release, source), rows in published.groupby(["release", "source"], sort=True):
        figures = "; ".join(_figure_text(r) for r in rows.itertuples(index=False))
        url = next((str(u) for u in rows["source_url"].dropna() if str(u).strip()), "")
        lines.append(f"{source}, release {release} — {figures}" + (f" ({url})" if url else ""))
    return lines
