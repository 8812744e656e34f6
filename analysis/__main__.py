"""Command line for batch use: ``python -m analysis import|list|remove|events|chart|diff|cite|shares|world``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import traceback
import uuid
from collections.abc import Sequence
from pathlib import Path

from analysis.cli_figures import add_figure_commands, marked_view, pinned
from analysis.event_files import (
    EventFormatError,
    events_to_csv,
    events_to_json,
    read_events_to_import,
)
from analysis.events import InvalidEventError
from analysis.revisions_cli import add_diff_command
from analysis.store import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    Store,
    StoreBusyError,
    StoreError,
    describe_export,
)
from analysis.vocab import counted, country_phrase

EXIT_OK = 0
EXIT_FAILED = 1  # the command could not run (missing dataset id, busy store, unexpected error)
EXIT_REJECTED = 2  # some input was rejected (also argparse's status for a bad command line)
EXIT_STORE_FAULT = 2  # the store file cannot be used (not a store, damaged, read-only, ...)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each subcommand sets ``handler`` to the function that runs it."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="SIPRI arms-transfer dashboard: manage the store of uploaded exports.",
    )
    parser.add_argument(
        "--db",
        help="store to use: a SQLite file, or a PostgreSQL URL "
        "(postgresql+psycopg://user:password@host:port/database); default: $ARMS_DB, else "
        "data/arms.sqlite in the project",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_import_command(commands)
    add_list_command(commands)
    add_remove_command(commands)
    add_events_command(commands)
    add_chart_command(commands)
    add_diff_command(commands)
    add_cite_command(commands)
    add_figure_commands(commands)
    return parser


def add_import_command(commands: argparse._SubParsersAction) -> None:
    """``import FILE...``: parse and store SIPRI exports, like the Data page does."""
    command = commands.add_parser(
        "import",
        help="parse and store SIPRI export files",
        description="Parse and store SIPRI exports. Exit status 0 when every file is stored "
        "(or already was), 2 when any file is rejected.",
    )
    command.add_argument("files", nargs="+", metavar="FILE", type=Path)
    command.set_defaults(handler=run_import)


def add_list_command(commands: argparse._SubParsersAction) -> None:
    """``list``: the stored datasets."""
    command = commands.add_parser("list", help="list the stored datasets")
    command.add_argument("--format", choices=("json", "table"), default="table")
    command.set_defaults(handler=run_list)


def add_remove_command(commands: argparse._SubParsersAction) -> None:
    """``remove ID``: delete a dataset."""
    command = commands.add_parser("remove", help="delete a stored dataset and its rows")
    command.add_argument("dataset_id", type=int, metavar="ID")
    command.set_defaults(handler=run_remove)


def add_events_command(commands: argparse._SubParsersAction) -> None:
    """``events export|import``: exchange the stored events as CSV or JSON."""
    command = commands.add_parser("events", help="export or import the events")
    actions = command.add_subparsers(dest="events_command", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write all events as CSV or JSON")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.set_defaults(handler=run_events_export)
    load = actions.add_parser("import", help="add events from a CSV or JSON file")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument(
        "--format",
        choices=("csv", "json"),
        help="file format (default: from the extension, else from the content)",
    )
    load.set_defaults(handler=run_events_import)


CHARTS = ("import-mix", "period-mix", "period-comparison", "customers", "supplier-map")
CHART_FORMATS = ("png", "svg", "csv")


def add_chart_command(commands: argparse._SubParsersAction) -> None:
    """``chart NAME``: render a dashboard chart as PNG, SVG or its plotted data as CSV."""
    command = commands.add_parser(
        "chart",
        help="render a chart of the dashboard to a file",
        description="Render a dashboard chart from the store (or, for a recipient the store "
        "does not cover, from SIPRI's published figures). Exit status 2 for a wrong option "
        "or when image export is unavailable (no Chromium).",
    )
    command.add_argument("chart", choices=CHARTS, metavar="CHART", help=", ".join(CHARTS))
    add_view_options(command)
    command.add_argument("--format", choices=CHART_FORMATS, default="png")
    command.add_argument("--width", type=int, default=1600, help="CSS pixels (default 1600)")
    command.add_argument("--height", type=int, default=900, help="CSS pixels (default 900)")
    command.add_argument("--scale", type=int, default=1, help="1-4 (PNG pixels = width x scale)")
    command.add_argument("--out", type=Path, required=True, help="file to write")
    command.set_defaults(handler=run_chart)


def add_cite_command(commands: argparse._SubParsersAction) -> None:
    """``cite [CHART]``: how to cite a view, as plain text, BibTeX, RIS or CSL-JSON."""
    from analysis.cite import FORMATS

    command = commands.add_parser(
        "cite",
        help="print how to cite a chart's view",
        description="Print the citation of a dashboard view (SIPRI Arms Transfers Database, "
        "the data's date, today's date as the access date and the view's URL).",
    )
    command.add_argument(
        "chart",
        nargs="?",
        default="import-mix",
        choices=CHARTS,
        metavar="CHART",
        help="the chart cited (default: import-mix); " + ", ".join(CHARTS),
    )
    add_view_options(command)
    command.add_argument("--format", choices=FORMATS, default="text")
    command.add_argument("--url", default="", help="the view's URL (default: SIPRI's page)")
    command.add_argument("--out", type=Path, help="file to write (default: standard output)")
    command.set_defaults(handler=run_cite)


def add_view_options(command: argparse.ArgumentParser) -> None:
    """The options choosing a chart's view, shared by ``chart`` and ``cite``."""
    command.add_argument("--recipient", default="India", help="importer (default: India)")
    command.add_argument("--exporter", default="Russia", help="exporter for 'customers'")
    command.add_argument("--periods", help="two periods, e.g. 2009-2013,2019-2023")
    command.add_argument("--years", help="years of the supplier map, e.g. 2019-2023")
    command.add_argument("--measure", choices=("share", "tiv"), help="share or absolute TIV")
    command.add_argument("--lineage", action="store_true", help="count the Soviet Union as Russia")
    command.add_argument("--top-n", type=int, default=None, help="suppliers kept before Others")
    command.add_argument("--moving-average", action="store_true", help="5-year moving average")
    command.add_argument("--hide", default="", help="event categories to hide, comma-separated")
    command.add_argument(
        "--source",
        help="the stored export (dataset id or file name, see: list) for the recipient's "
        "figures (the exporter's for 'customers'); default: exact over estimated, then newest",
    )


