"""Dated, sourced events drawn on the charts: the model, its validation and which events a
chart shows. Reading and writing event files: analysis.event_files."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from analysis.names import canonical_name

CATEGORIES = ("visit", "agreement", "order", "delivery", "sanction", "conflict", "other")


COUNTRY_SEPARATOR = ";"


# Limits of an event (checked by ``validate_event``: the Events page, the store and imports).
# The charts place events on a date axis: dates far outside the data (year 9999) overflow it.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 2_000
MAX_SOURCE_NAME_CHARS = 200
MAX_SOURCE_URL_CHARS = 2_000
MAX_COUNTRY_CHARS = 100
MAX_COUNTRIES = 300


@dataclass(frozen=True)
class Event:
    """One event. ``end`` is None for a single day; ``countries`` hold canonical SIPRI names."""

    start: dt.date
    title: str
    category: str = "other"
    end: dt.date | None = None
    countries: tuple[str, ...] = ()
    description: str = ""
    source_name: str = ""
    source_url: str = ""
    is_global: bool = False
    id: int | None = None

    @property
    def last_day(self) -> dt.date:
        """The last day the event covers (``start`` for a single-day event)."""
        return self.end or self.start

    @property
    def is_range(self) -> bool:
        """Whether the event spans more than one day (drawn as a band, not a line)."""
        return self.end is not None and self.end != self.start

    def concerns(self, country: str) -> bool:
        """Whether the event is global or names ``country`` (compared as canonical names)."""
        if self.is_global:
            return True
        wanted = _canonical(country)
        return any(_canonical(c) == wanted for c in self.countries)

    def without_id(self) -> Event:
        """The same event with ``id`` cleared, to compare contents across stores."""
        return dataclasses.replace(self, id=None)


class InvalidEventError(ValueError):
    """An event that fails ``validate_event``; ``problems`` lists every reason as a sentence."""

    def __init__(self, problems: list[str], event: Event | None = None):
        self.problems = problems
        self.event = event
        super().__init__("; ".join(problems))


def _canonical(name: str) -> str:
    return canonical_name(name)  # analysis.names: the single source of spellings


def normalise_event(event: Event) -> Event:
    """Tidy user input: trim text, canonical country names without duplicates, end == start -> None.

    Args:
        event: an event as typed by a user or read from a file.

    Returns:
        The same event with cleaned fields (validation is separate: see ``validate_event``).
    """
    countries: list[str] = []
    for name in event.countries:
        cleaned = _canonical(name) if name.strip() else ""
        if cleaned and cleaned not in countries:
            countries.append(cleaned)
    end = event.end if event.end != event.start else None
    return dataclasses.replace(
        event,
        title=event.title.strip(),
        category=event.category.strip().lower(),
        end=end,
        countries=tuple(countries),
        description=event.description.strip(),
        source_name=event.source_name.strip(),
        source_url=event.source_url.strip(),
    )


def quoted(value: object, limit: int = 40) -> str:
    """``value`` quoted for a message, cut to about ``limit`` characters (inputs can be huge)."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _is_storable(text: str) -> bool:
    # A lone surrogate (possible from a JSON "\ud800" escape) cannot be written as UTF-8.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _url_problem(url: str) -> str | None:
    if not url:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "The source URL must not contain spaces or control characters."
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return f"The source URL {quoted(url)} cannot be read as a web address."
    if parts.scheme.lower() not in ("http", "https"):
        return "The source URL must start with http:// or https://."
    if not host:
        return "The source URL has no host name."
    return None


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _date_problem(value: dt.date, what: str) -> str | None:
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return f"The {what} ({value.isoformat()}) must be between {EARLIEST_DATE} and {LATEST_DATE}."


def _text_problems(event: Event) -> list[str]:
    problems = []
    limits = [
        ("title", "title", MAX_TITLE_CHARS),
        ("description", "description", MAX_DESCRIPTION_CHARS),
        ("source_name", "source name", MAX_SOURCE_NAME_CHARS),
        ("source_url", "source URL", MAX_SOURCE_URL_CHARS),
    ]
    for field, what, limit in limits:
        value = getattr(event, field)
        if not isinstance(value, str):
            continue
        if len(value) > limit:
            problems.append(
                f"The {what} is {len(value):,} characters long; the limit is {limit:,}."
            )
        elif not _is_storable(value):
            problems.append(f"The {what} contains characters that are not valid text.")
    return problems


