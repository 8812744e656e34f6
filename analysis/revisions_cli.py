"""``python -m analysis diff A B --recipient India``: what moved between two releases."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import pandas as pd

from analysis.revisions import SHARE_COLUMNS, share_revisions

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2


def add_diff_command(commands: argparse._SubParsersAction) -> None:
    """``diff A B --recipient R [--format json|csv|table]``."""
    command = commands.add_parser(
        "diff",
        help="compare two releases (stored dataset ids, stored file names or CSV files)",
        description="Each supplier's share of the recipient's imports per SIPRI 5-year period "
        "in release A and B and the change in percentage points, biggest revisions first.",
    )
    command.add_argument("a", help="release A: a dataset id, a stored file name or a file")
    command.add_argument("b", help="release B: likewise")
    command.add_argument("--recipient", required=True)
    command.add_argument("--format", choices=("json", "csv", "table"), default="table")
    command.set_defaults(handler=run_diff)


def release_flows(store, ref: str) -> pd.DataFrame:
    """The flows of a release named by dataset id, stored file name or a SIPRI file's path.

    Raises:
        ValueError: when ``ref`` names none of these (or a file that is not a SIPRI export).
    """
    stored = store.datasets()
    if ref.isdigit() and int(ref) in set(stored["id"].astype(int)):
        return store.flows([int(ref)])
    named = stored[stored["file_name"] == ref]
    if len(named):
        return store.flows([int(named["id"].max())])  # the newest upload of that name
    path = Path(ref)
    if path.is_file():
        from analysis.sipri import SipriFormatError, read_sipri

        try:
            export = read_sipri(path)
        except SipriFormatError as exc:
            raise ValueError(f"{ref}: {exc}") from exc
        loaded = export.loaded(path.name)
        frame = loaded.frame.assign(
            vintage=export.generated.isoformat() if export.generated else None,
            scope=export.scope,
            layout=export.layout,
            dataset_id=0,
        )
        return dataclasses.replace(loaded, frame=frame)
    raise ValueError(f"{ref!r} is no stored dataset id, stored file name or file")


def run_diff(args: argparse.Namespace) -> int:
    """Print the share revisions as JSON (a list of objects), CSV or a plain table."""
    from analysis.store import Store

    store = Store(args.db, source="--db") if args.db else Store()
    try:
        table = share_revisions(
            release_flows(store, args.a), release_flows(store, args.b), args.recipient
        )
    except ValueError as exc:
        print(f"diff: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    table = table[SHARE_COLUMNS]
    if args.format == "json":
        records = [
            {
                "recipient": r.recipient,
                "supplier": r.supplier,
                "period": r.period,
                "share_a": round(float(r.share_a), 6),
                "share_b": round(float(r.share_b), 6),
                "change_pp": round(float(r.change_pp), 3),
            }
            for r in table.itertuples(index=False)
        ]
        print(json.dumps(records, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(table.to_csv(index=False))
    else:
        print(table.to_string(index=False))
    return EXIT_OK
