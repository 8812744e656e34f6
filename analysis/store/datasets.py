"""Stored datasets: their rows (flows, deals, SIPRI totals) and scopes, written and read back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from analysis import schema
from analysis.results import FLOWS, LoadedFlows, SipriTotal, Source, validate
from analysis.sipri import SipriExport
from analysis.store.db import Connection, Database, utc_now

INSERT_CHUNK_ROWS = 20_000

DATASET_COLUMNS = [
    "id",
    "file_name",
    "sha256",
    "layout",
    "vintage",
    "uploaded_at",
    "n_flows",
    "n_deals",
    "notes",
    "title",
    "countries",
    "unknown_names",
    "encoding",
    "size_bytes",
    "scope",
    "added_by",
]
_JSON_DATASET_COLUMNS = ("notes", "countries", "unknown_names")


def _sql_values(series: pd.Series) -> list[object]:
    """Python values sqlite3 can bind: missing -> None, numpy scalars -> int/float/str."""
    values = series.astype(object).tolist()
    missing = series.isna().tolist()
    return [None if gone else value for value, gone in zip(values, missing, strict=True)]


def _delivery_years_text(value: object) -> str:
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return value
    return ";".join(str(int(year)) for year in value)


def _delivery_years_list(text: str | None) -> list[int]:
    return [int(part) for part in (text or "").split(";") if part.strip()]


# --- writing ----------------------------------------------------------------------------------


def find_dataset(db: Database, sha256: str) -> int | None:
    """The id of the dataset stored from bytes with this sha256, or None."""
    return db.run(lambda conn: dataset_id_for(conn, sha256), write=False)


def dataset_id_for(conn: Connection, sha256: str) -> int | None:
    """``find_dataset`` inside a transaction already open."""
    row = conn.execute("SELECT id FROM datasets WHERE sha256 = ?", (sha256,)).fetchone()
    return None if row is None else int(row[0])


def flow_columns(flows: pd.DataFrame) -> list[list[object]]:
    """The tidy flows as one list of bindable values per ``schema.FLOW_COLUMNS`` column."""
    return [_sql_values(flows[col]) for col in schema.FLOW_COLUMNS]


def deal_columns(deals: pd.DataFrame) -> list[list[object]]:
    """The tidy deals as one list of bindable values per ``schema.DEAL_COLUMNS`` column."""
    columns = []
    for col in schema.DEAL_COLUMNS:
        if col == "delivery_years":
            columns.append([_delivery_years_text(v) for v in deals[col].tolist()])
        else:
            columns.append(_sql_values(deals[col]))
    return columns


def insert_dataset(
    conn: Connection,
    name: str,
    digest: str,
    data: bytes,
    export: SipriExport,
    counts: tuple[int, int],
    added_by: str = "",
) -> int:
    """Add the row describing a dataset (``counts``: its flows and deals); returns its id."""
    n_flows, n_deals = counts
    cursor = conn.execute(
        "INSERT INTO datasets (file_name, sha256, layout, vintage, uploaded_at, n_flows,"
        " n_deals, notes, title, countries, unknown_names, encoding, size_bytes, scope,"
        " added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            name,
            digest,
            export.layout,
            export.generated.isoformat() if export.generated else None,
            utc_now(),
            n_flows,
            n_deals,
            json.dumps(list(export.notes), ensure_ascii=False),
            export.title or "",
            json.dumps(list(export.countries), ensure_ascii=False),
            json.dumps(list(export.unknown_names), ensure_ascii=False),
            export.encoding or "",
            len(data),
            getattr(export, "scope", "partial") or "partial",
            added_by,
        ),
    )
    return int(cursor.fetchone()[0])


def insert_rows(
    conn: Connection,
    dataset_id: int,
    flow_rows: list[list[object]],
    deal_rows: list[list[object]] | None,
    total: int,
    progress: Callable[[float], None] | None,
) -> None:
    """Add a dataset's flows and deals in chunks, telling ``progress`` the share of ``total``."""
    done = 0
    for sql, columns in (
        (
            "INSERT INTO flows (dataset_id, recipient, supplier, year, tiv, category)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            flow_rows,
        ),
        (
            f"INSERT INTO deals (dataset_id, {', '.join(schema.DEAL_COLUMNS)}) VALUES"
            f" (?{', ?' * len(schema.DEAL_COLUMNS)})",
            deal_rows,
        ),
    ):
        if columns is None:
            continue
        n_rows = len(columns[0]) if columns else 0
        for start in range(0, n_rows, INSERT_CHUNK_ROWS):
            stop = min(start + INSERT_CHUNK_ROWS, n_rows)
            chunk = zip(
                [dataset_id] * (stop - start),
                *(col[start:stop] for col in columns),
                strict=True,
            )
            conn.executemany(sql, chunk)
            done += stop - start
            if progress is not None:
                progress(done / total)


