"""Compare two releases: what SIPRI's yearly revision moved in a country's supplier shares.

SIPRI revises its whole series every spring. Given the flows of two stored exports that cover
the same recipient in different vintages, :func:`share_revisions` gives each supplier's share
per SIPRI 5-year period in both and the change in percentage points, and
:func:`tiv_revisions` the yearly TIV in both; biggest revisions first. :func:`revision_view`
draws the share changes as a chart that exports like every other one.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.chart_events import _EventDrawing
from analysis.chart_finish import _finish
from analysis.chart_meta import ChartMeta
from analysis.chart_style import plotly_text
from analysis.recipient_data import recipient_years
from analysis.results import frame_of
from analysis.shares import period_shares, sipri_periods
from analysis.tables import vintage_date, vintage_text
from analysis.views import ChartView
from analysis.vocab import country_phrase, period_label, pp_text, share_text

SHARE_COLUMNS = ["recipient", "supplier", "period", "share_a", "share_b", "change_pp"]
TIV_COLUMNS = ["recipient", "supplier", "year", "tiv_a", "tiv_b", "change"]


def common_periods(flows_a: pd.DataFrame, flows_b: pd.DataFrame, recipient: str) -> list:
    """The SIPRI 5-year periods both releases cover for ``recipient`` (oldest first).

    Raises:
        ValueError: when either release has no supplier split for the recipient, or they share
            no whole period.
    """
    spans = [recipient_years(f, recipient) for f in (flows_a, flows_b)]
    if None in spans:
        which = "A" if spans[0] is None else "B"
        raise ValueError(f"release {which} has no imports of {recipient} by supplier")
    first = max(s[0] for s in spans)
    last = min(s[1] for s in spans)
    periods = sipri_periods(last, max(0, (last - first + 1) // 5))
    if not periods:
        raise ValueError(
            f"the two releases share no whole 5-year period of {country_phrase(recipient, possessive=True)} imports"
        )
    return periods


def share_revisions(flows_a: pd.DataFrame, flows_b: pd.DataFrame, recipient: str) -> pd.DataFrame:
    """Each supplier's share of ``recipient``'s imports per period in release A and B.

    A supplier absent from one release for a period has share 0 there (no deliveries).

    Returns:
        ``SHARE_COLUMNS`` (shares as fractions, change in percentage points B - A), the
        largest absolute change first, then period and supplier.
    """
    periods = common_periods(flows_a, flows_b, recipient)
    sides = []
    for flows, name in ((flows_a, "share_a"), (flows_b, "share_b")):
        shares = period_shares(flows, recipient, periods).table
        labels = [period_label(s, e) for s, e in zip(shares["start"], shares["end"], strict=True)]
        sides.append(
            pd.DataFrame({"supplier": shares["supplier"].astype("str"), "period": labels}).assign(
                **{name: shares["share"].astype("float64").to_numpy()}
            )
        )
    both = sides[0].merge(sides[1], on=["supplier", "period"], how="outer")
    both[["share_a", "share_b"]] = both[["share_a", "share_b"]].fillna(0.0)
    both["change_pp"] = ((both["share_b"] - both["share_a"]) * 100).round(6)
    both.insert(0, "recipient", recipient)
    return _biggest_first(both, "change_pp", ["period", "supplier"])[SHARE_COLUMNS]


def tiv_revisions(flows_a: pd.DataFrame, flows_b: pd.DataFrame, recipient: str) -> pd.DataFrame:
    """Yearly TIV by supplier in release A and B over the years both cover.

    Returns:
        ``TIV_COLUMNS`` (missing TIV is 0: no deliveries), the largest absolute change first;
        rows unchanged are kept (a reader checks that nothing else moved).
    """
    periods = common_periods(flows_a, flows_b, recipient)
    first, last = periods[0][0], periods[-1][1]
    sides = []
    for flows, name in ((flows_a, "tiv_a"), (flows_b, "tiv_b")):
        frame = frame_of(flows)
        rows = frame[(frame["recipient"] == recipient) & frame["supplier"].notna()]
        rows = rows[rows["year"].between(first, last)]
        sides.append(
            rows.groupby(["supplier", "year"], as_index=False)["tiv"]
            .sum()
            .rename(columns={"tiv": name})
        )
    both = sides[0].merge(sides[1], on=["supplier", "year"], how="outer")
    both[["tiv_a", "tiv_b"]] = both[["tiv_a", "tiv_b"]].fillna(0.0)
    both["change"] = both["tiv_b"] - both["tiv_a"]
    both["supplier"] = both["supplier"].astype("str")
    both["year"] = both["year"].astype("int64")
    both.insert(0, "recipient", recipient)
    return _biggest_first(both, "change", ["year", "supplier"])[TIV_COLUMNS]


def _biggest_first(frame: pd.DataFrame, change: str, then: list[str]) -> pd.DataFrame:
    order = frame.assign(_size=frame[change].abs())
    order = order.sort_values(["_size", *then], ascending=[False, True, True], kind="stable")
    return order.drop(columns="_size").reset_index(drop=True)


def _vintage(flows) -> str:
    flows = frame_of(flows)
    values = flows["vintage"].dropna() if "vintage" in flows.columns else pd.Series(dtype="str")
    return str(values.max()) if len(values) else ""


def revision_view(
    flows_a: pd.DataFrame,
    flows_b: pd.DataFrame,
    recipient: str,
    *,
    names: tuple[str, str] = ("A", "B"),
    top: int = 15,
) -> ChartView:
    """The share revisions as a chart: one bar per supplier and period, biggest first.

    Args:
        flows_a, flows_b: the two releases' flows (one stored dataset each).
        recipient: the importer both cover.
        names: how the releases are called on the chart (file names or dataset ids).
        top: at most this many supplier-period bars (the biggest revisions).

    Returns:
        A ChartView whose ``data`` is the full share-revision table.
    """
    table = share_revisions(flows_a, flows_b, recipient)
    vintages = [vintage_text(_vintage(f)) or "unknown date" for f in (flows_a, flows_b)]
    shown = table.head(top).iloc[::-1]  # plotly draws the first bar at the bottom
    meta = ChartMeta(
        title=f"{country_phrase(recipient, start=True, possessive=True)} supplier shares: what SIPRI's revision moved",
        filters={
            "Recipient": recipient,
            "Release A": f"{names[0]} (data generated {vintages[0]})",
            "Release B": f"{names[1]} (data generated {vintages[1]})",
        },
        vintage=vintage_date(_vintage(flows_b)),
    )
    fig = go.Figure(
        go.Bar(
            x=shown["change_pp"].to_numpy(dtype="float64"),
            y=[
                plotly_text(f"{s}, {p}")
                for s, p in zip(shown["supplier"], shown["period"], strict=True)
            ],
            orientation="h",
            marker={"color": ["#B2182B" if c < 0 else "#2166AC" for c in shown["change_pp"]]},
            # Shares and changes as every table prints them (SIPRI's rounding).
            customdata=[
                [pp_text(c), share_text(a), share_text(b)]
                for c, a, b in zip(
                    shown["change_pp"], shown["share_a"], shown["share_b"], strict=True
                )
            ],
            hovertemplate="%{y}: %{customdata[0]}<br>A %{customdata[1]} → B %{customdata[2]}"
            "<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(title_text="Change (percentage points)", zeroline=True)
    chart = _finish(
        fig,
        meta,
        "release_diff",
        _EventDrawing(),
        table,
        notes=["Change in percentage points of the period's imports (B minus A)."],
    )
    # The house look (chart_finish), with room on the left for "supplier, period" labels.
    fig.update_yaxes(automargin=True)
    notes = [] if len(table) <= top else [f"The {top} biggest of {len(table)} revisions are drawn."]
    return ChartView(chart.figure, meta, table, notes, [], "computed")
