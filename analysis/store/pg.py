"""The store's PostgreSQL connection layer, for a team sharing one database (``ARMS_DB`` a URL).

The other store modules see the same ``Database`` interface as on SQLite (``run``,
``bump_revision``, ``state_token``) and run the same SQL: ``PgConnection`` takes sqlite3's
``execute(sql, params)`` with ``?`` placeholders, and turns ``executemany`` inserts into COPY.
The schema and its migrations are the SQLite ones rendered for PostgreSQL (``migrations``).

What SQLite's file locking gave, PostgreSQL gets like this:

- one writer at a time: every write transaction first takes one transaction-level advisory lock
  (SQLite's ``BEGIN IMMEDIATE``), so "is this sha256 stored yet?" and the insert that follows
  cannot interleave with another process's; the lock waits at most ``db.LOCK_RETRY_SECONDS``;
- one snapshot per read (``REPEATABLE READ, READ ONLY``);
- a writer that dies (SIGKILL, lost connection) holds nothing: the server rolls its transaction
  back and releases the lock;
- the state token is read from the database, so every process sees every other's writes.

SQLAlchemy gives the URL, the connection pool (checked with a ping before use, so a restarted
server costs no error) and psycopg 3 underneath.
"""

from __future__ import annotations

import functools
import os
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import psycopg
import sqlalchemy as sa

from analysis.store import db as store_db
from analysis.store import migrations
from analysis.store.faults import FAULT_SENTENCES, StoreBusyError, StoreError

