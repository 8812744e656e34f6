"""``python -m analysis shares|world``: figures for scripted work, as JSON or a plain table.

``shares --recipient India --periods 2009-13,2019-23 [--source ID_OR_FILE_NAME]``: each
supplier's share of the recipient's imports per period; ``world --period 2020-24 [--role
importers|exporters] [--source ...]``: every country's share of world imports (or exports)
and its rank. Shares, low and high are fractions (0..1); low = high = share when the export
used holds SIPRI's exact yearly volumes, the bounds of ``analysis.bounds`` when it is a
per-deal register (estimated).
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
import pandas as pd

from analysis import bounds
from analysis.layouts import REGISTER_DELIVERIES
from analysis.results import LoadedFlows, Source
from analysis.shares import Period, _is_rankable, period_shares
from analysis.sources import candidates, choose_source, find_source, rule_order
from analysis.vocab import country_phrase, parse_period, period_label

EXIT_OK, EXIT_REJECTED = 0, 2
WORLD_SCOPES = {"importers": "importer_totals", "exporters": "exporter_totals"}


def add_figure_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``shares`` and ``world``."""
    shares = commands.add_parser(
        "shares",
        help="suppliers' shares of a recipient's imports per period",
        description="Each supplier's share of the recipient's imports per period, from one "
        "stored export (the default: exact yearly volumes over estimates, then the newest).",
    )
    shares.add_argument("--recipient", required=True)
    shares.add_argument("--periods", required=True, help="e.g. 2009-13,2019-23")
    shares.add_argument("--source", help="a stored dataset id or file name (see: list)")
    shares.add_argument("--format", choices=("json", "table"), default="table")
    shares.set_defaults(handler=run_shares)
    world = commands.add_parser(
        "world",
        help="every country's share of world imports or exports in a period, ranked",
        description="Every country's share of world imports (or exports) over a period and "
        "its rank among states, from an all-importers/all-exporters table or world-wide flows.",
    )
    world.add_argument("--period", required=True, help="e.g. 2020-24")
    world.add_argument("--role", choices=("importers", "exporters"), default="importers")
    world.add_argument("--source", help="a stored dataset id or file name (see: list)")
    world.add_argument("--format", choices=("json", "table"), default="table")
    world.set_defaults(handler=run_world)


def _store(args: argparse.Namespace):
    from analysis.store import Store

    return Store(args.db, source="--db") if args.db else Store()


