"""The typed results every layer passes on: a table with where it came from, never DataFrame.attrs.

pandas drops ``DataFrame.attrs`` in many operations (and deep-copies them into every
intermediate frame), so provenance carried there could vanish silently. Here the frame and its
provenance (SIPRI's Total rows, the stored exports used, vintage, exact or estimated volumes)
travel side by side in small frozen records.

Each result table's columns are declared once (``Columns``) and checked at the producer with
``validate``. Plain dataclasses and one validation function rather than pandera: the checks
needed are "these columns, of these kinds", which is twenty lines here, while pandera would add
a dependency (and its own pandas-version pinning) to the app's lock for no rule we use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.layouts import REGISTER

if TYPE_CHECKING:
    import plotly.graph_objects as go

# --------------------------------------------------------------------------- provenance


@dataclass(frozen=True)
class Source:
    """One stored (or just loaded) SIPRI export that figures come from.

    Attributes:
        dataset_id: the store's id (None for an export straight from the loader).
        file_name: the uploaded file's name.
        layout: the export's layout, a code name of ``analysis.layouts.LAYOUTS``.
        vintage: SIPRI's "Data generated" date, ISO text (None when unknown).
        scope: what the export covers (``analysis.sipri.SCOPES``).
        estimated: whether its yearly volumes are estimates (a per-deal register,
            each deal spread evenly over its delivery years) rather than SIPRI's exact yearly
            volumes (TIV tables, the per-delivery register).
    """

    dataset_id: int | None
    file_name: str
    layout: str
    vintage: str | None
    scope: str
    estimated: bool

    @staticmethod
    def is_estimated(layout: str | None) -> bool:
        """Whether a layout's yearly volumes are estimated (the per-deal register)."""
        return layout == REGISTER


@dataclass(frozen=True)
class SipriTotal:
    """One of SIPRI's own Total rows ("Total exports to India", "Total world import").

    ``side`` is "import" or "export"; a missing recipient or supplier is None. The dataset id
    (stored totals) lets shares use only the Total rows of the exports they keep.
    """

    recipient: str | None
    supplier: str | None
    year: int
    tiv: float
    side: str
    dataset_id: int | None = None


@dataclass(frozen=True, eq=False)
class LoadedFlows:
    """Tidy flows with SIPRI's Total rows and the exports they came from.

    Attributes:
        frame: ``analysis.schema.FLOW_COLUMNS`` (plus, from the store, dataset_id, vintage,
            scope and layout per row).
        totals: SIPRI's Total rows of those exports (share denominators).
        datasets: the exports, one ``Source`` each.
        chosen: the side ("recipient" or "supplier") for which one export per country has
            already been chosen (``analysis.vintages.choose``); None when not yet.
        unpinned: the loaded flows before a user's choice of export dropped one country's
            rows from the other exports (``analysis.sources.pin``); world shares and ranks
            read these (``whole``), so a pinned country keeps its world figures.
    """

    frame: pd.DataFrame
    totals: tuple[SipriTotal, ...] = ()
    datasets: tuple[Source, ...] = ()
    chosen: str | None = None
    unpinned: LoadedFlows | None = None

    def with_frame(self, frame: pd.DataFrame) -> LoadedFlows:
        """The same provenance over a subset of the rows (the choice made stays made)."""
        return replace(self, frame=frame)

    def sources_of(self, rows: pd.DataFrame) -> tuple[Source, ...]:
        """The exports ``rows`` come from (all of them when rows carry no dataset id)."""
        if "dataset_id" not in rows.columns:
            return self.datasets
        used = set(rows["dataset_id"].dropna().astype(int))
        return tuple(s for s in self.datasets if s.dataset_id in used)


# What the statistics accept: the store's loaded flows, or a bare tidy frame (tests, loader).
Flows = pd.DataFrame | LoadedFlows


def loaded(flows: Flows | None) -> LoadedFlows:
    """``flows`` as LoadedFlows: a bare frame gets no totals and no dataset records."""
    if isinstance(flows, LoadedFlows):
        return flows
    if flows is None:
        return LoadedFlows(pd.DataFrame())
    return LoadedFlows(flows)


def whole(flows: Flows | None) -> LoadedFlows:
    """The loaded flows before any pinned export dropped rows: what world figures read."""
    flows = loaded(flows)
    return flows.unpinned if flows.unpinned is not None else flows