def insert_totals(conn: Connection, dataset_id: int, totals_rows: list[tuple]) -> None:
    """Add a dataset's SIPRI Total rows (``analysis.sipri.totals_records``), if any."""
    if totals_rows:
        # SIPRI's own Total rows: period shares divide by them (analysis.shares).
        conn.executemany(
            "INSERT INTO totals (dataset_id, recipient, supplier, year, tiv, side)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(dataset_id, *row) for row in totals_rows],
        )


def remove(db: Database, dataset_id: int) -> bool:
    """Delete a dataset and its rows.

    Returns:
        True when it existed, False when there is no dataset with that id.
    """

    def write(conn: Connection) -> bool:
        if conn.execute("SELECT 1 FROM datasets WHERE id = ?", (dataset_id,)).fetchone() is None:
            return False
        conn.execute("DELETE FROM flows WHERE dataset_id = ?", (dataset_id,))
        conn.execute("DELETE FROM totals WHERE dataset_id = ?", (dataset_id,))
        conn.execute("DELETE FROM deals WHERE dataset_id = ?", (dataset_id,))
        conn.execute("DELETE FROM deliveries WHERE dataset_id = ?", (dataset_id,))
        conn.execute("DELETE FROM datasets WHERE id = ?", (dataset_id,))
        db.bump_revision(conn)
        return True

    return db.run(write, write=True)


# --- reading ----------------------------------------------------------------------------------


def list_datasets(db: Database) -> pd.DataFrame:
    """One row per stored dataset, oldest first.

    Returns:
        Columns ``DATASET_COLUMNS``; notes, countries and unknown_names hold lists.
    """

    def read(conn: Connection) -> list[tuple]:
        return conn.execute(
            f"SELECT {', '.join(DATASET_COLUMNS)} FROM datasets ORDER BY id"
        ).fetchall()

    frame = pd.DataFrame.from_records(db.run(read, write=False), columns=DATASET_COLUMNS)
    for col in _JSON_DATASET_COLUMNS:
        frame[col] = pd.Series([json.loads(v) for v in frame[col]], index=frame.index, dtype=object)
    return frame.astype(
        {
            "id": "Int64",
            "file_name": "str",
            "sha256": "str",
            "layout": "str",
            "vintage": "str",
            "uploaded_at": "str",
            "n_flows": "int64",
            "n_deals": "int64",
            "title": "str",
            "encoding": "str",
            "size_bytes": "int64",
            "scope": "str",
            "added_by": "str",
        }
    )


def _id_filter(dataset_ids: Iterable[int] | None, column: str) -> tuple[str, list[int]]:
    if dataset_ids is None:
        return "", []
    ids = [int(i) for i in dataset_ids]
    if not ids:
        return " WHERE 1 = 0", []
    return f" WHERE {column} IN ({', '.join('?' * len(ids))})", ids