def _print(records: list[dict], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    elif records:
        print(pd.DataFrame(records).to_string(index=False))
    else:
        print("(no figures)")


def _provenance(source: Source) -> dict[str, object]:
    return {"estimated": source.estimated, "source": source.file_name, "vintage": source.vintage}


# --------------------------------------------------------------------------- shares


def share_records(store, recipient: str, periods: list[Period], ref: str | None) -> list[dict]:
    """The ``shares`` command's records (see the module docstring).

    Raises:
        ValueError: when no stored export covers the recipient or ``ref`` names none of them.
    """
    flows = store.flows()
    options = candidates(flows, recipient)
    if not options:
        raise ValueError(
            f"no stored export covers {country_phrase(recipient, possessive=True)} imports by supplier"
        )
    source = find_source(options, ref) if ref else rule_order(options)[0]
    if source is None:
        names = ", ".join(f"{s.dataset_id} ({s.file_name})" for s in options)
        raise ValueError(f"{ref!r} is not one of the exports covering {recipient}: {names}")
    chosen = choose_source(flows, recipient, source.dataset_id)
    table = period_shares(chosen, recipient, periods).table
    table = table[table["tiv"] > 0]
    if source.estimated:
        deals = store.deals([source.dataset_id])
        found = bounds.supplier_share_bounds(deals, recipient, periods)
        table = table.merge(
            found[["start", "end", "supplier", "share_low", "share_high"]],
            on=["start", "end", "supplier"],
            how="left",
        )
    else:
        table = table.assign(share_low=table["share"], share_high=table["share"])
    return [
        {
            "recipient": recipient,
            "supplier": str(r.supplier),
            "period": period_label(int(r.start), int(r.end)),
            "share": _fraction(r.share),
            "low": _fraction(r.share_low),
            "high": _fraction(r.share_high),
            **_provenance(source),
        }
        for r in table.itertuples(index=False)
    ]


def _fraction(value: object) -> float | None:
    return None if pd.isna(value) else round(float(value), 6)


def run_shares(args: argparse.Namespace) -> int:
    """Print the recipient's supplier shares per period."""
    from analysis.views import parse_periods_text

    try:
        periods = parse_periods_text(args.periods)
        records = share_records(_store(args), args.recipient, periods, args.source)
    except ValueError as exc:
        print(f"shares: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    _print(records, args.format)
    return EXIT_OK


# --------------------------------------------------------------------------- world


def world_candidates(flows: LoadedFlows, role: str) -> list[Source]:
    """Exports that can stand for the world on ``role``'s side, the default first: an
    all-importers (all-exporters) table, or world-wide flows."""
    scopes = {WORLD_SCOPES[role], "world"}
    return rule_order(s for s in flows.datasets if s.scope in scopes)


def _volumes(store, flows: LoadedFlows, source: Source, side: str, period: Period):
    """Per country: estimate, least and most TIV in ``period`` from ``source``."""
    if source.estimated:
        deals = store.deals([source.dataset_id])
        deals = deals[deals[side].notna()]
        per_deal = bounds.deal_bounds(deals, period)
        return per_deal.groupby(deals[side].astype(str)).sum()
    frame = flows.frame
    rows = frame[(frame["dataset_id"] == source.dataset_id) & frame[side].notna()]
    if "category" in rows.columns and source.layout != REGISTER_DELIVERIES:
        # A TIV table by weapon category repeats its totals per category; in the per-delivery
        # register every row names its category and each is a delivery of its own.
        rows = rows[rows["category"].isna()]
    rows = rows[(rows["year"] >= period[0]) & (rows["year"] <= period[1])]
    tiv = rows.groupby(rows[side].astype(str))["tiv"].sum()
    return pd.DataFrame({"tiv": tiv, "tiv_low": tiv, "tiv_high": tiv})


def world_records(store, period: Period, role: str, ref: str | None) -> list[dict]:
    """The ``world`` command's records, ranked (states only; others share no rank).

    Raises:
        ValueError: when no stored export stands for the world or ``ref`` names none of them.
    """
    flows = store.flows()
    options = world_candidates(flows, role)
    if not options:
        raise ValueError(f"no stored export covers the world's {role} (see: list)")
    source = find_source(options, ref) if ref else options[0]
    if source is None:
        names = ", ".join(f"{s.dataset_id} ({s.file_name})" for s in options)
        raise ValueError(f"{ref!r} is not one of the exports covering the world: {names}")
    side = "recipient" if role == "importers" else "supplier"
    volumes = _volumes(store, flows, source, side, period)
    volumes = volumes[volumes["tiv_high"] > 0]
    totals = volumes.sum()
    low, high = bounds.ratio_bounds(
        volumes["tiv_low"].to_numpy(),
        volumes["tiv_high"].to_numpy(),
        (totals["tiv_low"] - volumes["tiv_low"]).to_numpy(),
        (totals["tiv_high"] - volumes["tiv_high"]).to_numpy(),
    )
    table = volumes.assign(share=volumes["tiv"] / totals["tiv"], low=low, high=high)
    table = table.rename_axis("country").reset_index()
    states = _is_rankable(table["country"]) & (table["tiv"] > 0).to_numpy()
    table["rank"] = table["tiv"].where(states).rank(method="min", ascending=False)
    table = table.sort_values(["rank", "tiv", "country"], ascending=[True, False, True])
    label = period_label(*period)
    return [
        {
            "country": r.country,
            "period": label,
            "share": _fraction(r.share),
            "low": _fraction(r.share if not source.estimated else r.low),
            "high": _fraction(r.share if not source.estimated else r.high),
            "rank": None if np.isnan(r.rank) else int(r.rank),
            **_provenance(source),
        }
        for r in table.itertuples(index=False)
    ]


def run_world(args: argparse.Namespace) -> int:
    """Print every country's share of world imports (exports) in the period, ranked."""
    try:
        period = parse_period(args.period)
        records = world_records(_store(args), period, args.role, args.source)
    except ValueError as exc:
        print(f"world: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    _print(records, args.format)
    return EXIT_OK