def frame_of(flows: Flows | None) -> pd.DataFrame | None:
    """The rows of ``flows`` (a bare frame is returned as it is)."""
    return flows.frame if isinstance(flows, LoadedFlows) else flows


def newest_vintage(frame: pd.DataFrame) -> str | None:
    """The newest ``vintage`` among the rows (None without one)."""
    if "vintage" not in frame.columns:
        return None
    stamps = frame["vintage"].dropna()
    return str(stamps.max()) if len(stamps) else None


def estimated_rows(rows: pd.DataFrame) -> bool:
    """Whether any of ``rows`` holds yearly volumes estimated from a per-deal register."""
    return "layout" in rows.columns and bool((rows["layout"] == REGISTER).any())


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Shares:
    """A table computed from loaded flows (shares, changes, dependency) and its provenance.

    Attributes:
        table: the statistic (its columns are documented by the producing function).
        vintage: the newest "Data generated" date among the rows used (None when unknown).
        sources: the exports those rows come from.
        estimated: whether any of them are volumes estimated from a per-deal register.
        partial: countries whose split comes only from partial exports (not all partners).
    """

    table: pd.DataFrame
    vintage: str | None = None
    sources: tuple[Source, ...] = ()
    estimated: bool = False
    partial: tuple[str, ...] = ()

    def with_table(self, table: pd.DataFrame) -> Shares:
        """The same provenance over another table derived from this one."""
        return replace(self, table=table)


@dataclass(frozen=True, eq=False)
class WorldShare:
    """A country's share of world imports or exports per period, and its rank.

    ``source`` names the kind of source used ("all-importers table", "world-wide flows"),
    None when none is loaded; ``sources`` are the exports.
    """

    table: pd.DataFrame
    vintage: str | None = None
    source: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, eq=False)
class Pipeline:
    """The order backlog by supplier and the number of deals that could not be valued."""

    table: pd.DataFrame
    excluded_deals: int = 0
    vintage: str | None = None


@dataclass(frozen=True, eq=False)
class DisplayTable:
    """A table ready to show, with the vintage of its data or the citations of its figures."""

    table: pd.DataFrame
    vintage: str | None = None
    sources: tuple[Source, ...] = ()
    citations: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class SelfCheck:
    """Published figures next to the recomputed ones, and the sentence summing them up."""

    table: pd.DataFrame
    summary: str = ""


@dataclass(frozen=True, eq=False)
class Chart:
    """What a chart builder returns: the figure and, next to it, what the figure shows.

    The figure keeps only what plotly draws (plus the chart's name, title, subtitle and source
    line in ``layout.meta``); the plotted table and the record of the events travel here.

    Attributes:
        figure: the finished plotly figure (title, subtitle, source line, events drawn).
        data: exactly the table the chart plots (the "Data (CSV)" download).
        drawn: one record per event drawn on (or listed under) the chart, numbered as on it:
            number, title, category, start, end (ISO dates), kind ("line", "band", "marker"
            or "listed") and x (where its label or marker sits; None for a listed event).
        outside: the events named as off the plotted years, then (when some were left off
            for the caps) the sentence counting them.
        mode: how the events are shown: "labels", "numbered", "listed" or "none".
        not_drawn: how many shown events were neither drawn nor named (the caps).
    """

    figure: go.Figure
    data: pd.DataFrame
    drawn: tuple[Mapping[str, Any], ...] = ()
    outside: tuple[str, ...] = ()
    mode: str = "none"
    not_drawn: int = 0


# --------------------------------------------------------------------------- table contracts


class ResultTableError(ValueError):
    """A result table that does not have its declared columns (a bug, said in one sentence)."""


_KINDS = {
    "text": pd.api.types.is_string_dtype,
    "int": pd.api.types.is_integer_dtype,
    "float": pd.api.types.is_float_dtype,
    "number": pd.api.types.is_numeric_dtype,
    "bool": pd.api.types.is_bool_dtype,
}


@dataclass(frozen=True)
class Columns:
    """A result table's declared columns: name -> kind ("text", "int", "float", "number",
    "bool"), in order; ``optional`` ones may be absent (e.g. ``vintage`` on bare flows)."""

    name: str
    required: Mapping[str, str]
    optional: Mapping[str, str] = field(default_factory=dict)


