"""Persistent store of uploaded SIPRI datasets and events: one SQLite file, safe for many writers."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import random
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import pandas as pd

from analysis import schema
from analysis.events import Event, InvalidEventError, check_event, load_seed_events
from analysis.sipri import SipriExport, SipriFormatError, totals_records

MAX_UPLOAD_MB = 200  # keep equal to server.maxUploadSize in .streamlit/config.toml
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # Streamlit counts its limit in MiB

DEFAULT_DB = Path(__file__).resolve().parents[1] / "data" / "arms.sqlite"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_SECONDS = 30.0
# Beyond sqlite's own busy timeout we retry whole transactions for this long before telling the
# user the store is busy: with 8 writers a long import can hold the write lock for seconds.
LOCK_RETRY_SECONDS = 120.0
INSERT_CHUNK_ROWS = 20_000

Status = Literal["stored", "duplicate", "rejected", "preview"]
T = TypeVar("T")

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
# MIGRATIONS[i] brings a store from user_version i to i + 1.
MIGRATIONS = [_SCHEMA_V1, _SCHEMA_V2]

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
]
_JSON_DATASET_COLUMNS = ("notes", "countries", "unknown_names")
_BOOL_DEAL_COLUMNS = [c for c, t in schema.DEAL_DTYPES.items() if t == "boolean"]
_EVENT_COLUMNS = [
    "id",
    "start",
    "end_date",
    "title",
    "category",
    "countries",
    "is_global",
    "description",
    "source_name",
    "source_url",
]
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")


class StoreError(RuntimeError):
    """A store problem worth one sentence to the user (not a bad upload: see ImportOutcome).

    ``str(error)`` names the store by its file name only, so a page can show it without
    revealing the server's folders; ``detail`` is the same sentence with the full path, for the
    command line and the server log. ``kind`` tells the faults apart: "not_a_store", "damaged",
    "read_only", "newer_version", "disk_full", "cannot_open", "io_error", "busy" or "other".
    """

    def __init__(self, message: str, *, detail: str | None = None, kind: str = "other"):
        super().__init__(message)
        self.detail = detail or message
        self.kind = kind


class StoreBusyError(StoreError):
    """The store stayed locked by other writers for longer than ``LOCK_RETRY_SECONDS``."""


# What each fault says after the store's name ("ARMS_DB points at X, which ..."): one sentence.
FAULT_SENTENCES = {
    "not_sqlite": "is not a store of this dashboard (it is not an SQLite database).",
    "foreign": (
        "is not a store of this dashboard (it is an SQLite database of another program); "
        "it was left unchanged."
    ),
    "damaged": (
        "is a damaged store that cannot be read ({reason}); it was left unchanged: restore it "
        "from a backup, or use a new file."
    ),
    "read_only": "is read-only: you can read it but not save uploads or events.",
    "read_only_old": (
        "is read-only and was written by an older version of this dashboard, which has to "
        "upgrade it once: make it writable and open it again."
    ),
    "read_only_new": "is read-only, so no store can be created in it.",
    "newer_version": (
        "was written by a newer version of this dashboard (store schema {found}; this version "
        "reads schema {supported}): upgrade the dashboard to open it."
    ),
    "disk_full": (
        "cannot take more data because the disk is full: nothing was saved; free some disk "
        "space and try again."
    ),
    "folder": "is a folder, not a store file.",
    "cannot_open": (
        "cannot be opened or created (check that its folder exists and that the file can be "
        "read and written)."
    ),
    "io_error": (
        "could not be read or written (the disk reported an input/output error); nothing was saved."
    ),
    "busy": "stayed busy with other imports for {seconds:.0f} s; please try again.",
    "folder_missing": "cannot be created because its folder cannot be made ({reason}).",
    "no_wal": (
        "cannot be used as a store: SQLite's WAL mode is not available for it (journal mode "
        "{mode})."
    ),
}
_SQLITE_HEADER = b"SQLite format 3\x00"
# Primary SQLite result codes (extended codes keep them in their low byte).
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT = 8, 10, 11
_SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 13, 14, 26
_OUR_TABLES = frozenset({"meta", "datasets", "flows", "deals", "events"})


@dataclass
class ImportOutcome:
    """What happened to one uploaded file.

    ``status`` is "stored" (new dataset ``dataset_id``), "duplicate" (the same bytes are already
    dataset ``dataset_id``), "rejected" (``reason`` says why; nothing was written) or "preview"
    (parsed, not stored). ``export`` is what the loader understood, when it ran.
    """

    file_name: str
    sha256: str
    size_bytes: int
    status: Status
    dataset_id: int | None = None
    reason: str = ""
    export: SipriExport | None = None

    @property
    def ok(self) -> bool:
        """Whether the file is in the store now (newly stored or already there)."""
        return self.status in ("stored", "duplicate")

    @property
    def message(self) -> str:
        """One sentence for the user."""
        if self.status == "stored":
            return f"{self.file_name}: stored as dataset {self.dataset_id}."
        if self.status == "duplicate":
            return f"{self.file_name}: already stored as dataset {self.dataset_id}."
        if self.status == "preview":
            return f"{self.file_name}: read, not stored yet."
        return f"{self.file_name}: rejected: {self.reason}"


def describe_export(export: SipriExport) -> list[str]:
    """What the loader understood of a file, as short "label: value" lines for CLI and Data page.

    Args:
        export: a parsed SIPRI export.

    Returns:
        Lines for layout, vintage, rows, countries, notes and unknown names.
    """
    n_deals = 0 if export.deals is None else len(export.deals)
    lines = [
        f"layout: {export.layout}",
        f"vintage: {export.generated.isoformat() if export.generated else 'unknown'}",
        f"rows: {len(export.flows)} flows, {n_deals} deals",
    ]
    if export.title:
        lines.append(f"title: {export.title}")
    lines.append(f"countries: {', '.join(export.countries) if export.countries else '-'}")
    for note in export.notes:
        lines.append(f"note: {note}")
    if export.unknown_names:
        lines.append(f"unknown names: {', '.join(export.unknown_names)}")
    return lines


def parse_upload(file_name: str, data: bytes) -> SipriExport:
    """The store's only call into the loader (``analysis.sipri.read_sipri``).

    Raises:
        SipriFormatError: the bytes are not a readable SIPRI export.
    """
    from analysis.sipri import read_sipri

    # The layout is detected by content; the name only helps old TIV tables whose title lost
    # the direction (TIV-Import-IND-...), and read_sipri takes it from a file object's ``name``.
    source = io.BytesIO(data)
    source.name = file_name
    return read_sipri(source)


def default_db_path() -> Path:
    """The store path: ``$ARMS_DB`` when set, else data/arms.sqlite in the project."""
    env = os.environ.get("ARMS_DB", "").strip()
    return Path(env).expanduser() if env else DEFAULT_DB


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _clean_file_name(file_name: str) -> str:
    # Keep only the base name, without control characters: it is displayed and logged.
    name = Path(str(file_name).replace("\\", "/")).name
    name = _UNSAFE_NAME_CHARS.sub("", name).strip()
    return name[:255] or "upload"


def _is_lock_error(exc: sqlite3.Error) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _fault_kind(exc: sqlite3.Error) -> str | None:
    """Which store fault an SQLite error reports (None for anything else, e.g. a bug in SQL)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary == _SQLITE_FULL or "disk is full" in text:
        return "disk_full"
    if primary == _SQLITE_READONLY or "readonly database" in text:
        return "read_only"
    if primary == _SQLITE_NOTADB or "not a database" in text:
        return "not_sqlite"
    if primary == _SQLITE_CORRUPT or "malformed" in text:
        return "damaged"
    if primary == _SQLITE_CANTOPEN or "unable to open database" in text:
        return "cannot_open"
    if primary == _SQLITE_IOERR or "disk i/o error" in text:
        return "io_error"
    return None


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


