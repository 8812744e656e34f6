"""Events to and from files: the CSV/JSON exchange format, imports with one sentence per
rejected row, and the seed events (data/seed/events.csv). The model is analysis.events."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from analysis.events import (
    COUNTRY_SEPARATOR,
    Event,
    InvalidEventError,
    check_event,
    quoted,
)

SEED_EVENTS_CSV = Path(__file__).resolve().parents[1] / "data" / "seed" / "events.csv"


# Column order of the CSV exchange format (also the order of the JSON objects' keys).
CSV_COLUMNS = [
    "id",
    "start",
    "end",
    "title",
    "category",
    "countries",
    "is_global",
    "description",
    "source_name",
    "source_url",
]


# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_NEUTRALISER = "'"


_TRUE_WORDS = {"true", "1", "yes", "y"}


_FALSE_WORDS = {"false", "0", "no", "n", ""}


# Limits of one import file. The exchange JSON is a list of flat objects (depth 2, 3 with a
# countries list) or an object holding that list (depth 4): anything deeper is refused before
# json.loads, whose recursion a deeply nested text would otherwise exhaust.
MAX_JSON_DEPTH = 5


MAX_IMPORT_EVENTS = 10_000


MAX_LISTED_PROBLEMS = 20  # rejected rows listed one sentence each; the rest are counted


# A JSON string (escapes included, possibly unterminated) or one bracket: strings are skipped
# whole so that brackets inside them do not count towards the nesting depth.
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)


class EventFormatError(ValueError):
    """A CSV or JSON events file that cannot be read; ``row`` is 1-based (0: the whole file)."""

    def __init__(self, message: str, row: int = 0):
        self.row = row
        self.reason = message
        super().__init__(f"row {row}: {message}" if row else message)


def _neutralise(cell: str) -> str:
    # Prefix a formula-looking cell with an apostrophe. A cell that already starts with an
    # apostrophe followed by a formula character (or another apostrophe) is prefixed too, so that
    # import can strip exactly one apostrophe and every text survives the round trip.
    if cell.startswith(_FORMULA_STARTS) or _is_neutralised(cell):
        return _NEUTRALISER + cell
    return cell


def _is_neutralised(cell: str) -> bool:
    return cell[:1] == _NEUTRALISER and cell[1:2] in (*_FORMULA_STARTS, _NEUTRALISER)


def _unneutralise(cell: str) -> str:
    return cell[1:] if _is_neutralised(cell) else cell


def _event_record(event: Event) -> dict[str, object]:
    return {
        "id": event.id,
        "start": event.start.isoformat(),
        "end": event.end.isoformat() if event.end else None,
        "title": event.title,
        "category": event.category,
        "countries": list(event.countries),
        "is_global": bool(event.is_global),
        "description": event.description,
        "source_name": event.source_name,
        "source_url": event.source_url,
    }


def events_to_csv(events: Iterable[Event]) -> str:
    """CSV text of ``events`` with formula-looking cells neutralised by a leading apostrophe.

    Args:
        events: the events to export.

    Returns:
        UTF-8 text with a header row (``CSV_COLUMNS``); countries joined as "India;Russia".
    """
    out = io.StringIO(newline="")
    # "\r\n" also makes the writer quote cells holding a lone "\r" (it quotes terminator chars).
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        record = _event_record(event)
        record["id"] = "" if event.id is None else str(event.id)
        record["end"] = record["end"] or ""
        record["countries"] = COUNTRY_SEPARATOR.join(event.countries)
        record["is_global"] = "true" if event.is_global else "false"
        writer.writerow([_neutralise(str(record[col])) for col in CSV_COLUMNS])
    return out.getvalue()


def _parse_date(text: str, what: str, row: int) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise EventFormatError(
            f"{what} {quoted(text)} is not a date like 2025-10-29", row
        ) from None


def _parse_bool(value: object, row: int) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise EventFormatError(f"is_global {quoted(value)} is not true or false", row)


def _parse_id(value: object, row: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise EventFormatError(f"id {quoted(value)} is not a whole number", row)
    try:
        return int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise EventFormatError(f"id {quoted(value)} is not a whole number", row) from None


def _event_from_record(record: dict[str, object], row: int) -> Event:
    def text(key: str) -> str:
        value = record.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise EventFormatError(f"{key} must be text, not {type(value).__name__}", row)
        return value

    start_text = text("start")
    if not start_text.strip():
        raise EventFormatError("start is missing", row)
    end_text = text("end")
    countries = record.get("countries")
    if countries is None:
        names: tuple[str, ...] = ()
    elif isinstance(countries, str):
        names = tuple(n for n in countries.split(COUNTRY_SEPARATOR) if n)
    elif isinstance(countries, list) and all(isinstance(n, str) for n in countries):
        names = tuple(countries)
    else:
        raise EventFormatError("countries must be a list of names", row)
    return Event(
        id=_parse_id(record.get("id"), row),
        start=_parse_date(start_text, "start", row),
        end=_parse_date(end_text, "end", row) if end_text.strip() else None,
        title=text("title"),
        category=text("category") or "other",
        countries=names,
        is_global=_parse_bool(record.get("is_global", False), row),
        description=text("description"),
        source_name=text("source_name"),
        source_url=text("source_url"),
    )


def _csv_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The lower-cased header and the non-blank rows (with their 1-based row numbers)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise EventFormatError("the file is empty") from None
    except csv.Error as exc:
        raise EventFormatError(f"not a CSV file: {exc}") from None
    header = [h.strip().lower() for h in header]
    missing = [col for col in ("start", "title") if col not in header]
    if missing:
        raise EventFormatError(f"missing column(s): {', '.join(missing)}", 1)
    rows = []
    try:
        for row_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_IMPORT_EVENTS:
                raise EventFormatError(_too_many_events())
            rows.append((row_number, cells))
    except csv.Error as exc:
        raise EventFormatError(f"not a CSV file: {exc}", reader.line_num) from None
    return header, rows


def _csv_event(header: list[str], cells: list[str], row: int) -> Event:
    if len(cells) > len(header):
        raise EventFormatError(f"{len(cells)} cells for {len(header)} columns", row)
    record = {col: _unneutralise(cell) for col, cell in zip(header, cells, strict=False)}
    return _event_from_record(record, row)


def _too_many_events() -> str:
    return f"the file holds more than {MAX_IMPORT_EVENTS:,} events; import at most that many"


def events_from_csv(text: str) -> list[Event]:
    """Read events written by ``events_to_csv`` (or by hand with the same header).

    Args:
        text: CSV text; required columns are ``start`` and ``title``, others are optional.

    Returns:
        The events in file order, not validated (see ``check_event``).

    Raises:
        EventFormatError: a missing column, more than ``MAX_IMPORT_EVENTS`` rows, or an
            unreadable date, id or flag (the first such row).
    """
    header, rows = _csv_rows(text)
    return [_csv_event(header, cells, row) for row, cells in rows]


def events_to_json(events: Iterable[Event]) -> str:
    """JSON text (a list of objects with ``CSV_COLUMNS`` keys) of ``events``."""
    return json.dumps([_event_record(e) for e in events], ensure_ascii=False, indent=2) + "\n"


def json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply the brackets of ``text`` nest, counting up to ``limit + 1`` at most.

    Brackets inside strings are not counted. The scan is a regular expression and a loop (no
    recursion), so it is safe on any text, and stops as soon as the depth exceeds ``limit``.
    """
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(text):
        bracket = match.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif bracket in ("]", "}"):
            depth = max(depth - 1, 0)
    return deepest


