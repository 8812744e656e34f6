"""Which loaded rows stand for the whole world in world shares and ranks, or why none do.

A world share needs every country's volume on one side: an all-importers (all-exporters)
TIV table, or a trade register of all countries to all countries (one row per deal, or the
per-delivery register, whose every row carries a weapon category). One country's table, a
register of one country's imports, a regional table or a table by weapon category name only
part of the world's trade: they are refused with a sentence (``NoWorldSource``), never
treated as the world.
"""

from __future__ import annotations

import pandas as pd

from analysis.layouts import LAYOUTS, REGISTER, TIV_TABLE
from analysis.results import Flows, whole
from analysis.vocab import country_phrase

TOTALS_SCOPE = {"import": "importer_totals", "export": "exporter_totals"}
TABLE_SOURCE = {"import": "all-importers table", "export": "all-exporters table"}
WORLD_SOURCE = "world-wide flows"
_SIDES = {"import": ("recipient", "supplier"), "export": ("supplier", "recipient")}


class NoWorldSource(ValueError):
    """The loaded rows hold no world source; the message says why in one sentence."""


def deliveries(frame: pd.DataFrame, vintage: str | None = None) -> pd.DataFrame:
    """The rows with a delivery (``tiv`` not NaN), of exactly ``vintage`` when given."""
    missing = [c for c in ("recipient", "supplier", "year", "tiv") if c not in frame.columns]
    if missing and not frame.empty:
        raise ValueError(f"flows lack column(s) {', '.join(missing)}")
    if frame.empty:
        return frame
    if vintage is not None and "vintage" in frame.columns:
        frame = frame[frame["vintage"] == vintage]
    return frame[frame["tiv"].notna()]


def world_rows(frame: pd.DataFrame, side: str, min_countries: int = 20) -> tuple[pd.DataFrame, str]:
    """The rows that stand for the world on ``side``, and the kind of source they are.

    With a ``scope`` column (stored exports), first present wins: the all-importers
    (all-exporters) table, then a register of all countries (one export each: SIPRI's exact
    volumes before a per-deal register's estimates, then the newest). Without one (a bare
    frame), rows with the other side blank are such a table; otherwise flows naming at least
    ``min_countries`` countries on both sides stand for the world.

    Args:
        frame: Tidy flows with deliveries only (``tiv`` not NaN).
        side: "import" or "export".
        min_countries: Fewest countries bare world-wide flows must name on each side.

    Returns:
        ``(rows, source)``: ``source`` is "all-importers table", "all-exporters table" or
        "world-wide flows".

    Raises:
        NoWorldSource: when no rows stand for the world (empty ``frame`` included).
    """
    country_col, other_col = _SIDES[side]
    if "scope" in frame.columns:
        scope = frame["scope"].fillna("partial").astype(str)
        table = frame[
            (scope == TOTALS_SCOPE[side]) & frame[country_col].notna() & frame[other_col].isna()
        ]
        if not table.empty:
            return _one_export(table), TABLE_SOURCE[side]
        world = frame[(scope == "world") & frame[country_col].notna() & frame[other_col].notna()]
        if not world.empty:
            return _one_export(world), WORLD_SOURCE
        raise NoWorldSource(_why_scoped(frame, scope, side))
    named = frame[country_col].notna()
    blank_other = frame[other_col].isna()
    if "category" in frame.columns:  # a table by weapon category is one country's totals
        blank_other &= frame["category"].isna()
    table = frame[named & blank_other & ~_regions(frame[country_col])]
    if not table.empty:
        return table, TABLE_SOURCE[side]
    world = frame[named & frame[other_col].notna()]
    world = world[~_regions(world[country_col]) & ~_regions(world[other_col])]
    counts = (world[country_col].nunique(), world[other_col].nunique())
    if world.empty or min(counts) < min_countries:
        raise NoWorldSource(_why_bare(frame, world, side, min_countries))
    return world, WORLD_SOURCE


def why_no_world(flows: Flows | None, side: str = "import") -> str | None:
    """Why the loaded flows hold no world source for ``side``, in one sentence; None when
    one of them is the world or nothing is loaded (flows with a pinned export are read as
    before the pin, like the world figures)."""
    frame = deliveries(whole(flows).frame)
    if frame.empty:
        return None
    try:
        world_rows(frame, side)
    except NoWorldSource as exc:
        return str(exc)
    return None


