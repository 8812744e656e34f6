"""The store's faults: ``StoreError``, its one-sentence texts and how SQLite errors map to them."""

from __future__ import annotations

import sqlite3


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
    # PostgreSQL (ARMS_DB a database URL): "ARMS_DB points at the PostgreSQL database X, which …"
    "unreachable": (
        "cannot be reached ({reason}): check that the server is running and the URL's host, "
        "port, user, password and database name."
    ),
    "foreign_database": (
        "is not a store of this dashboard (it holds tables of another program); it was left "
        "unchanged."
    ),
    "bad_url": (
        "is not a database URL this dashboard can read ({reason}); use "
        "postgresql+psycopg://user:password@host:port/database."
    ),
    "unsupported_url": (
        "is a {scheme} database: this dashboard stores in a SQLite file or in PostgreSQL "
        "(postgresql+psycopg://user:password@host:port/database)."
    ),
    "no_wal": (
        "cannot be used as a store: SQLite's WAL mode is not available for it (journal mode "
        "{mode})."
    ),
}
SQLITE_HEADER = b"SQLite format 3\x00"
# Primary SQLite result codes (extended codes keep them in their low byte).
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT = 8, 10, 11
_SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 13, 14, 26


def is_lock_error(exc: sqlite3.Error) -> bool:
    """Whether an SQLite error says the file is locked by another connection (worth a retry)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def fault_kind(exc: sqlite3.Error) -> str | None:
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
