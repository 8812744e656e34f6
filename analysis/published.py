"""SIPRI's published figures (seed data) and a reconciliation of computed shares against them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.results import LoadedFlows
from analysis.shares import Period, period_shares
from analysis.vintages import COMPLETE_FOR, choose
from analysis.vocab import share_text
from analysis.world_shares import world_share_and_rank
from analysis.world_sources import NoWorldSource

SEED_PATH = Path(__file__).resolve().parents[1] / "data" / "seed" / "published_figures.csv"
MEASURES = ("supplier_share", "world_import_share")
PUBLISHED_DTYPES = {
    "recipient": "str",
    "supplier": "str",
    "measure": "str",
    "start": "int64",
    "end": "int64",
    "share": "float64",
    "release": "str",
    "source": "str",
    "source_url": "str",
    "note": "str",
}
RECONCILE_COLUMNS = [
    "recipient",
    "supplier",
    "measure",
    "start",
    "end",
    "published",
    "computed",
    "diff_pp",
    "published_release",
    "vintage",
    "verdict",
    "reason",
    "source",
    "same_release",
]
_NUMBERS = {"start": "int64", "end": "int64", "published": "float64", "computed": "float64"}
RECONCILE_DTYPES = {
    **{col: "str" for col in RECONCILE_COLUMNS},
    **_NUMBERS,
    "diff_pp": "float64",
    "same_release": "bool",
}
# A recomputed figure differing from another release's by more than this (percentage points)
# is counted apart in the self-check's headline.
REVISION_NOTE_PP = 1.0


def load_published(path: str | Path | None = None) -> pd.DataFrame:
    """Read the published SIPRI figures (``data/seed/published_figures.csv``).

    Each row is one figure as SIPRI published it: ``measure`` is ``supplier_share`` (the
    supplier's share of the recipient's imports) or ``world_import_share`` (the recipient's
    share of world imports; supplier empty). ``share`` is a fraction; ``release`` is the
    release it comes from (``YYYY-MM`` or ``YYYY``), since SIPRI revises back data yearly.

    Args:
        path: Another CSV with the same columns.

    Returns:
        The figures with the dtypes of ``PUBLISHED_DTYPES``.

    Raises:
        ValueError: On an unknown measure, a share outside 0..1 or a period ending early.
    """
    frame = pd.read_csv(
        path or SEED_PATH,
        dtype={"release": "str"},
        keep_default_na=False,
        na_values={"supplier": [""], "source_url": [""], "note": [""]},
    )
    frame = frame[list(PUBLISHED_DTYPES)].astype(PUBLISHED_DTYPES)
    bad = ~frame["measure"].isin(MEASURES)
    bad |= ~frame["share"].between(0.0, 1.0) | (frame["start"] > frame["end"])
    if bad.any():
        raise ValueError(f"invalid published figure(s) in rows {list(frame.index[bad] + 2)}")
    return frame


# Between the sources of one figure when several quoted it (``tied_sources``).
SOURCE_SEPARATOR = "; "


def tied_sources(rows: pd.DataFrame, release: object, share: float) -> str:
    """Every source quoting the same figure from the same release, once each, in file order:
    a press article that names no release is cited next to the release it matches."""
    same = rows[(rows["release"] == release) & np.isclose(rows["share"], float(share))]
    return SOURCE_SEPARATOR.join(dict.fromkeys(str(s) for s in same["source"]))


def _coverage(flows: LoadedFlows) -> pd.DataFrame:
    """First and last year of each recipient's supplier-split rows (flows chosen per recipient)."""
    rows = flows.frame
    rows = rows[rows["supplier"].notna() & rows["recipient"].notna()]
    if "scope" in rows.columns:
        # Only exports that split a recipient's imports completely can stand for its shares
        # (an exporter's table names one supplier: India would be "100% Russia").
        rows = rows[rows["scope"].isin(COMPLETE_FOR["recipient"])]
    return rows.groupby("recipient")["year"].agg(["min", "max"])


