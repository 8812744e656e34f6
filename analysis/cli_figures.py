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

import pandas as pd

from analysis import bounds
from analysis.results import LoadedFlows, Source
from analysis.shares import Period, period_shares
from analysis.sources import candidates, choose_source, find_source, pin, rule_order
from analysis.vocab import country_phrase, parse_period, period_label
from analysis.world_shares import world_ranking

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


def pinned(flows, country: str, ref: str | None, owner: str = "recipient") -> LoadedFlows:
    """``flows`` with ``country``'s figures from the export ``ref`` names (an id or a file
    name, as ``--source``); unchanged without ``ref``.

    Raises:
        ValueError: when ``ref`` names none of the exports covering the country.
    """
    if not ref:
        return flows
    options = candidates(flows, country, owner)
    source = find_source(options, ref)
    if source is None:
        names = ", ".join(f"{s.dataset_id} ({s.file_name})" for s in options) or "none"
        raise ValueError(f"{ref!r} is not one of the exports covering {country}: {names}")
    return pin(flows, country, source.dataset_id, owner)


def marked_view(view, args: argparse.Namespace, flows, store):
    """A ``chart``/``cite`` view with its estimated figures marked (``estimate_views``): the
    recipient's figures from a per-deal register hatched or bounded, in the CSV and the
    description; an exporter's customers marked partial and estimated on the figure."""
    from analysis import estimate_views, partial_marks

    if view.origin != "computed":
        return view
    if args.chart == "customers":
        return partial_marks.customers_marks(view)
    if args.chart == "supplier-map":
        return view
    mine = pinned(flows, args.recipient, args.source)
    return estimate_views.recipient_marks(view, mine, store.deals(), args.recipient, args.lineage)


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
    from analysis.vocab import parse_periods_text

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


def _deal_bounds(store, source: Source, side: str, period: Period) -> pd.DataFrame:
    """Per country: least and most TIV in ``period`` over every split of the register's deals."""
    deals = store.deals([source.dataset_id])
    deals = deals[deals[side].notna()]
    per_deal = bounds.deal_bounds(deals, period)
    return per_deal.groupby(deals[side].astype(str))[["tiv_low", "tiv_high"]].sum()


def _with_bounds(table: pd.DataFrame, volumes: pd.DataFrame) -> pd.DataFrame:
    """The ranking with ``low, high``: each country's share at its least and most."""
    volumes = volumes.reindex(table["country"]).fillna(0.0)
    every = volumes.sum()
    low, high = bounds.ratio_bounds(
        volumes["tiv_low"].to_numpy(),
        volumes["tiv_high"].to_numpy(),
        (every["tiv_low"] - volumes["tiv_low"]).to_numpy(),
        (every["tiv_high"] - volumes["tiv_high"]).to_numpy(),
    )
    return table.assign(low=low, high=high)


def world_records(store, period: Period, role: str, ref: str | None) -> list[dict]:
    """The ``world`` command's records, ranked as the pages rank (``world_shares.world_ranking``:
    states only, the world source's refusals); parties without a rank come last.

    Raises:
        ValueError: when no stored export stands for the world or ``ref`` names none of them
            (``NoWorldSource``'s sentence when the one named is not the world).
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
    one = flows.with_frame(flows.frame[flows.frame["dataset_id"] == source.dataset_id])
    table = world_ranking(one, period, "import" if role == "importers" else "export").table
    table = table[table["tiv"] > 0]
    if source.estimated:
        table = _with_bounds(table, _deal_bounds(store, source, side, period))
    else:
        table = table.assign(low=table["share"], high=table["share"])
    label = period_label(*period)
    return [
        {
            "country": r.country,
            "period": label,
            "share": _fraction(r.share),
            "low": _fraction(r.low),
            "high": _fraction(r.high),
            "rank": None if pd.isna(r.rank) else int(r.rank),
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
