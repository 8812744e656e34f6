"""The store's schema and its migrations: one list of steps for SQLite and PostgreSQL.

Each step is written once, as SQLite runs it (stored files were created from exactly this
text). ``statements(step, "postgresql")`` renders the same step for PostgreSQL with three rules:

- ``INTEGER PRIMARY KEY AUTOINCREMENT`` becomes an identity column (ids are never reused on
  either: "remove ID" always means one upload);
- ``REAL`` becomes ``DOUBLE PRECISION`` (SQLite's REAL is 8 bytes; PostgreSQL's is 4);
- a table without such a key gets SQLite's implicit ``rowid`` as an explicit identity column,
  so reads keep rows in the order they were written (``ORDER BY rowid``) on both.

Alembic would add a second schema description and a runner for four steps: it does not pay.
"""

from __future__ import annotations

import re

_SCHEMA_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE datasets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    layout TEXT NOT NULL,
    vintage TEXT,
    uploaded_at TEXT NOT NULL,
    n_flows INTEGER NOT NULL,
    n_deals INTEGER NOT NULL,
    notes TEXT NOT NULL DEFAULT '[]',
    title TEXT NOT NULL DEFAULT '',
    countries TEXT NOT NULL DEFAULT '[]',
    unknown_names TEXT NOT NULL DEFAULT '[]',
    encoding TEXT NOT NULL DEFAULT '',
    size_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE flows (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    recipient TEXT,
    supplier TEXT,
    year INTEGER NOT NULL,
    tiv REAL,
    category TEXT
);
CREATE INDEX flows_by_dataset ON flows(dataset_id);
CREATE TABLE deals (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    deal_id INTEGER,
    recipient TEXT,
    supplier TEXT,
    order_year INTEGER,
    number_ordered REAL,
    designation TEXT,
    description TEXT,
    category TEXT,
    number_delivered REAL,
    delivery_years TEXT NOT NULL DEFAULT '',
    status TEXT,
    comments TEXT,
    tiv_unit REAL,
    tiv_order REAL,
    tiv_delivered REAL,
    order_year_uncertain INTEGER,
    number_ordered_uncertain INTEGER,
    number_delivered_uncertain INTEGER,
    delivery_uncertain INTEGER,
    local_production INTEGER
);
CREATE INDEX deals_by_dataset ON deals(dataset_id);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    start TEXT NOT NULL,
    end_date TEXT,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    countries TEXT NOT NULL DEFAULT '[]',
    is_global INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    source_name TEXT NOT NULL DEFAULT '',
    source_url TEXT NOT NULL DEFAULT ''
);
"""
# Version 2: SIPRI's Total rows beside the flows, and what each dataset covers. Datasets
# stored before it get scope 'partial' (never taken for a country's complete breakdown):
# import them again to use them for shares.
_SCHEMA_V2 = """
CREATE TABLE IF NOT EXISTS totals (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    recipient TEXT,
    supplier TEXT,
    year INTEGER NOT NULL,
    tiv REAL NOT NULL,
    side TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS totals_by_dataset ON totals(dataset_id);
ALTER TABLE datasets ADD COLUMN scope TEXT NOT NULL DEFAULT 'partial'
"""
# Version 3: who added each dataset and event (the signed-in user, "anonymous" when sign-in is
# configured but nobody is signed in, '' without sign-in and for rows stored before it).
_SCHEMA_V3 = """
ALTER TABLE datasets ADD COLUMN added_by TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN added_by TEXT NOT NULL DEFAULT ''
"""
# Version 4: a per-delivery register's TIV by deal and delivery year, so the deals behind a
# year or period get their exact delivered TIV (the deals table keeps one total per deal).
# Registers stored before it have none (their deals' yearly TIV stays the labelled even-spread
# estimate): remove such a register and import it again for exact yearly values (the same
# bytes are otherwise refused as already stored).
_SCHEMA_V4 = """
CREATE TABLE IF NOT EXISTS deliveries (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    deal_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    tiv REAL
);
CREATE INDEX IF NOT EXISTS deliveries_by_dataset ON deliveries(dataset_id)
"""
# MIGRATIONS[i] brings a store from version i to i + 1 (SQLite's user_version; the meta row
# 'schema_version' on PostgreSQL), written as SQLite runs it.
MIGRATIONS = [_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3, _SCHEMA_V4]
SCHEMA_VERSION = len(MIGRATIONS)


_AUTOINCREMENT = "INTEGER PRIMARY KEY AUTOINCREMENT"
_CREATE_TABLE = re.compile(r"^(CREATE TABLE (?:IF NOT EXISTS )?\w+ \()\n", re.MULTILINE)


def _postgresql(statement: str) -> str:
    """One SQLite statement of ``MIGRATIONS`` as PostgreSQL runs it (the rules above)."""
    if statement.startswith("CREATE TABLE") and _AUTOINCREMENT not in statement:
        statement = _CREATE_TABLE.sub(
            r"\1\n    rowid BIGINT GENERATED ALWAYS AS IDENTITY,\n", statement, count=1
        )
    statement = statement.replace(
        _AUTOINCREMENT, "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    )
    return re.sub(r"\bREAL\b", "DOUBLE PRECISION", statement)


def statements(step: int, dialect: str) -> list[str]:
    """The statements bringing a store from version ``step`` to ``step + 1`` on ``dialect``.

    Args:
        step: the store's current version (0 for a new store).
        dialect: "sqlite" or "postgresql".
    """
    parts = [part.strip() for part in MIGRATIONS[step].split(";") if part.strip()]
    return parts if dialect == "sqlite" else [_postgresql(part) for part in parts]
