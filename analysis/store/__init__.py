"""Persistent store of uploaded SIPRI datasets and events: one SQLite file, or one PostgreSQL
database shared by a team's app processes; safe for many writers on both.

``Store`` is a thin facade over the store's jobs, each in its own module:

- ``db``: the connection layer (SQLite pragmas, transactions and retries, faults as
  ``StoreError`` sentences, migrations, state token), with ``faults``, ``migrations`` (the
  schema, one for both backends) and ``pg`` (the same interface on PostgreSQL);
- ``datasets``: stored datasets, their flows, deals, totals and scopes;
- ``deliveries``: per-delivery registers' TIV by deal and delivery year;
- ``events``: stored events and a new store's seed events;
- ``intake``: an upload's bytes -> preview -> commit, and the store's only call into the loader.

Settings a test may change (``db.BUSY_TIMEOUT_SECONDS``, ``db.LOCK_RETRY_SECONDS``,
``datasets.INSERT_CHUNK_ROWS``, ``intake.parse_upload``) are read from their own module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

from analysis.events import Event
from analysis.results import LoadedFlows, SipriTotal
from analysis.sipri import SipriExport
from analysis.store import datasets, intake
from analysis.store import deliveries as stored_deliveries
from analysis.store import events as stored_events
from analysis.store.datasets import DATASET_COLUMNS
from analysis.store.db import DEFAULT_DB, default_db_path, open_database
from analysis.store.faults import FAULT_SENTENCES, StoreBusyError, StoreError
from analysis.store.intake import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    ImportOutcome,
    Status,
    describe_export,
    parse_upload,
)
from analysis.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "DATASET_COLUMNS",
    "DEFAULT_DB",
    "FAULT_SENTENCES",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MB",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ImportOutcome",
    "Status",
    "Store",
    "StoreBusyError",
    "StoreError",
    "default_db_path",
    "describe_export",
    "parse_upload",
]


class Store:
    """Uploaded datasets, their tidy rows and the events, in one SQLite file or PostgreSQL database.

    Every call opens its own short-lived connection, so one ``Store`` may be shared between
    threads (Streamlit sessions) and processes may write to the same file at once: WAL mode,
    a busy timeout, ``BEGIN IMMEDIATE`` write transactions and retries keep "database is locked"
    away from users.

    A file the store cannot use raises ``StoreError`` (one sentence) and is never modified or
    replaced: another program's file is refused before anything is written to it, a damaged
    one is not recreated, and a read-only one (file, folder or file system) can still be read.
    A database URL (``postgresql+psycopg://user:password@host:port/database``) keeps the same
    guarantees with PostgreSQL underneath (see ``analysis.store.pg``).
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, source: str | None = None
    ) -> None:
        """Open the store, creating it (and its folder) when the file does not exist yet.

        Args:
            path: the SQLite file or a PostgreSQL URL; default ``$ARMS_DB``, else
                data/arms.sqlite in the project.
            source: what named ``path`` (e.g. "--db"), for error sentences ("--db points at
                X, which ..."); "ARMS_DB" when the path is taken from that variable.

        Raises:
            StoreError: the file cannot be used as a store; nothing was written to it.
        """
        self.database = open_database(path, source=source, seed=stored_events.seed_writer)

    @property
    def path(self) -> Path | None:
        """The store's SQLite file (None for a PostgreSQL store)."""
        return self.database.path

    @property
    def location(self) -> str:
        """Where the store is, for people: the file's path, or the URL without its password."""
        return self.database.location

    @property
    def dialect(self) -> str:
        """Which backend holds the store: "sqlite" or "postgresql"."""
        return self.database.dialect

    @property
    def source(self) -> str | None:
        """What named the path ("ARMS_DB", "--db"), or None."""
        return self.database.source

    def __repr__(self) -> str:
        return f"Store({self.location!r})"

    # --- state (db) ---------------------------------------------------------------------------

    def state_token(self) -> str:
        """A cheap value that changes whenever datasets or events change (a cache key)."""
        return self.database.state_token()

    def integrity_check(self) -> str:
        """Whether the store is sound, "ok" when it is (SQLite: ``PRAGMA integrity_check``; on
        PostgreSQL: every dataset has all its rows and no row lost its dataset)."""
        return self.database.integrity_check()

    # --- intake -------------------------------------------------------------------------------

    def preview(self, file_name: str, data: bytes, max_bytes: int | None = None) -> ImportOutcome:
        """Parse ``data`` without storing it (see ``intake.preview``)."""
        return intake.preview(self.database, file_name, data, max_bytes)

    def import_bytes(
        self,
        file_name: str,
        data: bytes,
        max_bytes: int | None = None,
        progress: Callable[[float], None] | None = None,
        added_by: str = "",
    ) -> ImportOutcome:
        """Parse and store one uploaded file as a dataset (see ``intake.import_bytes``)."""
        return intake.import_bytes(self.database, file_name, data, max_bytes, progress, added_by)

    def store_export(
        self,
        file_name: str,
        data: bytes,
        export: SipriExport,
        progress: Callable[[float], None] | None = None,
        added_by: str = "",
    ) -> ImportOutcome:
        """Store an already parsed export as a dataset of ``data`` (see ``intake.store_export``)."""
        return intake.store_export(self.database, file_name, data, export, progress, added_by)

    # --- datasets -----------------------------------------------------------------------------

    def find_dataset(self, sha256: str) -> int | None:
        """The id of the dataset stored from bytes with this sha256, or None."""
        return datasets.find_dataset(self.database, sha256)

    def datasets(self) -> pd.DataFrame:
        """One row per stored dataset, oldest first (see ``datasets.list_datasets``)."""
        return datasets.list_datasets(self.database)

    def remove(self, dataset_id: int) -> bool:
        """Delete a dataset and its rows; True when it existed."""
        return datasets.remove(self.database, dataset_id)

    def flows(self, dataset_ids: Sequence[int] | None = None) -> LoadedFlows:
        """Tidy flows of the chosen datasets (all when None) with their SIPRI totals and
        sources, see ``datasets.flows``."""
        return datasets.flows(self.database, dataset_ids)

    def totals(self, dataset_ids: Sequence[int] | None = None) -> tuple[SipriTotal, ...]:
        """SIPRI's Total rows of the chosen datasets (see ``datasets.totals``)."""
        return datasets.totals(self.database, dataset_ids)

    def deals(self, dataset_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """Deals of the chosen datasets (all when None), see ``datasets.deals``."""
        return datasets.deals(self.database, dataset_ids)

    def deliveries(self, dataset_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """Per-delivery registers' TIV by deal and year (see ``deliveries.deliveries``)."""
        return stored_deliveries.deliveries(self.database, dataset_ids)

    # --- events -------------------------------------------------------------------------------

    def events(self) -> list[Event]:
        """All stored events, ordered by start date, end and title."""
        return stored_events.list_events(self.database)

    def event_authors(self) -> dict[int, str]:
        """Who added each event, by id ("" when added without sign-in)."""
        return stored_events.authors(self.database)

    def add_event(self, event: Event, added_by: str = "") -> int:
        """Validate and store a new event; returns its id (see ``events.add_event``)."""
        return stored_events.add_event(self.database, event, added_by)

    def update_event(self, event: Event) -> None:
        """Replace the stored event with id ``event.id`` (see ``events.update_event``)."""
        stored_events.update_event(self.database, event)

    def delete_event(self, event_id: int) -> bool:
        """Delete one event; True when it existed."""
        return stored_events.delete_event(self.database, event_id)

    def import_events(self, events: Iterable[Event], added_by: str = "") -> tuple[int, int]:
        """Add events from an exchange file, all or nothing (see ``events.import_events``)."""
        return stored_events.import_events(self.database, events, added_by)