def _json_items(text: str) -> list[object]:
    """The list of event objects (not yet checked) of a JSON events text."""
    if json_depth(text) > MAX_JSON_DEPTH:
        raise EventFormatError(
            f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep; "
            "expected a list of events, each a flat object"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventFormatError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4,300 digits
        raise EventFormatError(f"not JSON that can be read: {str(exc)[:80]}") from None
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        data = data["events"]
    if not isinstance(data, list):
        raise EventFormatError("expected a list of events")
    if len(data) > MAX_IMPORT_EVENTS:
        raise EventFormatError(_too_many_events())
    return data


def _json_event(item: object, row: int) -> Event:
    if not isinstance(item, dict):
        raise EventFormatError("each event must be an object", row)
    return _event_from_record(item, row)


def events_from_json(text: str) -> list[Event]:
    """Read events written by ``events_to_json``.

    Args:
        text: a JSON list of objects, or an object with an ``events`` list.

    Returns:
        The events in file order, not validated (see ``check_event``).

    Raises:
        EventFormatError: text that is not JSON of that shape (or nested deeper than
            ``MAX_JSON_DEPTH``, or more than ``MAX_IMPORT_EVENTS`` events), or an unreadable field.
    """
    return [_json_event(item, row) for row, item in enumerate(_json_items(text), start=1)]


def _looks_like_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith(("[", "{"))


def events_from_text(text: str) -> list[Event]:
    """Read events from CSV or JSON text, telling them apart by the first character."""
    if _looks_like_json(text):
        return events_from_json(text)
    return events_from_csv(text)


def _row_sentence(where: str, exc: ValueError) -> str:
    """One sentence for a rejected row: "The event in row 3 ('Title') is rejected: ..."."""
    if isinstance(exc, InvalidEventError):
        title = exc.event.title if exc.event is not None else ""
        named = f"The event {where} ({quoted(title)})" if title.strip() else f"The event {where}"
        return f"{named} is rejected: {' '.join(exc.problems)}"
    reason = exc.reason if isinstance(exc, EventFormatError) else str(exc)
    return f"The event {where} is rejected: {reason}."


def read_events_to_import(text: str, fmt: str | None = None) -> list[Event]:
    """Read, normalise and validate every event of an import file: all of them, or none.

    Args:
        text: CSV or JSON text as written by ``events_to_csv`` or ``events_to_json``.
        fmt: "csv" or "json"; None tells them apart by the first character.

    Returns:
        Every event of the file, normalised and valid (``check_event``), in file order.

    Raises:
        EventFormatError: the file as a whole cannot be read (not CSV/JSON, a missing column,
            JSON nested deeper than ``MAX_JSON_DEPTH``, more than ``MAX_IMPORT_EVENTS`` events).
        InvalidEventError: some rows are rejected; ``problems`` holds one sentence per rejected
            row naming it ("The event in row 3 ('Title') is rejected: ..."; for JSON "at
            position 3"), at most ``MAX_LISTED_PROBLEMS`` of them, then a count of the others.
    """
    if fmt is None:
        fmt = "json" if _looks_like_json(text) else "csv"
    readers: list[tuple[str, Callable[[], Event]]]
    if fmt == "json":
        readers = [
            (f"at position {row}", lambda item=item, row=row: _json_event(item, row))
            for row, item in enumerate(_json_items(text), start=1)
        ]
    elif fmt == "csv":
        header, rows = _csv_rows(text)
        readers = [
            (f"in row {row}", lambda cells=cells, row=row: _csv_event(header, cells, row))
            for row, cells in rows
        ]
    else:
        raise ValueError(f"unknown events format {fmt!r}: use 'csv' or 'json'")
    events: list[Event] = []
    rejected: list[str] = []
    for where, read in readers:
        try:
            events.append(check_event(read()))
        except (EventFormatError, InvalidEventError) as exc:
            rejected.append(_row_sentence(where, exc))
    if rejected:
        listed = rejected[:MAX_LISTED_PROBLEMS]
        if len(rejected) > len(listed):
            listed.append(f"…and {len(rejected) - len(listed):,} more rejected rows.")
        raise InvalidEventError(listed)
    return events


def load_seed_events(path: Path | None = None) -> list[Event]:
    """The project's seed events (data/seed/events.csv), normalised and validated.

    Args:
        path: another seed file, for tests.

    Returns:
        The seed events without ids.

    Raises:
        InvalidEventError: a seed event fails validation (a bug in the seed file).
    """
    text = (path or SEED_EVENTS_CSV).read_text(encoding="utf-8")
    return [check_event(dataclasses.replace(e, id=None)) for e in events_from_csv(text)]