def _computed_share(
    flows: LoadedFlows, recipient: str, supplier: str, period: tuple[int, int]
) -> tuple[float, str | None]:
    """One supplier's share of a recipient's imports in a period (0 when it delivered
    nothing), and the vintage of the data used."""
    shares = period_shares(flows, recipient, [period])
    hit = shares.table[shares.table["supplier"] == supplier]
    return (float(hit["share"].iloc[0]) if len(hit) else 0.0), shares.vintage


def _covers(coverage: pd.DataFrame, recipient: str, start: int, end: int) -> bool:
    if recipient not in coverage.index:
        return False
    first, last = coverage.loc[recipient]
    return bool(first <= start and last >= end)


def headline_shares(
    recipient: str = "India",
    supplier: str = "Russia",
    periods: Sequence[Period] | None = None,
    flows: pd.DataFrame | LoadedFlows | None = None,
    published: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A supplier's share per period, computed when the data cover it, else SIPRI's figure.

    The published fallback is the newest release for that period, so that with nothing
    uploaded the dashboard shows the seed article's 76% (2009-13) and 36% (2019-23).

    Args:
        recipient: Importer.
        supplier: Supplier.
        periods: ``(start, end)`` pairs; None means every period with a published figure.
        flows: Loaded flows, if any.
        published: Published figures; defaults to ``load_published()``.

    Returns:
        ``recipient, supplier, start, end, share, display, origin, vintage, release,
        source``: origin is ``"computed"`` (vintage = the data's "generated" date),
        ``"published"`` (release = SIPRI release) or ``"unavailable"`` (share NaN).
    """
    published = load_published() if published is None else published
    mine = published[
        (published["measure"] == "supplier_share")
        & (published["recipient"] == recipient)
        & (published["supplier"] == supplier)
    ]
    if periods is None:
        periods = sorted(set(zip(mine["start"], mine["end"], strict=True)))
    flows = choose(flows) if flows is not None else None  # one export per recipient, once
    coverage = _coverage(flows) if flows is not None else pd.DataFrame(columns=["min", "max"])
    rows = []
    for start, end in periods:
        candidates = mine[(mine["start"] == start) & (mine["end"] == end)]
        if flows is not None and _covers(coverage, recipient, start, end):
            share, vintage = _computed_share(flows, recipient, supplier, (start, end))
            source = "SIPRI Arms Transfers Database, loaded export" + (
                f" (data generated {vintage})" if vintage else ""
            )
            found = (share, "computed", vintage, None, source)
        elif len(candidates):
            best = candidates.sort_values("release", kind="stable").iloc[-1]
            cited = tied_sources(candidates, best["release"], best["share"])
            found = (float(best["share"]), "published", None, best["release"], cited)
        else:
            found = (np.nan, "unavailable", None, None, None)
        rows.append((recipient, supplier, start, end, *found))
    columns = [
        "recipient",
        "supplier",
        "start",
        "end",
        "share",
        "origin",
        "vintage",
        "release",
        "source",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out = out.astype({"start": "int64", "end": "int64", "share": "float64"})
    out.insert(5, "display", [share_text(s) for s in out["share"]])
    for col in ("recipient", "supplier", "display", "origin", "vintage", "release", "source"):
        out[col] = out[col].astype("str")
    return out


def _verdict(published: float, computed: float) -> str:
    """Match when both print the same the SIPRI way, or within 0.5 pp of a whole-percent figure.

    The 0.5 pp allowance covers half-up versus half-even rounding at .5 exactly.
    """
    if share_text(published) == share_text(computed):
        return "match"
    if published >= 0.10 and abs(computed - published) * 100 < 0.5:
        return "match"
    return "differs"


def reconcile(
    flows: pd.DataFrame | LoadedFlows, published: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Compare every published figure the loaded data covers with the figure computed from it.

    A supplier share is covered when the recipient's supplier-split rows span the period;
    a world-import share when an all-importers table (or world-wide flows) spans it.

    Args:
        flows: Loaded flows (optionally with vintage / dataset_id columns).
        published: Published figures; defaults to ``load_published()``.

    Returns:
        ``RECONCILE_COLUMNS``: published and computed as fractions, ``diff_pp`` =
        (computed - published) x 100, the published release and the data vintage, a verdict
        (``"match"``/``"differs"``) and, for differences, reason ``"different vintage"`` when
        the release year is not the data's vintage year (SIPRI revises back data every year);
        ``same_release`` says whether the figure comes from the release of the data's year.
    """
    published = load_published() if published is None else published
    loaded_flows = flows  # world shares choose their one world export themselves
    flows = choose(flows)  # one export per recipient, once for every figure
    coverage = _coverage(flows)
    rows = []
    for fig in published.itertuples(index=False):
        period = (int(fig.start), int(fig.end))
        if fig.measure == "supplier_share":
            if not _covers(coverage, fig.recipient, *period):
                continue
            computed, vintage = _computed_share(flows, fig.recipient, fig.supplier, period)
        else:
            try:
                world = world_share_and_rank(loaded_flows, fig.recipient, [period])
            except NoWorldSource:
                continue
            if world.table.empty or not bool(world.table["complete"].iloc[0]):
                continue
            computed = float(world.table["share"].iloc[0])
            vintage = world.vintage
        verdict = _verdict(float(fig.share), computed)
        same = same_release(fig.release, vintage)
        reason = ""
        if verdict == "differs" and vintage and not same:
            reason = "different vintage"
        rows.append(
            {
                "recipient": fig.recipient,
                "supplier": fig.supplier,
                "measure": fig.measure,
                "start": period[0],
                "end": period[1],
                "published": float(fig.share),
                "computed": computed,
                "diff_pp": (computed - float(fig.share)) * 100,
                "published_release": fig.release,
                "vintage": vintage,
                "verdict": verdict,
                "reason": reason,
                "source": fig.source,
                "same_release": same,
            }
        )
    return pd.DataFrame(rows, columns=RECONCILE_COLUMNS).astype(RECONCILE_DTYPES)


def same_release(release: object, vintage: object) -> bool:
    """Whether a published figure's release is the one the data were generated from.

    SIPRI publishes one release a year and data generated that year come from it: the release
    year (``"2024-03"`` or ``"2024"``) must be the data vintage's year. Unknown vintage: False.
    """
    if vintage is None or pd.isna(vintage) or str(vintage).strip() == "":
        return False
    return str(release)[:4] == str(vintage)[:4]


def _figures(count: int) -> str:
    return f"{count} published figure" + ("" if count == 1 else "s")


def self_check_summary(table: pd.DataFrame) -> str:
    """The self-check's headline: same-release figures apart from other releases' figures.

    A miss against another release is SIPRI's yearly revision, not an error, so it is not
    counted against the data; a miss within the same release is.

    Args:
        table: rows of ``reconcile`` (columns verdict, diff_pp, same_release).

    Returns:
        E.g. "2 of 2 published figures from the same release as the data match the recomputed
        shares. 23 published figures come from other SIPRI releases (SIPRI revises its series
        every year): 5 of them differ by more than 1 percentage point." Empty for no rows.
    """
    if table.empty:
        return ""
    same = table["same_release"].astype(bool)
    mine, others = table[same], table[~same]
    parts = []
    if len(mine):
        matches = int((mine["verdict"] == "match").sum())
        verb = "matches" if len(mine) == 1 else "match"
        parts.append(
            f"{matches} of {_figures(len(mine))} from the same release as the data {verb} "
            "the recomputed shares."
        )
    else:
        parts.append("No published figure here comes from the same release as the data.")
    if len(others):
        far = int((others["diff_pp"].abs() > REVISION_NOTE_PP).sum())
        come = "comes" if len(others) == 1 else "come"
        if far == 0:
            tail = f"none differs by more than {REVISION_NOTE_PP:g} percentage point"
        elif len(others) == 1:
            tail = f"it differs by more than {REVISION_NOTE_PP:g} percentage point"
        else:
            verb = "differs" if far == 1 else "differ"
            tail = f"{far} of them {verb} by more than {REVISION_NOTE_PP:g} percentage point"
        parts.append(
            f"{_figures(len(others))} {come} from other SIPRI releases (SIPRI revises its "
            f"series every year): {tail}."
        )
    return " ".join(parts)