def _regions(names: pd.Series) -> pd.Series:
    from analysis.names import name_kind

    kinds = names.map(lambda n: name_kind(n) == "region", na_action="ignore")
    return kinds.fillna(False).astype(bool)


def _one_export(rows: pd.DataFrame) -> pd.DataFrame:
    """One export's rows: SIPRI's exact volumes first, then the newest, then the last loaded."""
    if "dataset_id" not in rows.columns or rows["dataset_id"].nunique(dropna=False) < 2:
        return rows
    exact = rows["layout"].astype(str) != REGISTER if "layout" in rows else True
    stamp = rows["vintage"].fillna("").astype(str) if "vintage" in rows else ""
    ranked = pd.DataFrame(
        {"exact": exact, "stamp": stamp, "id": rows["dataset_id"].astype("Float64").fillna(-1)}
    )
    best = ranked.sort_values(["exact", "stamp", "id"]).iloc[-1]["id"]
    return rows[(ranked["id"] == best).to_numpy()]


def _need(side: str) -> str:
    whole = "all-importers" if side == "import" else "all-exporters"
    return f"world {side} shares need an {whole} table or a world-wide trade register."


def _whose(names: pd.Series) -> str:
    """ "India's" for one country, "the 3 named countries'" for several."""
    unique = sorted(str(n) for n in names.dropna().unique())
    if len(unique) == 1:
        return country_phrase(unique[0], possessive=True)
    return f"these {len(unique)} countries'"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _noun(rows: pd.DataFrame) -> str:
    """What the rows come from, with its verb: "table names", "register names", "exports name"."""
    layouts = set(rows["layout"].astype(str)) if "layout" in rows.columns else {TIV_TABLE}
    if layouts == {TIV_TABLE}:
        return "table names"
    if all(layout in LAYOUTS and LAYOUTS[layout].is_register for layout in layouts):
        return "register names"
    if all(
        layout == TIV_TABLE or LAYOUTS.get(layout) and LAYOUTS[layout].is_register
        for layout in layouts
    ):
        return "table and register name"
    return "exports name"


def _why_scoped(frame: pd.DataFrame, scope: pd.Series, side: str) -> str:
    """One sentence on why the stored exports hold no world source."""
    present = set(scope)
    if "imports" in present:
        rows = frame[scope == "imports"]
        whose = _whose(rows["recipient"])
        what = f"{_capital(whose)} import {_noun(rows)} only {whose} suppliers"
    elif "exports" in present:
        rows = frame[scope == "exports"]
        whose = _whose(rows["supplier"])
        what = f"{_capital(whose)} export {_noun(rows)} only {whose} customers"
    elif "regional" in present:
        what = "A regional table names suppliers to regions and organisations, not every country"
    elif "categories" in present:
        what = "A table by weapon category gives one country's totals, not every country's"
    elif TOTALS_SCOPE["export" if side == "import" else "import"] in present:
        other = "exporter" if side == "import" else "importer"
        what = f"An all-{other}s table gives each {other}'s total, not what you asked for"
    else:
        what = "The loaded exports cover only part of the world's arms trade"
    return f"{what}: {_need(side)}"


def _why_bare(frame: pd.DataFrame, world: pd.DataFrame, side: str, min_countries: int) -> str:
    """One sentence on why bare flows are not the world."""
    country_col, other_col = _SIDES[side]
    if world.empty:
        what = "The flows name no partner countries outside regions and weapon categories"
    elif world[other_col].nunique() == 1:
        whose = _whose(world[other_col])
        kind, partners = ("export", "customers") if side == "import" else ("import", "suppliers")
        what = f"{_capital(whose)} {kind} table names only {whose} {partners}"
    elif world[country_col].nunique() == 1:
        whose = _whose(world[country_col])
        kind, partners = ("import", "suppliers") if side == "import" else ("export", "customers")
        what = f"{_capital(whose)} {kind} table names only {whose} {partners}"
    else:
        what = (
            f"The flows name {world[country_col].nunique()} {side}ers and "
            f"{world[other_col].nunique()} partners, fewer than the {min_countries} "
            "that stand for the world"
        )
    return f"{what}: {_need(side)}"
