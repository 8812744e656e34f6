"""Events limits: date range, text lengths, JSON nesting and size, all-or-nothing imports.

Unit tests on tiny inputs, the command line run in-process (``analysis.__main__.main``), one
subprocess run (slow) and the Events page through AppTest (app).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.__main__ import main as cli_main
from analysis.event_files import (
    MAX_IMPORT_EVENTS,
    MAX_JSON_DEPTH,
    MAX_LISTED_PROBLEMS,
    EventFormatError,
    events_from_json,
    events_from_text,
    json_depth,
    read_events_to_import,
)
from analysis.events import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_DESCRIPTION_CHARS,
    MAX_SOURCE_NAME_CHARS,
    MAX_SOURCE_URL_CHARS,
    MAX_TITLE_CHARS,
    Event,
    InvalidEventError,
    check_event,
    validate_event,
)
from analysis.store import Store

ROOT = Path(__file__).resolve().parents[1]

VISIT = Event(
    start=dt.date(2025, 10, 29),
    end=dt.date(2025, 10, 30),
    title="Delegation in Moscow",
    category="visit",
    countries=("India", "Russia"),
    source_url="https://example.org/article",
)
DEEP_LIST = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000
TOO_DEEP = (
    f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep; "
    "expected a list of events, each a flat object"
)


def with_(**changes) -> Event:
    return dataclasses.replace(VISIT, **changes)


# --- the limits of one event ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"end": dt.date(9999, 12, 31)},
            "The end (9999-12-31) must be between 1900-01-01 and 2100-12-31.",
        ),
        (
            {"start": dt.date(1899, 12, 31), "end": None},
            "The start (1899-12-31) must be between 1900-01-01 and 2100-12-31.",
        ),
        (
            {"start": dt.date(2101, 1, 1), "end": None},
            "The start (2101-01-01) must be between 1900-01-01 and 2100-12-31.",
        ),
        ({"title": "t" * 201}, "The title is 201 characters long; the limit is 200."),
        (
            {"description": "n" * 2_001},
            "The description is 2,001 characters long; the limit is 2,000.",
        ),
        ({"source_name": "s" * 201}, "The source name is 201 characters long; the limit is 200."),
        (
            {"source_url": "https://example.org/" + "u" * 1_981},
            "The source URL is 2,001 characters long; the limit is 2,000.",
        ),
        ({"title": "Bad \ud800 text"}, "The title contains characters that are not valid text."),
        (
            {"countries": ("I" * 101,)},
            "The country name 'IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII…' is 101 characters long; "
            "the limit is 100.",
        ),
    ],
)
def test_each_limit_is_one_sentence(changes, expected):
    assert validate_event(with_(**changes)) == [expected]


def test_an_end_out_of_range_is_not_also_reported_as_before_the_start():
    # 1899 is both out of range and before the start: one sentence, the range.
    assert validate_event(with_(end=dt.date(1899, 1, 1))) == [
        "The end (1899-01-01) must be between 1900-01-01 and 2100-12-31."
    ]


def test_the_limits_themselves_are_accepted():
    assert (EARLIEST_DATE, LATEST_DATE) == (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
    at_limits = with_(
        start=EARLIEST_DATE,
        end=LATEST_DATE,
        title="t" * MAX_TITLE_CHARS,
        description="n" * MAX_DESCRIPTION_CHARS,
        source_name="s" * MAX_SOURCE_NAME_CHARS,
        source_url="https://example.org/" + "u" * (MAX_SOURCE_URL_CHARS - 20),
    )
    assert validate_event(at_limits) == []


def test_a_long_category_is_not_echoed_whole():
    (problem,) = validate_event(with_(category="x" * 100_000))
    assert len(problem) < 200
    assert problem.startswith("The category 'xxxx")


def test_the_store_applies_the_same_limits(tmp_path):
    store = Store(tmp_path / "arms.sqlite")
    before = store.events()
    with pytest.raises(InvalidEventError) as info:
        store.add_event(with_(end=dt.date(9999, 12, 31)))
    assert info.value.problems == [
        "The end (9999-12-31) must be between 1900-01-01 and 2100-12-31."
    ]
    with pytest.raises(InvalidEventError):
        store.update_event(dataclasses.replace(before[0], title="t" * 201))
    assert store.events() == before


# --- JSON nesting and size --------------------------------------------------------------------


@pytest.mark.parametrize("text", [DEEP_LIST, DEEP_OBJECT, "[" * 100_000])
def test_deeply_nested_json_is_a_sentence_not_a_recursion_error(text):
    for read in (events_from_json, events_from_text, read_events_to_import):
        with pytest.raises(EventFormatError) as info:
            read(text)
        assert str(info.value) == TOO_DEEP


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('[{"title": "[[[[[[[[ {{{{{{ \\" [[[[[[", "countries": ["India"]}]') == 3
    assert json_depth('["\\\\", "[[[["]') == 1
    assert json_depth(DEEP_LIST) == MAX_JSON_DEPTH + 1  # stops counting past the limit
    assert json_depth('"unterminated [[[[[[[[') == 0


def test_the_deepest_legitimate_json_is_accepted():
    text = json.dumps(
        {"events": [{"start": "2025-01-01", "title": "x", "countries": ["India", "Russia"]}]}
    )
    assert json_depth(text) == 4
    (event,) = read_events_to_import(text)
    assert (event.title, event.countries) == ("x", ("India", "Russia"))


def test_more_events_than_the_limit_are_refused():
    record = '{"start": "2025-01-01", "title": "x", "countries": ["India"]}'
    text = "[" + ",".join([record] * (MAX_IMPORT_EVENTS + 1)) + "]"
    with pytest.raises(EventFormatError) as info:
        read_events_to_import(text)
    assert str(info.value) == ("the file holds more than 10,000 events; import at most that many")
    csv_text = "start,title,countries\n" + "2025-01-01,x,India\n" * (MAX_IMPORT_EVENTS + 1)
    with pytest.raises(EventFormatError) as info:
        read_events_to_import(csv_text)
    assert "more than 10,000 events" in str(info.value)


def test_a_json_number_python_cannot_read_is_a_sentence():
    text = '[{"start": "2025-01-01", "title": "x", "id": ' + "1" * 5_000 + "}]"
    with pytest.raises(EventFormatError) as info:
        read_events_to_import(text)
    assert str(info.value).startswith("not JSON that can be read: Exceeds the limit")


# --- all or nothing, one sentence per rejected row --------------------------------------------

MIXED_CSV = (
    "start,end,title,countries,description\n"
    "2025-01-01,,Fine,India,\n"
    "2025-01-02,9999-12-31,Far end,India,\n"
    "2025-01-03,,Fine too,India,\n"
)


def test_a_mixed_csv_is_refused_with_one_sentence_for_the_bad_row():
    with pytest.raises(InvalidEventError) as info:
        read_events_to_import(MIXED_CSV)
    assert info.value.problems == [
        "The event in row 3 ('Far end') is rejected: "
        "The end (9999-12-31) must be between 1900-01-01 and 2100-12-31."
    ]


def test_every_bad_row_is_one_sentence_naming_it():
    text = (
        "start,end,title,countries,description\n"
        f"1899-12-31,,Old,India,\n"
        f"2025-01-01,,{'t' * 201},India,\n"
        f"2025-01-01,,Note,India,{'n' * 2_001}\n"
        "2025-01-01,,Good,India,\n"
        "29 Oct 2025,,Unreadable,India,\n"
        "2025-01-02,2025-01-01,,India,\n"
    )
    with pytest.raises(InvalidEventError) as info:
        read_events_to_import(text, "csv")
    assert info.value.problems == [
        "The event in row 2 ('Old') is rejected: "
        "The start (1899-12-31) must be between 1900-01-01 and 2100-12-31.",
        f"The event in row 3 ('{'t' * 39}…') is rejected: "
        "The title is 201 characters long; the limit is 200.",
        "The event in row 4 ('Note') is rejected: "
        "The description is 2,001 characters long; the limit is 2,000.",
        "The event in row 6 is rejected: start '29 Oct 2025' is not a date like 2025-10-29.",
        "The event in row 7 is rejected: "
        "The end (2025-01-01) is before the start (2025-01-02). A title is required.",
    ]


def test_json_rows_are_named_by_position():
    text = json.dumps(
        [
            {"start": "2025-01-01", "title": "Fine", "countries": ["India"]},
            {"start": "2025-01-01", "end": "9999-12-31", "title": "Far", "countries": ["India"]},
            5,
        ]
    )
    with pytest.raises(InvalidEventError) as info:
        read_events_to_import(text)
    assert info.value.problems == [
        "The event at position 2 ('Far') is rejected: "
        "The end (9999-12-31) must be between 1900-01-01 and 2100-12-31.",
        "The event at position 3 is rejected: each event must be an object.",
    ]


def test_the_listed_sentences_are_capped():
    text = "start,title,countries\n" + "2025-01-01,,India\n" * 25
    with pytest.raises(InvalidEventError) as info:
        read_events_to_import(text)
    problems = info.value.problems
    assert len(problems) == MAX_LISTED_PROBLEMS + 1
    assert problems[0] == "The event in row 2 is rejected: A title is required."
    assert problems[-1] == "…and 5 more rejected rows."


def test_a_valid_file_comes_back_normalised_and_checked():
    text = "start,end,title,countries\n2025-01-01,2025-01-01, Fine ,Turkey\n"
    (event,) = read_events_to_import(text)
    assert event == check_event(
        Event(start=dt.date(2025, 1, 1), title="Fine", countries=("Turkiye",))
    )
    assert (event.end, event.title, event.countries) == (None, "Fine", ("Turkiye",))


# --- the command line (in-process) -----------------------------------------------------------


@pytest.fixture
def store_path(tmp_path) -> Path:
    path = tmp_path / "arms.sqlite"
    Store(path)  # seeded with the three events
    return path


def run_cli(capsys, store_path: Path, *args: str) -> tuple[int, str, str]:
    status = cli_main(["--db", str(store_path), "events", "import", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_mixed_file_exits_2_and_imports_nothing(tmp_path, store_path, capsys):
    before = Store(store_path).events()
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(MIXED_CSV, encoding="utf-8")
    status, out, err = run_cli(capsys, store_path, str(mixed))
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        f"{mixed}: rejected, nothing imported:",
        "  The event in row 3 ('Far end') is rejected: "
        "The end (9999-12-31) must be between 1900-01-01 and 2100-12-31.",
    ]
    assert Store(store_path).events() == before


@pytest.mark.parametrize("text", [DEEP_LIST, DEEP_OBJECT])
def test_cli_deep_json_exits_2_with_one_sentence(tmp_path, store_path, capsys, text):
    deep = tmp_path / "deep.json"
    deep.write_text(text, encoding="utf-8")
    status, out, err = run_cli(capsys, store_path, str(deep))
    assert (status, out) == (2, "")
    assert err == f"{deep}: rejected, nothing imported: {TOO_DEEP}\n"


def test_cli_json_content_in_a_csv_named_file_is_read_by_format_option(
    tmp_path, store_path, capsys
):
    deep = tmp_path / "deep.txt"
    deep.write_text(DEEP_LIST, encoding="utf-8")
    status, _out, err = run_cli(capsys, store_path, "--format", "json", str(deep))
    assert status == 2 and TOO_DEEP in err


def test_cli_missing_file_is_a_sentence(tmp_path, store_path, capsys):
    status, _out, err = run_cli(capsys, store_path, str(tmp_path / "nope.json"))
    assert (status, err) == (2, f"{tmp_path / 'nope.json'}: rejected: there is no such file\n")


def test_cli_valid_file_is_imported(tmp_path, store_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text("start,title,countries\n2100-12-31,Last day,India\n", encoding="utf-8")
    status, out, err = run_cli(capsys, store_path, str(good))
    assert (status, out, err) == (0, f"{good}: added 1 event, 0 already stored\n", "")
    assert [e.start for e in Store(store_path).events() if e.title == "Last day"] == [
        dt.date(2100, 12, 31)
    ]


@pytest.mark.slow
def test_cli_deep_json_in_a_real_process_has_no_traceback(tmp_path, store_path):
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP_LIST, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "--db", str(store_path), "events", "import", str(deep)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (run.returncode, run.stdout, run.stderr) == (
        2,
        "",
        f"{deep}: rejected, nothing imported: {TOO_DEEP}\n",
    )


# --- the Events page (AppTest) ----------------------------------------------------------------


@pytest.fixture
def db(app_db) -> Path:
    """The shared store with its events seeded (tests/conftest.py app_db)."""
    return app_db


def open_events_page():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/events.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at) -> list[str]:
    # The pages escape punctuation for markdown; drop the escapes to compare the sentences.
    return [str(e.value).replace("\\", "") for e in at.error]


@pytest.mark.app
@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", "t" * 201, "The title is 201 characters long; the limit is 200."),
        (
            "description",
            "n" * 2_001,
            "The description is 2,001 characters long; the limit is 2,000.",
        ),
    ],
)
def test_page_form_refuses_text_over_the_limits(db, field, value, expected):
    before = Store(db).events()
    at = open_events_page()
    widget = at.text_area if field == "description" else at.text_input
    at.text_input(key="events_edit_new_title").set_value("Fine")
    at.text_input(key="events_edit_new_countries").set_value("India")
    widget(key=f"events_edit_new_{field}").set_value(value)
    at.button(key="events_edit_new_submit").click().run()
    assert not at.exception
    assert errors(at) == ["The event was not saved:", expected]
    assert Store(db).events() == before


@pytest.mark.app
def test_page_date_pickers_offer_only_the_allowed_dates(db):
    at = open_events_page()
    for name in ("start", "end"):
        picker = at.date_input(key=f"events_edit_new_{name}")
        assert (picker.min, picker.max) == (EARLIEST_DATE, LATEST_DATE)


@pytest.mark.app
def test_page_shows_an_event_stored_before_the_limits_and_refuses_to_save_it(db):
    # An event written before the limits existed (straight into SQLite) must not break the page.
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO events (start, end_date, title, category, countries)"
            " VALUES ('2025-01-01', '9999-12-31', 'Far end', 'other', '[\"India\"]')"
        )
    conn.close()
    event = next(e for e in Store(db).events() if e.title == "Far end")
    at = open_events_page()
    at.selectbox(key="events_edit_choice").set_value(str(event.id)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.date_input(key=f"events_edit_{event.id}_end").max == dt.date(9999, 12, 31)
    at.button(key=f"events_edit_{event.id}_submit").click().run()
    assert errors(at) == [
        "The event was not saved:",
        "The end (9999-12-31) must be between 1900-01-01 and 2100-12-31.",
    ]


@pytest.mark.app
def test_page_import_of_a_mixed_file_imports_nothing(db):
    before = Store(db).events()
    at = open_events_page()
    at.get("file_uploader")[0].set_value(("mixed.csv", MIXED_CSV.encode(), "text/csv")).run()
    at.button(key="events_import").click().run()
    assert not at.exception
    assert errors(at) == [
        "Nothing was imported: some rows could not be read or are not valid.\n\n"
        "- The event in row 3 ('Far end') is rejected: "
        "The end (9999-12-31) must be between 1900-01-01 and 2100-12-31."
    ]
    assert Store(db).events() == before


@pytest.mark.app
def test_page_import_of_deep_json_is_a_sentence(db):
    before = Store(db).events()
    at = open_events_page()
    upload = ("deep.json", DEEP_OBJECT.encode(), "application/json")
    at.get("file_uploader")[0].set_value(upload).run()
    at.button(key="events_import").click().run()
    assert not at.exception
    assert errors(at) == [f"The file could not be read ({TOO_DEEP}); nothing was imported."]
    assert Store(db).events() == before