T = TypeVar("T")
# The store's one advisory lock (per database): "ARMS" in ASCII.
WRITE_LOCK_KEY = 0x41524D53
# How long a store that cannot be reached is retried (a restarting server) before the sentence.
CONNECT_RETRY_SECONDS = float(os.environ.get("ARMS_PG_CONNECT_RETRY_SECONDS", "10"))
POOL_SIZE = int(os.environ.get("ARMS_DB_POOL_SIZE", "8"))
_ENGINES: dict[tuple[int, str], sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()
_INSERT = re.compile(r"^INSERT INTO (\w+) \(([\w, ]+)\) VALUES \([?, ]+\)$")
# Errors worth running the whole transaction again: a conflict, or a connection that went away.
_RETRY_SQLSTATES = {"40001", "40P01", "57P01", "57P02", "57P03", "08000", "08003", "08006"}


def engine_for(url: str) -> sa.Engine:
    """One engine (connection pool) per URL and process, shared by every ``Store`` on it."""
    key = (os.getpid(), url)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = sa.create_engine(
                url,
                pool_size=POOL_SIZE,
                max_overflow=2 * POOL_SIZE,
                pool_timeout=store_db.LOCK_RETRY_SECONDS,
                pool_pre_ping=True,
                connect_args={
                    "connect_timeout": 10,
                    "application_name": "arms-dashboard",
                    # A client machine that vanishes without closing its socket is noticed.
                    "keepalives": 1,
                    "keepalives_idle": 30,
                    "keepalives_interval": 10,
                    "keepalives_count": 3,
                },
            )
            _ENGINES[key] = engine
    return engine


def normal_url(url: str) -> str:
    """``url`` as the store uses it: any ``postgresql[+driver]://`` (or ``postgres://``) goes
    through psycopg 3, the driver the dashboard ships."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def dispose_engines(url: str | None = None) -> None:
    """Close the pooled connections of ``url`` (every URL when None) in this process."""
    wanted = None if url is None else normal_url(url)
    with _ENGINES_LOCK:
        keys = [k for k in _ENGINES if wanted is None or k[1] == wanted]
        engines = [_ENGINES.pop(k) for k in keys]
    for engine in engines:
        engine.dispose()


@functools.lru_cache(maxsize=256)
def _pg_sql(sql: str) -> str:
    """sqlite3's ``?`` placeholders as psycopg's ``%s`` (the store's SQL has no ``?`` or ``%``
    inside literals)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _pg_params(params: Sequence[object]) -> tuple[object, ...]:
    # SQLite stores a bool in an INTEGER column as 0/1; PostgreSQL wants the int.
    return tuple(int(p) if isinstance(p, bool) else p for p in params)


class PgConnection:
    """One transaction's connection, with the sqlite3 calls the store's SQL uses."""

    def __init__(self, raw: psycopg.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[object] = ()) -> psycopg.Cursor:
        """Run one statement; the cursor has ``fetchone``, ``fetchall``, ``rowcount``."""
        cursor = self.raw.cursor()
        if params:
            cursor.execute(_pg_sql(sql), _pg_params(params))
        else:
            cursor.execute(sql)
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement per row; a plain ``INSERT … VALUES (?, …)`` goes through COPY."""
        match = _INSERT.match(sql)
        if match is None:
            with self.raw.cursor() as cursor:
                cursor.executemany(_pg_sql(sql), [_pg_params(r) for r in rows])
            return
        table, columns = match.groups()
        with self.raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_pg_params(row))


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "orig", exc), "sqlstate", None)


class PgDatabase:
    """The store in one PostgreSQL database (the schema named first on its search path).

    Same interface as the SQLite ``db.Database``: faults raise ``StoreError`` with one sentence
    and leave the database as it was.
    """

    dialect = "postgresql"

    def __init__(
        self, url: str, *, source: str | None = None, seed: store_db.Seeder | None = None
    ) -> None:
        """Open the store in the database at ``url``, creating its tables when it has none.

        Raises:
            StoreError: the database cannot be reached or used as a store; nothing was written.
        """
        self.source = source
        self.path = None
        self._seed = seed or store_db.no_seed
        try:
            parsed = sa.make_url(normal_url(url))
        except sa.exc.ArgumentError as exc:
            self.url, self.location = url, url.split("@")[-1]
            raise self._error("cannot_open", "bad_url", reason=str(exc)) from exc
        self.url = parsed.render_as_string(hide_password=False)
        self.location = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() != "postgresql":
            raise self._error("cannot_open", "unsupported_url", scheme=parsed.drivername)
        self._short = f"database {parsed.database or '(default)'}"
        self._ensure_schema()

    # --- faults -------------------------------------------------------------------------------

    def _error(
        self,
        kind: str,
        sentence: str | None = None,
        cls: type[StoreError] = StoreError,
        *,
        detail_reason: str | None = None,
        **values: object,
    ) -> StoreError:
        """A ``kind`` fault told by ``FAULT_SENTENCES``: the page's sentence names the database
        only; ``detail`` (CLI, server log) has the URL without its password and the driver's
        own words (``detail_reason``) in place of ``reason``."""
        template = FAULT_SENTENCES[sentence or kind]
        text = template.format(**values)
        full = template.format(**{**values, "reason": detail_reason or values.get("reason")})
        short = getattr(self, "_short", "database")

        def subject(shown: str) -> str:
            if self.source:
                return f"{self.source} points at the PostgreSQL {shown}, which"
            return f"The PostgreSQL {shown}"

        return cls(f"{subject(short)} {text}", detail=f"{subject(self.location)} {full}", kind=kind)

    def _unreachable(self, orig: BaseException, state: str) -> StoreError:
        said = _first_line(orig)
        if state.startswith("28") or "authentication failed" in said:
            cause = "the user name or password was refused"
        elif state == "3D000" or "does not exist" in said:
            cause = "its database does not exist"
        else:
            cause = "the server did not answer"
        return self._error(
            "cannot_open", "unreachable", reason=cause, detail_reason=f"{cause}: {said}"
        )

    def _fault(self, exc: BaseException) -> StoreError | None:
        """The sentence for a PostgreSQL error that is a fault of the database, else None."""
        state = _sqlstate(exc) or ""
        orig = getattr(exc, "orig", exc)
        busy = {"cls": StoreBusyError, "seconds": store_db.LOCK_RETRY_SECONDS}
        if state == "53100":
            return self._error("disk_full")
        if state in ("25006", "42501"):  # a read-only server or role
            return self._error("read_only")
        if state == "55P03":  # lock_timeout: other writers kept the lock
            return self._error("busy", **busy)
        if isinstance(orig, sa.exc.TimeoutError):  # every pooled connection stayed in use
            return self._error("busy", **busy)
        if state.startswith("28") or state == "3D000":  # authentication, no such database
            return self._unreachable(orig, state)
        if isinstance(orig, psycopg.OperationalError) and not state:
            return self._unreachable(orig, state)
        return None

    # --- connections and transactions ---------------------------------------------------------

    def run(self, work: Callable[[PgConnection], T], *, write: bool) -> T:
        """Run ``work`` in one transaction (a write one takes the store's write lock first).

        Raises:
            StoreError: a fault of the database (one sentence), or the store stayed busy.
        """
        deadline = time.monotonic() + store_db.LOCK_RETRY_SECONDS
        connect_deadline = time.monotonic() + CONNECT_RETRY_SECONDS
        delay = 0.05
        while True:
            try:
                return self._run_once(work, write=write, deadline=deadline)
            except (psycopg.Error, sa.exc.DBAPIError, sa.exc.TimeoutError) as exc:
                state = _sqlstate(exc)
                retry = state in _RETRY_SQLSTATES and time.monotonic() < deadline
                unreachable = state is None and isinstance(
                    getattr(exc, "orig", exc), psycopg.OperationalError
                )
                if unreachable and time.monotonic() < connect_deadline:
                    retry = True
                if not retry:
                    fault = self._fault(exc)
                    if fault is not None:
                        raise fault from exc
                    raise
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 1.0)

    def _run_once(self, work: Callable[[PgConnection], T], *, write: bool, deadline: float) -> T:
        proxy = engine_for(self.url).raw_connection()
        raw: psycopg.Connection = proxy.driver_connection
        try:
            conn = PgConnection(raw)
            if write:
                wait_ms = max(int((deadline - time.monotonic()) * 1000), 1)
                conn.execute(f"SET LOCAL lock_timeout = {wait_ms}")
                conn.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            else:
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            result = work(conn)
            raw.commit()
            return result
        except BaseException:
            try:
                raw.rollback()
            except psycopg.Error:
                proxy.invalidate()  # a broken connection does not go back to the pool
            raise
        finally:
            proxy.close()

    @staticmethod
    def bump_revision(conn: PgConnection) -> None:
        """Count one change of datasets or events (in the write transaction making it)."""
        store_db.Database.bump_revision(conn)

    # --- schema -------------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        version, tables = self.run(_inspect, write=False)
        if (version == 0 and tables) or (version > 0 and not store_db.OUR_TABLES <= tables):
            raise self._error("not_a_store", "foreign_database")
        if version > migrations.SCHEMA_VERSION:
            raise self._error("newer_version", found=version, supported=migrations.SCHEMA_VERSION)
        if version == migrations.SCHEMA_VERSION:
            return
        seed = self._seed()

        def migrate(conn: PgConnection) -> None:
            # Under the write lock: another process may have created or upgraded it meanwhile.
            start, tables = _inspect(conn)
            if start == 0 and tables:
                raise self._error("not_a_store", "foreign_database")
            for step in range(start, migrations.SCHEMA_VERSION):
                for statement in migrations.statements(step, self.dialect):
                    conn.execute(statement)
            if start == 0:
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("instance", uuid.uuid4().hex),
                        ("revision", "0"),
                        ("created_at", store_db.utc_now()),
                        ("schema_version", "0"),
                    ],
                )
                seed(conn)
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                (str(migrations.SCHEMA_VERSION),),
            )

        self.run(migrate, write=True)

    # --- state --------------------------------------------------------------------------------

    def state_token(self) -> str:
        """``"<store instance>:<revision>"``, read from the database (see ``db.Database``)."""
        return self.run(store_db.read_state_token, write=False)

    def integrity_check(self) -> str:
        """Whether every dataset has all its rows and none lost its dataset ("ok" when so)."""
        return self.run(store_db.check_rows, write=False)


def _inspect(conn: PgConnection) -> tuple[int, set[str]]:
    """The store's schema version (0 without one) and the tables of the current schema."""
    tables = {
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
    }
    if "meta" not in tables:
        return 0, tables
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return (int(row[0]) if row else 0), tables


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