def chart_view(args: argparse.Namespace, flows, events):
    """Build the chart named by ``args.chart`` (see ``analysis.views``).

    Raises:
        ValueError: for options that do not fit the chart or the data.
    """
    from analysis import published_views, recipient_data, tables, views, vocab
    from analysis.vintages import choose

    hidden = [c for c in args.hide.split(",") if c.strip()]
    periods = vocab.parse_periods_text(args.periods) if args.periods else None
    top_n = args.top_n
    if top_n is not None and top_n < 1:
        raise ValueError("--top-n must be at least 1")
    if args.chart == "customers":  # an exporter's chart: its export is chosen per supplier
        return views.customers_view(
            pinned(flows, args.exporter, args.source, "supplier"),
            events,
            exporter=args.exporter,
            measure=args.measure or "tiv",
            merge_lineage=args.lineage,
            top_n=10 if top_n is None else top_n,
            hidden_categories=hidden,
        )
    # One export per recipient (the one --source names for it), once for the whole view.
    flows = choose(pinned(flows, args.recipient, args.source))
    loaded = recipient_data.has_recipient_data(flows, args.recipient)
    if args.chart in ("import-mix", "period-mix"):
        if not loaded:
            return published_views.published_mix_view(
                events, recipient=args.recipient, hidden_categories=hidden
            )
        return views.import_mix_view(
            flows,
            events,
            recipient=args.recipient,
            by="year" if args.chart == "import-mix" else "period",
            measure=args.measure or "share",
            merge_lineage=args.lineage,
            top_n=6 if top_n is None else top_n,
            moving_average=args.moving_average,
            hidden_categories=hidden,
            extend_to_events=True,
        )
    if args.chart == "period-comparison":
        if periods is not None and len(periods) != 2:
            raise ValueError("--periods needs exactly two periods, e.g. 2009-2013,2019-2023")
        if not loaded:
            a, b = periods or tables.HEADLINE_PERIODS
            return published_views.published_comparison_view(
                events, recipient=args.recipient, period_a=a, period_b=b, hidden_categories=hidden
            )
        periods = periods or recipient_data.default_periods(flows, args.recipient)
        if len(periods) != 2:
            whose = country_phrase(args.recipient, start=True, possessive=True)
            raise ValueError(f"{whose} data do not span two 5-year periods")
        return views.period_comparison_view(
            flows,
            events,
            recipient=args.recipient,
            period_a=periods[0],
            period_b=periods[1],
            merge_lineage=args.lineage,
            top_n=8 if top_n is None else top_n,
            hidden_categories=hidden,
        )
    years = vocab.parse_period(args.years) if args.years else None
    return views.supplier_map_view(
        flows,
        events,
        recipient=args.recipient,
        years=years,
        merge_lineage=args.lineage,
        hidden_categories=hidden,
    )


