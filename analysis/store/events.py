"""Stored events: add, update, delete, import and list them; a new store's seed events."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable

from analysis.event_files import load_seed_events
from analysis.events import Event, InvalidEventError, check_event
from analysis.store.db import Connection, Database, utc_now

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


def insert_events(conn: Connection, events: Iterable[Event], added_by: str = "") -> list[int]:
    """Add events inside a transaction already open; returns their new ids."""
    ids = []
    for event in events:
        cursor = conn.execute(
            "INSERT INTO events (start, end_date, title, category, countries, is_global,"
            " description, source_name, source_url, added_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (*_event_params(event), added_by),
        )
        ids.append(int(cursor.fetchone()[0]))
    return ids


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


def seed_writer() -> Callable[[Connection], None]:
    """A new store's seed events (data/seed/events.csv), read now; the function returned writes
    them, once, in the store's first transaction (this is the store's ``db.Seeder``)."""
    seed = load_seed_events()

    def write(conn: Connection) -> None:
        # Seed once, and remember it: a user's deletions of seed events stay deleted.
        insert_events(conn, seed)
        conn.execute("INSERT INTO meta (key, value) VALUES ('events_seeded', ?)", (utc_now(),))

    return write


def authors(db: Database) -> dict[int, str]:
    """Who added each event (by id): a user's name, "anonymous", or "" without sign-in."""
    rows = db.run(
        lambda conn: conn.execute("SELECT id, added_by FROM events").fetchall(), write=False
    )
    return {int(event_id): str(added_by or "") for event_id, added_by in rows}


def list_events(db: Database) -> list[Event]:
    """All stored events, ordered by start date, end and title."""
    rows = db.run(
        lambda conn: conn.execute(
            f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events"
            " ORDER BY start, COALESCE(end_date, start), title, id"
        ).fetchall(),
        write=False,
    )
    return [_event_from_row(r) for r in rows]


def add_event(db: Database, event: Event, added_by: str = "") -> int:
    """Validate and store a new event (its ``id`` is ignored).

    Returns:
        The new event's id.

    Raises:
        InvalidEventError: the event fails validation; nothing is written.
    """
    cleaned = check_event(event)

    def write(conn: Connection) -> int:
        (new_id,) = insert_events(conn, [cleaned], added_by)
        db.bump_revision(conn)
        return new_id

    return db.run(write, write=True)


def update_event(db: Database, event: Event) -> None:
    """Replace the stored event with id ``event.id`` by ``event``.

    Raises:
        InvalidEventError: the event fails validation; nothing is written.
        KeyError: there is no event with that id.
    """
    if event.id is None:
        raise KeyError("the event has no id: use add_event for a new event")
    cleaned = check_event(event)

    def write(conn: Connection) -> None:
        cursor = conn.execute(
            "UPDATE events SET start = ?, end_date = ?, title = ?, category = ?,"
            " countries = ?, is_global = ?, description = ?, source_name = ?,"
            " source_url = ? WHERE id = ?",
            (*_event_params(cleaned), int(event.id)),
        )
        if cursor.rowcount == 0:
            raise KeyError(f"no event with id {event.id}")
        db.bump_revision(conn)

    db.run(write, write=True)


def delete_event(db: Database, event_id: int) -> bool:
    """Delete one event; True when it existed."""

    def write(conn: Connection) -> bool:
        cursor = conn.execute("DELETE FROM events WHERE id = ?", (int(event_id),))
        if cursor.rowcount:
            db.bump_revision(conn)
        return bool(cursor.rowcount)

    return db.run(write, write=True)


def import_events(db: Database, events: Iterable[Event], added_by: str = "") -> tuple[int, int]:
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

    def write(conn: Connection) -> tuple[int, int]:
        rows = conn.execute(f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events").fetchall()
        known = {_event_from_row(r).without_id() for r in rows}
        fresh = []
        for event in cleaned:
            if event not in known:
                fresh.append(event)
                known.add(event)
        if fresh:
            insert_events(conn, fresh, added_by)
            db.bump_revision(conn)
        return len(fresh), len(cleaned) - len(fresh)

    return db.run(write, write=True)