def _country_problems(event: Event) -> list[str]:
    if len(event.countries) > MAX_COUNTRIES:
        return [
            f"The event names {len(event.countries):,} countries; the limit is {MAX_COUNTRIES}."
        ]
    problems = []
    for name in event.countries:
        if not isinstance(name, str) or not name.strip():
            problems.append("A country name is empty.")
            continue
        if len(name) > MAX_COUNTRY_CHARS:
            problems.append(
                f"The country name {quoted(name)} is {len(name):,} characters long; "
                f"the limit is {MAX_COUNTRY_CHARS}."
            )
            continue
        if not _is_storable(name):
            problems.append("A country name contains characters that are not valid text.")
            continue
        if COUNTRY_SEPARATOR in name:
            problems.append(f"The country name {name!r} contains {COUNTRY_SEPARATOR!r}.")
            continue
        canonical = _canonical(name)
        if canonical != name:
            problems.append(f"The country {name!r} should be written {canonical!r}.")
    if not event.countries and not event.is_global:
        problems.append("Name at least one country, or mark the event as global.")
    return problems


def validate_event(event: Event) -> list[str]:
    """Every reason why ``event`` cannot be stored, as sentences for the user (empty when valid).

    Dates must lie between ``EARLIEST_DATE`` and ``LATEST_DATE``; the title, description, source
    name and source URL have length limits (``MAX_TITLE_CHARS`` and the like).

    Args:
        event: the event to check (run ``normalise_event`` first to accept alternative spellings).

    Returns:
        A list of problems; an empty list means the event is valid.
    """
    problems: list[str] = []
    if not _is_date(event.start):
        problems.append("The start must be a date.")
    elif problem := _date_problem(event.start, "start"):
        problems.append(problem)
    if event.end is not None and not _is_date(event.end):
        problems.append("The end must be a date or empty.")
    elif event.end is not None and (problem := _date_problem(event.end, "end")):
        problems.append(problem)
    elif event.end is not None and _is_date(event.start) and event.end < event.start:
        problems.append(f"The end ({event.end}) is before the start ({event.start}).")
    if not isinstance(event.title, str) or not event.title.strip():
        problems.append("A title is required.")
    problems.extend(_text_problems(event))
    if event.category not in CATEGORIES:
        problems.append(
            f"The category {quoted(event.category)} is not one of: {', '.join(CATEGORIES)}."
        )
    problems.extend(_country_problems(event))
    url = event.source_url if isinstance(event.source_url, str) else "?"
    url_problem = None if len(url) > MAX_SOURCE_URL_CHARS else _url_problem(url)
    if url_problem:
        problems.append(url_problem)
    return problems


def check_event(event: Event) -> Event:
    """Normalise ``event`` and return it, or raise ``InvalidEventError`` listing its problems."""
    cleaned = normalise_event(event)
    problems = validate_event(cleaned)
    if problems:
        raise InvalidEventError(problems, cleaned)
    return cleaned


def events_for(
    events: Iterable[Event],
    country: str | None,
    categories: Iterable[str] | None = None,
    *,
    hidden: Iterable[str] = (),
) -> list[Event]:
    """The events concerning ``country`` plus the global ones, sorted by date: the one event
    filter (pages, charts and views all use it).

    Args:
        events: all known events.
        country: a country name in any SIPRI spelling; None keeps every event (a chart not
            tied to one country).
        categories: keep only these categories; None keeps all.
        hidden: categories the user toggled off.

    Returns:
        The matching events ordered by start, end, title and id.
    """
    wanted = None if categories is None else set(categories)
    off = set(hidden)
    chosen = [
        e
        for e in events
        if e.category not in off
        and (wanted is None or e.category in wanted)
        and (country is None or e.concerns(country))
    ]
    return sorted(chosen, key=_sort_key)


def _sort_key(event: Event) -> tuple:
    return (event.start, event.last_day, event.title, event.id or 0)


# --- CSV --------------------------------------------------------------------------------------


# --- JSON -------------------------------------------------------------------------------------


# --- import -----------------------------------------------------------------------------------
