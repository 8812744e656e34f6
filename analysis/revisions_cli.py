"""``python -m analysis diff A B --recipient India``: what moved between two releases.

``--what shares`` (the default): each supplier's share per SIPRI 5-year period in A and B;
``--what tiv``: each supplier's yearly TIV in A and B (the Data page's second table).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import pandas as pd

from analysis.revisions import SHARE_COLUMNS, TIV_COLUMNS, share_revisions, tiv_revisions

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2


# What each --what compares: the table's columns, the function making it, and how each
# column is rounded in JSON (None: kept as it is).
WHAT = {
    "shares": (
        SHARE_COLUMNS,
        share_revisions,
        {"share_a": 6, "share_b": 6, "change_pp": 3},
    ),
    "tiv": (TIV_COLUMNS, tiv_revisions, {"year": None, "tiv_a": 6, "tiv_b": 6, "change": 6}),
}


def add_diff_command(commands: argparse._SubParsersAction) -> None:
    """``diff A B --recipient R [--what shares|tiv] [--format json|csv|table]``."""
    command = commands.add_parser(
        "diff",
        help="compare two releases (stored dataset ids, stored file names or CSV files)",
        description="Each supplier's share of the recipient's imports per SIPRI 5-year period "
        "in release A and B and the change in percentage points (--what shares), or its yearly "
        "TIV in A and B and the change (--what tiv), biggest revisions first.",
    )
    command.add_argument("a", help="release A: a dataset id, a stored file name or a file")
    command.add_argument("b", help="release B: likewise")
    command.add_argument("--recipient", required=True)
    command.add_argument(
        "--what",
        choices=tuple(WHAT),
        default="shares",
        help="shares per 5-year period (percentage points) or yearly TIV (default: shares)",
    )
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
    """Print the share or yearly TIV revisions as JSON (a list of objects), CSV or a table."""
    from analysis.store import Store

    columns, revisions, rounding = WHAT[getattr(args, "what", "shares")]
    store = Store(args.db, source="--db") if args.db else Store()
    try:
        table = revisions(
            release_flows(store, args.a), release_flows(store, args.b), args.recipient
        )
    except ValueError as exc:
        print(f"diff: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    table = table[columns]
    if args.format == "json":
        print(json.dumps(json_records(table, rounding), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(table.to_csv(index=False))
    else:
        print(table.to_string(index=False))
    return EXIT_OK


def json_records(table: pd.DataFrame, rounding: dict[str, int | None]) -> list[dict[str, object]]:
    """The table's rows as JSON objects: text columns as str, numbers rounded per ``rounding``
    (an integer column such as the year as int)."""
    records = []
    for row in table.to_dict(orient="records"):
        record: dict[str, object] = {}
        for key, value in row.items():
            if key not in rounding:
                record[key] = str(value)
            elif rounding[key] is None:
                record[key] = int(value)
            else:
                record[key] = round(float(value), rounding[key])
        records.append(record)
    return records