def run_chart(args: argparse.Namespace) -> int:
    """Write one chart as PNG/SVG (through the export server) or its plotted data as CSV."""
    from analysis import export
    from analysis.alt_text import describe_view

    store = open_store(args)
    try:
        flows = store.flows()
        view = marked_view(chart_view(args, flows, store.events()), args, flows, store)
        description = describe_view(view)
        if args.format == "csv":
            payload = export.chart_data_csv(view.data, view.meta)
        else:
            payload = export.export_figure(
                view.fig,
                args.format,
                args.width,
                args.height,
                args.scale,
                title=view.meta.title,
                description=description,
            )
    except export.ExportUnavailableError as exc:
        _err(f"cannot render a {args.format.upper()}: {exc}")
        return EXIT_REJECTED
    except ValueError as exc:
        _err(f"chart {args.chart}: {exc}")
        return EXIT_REJECTED
    args.out.write_bytes(payload)
    print(f"wrote {args.out} ({view.meta.title}; {view.meta.source_line()})")
    print(f"  description: {description}")
    for note in view.notes:
        print(f"  note: {note}")
    return EXIT_OK


def run_cite(args: argparse.Namespace) -> int:
    """Print (or write to ``--out``) the citation of a view in the chosen format."""
    from analysis.cite import citation_for, formatted

    store = open_store(args)
    try:
        flows = store.flows()
        view = marked_view(chart_view(args, flows, store.events()), args, flows, store)
    except ValueError as exc:
        _err(f"cite {args.chart}: {exc}")
        return EXIT_REJECTED
    text = formatted(citation_for(view.meta, args.url), args.format)
    if args.out:
        args.out.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.out} ({view.meta.title})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def open_store(args: argparse.Namespace) -> Store:
    """The store named by ``--db``, else by ``$ARMS_DB``, else the project default."""
    return Store(args.db, source="--db") if args.db else Store()


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def run_import(args: argparse.Namespace) -> int:
    """Import each file; print what was understood, reasons for rejections on stderr."""
    store = open_store(args)
    rejected = 0
    for path in args.files:
        reason = _unreadable_reason(path)
        if reason:
            rejected += 1
            _err(f"{path}: rejected: {reason}")
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            rejected += 1
            _err(f"{path}: rejected: the file cannot be read ({exc.strerror})")
            continue
        outcome = store.import_bytes(path.name, data)
        if not outcome.ok:
            rejected += 1
            _err(f"{path}: rejected: {outcome.reason}")
            continue
        if outcome.status == "duplicate":
            print(f"{path}: already stored as dataset {outcome.dataset_id}")
            continue
        print(f"{path}: stored as dataset {outcome.dataset_id}")
        for line in describe_export(outcome.export):
            print(f"  {line}")
    return EXIT_REJECTED if rejected else EXIT_OK


def _unreadable_reason(path: Path) -> str | None:
    # Check the size before reading: a file far above the limit must not be loaded into memory.
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        return "there is no such file"
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror})"
    if path.is_dir():
        return "it is a folder, not a file"
    if size > MAX_UPLOAD_BYTES:
        return (
            f"the file is {size / 1024 / 1024:.1f} MB, above the upload limit of {MAX_UPLOAD_MB} MB"
        )
    return None


