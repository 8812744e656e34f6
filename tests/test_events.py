"""Events: validation, normalisation, the seed, selection per country and CSV/JSON round trips."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.event_files import (
    CSV_COLUMNS,
    EventFormatError,
    events_from_csv,
    events_from_json,
    events_from_text,
    events_to_csv,
    events_to_json,
    load_seed_events,
)
from analysis.events import (
    CATEGORIES,
    Event,
    InvalidEventError,
    check_event,
    events_for,
    normalise_event,
    validate_event,
)

from .conftest import examples

VISIT = Event(
    start=dt.date(2025, 10, 29),
    end=dt.date(2025, 10, 30),
    title="Delegation in Moscow",
    category="visit",
    countries=("India", "Russia"),
    source_name="The Moscow Times",
    source_url="https://example.org/article",
)


# --- validation -------------------------------------------------------------------------------


def test_a_complete_event_is_valid():
    assert validate_event(VISIT) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": ""}, "A title is required."),
        ({"title": "   "}, "A title is required."),
        ({"category": "party"}, "The category 'party' is not one of"),
        ({"end": dt.date(2025, 10, 28)}, "The end (2025-10-28) is before the start (2025-10-29)."),
        ({"source_url": "javascript:alert(1)"}, "must start with http:// or https://"),
        ({"source_url": "ftp://example.org/x"}, "must start with http:// or https://"),
        ({"source_url": "https://"}, "has no host name"),
        ({"source_url": "https://exa mple.org"}, "must not contain spaces"),
        ({"countries": ("Turkey",)}, "The country 'Turkey' should be written 'Turkiye'."),
        ({"countries": ("",)}, "A country name is empty."),
        ({"countries": ("India;Russia",)}, "contains ';'"),
        ({"countries": ()}, "Name at least one country, or mark the event as global."),
        ({"start": "2025-10-29"}, "The start must be a date."),
    ],
)
def test_each_problem_is_reported_as_a_sentence(changes, expected):
    from dataclasses import replace

    problems = validate_event(replace(VISIT, **changes))
    assert len(problems) == 1
    assert expected in problems[0]


@pytest.mark.parametrize("url", ["", "http://example.org", "https://www.sipri.org/databases/x?a=1"])
def test_empty_or_web_urls_are_accepted(url):
    from dataclasses import replace

    assert validate_event(replace(VISIT, source_url=url)) == []


def test_a_global_event_needs_no_country():
    from dataclasses import replace

    assert validate_event(replace(VISIT, countries=(), is_global=True)) == []


def test_several_problems_are_all_reported():
    from dataclasses import replace

    bad = replace(VISIT, title="", category="x", end=dt.date(2020, 1, 1), source_url="file:///x")
    assert len(validate_event(bad)) == 4


def test_normalise_cleans_names_text_and_single_day_ranges():
    raw = Event(
        start=dt.date(2025, 12, 5),
        end=dt.date(2025, 12, 5),
        title="  Putin in New Delhi ",
        category=" Visit",
        countries=("Turkey", " India ", "Turkiye", ""),
        source_url=" https://example.org ",
    )
    clean = normalise_event(raw)
    assert clean.title == "Putin in New Delhi"
    assert clean.category == "visit"
    assert clean.countries == ("Turkiye", "India")
    assert clean.end is None
    assert clean.source_url == "https://example.org"
    assert validate_event(clean) == []


def test_check_event_raises_with_every_problem():
    with pytest.raises(InvalidEventError) as info:
        check_event(Event(start=dt.date(2020, 1, 1), title="", countries=("India",)))
    assert info.value.problems == ["A title is required."]


# --- seed -------------------------------------------------------------------------------------


def test_seed_holds_the_three_sourced_events_from_the_facts():
    seed = {e.title: e for e in load_seed_events()}
    assert len(seed) == 3
    delegation = seed["Indian defence-industry delegation in Moscow"]
    assert (delegation.start, delegation.end) == (dt.date(2025, 10, 29), dt.date(2025, 10, 30))
    assert delegation.category == "visit"
    assert delegation.countries == ("India", "Russia")
    putin = seed["Putin's visit to New Delhi"]
    assert (putin.start, putin.end, putin.category) == (dt.date(2025, 12, 5), None, "visit")
    invasion = seed["Russia's full-scale invasion of Ukraine"]
    assert (invasion.start, invasion.category) == (dt.date(2022, 2, 24), "conflict")
    assert invasion.is_global and invasion.countries == ("Russia", "Ukraine")
    for event in seed.values():
        assert "The Moscow Times" in event.source_name
        assert event.id is None


# --- selection --------------------------------------------------------------------------------


def test_events_for_a_country_include_global_ones_in_date_order():
    seed = load_seed_events()
    assert [e.start.isoformat() for e in events_for(seed, "India")] == [
        "2022-02-24",
        "2025-10-29",
        "2025-12-05",
    ]
    assert [e.category for e in events_for(seed, "France")] == ["conflict"]
    assert events_for(seed, "India", categories=["visit"]) == sorted(
        [e for e in seed if e.category == "visit"], key=lambda e: e.start
    )
    assert events_for(seed, "India", categories=[]) == []


def test_events_for_matches_old_spellings_of_the_country():
    turkiye = Event(start=dt.date(2019, 7, 12), title="S-400 delivery", countries=("Turkiye",))
    assert events_for([turkiye], "Turkey") == [turkiye]
    assert events_for([turkiye], "Greece") == []


# --- exchange formats -------------------------------------------------------------------------


def test_csv_layout_joins_countries_and_writes_iso_dates():
    rows = list(csv.reader(io.StringIO(events_to_csv([VISIT]))))
    assert rows[0] == CSV_COLUMNS
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["countries"] == "India;Russia"
    assert (record["start"], record["end"], record["is_global"]) == (
        "2025-10-29",
        "2025-10-30",
        "false",
    )
    assert record["id"] == ""


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised_on_export_and_restored_on_import(cell):
    from dataclasses import replace

    event = replace(VISIT, title=cell, description=cell)
    text = events_to_csv([event])
    row = list(csv.reader(io.StringIO(text, newline="")))[1]
    assert row[CSV_COLUMNS.index("title")] == "'" + cell
    assert row[CSV_COLUMNS.index("description")] == "'" + cell
    assert events_from_csv(text) == [event]


def test_an_ordinary_leading_apostrophe_is_kept():
    from dataclasses import replace

    event = replace(VISIT, title="'Tis the season", description="''=x")
    assert events_from_csv(events_to_csv([event])) == [event]


def test_seed_round_trips_through_csv_and_json():
    seed = load_seed_events()
    assert events_from_csv(events_to_csv(seed)) == seed
    assert events_from_json(events_to_json(seed)) == seed
    assert events_from_text(events_to_json(seed)) == seed
    assert events_from_text(events_to_csv(seed)) == seed


def test_json_accepts_countries_written_like_the_csv_cell():
    (event,) = events_from_json(
        '[{"start": "2025-01-01", "title": "x", "countries": "India;Russia"}]'
    )
    assert event.countries == ("India", "Russia")


def test_json_holds_lists_and_nulls():
    record = json.loads(events_to_json([VISIT]))[0]
    assert record["countries"] == ["India", "Russia"]
    assert record["id"] is None and record["is_global"] is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("title,category\nx,visit\n", "missing column(s): start"),
        ("start,title\n29 Oct 2025,x\n", "row 2: start '29 Oct 2025' is not a date"),
        ("start,title,end\n2025-10-29,x,soon\n", "row 2: end 'soon' is not a date"),
        ("start,title,is_global\n2025-10-29,x,maybe\n", "row 2: is_global 'maybe'"),
        ("start,title,id\n2025-10-29,x,seven\n", "row 2: id 'seven' is not a whole number"),
        ("start,title\n2025-10-29,x,extra\n", "row 2: 3 cells for 2 columns"),
    ],
)
def test_unreadable_csv_names_the_row(text, message):
    with pytest.raises(EventFormatError) as info:
        events_from_csv(text)
    assert message in str(info.value)


def test_a_minimal_hand_written_csv_is_read_with_defaults():
    (event,) = events_from_csv("start,title,countries\n2025-12-05,Putin visits,India;Russia\n\n")
    assert event == Event(
        start=dt.date(2025, 12, 5), title="Putin visits", countries=("India", "Russia")
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        ('{"a": 1}', "expected a list of events"),
        ("[1]", "row 1: each event must be an object"),
        ('[{"title": "x"}]', "row 1: start is missing"),
        ('[{"start": "2025-01-01", "title": 5}]', "row 1: title must be text"),
    ],
)
def test_unreadable_json_is_refused(text, message):
    with pytest.raises(EventFormatError) as info:
        events_from_json(text)
    assert message in str(info.value)


# Any text the Events page could accept, including newlines, quotes and formula starts.
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
_prefixed = st.builds(
    lambda p, t: p + t, st.sampled_from(["", "=", "'", "''", "+", "-", "@", "\t", "\r"]), _text
)
_name = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=";"),
    min_size=1,
    max_size=12,
)
_dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))
_events = st.builds(
    Event,
    start=_dates,
    title=_prefixed,
    category=st.sampled_from(CATEGORIES),
    end=st.none() | _dates,
    countries=st.lists(_name, max_size=3).map(tuple),
    description=_prefixed,
    source_name=_prefixed,
    source_url=_prefixed,
    is_global=st.booleans(),
    id=st.none() | st.integers(min_value=1, max_value=10**9),
)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(_events, max_size=4))
def test_csv_export_then_import_gives_the_same_events(events):
    text = events_to_csv(events)
    assert events_from_csv(text) == events
    # No exported text cell opens with a character a spreadsheet would evaluate.
    for row in list(csv.reader(io.StringIO(text, newline="")))[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(_events, max_size=4))
def test_json_export_then_import_gives_the_same_events(events):
    assert events_from_json(events_to_json(events)) == events