class Store:
    """Uploaded datasets, their tidy rows and the events, in one SQLite file.

    Every call opens its own short-lived connection, so one ``Store`` may be shared between
    threads (Streamlit sessions) and processes may write to the same file at once: WAL mode,
    a busy timeout, ``BEGIN IMMEDIATE`` write transactions and retries keep "database is locked"
    away from users.

    A file the store cannot use raises ``StoreError`` (one sentence) and is never modified or
    replaced: another program's file is refused before anything is written to it, a damaged
    one is not recreated, and a read-only one (file, folder or file system) can still be read.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, source: str | None = None
    ) -> None:
        """Open the store, creating it (and its folder) when the file does not exist yet.

        Args:
            path: the SQLite file; default ``$ARMS_DB``, else data/arms.sqlite in the project.
            source: what named ``path`` (e.g. "--db"), for error sentences ("--db points at
                X, which ..."); "ARMS_DB" when the path is taken from that variable.

        Raises:
            StoreError: the file cannot be used as a store; nothing was written to it.
        """
        if path is None:
            self.path = default_db_path()
            if source is None and os.environ.get("ARMS_DB", "").strip():
                source = "ARMS_DB"
        else:
            self.path = Path(path).expanduser()
        self.source = source
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._error("cannot_open", "folder_missing", reason=exc.strerror) from exc
        self._ensure_schema()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # --- faults -------------------------------------------------------------------------------

    def _subject(self, full: bool) -> str:
        shown = str(self.path) if full else self.path.name
        if self.source:
            return f"{self.source} points at {shown}, which"
        return f"The file {shown}"

    def _error(
        self,
        kind: str,
        sentence: str | None = None,
        cls: type[StoreError] = StoreError,
        **values: object,
    ) -> StoreError:
        """A ``kind`` fault, told by ``FAULT_SENTENCES[sentence or kind]`` about this store."""
        text = FAULT_SENTENCES[sentence or kind].format(**values)
        return cls(
            f"{self._subject(full=False)} {text}",
            detail=f"{self._subject(full=True)} {text}",
            kind=kind,
        )

    def _fault(self, exc: sqlite3.Error) -> StoreError | None:
        """The sentence for an SQLite error that is a fault of the file, else None."""
        kind = _fault_kind(exc)
        if kind is None:
            return None
        if kind == "cannot_open":
            if self.path.is_dir():
                return self._error("cannot_open", "folder")
            if self.path.is_file() and self._read_only_location():
                kind = "read_only"
        if kind == "not_sqlite":
            if not self._has_sqlite_header():
                return self._error("not_a_store", "not_sqlite")
            kind = "damaged"  # SQLite's own header, then garbage: one of ours, damaged
        if kind == "damaged":
            return self._error("damaged", reason=str(exc))
        return self._error(kind)

    def _read_only_location(self) -> bool:
        """Whether the file or its folder cannot be written (permissions, chattr +i, ro mount)."""
        return not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK)

    def _has_sqlite_header(self) -> bool:
        try:
            with open(self.path, "rb") as handle:
                return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
        except OSError:
            return False

    # --- connections and transactions ---------------------------------------------------------

    def _connect(self, immutable: bool = False) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves. A deferred transaction that
        # reads and then writes gets SQLITE_BUSY without waiting under WAL; IMMEDIATE waits.
        if immutable:
            # A read-only folder or file system: SQLite cannot create the WAL's shared-memory
            # file beside the store, but a file that nobody can change reads fine without it.
            target = f"{self.path.resolve().as_uri()}?immutable=1"
            conn = sqlite3.connect(
                target, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, uri=True
            )
        else:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _run(self, work: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        """Run ``work`` in one transaction; a read of a read-only location reads it immutable.

        Raises:
            StoreError: a fault of the file (one sentence), or the store stayed busy.
        """
        try:
            return self._run_retrying(work, write=write, immutable=False)
        except StoreError as exc:
            if (
                write
                or exc.kind not in ("read_only", "cannot_open", "io_error")
                or not self.path.is_file()
                or not self._read_only_location()
            ):
                raise
            first = exc
        try:
            return self._run_retrying(work, write=False, immutable=True)
        except StoreError:
            raise first from first.__cause__  # the first failure is the one to tell

    def _run_retrying(
        self, work: Callable[[sqlite3.Connection], T], *, write: bool, immutable: bool
    ) -> T:
        """Run ``work`` in one transaction, retrying the whole of it while the file is locked."""
        deadline = time.monotonic() + LOCK_RETRY_SECONDS
        delay = 0.02
        while True:
            try:
                conn = self._connect(immutable=True) if immutable else self._connect()
            except sqlite3.DatabaseError as exc:
                self._raise_unless_retryable(exc, deadline)
                time.sleep(delay)
                continue
            try:
                if not write:
                    conn.execute("BEGIN")  # one snapshot for every statement of ``work``
                    try:
                        return work(conn)
                    finally:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = work(conn)
                    conn.execute("COMMIT")
                    return result
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.DatabaseError as exc:
                self._raise_unless_retryable(exc, deadline)
            finally:
                conn.close()
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.5)

    def _raise_unless_retryable(self, exc: sqlite3.Error, deadline: float) -> None:
        """Return for a lock (retry); raise a lock outlasting the deadline or a fault as words.

        Other SQLite errors (a bug in our SQL, a constraint) are re-raised as they are.
        """
        if _is_lock_error(exc):
            if time.monotonic() > deadline:
                raise self._error("busy", cls=StoreBusyError, seconds=LOCK_RETRY_SECONDS) from exc
            return
        fault = self._fault(exc)
        if fault is not None:
            raise fault from exc
        raise exc

    def _ensure_schema(self) -> None:
        def inspect(conn: sqlite3.Connection) -> tuple[int, set[str]]:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return int(version), {row[0] for row in tables}

        version, tables = self._run(inspect, write=False)
        if (version == 0 and tables) or (version > 0 and not _OUR_TABLES <= tables):
            # Another program's database: refused before anything (WAL mode, tables) is written.
            raise self._error("not_a_store", "foreign")
        if version > SCHEMA_VERSION:
            raise self._error("newer_version", found=version, supported=SCHEMA_VERSION)
        if version == SCHEMA_VERSION:
            return  # nothing written: opening a store must not change its file
        try:
            self._migrate()
        except StoreError as exc:
            if exc.kind != "read_only":
                raise
            sentence = "read_only_old" if version else "read_only_new"
            raise self._error("read_only", sentence) from exc

    def _migrate(self) -> None:
        """Create the store, or bring an older one to ``SCHEMA_VERSION`` (one transaction)."""

        def current_version(conn: sqlite3.Connection) -> int:
            return conn.execute("PRAGMA user_version").fetchone()[0]

        def set_wal() -> None:
            # journal_mode cannot change inside a transaction: run it on a bare connection.
            conn = self._connect()
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            finally:
                conn.close()
            if str(mode).lower() != "wal":
                if self._read_only_location():
                    raise self._error("read_only")
                raise self._error("other", "no_wal", mode=mode)

        self._retry_bare(set_wal)
        seed = load_seed_events()

        def migrate(conn: sqlite3.Connection) -> None:
            # Re-read under the write lock: another process may have migrated meanwhile.
            start = current_version(conn)
            for version_from in range(start, SCHEMA_VERSION):
                for statement in MIGRATIONS[version_from].split(";"):
                    if statement.strip():
                        conn.execute(statement)
            if start == 0:
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("instance", uuid.uuid4().hex), ("revision", "0"), ("created_at", _utc_now())],
                )
                # Seed once, and remember it: a user's deletions of seed events stay deleted.
                self._insert_events(conn, seed)
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('events_seeded', ?)", (_utc_now(),)
                )
            if start != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

        self._run(migrate, write=True)

    def _retry_bare(self, step: Callable[[], None]) -> None:
        deadline = time.monotonic() + LOCK_RETRY_SECONDS
        while True:
            try:
                step()
                return
            except sqlite3.DatabaseError as exc:
                self._raise_unless_retryable(exc, deadline)
                time.sleep(0.05 * (1 + random.random()))

    @staticmethod
    def _bump_revision(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'revision'"
        )

    # --- state --------------------------------------------------------------------------------

    def state_token(self) -> str:
        """A cheap value that changes whenever datasets or events change (a cache key).

        Returns:
            "<store instance>:<revision>"; a recreated store file gets a new instance id.
        """

        def read(conn: sqlite3.Connection) -> str:
            rows = dict(
                conn.execute("SELECT key, value FROM meta WHERE key IN ('instance', 'revision')")
            )
            return f"{rows.get('instance', '')}:{rows.get('revision', '0')}"

        return self._run(read, write=False)

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` answer ("ok" for a sound file)."""
        return self._run(
            lambda conn: "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check")),
            write=False,
        )

    # --- datasets -----------------------------------------------------------------------------

    def find_dataset(self, sha256: str) -> int | None:
        """The id of the dataset stored from bytes with this sha256, or None."""
        return self._run(lambda conn: self._dataset_id_for(conn, sha256), write=False)

    @staticmethod
    def _dataset_id_for(conn: sqlite3.Connection, sha256: str) -> int | None:
        row = conn.execute("SELECT id FROM datasets WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else int(row[0])

    def preview(self, file_name: str, data: bytes, max_bytes: int | None = None) -> ImportOutcome:
        """Parse ``data`` without storing it, for the Data page to show before saving.

        Args:
            file_name: the uploaded file's name (display only).
            data: the file's bytes.
            max_bytes: the upload limit; default ``MAX_UPLOAD_BYTES``.

        Returns:
            An outcome with status "preview" and the parsed ``export`` (``dataset_id`` is set
            when the same bytes are already stored), or "rejected" with the reason.
        """
        name = _clean_file_name(file_name)
        digest = hashlib.sha256(data).hexdigest()
        rejected = self._check_size(name, digest, data, max_bytes)
        if rejected:
            return rejected
        try:
            export = self._parse(name, data)
        except SipriFormatError as exc:
            return ImportOutcome(name, digest, len(data), "rejected", reason=str(exc))
        return ImportOutcome(
            name, digest, len(data), "preview", self.find_dataset(digest), export=export
        )

    def import_bytes(
        self,
        file_name: str,
        data: bytes,
        max_bytes: int | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> ImportOutcome:
        """Parse and store one uploaded file as a dataset (the Data page's and the CLI's path).

        A rejected file writes nothing; the same bytes are stored only once.

        Args:
            file_name: the uploaded file's name (only its base name is kept).
            data: the file's bytes.
            max_bytes: the upload limit; default ``MAX_UPLOAD_BYTES``.
            progress: called with the fraction of rows written (0..1) during long inserts.

        Returns:
            The outcome: "stored", "duplicate" or "rejected" (with the reason).
        """
        name = _clean_file_name(file_name)
        digest = hashlib.sha256(data).hexdigest()
        rejected = self._check_size(name, digest, data, max_bytes)
        if rejected:
            return rejected
        existing = self.find_dataset(digest)
        if existing is not None:
            return ImportOutcome(name, digest, len(data), "duplicate", existing)
        try:
            export = self._parse(name, data)
        except SipriFormatError as exc:
            return ImportOutcome(name, digest, len(data), "rejected", reason=str(exc))
        return self.store_export(name, data, export, progress=progress)

    @staticmethod
    def _check_size(
        name: str, digest: str, data: bytes, max_bytes: int | None
    ) -> ImportOutcome | None:
        limit = MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
        if len(data) > limit:
            reason = (
                f"the file is {len(data) / 1024 / 1024:.1f} MB, above the upload limit of "
                f"{limit / 1024 / 1024:.0f} MB"
            )
            return ImportOutcome(name, digest, len(data), "rejected", reason=reason)
        return None

    @staticmethod
    def _parse(name: str, data: bytes) -> SipriExport:
        try:
            export = parse_upload(name, data)
        except SipriFormatError:
            raise
        except (MemoryError, RecursionError) as exc:
            raise SipriFormatError(
                f"the file is too large or too deeply nested to read ({exc!r})"
            ) from None
        except Exception as exc:
            # A loader bug must not become a traceback on the Data page: report it as a rejection
            # with the exception named, so it can still be reported and fixed.
            raise SipriFormatError(
                f"the file could not be read (loader error {type(exc).__name__}: {exc})"
            ) from exc
        if not isinstance(export, SipriExport):
            raise SipriFormatError("the loader returned no result")
        return export

    def store_export(
        self,
        file_name: str,
        data: bytes,
        export: SipriExport,
        progress: Callable[[float], None] | None = None,
    ) -> ImportOutcome:
        """Store an already parsed export (e.g. after ``preview``) as a dataset of ``data``.

        Args:
            file_name: the uploaded file's name.
            data: the file's bytes (their sha256 identifies the dataset).
            export: what the loader understood of ``data``.
            progress: called with the fraction of rows written (0..1).

        Returns:
            "stored" with the new id, "duplicate" with the existing id, or "rejected" when the
            export breaks the tidy contract (nothing written then).
        """
        name = _clean_file_name(file_name)
        digest = hashlib.sha256(data).hexdigest()
        try:
            flows = schema.coerce_flows(export.flows)
            deals = None if export.deals is None else schema.coerce_deals(export.deals)
            flow_rows = self._flow_columns(flows)
            deal_rows = None if deals is None else self._deal_columns(deals)
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            return ImportOutcome(
                name,
                digest,
                len(data),
                "rejected",
                reason=f"the rows do not fit the tidy table: {exc}",
                export=export,
            )
        totals_rows = list(totals_records(getattr(export, "totals", None)))
        n_flows, n_deals = len(flows), 0 if deals is None else len(deals)
        total = max(n_flows + n_deals, 1)

        def write(conn: sqlite3.Connection) -> ImportOutcome:
            existing = self._dataset_id_for(conn, digest)  # a concurrent import may have won
            if existing is not None:
                return ImportOutcome(name, digest, len(data), "duplicate", existing, export=export)
            cursor = conn.execute(
                "INSERT INTO datasets (file_name, sha256, layout, vintage, uploaded_at, n_flows,"
                " n_deals, notes, title, countries, unknown_names, encoding, size_bytes, scope)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    digest,
                    export.layout,
                    export.generated.isoformat() if export.generated else None,
                    _utc_now(),
                    n_flows,
                    n_deals,
                    json.dumps(list(export.notes), ensure_ascii=False),
                    export.title or "",
                    json.dumps(list(export.countries), ensure_ascii=False),
                    json.dumps(list(export.unknown_names), ensure_ascii=False),
                    export.encoding or "",
                    len(data),
                    getattr(export, "scope", "partial") or "partial",
                ),
            )
            dataset_id = int(cursor.lastrowid)
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
            if totals_rows:
                # SIPRI's own Total rows: period shares divide by them (analysis.shares).
                conn.executemany(
                    "INSERT INTO totals (dataset_id, recipient, supplier, year, tiv, side)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(dataset_id, *row) for row in totals_rows],
                )
            self._bump_revision(conn)
            return ImportOutcome(name, digest, len(data), "stored", dataset_id, export=export)

        outcome = self._run(write, write=True)
        if progress is not None and outcome.status == "stored":
            progress(1.0)
        return outcome

    @staticmethod
    def _flow_columns(flows: pd.DataFrame) -> list[list[object]]:
        return [_sql_values(flows[col]) for col in schema.FLOW_COLUMNS]

    @staticmethod
    def _deal_columns(deals: pd.DataFrame) -> list[list[object]]:
        columns = []
        for col in schema.DEAL_COLUMNS:
            if col == "delivery_years":
                columns.append([_delivery_years_text(v) for v in deals[col].tolist()])
            else:
                columns.append(_sql_values(deals[col]))
        return columns

    def datasets(self) -> pd.DataFrame:
        """One row per stored dataset, oldest first.

        Returns:
            Columns ``DATASET_COLUMNS``; notes, countries and unknown_names hold lists.
        """

        def read(conn: sqlite3.Connection) -> list[tuple]:
            return conn.execute(
                f"SELECT {', '.join(DATASET_COLUMNS)} FROM datasets ORDER BY id"
            ).fetchall()

        frame = pd.DataFrame.from_records(self._run(read, write=False), columns=DATASET_COLUMNS)
        for col in _JSON_DATASET_COLUMNS:
            frame[col] = pd.Series(
                [json.loads(v) for v in frame[col]], index=frame.index, dtype=object
            )
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
            }
        )

    def remove(self, dataset_id: int) -> bool:
        """Delete a dataset and its rows.

        Returns:
            True when it existed, False when there is no dataset with that id.
        """

        def write(conn: sqlite3.Connection) -> bool:
            if (
                conn.execute("SELECT 1 FROM datasets WHERE id = ?", (dataset_id,)).fetchone()
                is None
            ):
                return False
            conn.execute("DELETE FROM flows WHERE dataset_id = ?", (dataset_id,))
            conn.execute("DELETE FROM totals WHERE dataset_id = ?", (dataset_id,))
            conn.execute("DELETE FROM deals WHERE dataset_id = ?", (dataset_id,))
            conn.execute("DELETE FROM datasets WHERE id = ?", (dataset_id,))
            self._bump_revision(conn)
            return True

        return self._run(write, write=True)

    @staticmethod
    def _id_filter(dataset_ids: Iterable[int] | None, column: str) -> tuple[str, list[int]]:
        if dataset_ids is None:
            return "", []
        ids = [int(i) for i in dataset_ids]
        if not ids:
            return " WHERE 0", []
        return f" WHERE {column} IN ({', '.join('?' * len(ids))})", ids

    def flows(self, dataset_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """Tidy flows of the chosen datasets (all when None), with their dataset id and vintage.

        Args:
            dataset_ids: which datasets; None for all.

        Returns:
            ``schema.FLOW_COLUMNS`` in their dtypes plus the provenance of each row:
            ``dataset_id`` (Int64), ``vintage`` (ISO date str or missing), ``scope`` (what its
            export covers, ``analysis.sipri.SCOPES``) and ``layout``; in dataset and file order.
            ``attrs["totals"]`` holds the datasets' SIPRI Total rows.
        """
        where, params = self._id_filter(dataset_ids, "f.dataset_id")
        sql = (
            "SELECT f.recipient, f.supplier, f.year, f.tiv, f.category, f.dataset_id, d.vintage,"
            " d.scope, d.layout"
            " FROM flows f JOIN datasets d ON d.id = f.dataset_id"
            f"{where} ORDER BY f.dataset_id, f.rowid"
        )
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
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
        frame.attrs["totals"] = self.totals(dataset_ids)
        return frame

    def totals(self, dataset_ids: Sequence[int] | None = None) -> tuple[tuple, ...]:
        """SIPRI's Total rows of the chosen datasets, as ``SipriExport.totals`` records.

        Returns:
            (recipient, supplier, year, tiv, side, dataset_id) tuples, the form
            ``flows.attrs["totals"]`` takes (hashable, so pandas can still concatenate frames
            carrying it); the dataset id lets shares use only the totals of the rows they keep.
        """
        where, params = self._id_filter(dataset_ids, "dataset_id")
        sql = (
            "SELECT recipient, supplier, year, tiv, side, dataset_id FROM totals"
            f"{where} ORDER BY rowid"
        )
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
        return tuple((r, s, int(y), float(t), side, int(d)) for r, s, y, t, side, d in rows)

    def deals(self, dataset_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """Deals of the chosen datasets (all when None), with their dataset id and vintage.

        Args:
            dataset_ids: which datasets; None for all.

        Returns:
            ``schema.DEAL_COLUMNS`` in their dtypes (delivery_years as lists of int) plus
            ``dataset_id`` (Int64) and ``vintage``.
        """
        where, params = self._id_filter(dataset_ids, "x.dataset_id")
        sql = (
            f"SELECT {', '.join('x.' + c for c in schema.DEAL_COLUMNS)}, x.dataset_id, d.vintage"
            " FROM deals x JOIN datasets d ON d.id = x.dataset_id"
            f"{where} ORDER BY x.dataset_id, x.rowid"
        )
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
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

    # --- events -------------------------------------------------------------------------------

    @staticmethod
    def _event_params(event: Event) -> tuple:
        return (
            event.start.isoformat(),
            event.end.isoformat() if event.end else None,
            event.title,
            event.category,
            json.dumps(list(event.countries), ensure_ascii=False),
            int(bool(event.is_global)),
            event.description,
            event.source_name,
            event.source_url,
        )

    def _insert_events(self, conn: sqlite3.Connection, events: Iterable[Event]) -> list[int]:
        ids = []
        for event in events:
            cursor = conn.execute(
                "INSERT INTO events (start, end_date, title, category, countries, is_global,"
                " description, source_name, source_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._event_params(event),
            )
            ids.append(int(cursor.lastrowid))
        return ids

    @staticmethod
    def _event_from_row(row: tuple) -> Event:
        record = dict(zip(_EVENT_COLUMNS, row, strict=True))
        return Event(
            id=int(record["id"]),
            start=dt.date.fromisoformat(record["start"]),
            end=dt.date.fromisoformat(record["end_date"]) if record["end_date"] else None,
            title=record["title"],
            category=record["category"],
            countries=tuple(json.loads(record["countries"])),
            is_global=bool(record["is_global"]),
            description=record["description"],
            source_name=record["source_name"],
            source_url=record["source_url"],
        )

    def events(self) -> list[Event]:
        """All stored events, ordered by start date, end and title."""
        rows = self._run(
            lambda conn: conn.execute(
                f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events"
                " ORDER BY start, COALESCE(end_date, start), title, id"
            ).fetchall(),
            write=False,
        )
        return [self._event_from_row(r) for r in rows]

    def add_event(self, event: Event) -> int:
        """Validate and store a new event (its ``id`` is ignored).

        Returns:
            The new event's id.

        Raises:
            InvalidEventError: the event fails validation; nothing is written.
        """
        cleaned = check_event(event)

        def write(conn: sqlite3.Connection) -> int:
            (new_id,) = self._insert_events(conn, [cleaned])
            self._bump_revision(conn)
            return new_id

        return self._run(write, write=True)

    def update_event(self, event: Event) -> None:
        """Replace the stored event with id ``event.id`` by ``event``.

        Raises:
            InvalidEventError: the event fails validation; nothing is written.
            KeyError: there is no event with that id.
        """
        if event.id is None:
            raise KeyError("the event has no id: use add_event for a new event")
        cleaned = check_event(event)

        def write(conn: sqlite3.Connection) -> None:
            cursor = conn.execute(
                "UPDATE events SET start = ?, end_date = ?, title = ?, category = ?,"
                " countries = ?, is_global = ?, description = ?, source_name = ?,"
                " source_url = ? WHERE id = ?",
                (*self._event_params(cleaned), int(event.id)),
            )
            if cursor.rowcount == 0:
                raise KeyError(f"no event with id {event.id}")
            self._bump_revision(conn)

        self._run(write, write=True)

    def delete_event(self, event_id: int) -> bool:
        """Delete one event; True when it existed."""

        def write(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute("DELETE FROM events WHERE id = ?", (int(event_id),))
            if cursor.rowcount:
                self._bump_revision(conn)
            return bool(cursor.rowcount)

        return self._run(write, write=True)

    def import_events(self, events: Iterable[Event]) -> tuple[int, int]:
        """Add events from an exchange file, all or nothing; events already stored are skipped.

        An event counts as already stored when every field but the id is equal, so importing an
        export into the store it came from adds nothing.

        Returns:
            (number added, number skipped as already stored).

        Raises:
            InvalidEventError: some event fails validation (problems prefixed by its position);
                nothing is written.
        """
        cleaned, problems = [], []
        for position, event in enumerate(events, start=1):
            try:
                cleaned.append(check_event(event).without_id())
            except ValueError as exc:
                reasons = getattr(exc, "problems", [str(exc)])
                problems.extend(f"event {position} ({event.title!r}): {p}" for p in reasons)
        if problems:
            raise InvalidEventError(problems)

        def write(conn: sqlite3.Connection) -> tuple[int, int]:
            rows = conn.execute(f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events").fetchall()
            known = {self._event_from_row(r).without_id() for r in rows}
            fresh = []
            for event in cleaned:
                if event not in known:
                    fresh.append(event)
                    known.add(event)
            if fresh:
                self._insert_events(conn, fresh)
                self._bump_revision(conn)
            return len(fresh), len(cleaned) - len(fresh)

        return self._run(write, write=True)
