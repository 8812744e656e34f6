"""A per-delivery register's TIV by deal and delivery year, written and read back.

The deals table keeps one row per deal with the TIV delivered in all its years; a register
with one row per deal and delivery year (layout ``register_deliveries``) says exactly what was
delivered each year. Those values are kept here (schema version 4) so the deals behind a
clicked year or period (``analysis.mark_deals.deals_behind``) get their exact TIV there.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.store.datasets import _id_filter
from analysis.store.db import Connection, Database

COLUMNS = ["deal_id", "year", "tiv", "dataset_id"]
DTYPES = {"deal_id": "Int64", "year": "Int64", "tiv": "Float64", "dataset_id": "Int64"}


def delivery_rows(deliveries: pd.DataFrame | None) -> list[tuple[int, int, float | None]]:
    """An export's ``deliveries`` (deal_id, year, tiv) as bindable rows; [] when it has none.

    Raises:
        ValueError: a row without its deal or year (the loader never makes one).
    """
    if deliveries is None or deliveries.empty:
        return []
    frame = deliveries[["deal_id", "year", "tiv"]]
    if frame[["deal_id", "year"]].isna().any().any():
        raise ValueError("a delivery row has no deal id or no year")
    tiv = pd.to_numeric(frame["tiv"], errors="coerce").astype("float64")
    return [
        (int(deal), int(year), None if pd.isna(value) else float(value))
        for deal, year, value in zip(frame["deal_id"], frame["year"], tiv, strict=True)
    ]


def insert_deliveries(
    conn: Connection, dataset_id: int, rows: list[tuple[int, int, float | None]]
) -> None:
    """Add a dataset's delivery rows (``delivery_rows``), if any."""
    if rows:
        conn.executemany(
            "INSERT INTO deliveries (dataset_id, deal_id, year, tiv) VALUES (?, ?, ?, ?)",
            [(dataset_id, *row) for row in rows],
        )


def deliveries(db: Database, dataset_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """The delivery rows of the chosen datasets (all when None), in dataset and file order.

    Returns:
        ``COLUMNS`` in ``DTYPES``: one row per deal and delivery year of each per-delivery
        register stored since schema version 4 (``tiv`` missing where SIPRI gives none).
    """
    where, params = _id_filter(dataset_ids, "dataset_id")
    sql = f"SELECT {', '.join(COLUMNS)} FROM deliveries{where} ORDER BY dataset_id, rowid"
    rows = db.run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    frame["tiv"] = pd.to_numeric(frame["tiv"], errors="coerce")
    return frame.astype(DTYPES)