def run_list(args: argparse.Namespace) -> int:
    """Print one line per stored dataset."""
    datasets = open_store(args).datasets()
    if getattr(args, "format", "table") == "json":
        print(json.dumps(dataset_records(datasets), ensure_ascii=False, indent=2))
        return EXIT_OK
    if datasets.empty:
        print("No datasets stored. Add some with: python -m analysis import FILE...")
        return EXIT_OK
    print("id\tlayout\tvintage\tflows\tdeals\tuploaded_at\tfile_name")
    for row in datasets.itertuples(index=False):
        vintage = row.vintage if isinstance(row.vintage, str) else "unknown"
        print(
            f"{row.id}\t{row.layout}\t{vintage}\t{row.n_flows}\t{row.n_deals}\t"
            f"{row.uploaded_at}\t{row.file_name}"
        )
    return EXIT_OK


def dataset_records(datasets) -> list[dict]:
    """The stored datasets as JSON-ready records: id, file_name, layout, vintage, scope."""
    return [
        {
            "id": int(row.id),
            "file_name": str(row.file_name),
            "layout": str(row.layout),
            "vintage": row.vintage if isinstance(row.vintage, str) else None,
            "scope": row.scope if isinstance(row.scope, str) else None,
        }
        for row in datasets.itertuples(index=False)
    ]


def run_remove(args: argparse.Namespace) -> int:
    """Delete one dataset; status 1 when there is no such dataset."""
    if open_store(args).remove(args.dataset_id):
        print(f"removed dataset {args.dataset_id}")
        return EXIT_OK
    _err(f"there is no dataset {args.dataset_id} (see: python -m analysis list)")
    return EXIT_FAILED


def run_events_export(args: argparse.Namespace) -> int:
    """Write every stored event as CSV or JSON to ``--out`` or standard output."""
    events = open_store(args).events()
    text = events_to_csv(events) if args.format == "csv" else events_to_json(events)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {counted(len(events), 'event')} to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def run_events_import(args: argparse.Namespace) -> int:
    """Add the events of a CSV or JSON file, all or nothing; status 2 when any is invalid."""
    reason = _unreadable_reason(args.file)
    if reason:
        _err(f"{args.file}: rejected: {reason}")
        return EXIT_REJECTED
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        _err(f"{args.file}: rejected: the file cannot be read as UTF-8 text ({exc})")
        return EXIT_REJECTED
    fmt = args.format or {".csv": "csv", ".json": "json"}.get(args.file.suffix.lower())
    try:
        # Every row is read and checked before the store is opened for writing.
        events = read_events_to_import(text, fmt)
        added, skipped = open_store(args).import_events(events)
    except EventFormatError as exc:
        _err(f"{args.file}: rejected, nothing imported: {exc}")
        return EXIT_REJECTED
    except InvalidEventError as exc:
        _err(f"{args.file}: rejected, nothing imported:")
        for problem in exc.problems:
            _err(f"  {problem}")
        return EXIT_REJECTED
    print(f"{args.file}: added {counted(added, 'event')}, {skipped} already stored")
    return EXIT_OK


def error_log_path() -> Path:
    """Where unexpected errors of the command line are logged: $XDG_STATE_HOME/arms-dashboard."""
    state = os.environ.get("XDG_STATE_HOME", "").strip()
    base = Path(state) if state else Path.home() / ".local" / "state"
    return base / "arms-dashboard" / "cli-errors.log"


def _report_unexpected(exc: BaseException, argv: Sequence[str] | None) -> int:
    """One line on stderr with an error id; the traceback goes to the log (stderr if it cannot)."""
    error_id = uuid.uuid4().hex[:8]
    command = " ".join(sys.argv[1:] if argv is None else argv)
    record = (
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} error id {error_id}: "
        f"python -m analysis {command}\n{''.join(traceback.format_exception(exc))}\n"
    )
    log = error_log_path()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(record)
    except OSError:
        _err(f"Unexpected error (id {error_id}); the details follow.")
        _err(record)
    else:
        _err(f"Unexpected error (id {error_id}); details were logged to {log}.")
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    A store fault prints its one sentence (status 2, or 1 when the store stayed busy); any
    other error prints one line with an error id and logs the traceback (``error_log_path``).
    """
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except StoreBusyError as exc:
        _err(exc.detail)
        return EXIT_FAILED
    except StoreError as exc:
        _err(exc.detail)
        return EXIT_STORE_FAULT
    except Exception as exc:
        return _report_unexpected(exc, argv)


if __name__ == "__main__":
    # Piped into `head` and the like: stop quietly when the reader goes away.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
