"""The store's connection layer: one SQLite file, its pragmas, transactions and retries.

Also what a connection layer owns besides: turning SQLite errors into ``StoreError`` sentences,
applying the schema's migrations (``migrations``), and the state token. The other store modules
reach the store only through ``Database.run`` (one transaction) and ``Database.bump_revision``.

``open_database`` picks the backend: a file path is this SQLite ``Database``; a database URL
(``postgresql+psycopg://…``) is ``pg.PgDatabase``, with the same interface and the same SQL.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from analysis.store.faults import (
    FAULT_SENTENCES,
    SQLITE_HEADER,
    StoreBusyError,
    StoreError,
    fault_kind,
    is_lock_error,
)
from analysis.store.migrations import SCHEMA_VERSION, statements
from analysis.vocab import counted

if TYPE_CHECKING:
    from analysis.store.pg import PgDatabase

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "arms.sqlite"
BUSY_TIMEOUT_SECONDS = 30.0
# Beyond sqlite's own busy timeout we retry whole transactions for this long before telling the
# user the store is busy: with 8 writers a long import can hold the write lock for seconds.
LOCK_RETRY_SECONDS = 120.0

T = TypeVar("T")


class Connection(Protocol):
    """What the store's SQL runs on: a sqlite3 connection, or ``pg.PgConnection`` (the same
    calls, ``?`` placeholders)."""

    def execute(self, sql: str, params: Sequence[object] = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[object]], /) -> Any: ...


# Called once before a new store's first transaction; what it returns writes the store's first
# rows (the seed events) inside that transaction.
Seeder = Callable[[], Callable[[Connection], None]]

# The tables every version of the schema has (version 1's): a store without them is not ours.
OUR_TABLES = frozenset({"meta", "datasets", "flows", "deals", "events"})


def default_db_path() -> Path:
    """The store path: ``$ARMS_DB`` when set, else data/arms.sqlite in the project."""
    env = os.environ.get("ARMS_DB", "").strip()
    return Path(env).expanduser() if env else DEFAULT_DB


def open_database(
    target: str | os.PathLike[str] | None = None,
    *,
    source: str | None = None,
    seed: Seeder | None = None,
) -> Database | PgDatabase:
    """The store at ``target`` (default ``$ARMS_DB``): a SQLite file, or a PostgreSQL URL.

    Raises:
        StoreError: the store cannot be used; nothing was written to it.
    """
    if target is None:
        env = os.environ.get("ARMS_DB", "").strip()
        if env and source is None:
            source = "ARMS_DB"
        target = env or None
    if isinstance(target, str) and "://" in target:
        from analysis.store.pg import PgDatabase

        return PgDatabase(target, source=source, seed=seed)
    return Database(target, source=source, seed=seed)


def utc_now() -> str:
    """Now, in UTC, as an ISO timestamp to the second (how the store records times)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def no_seed() -> Callable[[Connection], None]:
    """A ``Seeder`` writing nothing."""
    return lambda conn: None


def read_state_token(conn: Connection) -> str:
    """``"<store instance>:<revision>"`` inside a transaction (both backends)."""
    rows = dict(
        conn.execute("SELECT key, value FROM meta WHERE key IN ('instance', 'revision')").fetchall()
    )
    return f"{rows.get('instance', '')}:{rows.get('revision', '0')}"


def check_rows(conn: Connection) -> str:
    """Whether every dataset has all the rows it counts and none lost its dataset ("ok")."""
    problems = []
    for table, count in (("flows", "n_flows"), ("deals", "n_deals")):
        short = conn.execute(
            f"SELECT COUNT(*) FROM datasets d WHERE d.{count} <>"
            f" (SELECT COUNT(*) FROM {table} x WHERE x.dataset_id = d.id)"
        ).fetchone()[0]
        if short:
            problems.append(f"{counted(short, 'dataset')} without all their {table}")
    for table in ("flows", "deals", "totals", "deliveries"):
        orphans = conn.execute(
            f"SELECT COUNT(*) FROM {table} x"
            " WHERE NOT EXISTS (SELECT 1 FROM datasets d WHERE d.id = x.dataset_id)"
        ).fetchone()[0]
        if orphans:
            problems.append(f"{counted(orphans, f'{table} row')} without their dataset")
    return "; ".join(problems) or "ok"


class Database:
    """One store file: every call opens its own short-lived connection (see ``Store``).

    A file that cannot be used raises ``StoreError`` (one sentence) and is never modified or
    replaced.
    """

    dialect = "sqlite"

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        source: str | None = None,
        seed: Seeder | None = None,
    ) -> None:
        """Open the store, creating it (and its folder) when the file does not exist yet.

        Args:
            path: the SQLite file; default ``$ARMS_DB``, else data/arms.sqlite in the project.
            source: what named ``path``, for error sentences; "ARMS_DB" when taken from it.
            seed: what fills a new store in its first transaction (nothing by default).

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
        self.location = str(self.path)
        self._seed = seed or no_seed
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._error("cannot_open", "folder_missing", reason=exc.strerror) from exc
        self._ensure_schema()

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
        kind = fault_kind(exc)
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
                return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
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

    def run(self, work: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
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
        if is_lock_error(exc):
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

        version, tables = self.run(inspect, write=False)
        if (version == 0 and tables) or (version > 0 and not OUR_TABLES <= tables):
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
        seed = self._seed()

        def migrate(conn: sqlite3.Connection) -> None:
            # Re-read under the write lock: another process may have migrated meanwhile.
            start = current_version(conn)
            for step in range(start, SCHEMA_VERSION):
                for statement in statements(step, self.dialect):
                    conn.execute(statement)
            if start == 0:
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("instance", uuid.uuid4().hex), ("revision", "0"), ("created_at", utc_now())],
                )
                seed(conn)
            if start != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

        self.run(migrate, write=True)

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
    def bump_revision(conn: sqlite3.Connection) -> None:
        """Count one change of datasets or events (in the write transaction making it)."""
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

        return self.run(read_state_token, write=False)

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` answer ("ok" for a sound file)."""
        return self.run(
            lambda conn: "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check")),
            write=False,
        )