def validate(frame: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """Return ``frame`` when it has ``columns`` (extra columns allowed), else refuse it.

    Raises:
        ResultTableError: naming the table, the missing columns or the column of the wrong kind.
    """
    missing = [c for c in columns.required if c not in frame.columns]
    if missing:
        raise ResultTableError(
            f"The {columns.name} table lacks column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, frame.columns)) or 'none'}."
        )
    for name, kind in {**columns.required, **columns.optional}.items():
        if name not in frame.columns or (frame[name].isna().all() and kind != "bool"):
            continue
        if not _KINDS[kind](frame[name].dtype):
            raise ResultTableError(
                f"Column {name} of the {columns.name} table must hold {kind} values, "
                f"not {frame[name].dtype}."
            )
    return frame


FLOWS = Columns(
    "tidy flows",
    {"recipient": "text", "supplier": "text", "year": "int", "tiv": "float", "category": "text"},
    {"dataset_id": "int", "vintage": "text", "scope": "text", "layout": "text"},
)
PERIOD_SHARES = Columns(
    "period shares",
    {"start": "int", "end": "int", "tiv": "float", "share": "float"},
    {"recipient": "text", "supplier": "text", "vintage": "text"},
)
YEARLY_SHARES = Columns(
    "yearly shares",
    {"year": "int", "tiv": "float", "share": "float"},
    {"recipient": "text", "supplier": "text", "vintage": "text"},
)
PERIOD_CHANGE = Columns(
    "period change",
    {
        "supplier": "text",
        "tiv_before": "float",
        "tiv_after": "float",
        "volume_change_pct": "float",
        "share_before": "float",
        "share_after": "float",
        "share_change_pp": "float",
    },
    {"vintage": "text"},
)
DEPENDENCY = Columns(
    "dependency",
    {
        "start": "int",
        "end": "int",
        "top_supplier": "text",
        "top_share": "float",
        "top3_suppliers": "text",
        "top3_share": "float",
        "hhi": "float",
        "suppliers": "int",
    },
    {"recipient": "text", "vintage": "text"},
)
WORLD_SHARE = Columns(
    "world share and rank",
    {
        "start": "int",
        "end": "int",
        "country": "text",
        "tiv": "float",
        "world_tiv": "float",
        "share": "float",
        "rank": "int",
        "countries": "int",
        "complete": "bool",
        "source": "text",
    },
    {"vintage": "text"},
)
PIPELINE = Columns(
    "orders pipeline",
    {
        "supplier": "text",
        "tiv_order": "float",
        "tiv_delivered": "float",
        "tiv_pending": "float",
        "deals": "int",
    },
    {"vintage": "text"},
)
# The comparison page: the small multiples' plotted table and the period-share table (whose
# "<supplier> <period>" columns depend on the choice: only the fixed ones are declared).
COMPARISON = Columns(
    "comparison",
    {"recipient": "text", "supplier": "text", "tiv": "float", "share": "float"},
    {"year": "int", "period": "text"},
)
COMPARISON_TABLE = Columns(
    "comparison share",
    {"Country": "text", "Coverage": "text", "Data generated": "text"},
)
CATEGORY_BY_YEAR = Columns(
    "weapon categories by year",
    {"year": "int", "category": "text", "tiv": "float", "share": "float"},
)
CATEGORY_BY_PERIOD = Columns(
    "weapon categories by period",
    {
        "period": "text",
        "start": "int",
        "end": "int",
        "category": "text",
        "tiv": "float",
        "share": "float",
    },
)
# Display tables: the share columns are named after the periods shown; the fixed ones are here.
WHAT_CHANGED = Columns(
    "what changed",
    {"Supplier": "text", "Change (pp)": "float", "Volume change (%)": "float"},
)
WORLD_POSITION = Columns(
    "world position",
    {
        "Period": "text",
        "Share of world imports": "text",
        "Rank": "int",
        "Countries ranked": "int",
        "Source": "text",
        "Complete": "bool",
    },
)
SELF_CHECK = Columns(
    "self-check",
    {
        "Figure": "text",
        "Period": "text",
        "Published": "text",
        "Computed": "text",
        "Data generated": "text",
        "Difference (pp)": "float",
        "Verdict": "text",
    },
)
DEALS = Columns(
    "deals",
    {
        "recipient": "text",
        "supplier": "text",
        "order_year": "int",
        "designation": "text",
        "category": "text",
        "status": "text",
        "tiv_order": "float",
        "tiv_delivered": "float",
    },
    {"deal_id": "int", "vintage": "text", "dataset_id": "int"},
)