def flows(db: Database, dataset_ids: Sequence[int] | None = None) -> LoadedFlows:
    """Tidy flows of the chosen datasets (all when None), their SIPRI totals and sources.

    Args:
        db: the store.
        dataset_ids: which datasets; None for all.

    Returns:
        ``LoadedFlows`` whose frame has ``schema.FLOW_COLUMNS`` in their dtypes plus the
        provenance of each row: ``dataset_id`` (Int64), ``vintage`` (ISO date str or
        missing), ``scope`` (what its export covers, ``analysis.sipri.SCOPES``) and
        ``layout``, in dataset and file order; its totals are the datasets' SIPRI Total rows
        and its datasets one ``Source`` per dataset.
    """
    where, params = _id_filter(dataset_ids, "f.dataset_id")
    sql = (
        "SELECT f.recipient, f.supplier, f.year, f.tiv, f.category, f.dataset_id, d.vintage,"
        " d.scope, d.layout"
        " FROM flows f JOIN datasets d ON d.id = f.dataset_id"
        f"{where} ORDER BY f.dataset_id, f.rowid"
    )
    rows = db.run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
    columns = [*schema.FLOW_COLUMNS, "dataset_id", "vintage", "scope", "layout"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame["tiv"] = pd.to_numeric(frame["tiv"], errors="coerce")
    frame = frame.astype(
        {
            **schema.FLOW_DTYPES,
            "dataset_id": "Int64",
            "vintage": "str",
            "scope": "str",
            "layout": "str",
        }
    )
    return LoadedFlows(validate(frame, FLOWS), totals(db, dataset_ids), sources(db, dataset_ids))


def sources(db: Database, dataset_ids: Sequence[int] | None = None) -> tuple[Source, ...]:
    """The chosen datasets (all when None) as the ``Source`` records figures cite, by id."""
    where, params = _id_filter(dataset_ids, "id")
    sql = f"SELECT id, file_name, layout, vintage, scope FROM datasets{where} ORDER BY id"
    rows = db.run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
    return tuple(
        Source(int(i), str(name), str(layout), vintage, str(scope), Source.is_estimated(layout))
        for i, name, layout, vintage, scope in rows
    )


def totals(db: Database, dataset_ids: Sequence[int] | None = None) -> tuple[SipriTotal, ...]:
    """SIPRI's Total rows of the chosen datasets (``SipriExport.totals``), with their dataset
    id, which lets shares use only the Total rows of the exports they keep."""
    where, params = _id_filter(dataset_ids, "dataset_id")
    sql = (
        f"SELECT recipient, supplier, year, tiv, side, dataset_id FROM totals{where} ORDER BY rowid"
    )
    rows = db.run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
    return tuple(SipriTotal(r, s, int(y), float(t), side, int(d)) for r, s, y, t, side, d in rows)


def deals(db: Database, dataset_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Deals of the chosen datasets (all when None), with their dataset id and vintage.

    Args:
        db: the store.
        dataset_ids: which datasets; None for all.

    Returns:
        ``schema.DEAL_COLUMNS`` in their dtypes (delivery_years as lists of int) plus
        ``dataset_id`` (Int64) and ``vintage``.
    """
    where, params = _id_filter(dataset_ids, "x.dataset_id")
    sql = (
        f"SELECT {', '.join('x.' + c for c in schema.DEAL_COLUMNS)}, x.dataset_id, d.vintage"
        " FROM deals x JOIN datasets d ON d.id = x.dataset_id"
        f"{where} ORDER BY x.dataset_id, x.rowid"
    )
    rows = db.run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
    columns = [*schema.DEAL_COLUMNS, "dataset_id", "vintage"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame["delivery_years"] = pd.Series(
        [_delivery_years_list(v) for v in frame["delivery_years"]],
        index=frame.index,
        dtype=object,
    )
    for col in ("number_ordered", "number_delivered", "tiv_unit", "tiv_order", "tiv_delivered"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame.astype({**schema.DEAL_DTYPES, "dataset_id": "Int64", "vintage": "str"})
