"""AppTest of the Data, Deals, Events and About pages: rendering, uploads, edits and search."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tomllib
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis import store as store_module
from analysis.store import Store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "sipri-samples"
PAGES = ["pages/data.py", "pages/deals.py", "pages/events.py", "pages/about.py"]


def plain(text: str) -> str:
    """Page text without the markdown escapes the pages put before punctuation."""
    return text.replace("\\", "")


def texts(at: AppTest, kind: str) -> list[str]:
    return [plain(str(element.value)) for element in at.get(kind)]


def frame_with(at: AppTest, column: str):
    """The first table shown with ``column`` (AppTest does not expose dataframe keys)."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a {column!r} column")


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """A fresh store for the app (ARMS_DB) and empty Streamlit caches."""
    path = tmp_path / "arms.sqlite"
    monkeypatch.setenv("ARMS_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    Store(path)  # create it (and seed the events) before the app runs
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def file_digest(path: Path) -> str:
    """sha256 of the store file and its write-ahead log (committed rows may sit in the WAL)."""
    digest = hashlib.sha256()
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


def upload(at: AppTest, *names: str) -> AppTest:
    files = [(name, (DATA / name).read_bytes(), "text/csv") for name in names]
    at.get("file_uploader")[0].set_value(files).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --------------------------------------------------------------------------- rendering


def test_pages_render_with_seed_only(db):
    at = open_page("pages/data.py")
    assert any("No dataset is stored yet" in t for t in texts(at, "info"))
    assert at.get("file_uploader")[0].accept_multiple_files
    assert any("200 MB per file" in t for t in texts(at, "caption"))

    at = open_page("pages/deals.py")
    assert any("trade register" in t and "Data" in t for t in texts(at, "info"))

    at = open_page("pages/events.py")
    titles = list(frame_with(at, "Title")["Title"])
    assert "Putin's visit to New Delhi" in titles
    assert "Indian defence-industry delegation in Moscow" in titles

    at = open_page("pages/about.py")
    body = " ".join(texts(at, "markdown"))
    assert "not sale prices" in body and "ships\nno SIPRI export files" in body
    assert "SIPRI Arms Transfers Database" in at.code[0].value
    assert "data generated" not in at.code[0].value


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    """Every real sample imported once into a store the sample tests copy."""
    if not SAMPLES.is_dir() or not any(SAMPLES.glob("*.csv")):
        pytest.skip("../shared/sipri-samples/ is not present")
    path = tmp_path_factory.mktemp("samples") / "arms.sqlite"
    store = Store(path)
    for sample in sorted(SAMPLES.glob("*.csv")):
        store.import_bytes(sample.name, sample.read_bytes())
    return path


@pytest.mark.samples
@pytest.mark.parametrize("page", PAGES)
def test_pages_render_with_samples(page, sample_store, db):
    for suffix in ("", "-wal"):
        source = sample_store.with_name(sample_store.name + suffix)
        if source.exists():
            shutil.copyfile(source, db.with_name(db.name + suffix))
    stored = Store(db).datasets()
    assert len(stored) >= 5
    at = open_page(page)
    if page == "pages/data.py":
        table = frame_with(at, "Uploaded (UTC)")
        assert set(table["File"]) == set(stored["file_name"])
    elif page == "pages/deals.py":
        assert at.selectbox(key="deals_recipient").value == "India"
        assert len(frame_with(at, "Designation")) > 0
        assert len(frame_with(at, "TIV not yet delivered (millions)")) > 0
    elif page == "pages/about.py":
        assert "10 Oct 2024" in at.code[0].value and "13 Mar 2025" in at.code[0].value


# --------------------------------------------------------------------------- Data page


def test_upload_shows_preview_and_save_stores_it(db):
    at = upload(
        open_page("pages/data.py"), "tiv_table_india_by_supplier.csv", "register_cp1252.csv"
    )
    metrics = {(m.label, m.value) for m in at.metric}
    # The layout is a phrase: a line of text, not a card that cuts it off.
    assert "Layout" not in {label for label, _ in metrics}
    understood = [t for t in texts(at, "markdown") if t.startswith("**Understood as:**")]
    assert understood == [  # each file's layout, in upload order ("per deal" alone would also
        # match the per-delivery register's "one row per deal and delivery year")
        "**Understood as:** TIV table (yearly volume of transfers)",
        "**Understood as:** trade register, one row per deal",
    ]
    assert ("Data generated (vintage)", "2024-10-10") in metrics
    assert ("Deals", "5") in metrics
    assert ("Deals", "–") in metrics  # a TIV table lists no deals: not "0"
    assert any("Read as cp1252" in t for t in texts(at, "markdown"))
    assert Store(db).datasets().empty  # nothing is stored before Save

    at.button(key="data_save_all").click().run()
    assert not at.exception
    stored = Store(db).datasets()
    assert sorted(stored["file_name"]) == ["register_cp1252.csv", "tiv_table_india_by_supplier.csv"]
    expected = hashlib.sha256((DATA / "register_cp1252.csv").read_bytes()).hexdigest()
    assert expected in set(stored["sha256"])
    assert any("stored as dataset" in t for t in texts(at, "success"))
    table = frame_with(at, "Uploaded (UTC)").set_index("File")
    deals = stored.set_index("file_name")["n_deals"]
    assert str(table.loc["register_cp1252.csv", "Deals"]) == str(deals["register_cp1252.csv"])
    assert table.loc["tiv_table_india_by_supplier.csv", "Deals"] == "–"  # no deals, not 0


def test_single_save_button_then_delete(db):
    at = upload(open_page("pages/data.py"), "register_cp1252.csv")
    [save] = [b for b in at.button if b.label == "Save"]
    save.click().run()
    stored = Store(db).datasets()
    assert list(stored["file_name"]) == ["register_cp1252.csv"]
    # One message for one upload: "stored", not also "already stored" under the preview.
    dataset = int(stored["id"].iloc[0])
    assert texts(at, "success") == [f"register_cp1252.csv: stored as dataset {dataset}."]
    assert not any("already stored" in t for t in texts(at, "info"))
    at.run()  # the next run: the message is gone, the preview says it is stored
    assert any("already stored as dataset" in t for t in texts(at, "info"))

    assert at.button(key="data_delete").disabled  # no delete without the confirmation
    at.checkbox(key="data_delete_confirm").check().run()
    at.button(key="data_delete").click().run()
    assert not at.exception
    assert Store(db).datasets().empty
    assert any("deleted" in t for t in texts(at, "success"))


def test_bad_file_is_a_sentence_and_leaves_the_store_unchanged(db):
    at = open_page("pages/data.py")
    before = file_digest(db)
    at = upload(at, "bad_not_sipri.csv")
    errors = texts(at, "error")
    assert len(errors) == 1
    assert "bad_not_sipri.csv: rejected: line 1: This is not a SIPRI" in errors[0]
    assert "Traceback" not in errors[0]
    assert not at.get("button") or all(b.label != "Save" for b in at.button)
    assert file_digest(db) == before
    assert Store(db).datasets().empty


# --------------------------------------------------------------------------- Events page


def _seed_event(db: Path, title: str):
    return next(e for e in Store(db).events() if e.title == title)


def test_editing_an_event_title_persists(db):
    event = _seed_event(db, "Putin's visit to New Delhi")
    at = open_page("pages/events.py")
    at.selectbox(key="events_edit_choice").set_value(str(event.id)).run()
    prefix = f"events_edit_{event.id}"
    assert at.text_input(key=f"{prefix}_title").value == event.title
    at.text_input(key=f"{prefix}_title").set_value("Putin in New Delhi (summit)")
    at.button(key=f"{prefix}_submit").click().run()
    assert not at.exception
    stored = {e.id: e for e in Store(db).events()}
    assert stored[event.id].title == "Putin in New Delhi (summit)"
    assert stored[event.id].start == event.start  # the other fields are kept
    assert "Putin in New Delhi (summit)" in list(frame_with(at, "Title")["Title"])


def test_invalid_url_and_end_before_start_are_refused(db):
    event = _seed_event(db, "Putin's visit to New Delhi")
    before = Store(db).events()
    at = open_page("pages/events.py")
    at.selectbox(key="events_edit_choice").set_value(str(event.id)).run()
    prefix = f"events_edit_{event.id}"
    at.text_input(key=f"{prefix}_url").set_value("javascript:alert(1)")
    at.date_input(key=f"{prefix}_end").set_value(event.start.replace(day=1))
    at.button(key=f"{prefix}_submit").click().run()
    assert not at.exception
    errors = texts(at, "error")
    assert any("must start with http:// or https://" in t for t in errors)
    assert any("is before the start" in t for t in errors)
    assert Store(db).events() == before


def test_adding_an_event_without_title_is_refused_then_added(db):
    count = len(Store(db).events())
    at = open_page("pages/events.py")
    at.text_input(key="events_edit_new_countries").set_value("India")
    at.button(key="events_edit_new_submit").click().run()
    assert any("A title is required." in t for t in texts(at, "error"))
    assert len(Store(db).events()) == count
    at.text_input(key="events_edit_new_title").set_value("Rafale-M order")
    at.button(key="events_edit_new_submit").click().run()
    assert not at.exception
    assert [e.countries for e in Store(db).events() if e.title == "Rafale-M order"] == [("India",)]


def test_events_filter_by_country_from_url(db):
    at = open_page("pages/events.py", country="Ukraine")
    titles = list(frame_with(at, "Title")["Title"])
    # Only the invasion names Ukraine (it is also global); the 2025 visits concern India/Russia.
    assert titles == ["Russia's full-scale invasion of Ukraine"]


# --------------------------------------------------------------------------- Deals page


@pytest.fixture
def register_db(db) -> Path:
    outcome = Store(db).import_bytes(
        "register_cp1252.csv", (DATA / "register_cp1252.csv").read_bytes()
    )
    assert outcome.status == "stored"
    return db


def test_deals_search_finds_the_mig29k_deal(register_db):
    at = open_page("pages/deals.py")
    assert len(frame_with(at, "Designation")) == 5
    at.text_input(key="deals_query").set_value("mig-29k").run()
    table = frame_with(at, "Designation")
    assert list(table["Designation"]) == ["MiG-29K"]
    assert list(table["Supplier"]) == ["Russia"]
    assert list(table["Year(s) of delivery"]) == ["2011; 2012"]
    assert at.query_params["q"] == "mig-29k"


def test_deals_search_is_literal_and_restored_from_url(register_db):
    at = open_page("pages/deals.py", q="MiG-29K (")
    assert at.text_input(key="deals_query").value == "MiG-29K ("
    assert frame_with(at, "Designation").empty  # "(" is text, not a broken regex
    at = open_page("pages/deals.py", q=".")
    # "." matches only a literal dot: the one in Rafale's comment "EUR7.9 b deal".
    assert list(frame_with(at, "Designation")["Designation"]) == ["Rafale"]


def test_deals_supplier_filter_and_pipeline(register_db):
    at = open_page("pages/deals.py", suppliers="France")
    table = frame_with(at, "Designation")
    assert list(table["Designation"]) == ["Rafale"]
    pipeline = frame_with(at, "TIV not yet delivered (millions)")
    assert list(pipeline["Supplier"]) == ["France"]


def test_deleting_an_event_needs_confirmation(db):
    event = _seed_event(db, "Putin's visit to New Delhi")
    at = open_page("pages/events.py")
    at.selectbox(key="events_edit_choice").set_value(str(event.id)).run()
    assert at.button(key=f"events_delete_{event.id}").disabled
    at.checkbox(key=f"events_delete_confirm_{event.id}").check().run()
    at.button(key=f"events_delete_{event.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert event.id not in {e.id for e in Store(db).events()}
    assert at.selectbox(key="events_edit_choice").value == "new"


def test_events_import_from_csv_file(db):
    from analysis.event_files import events_to_csv
    from analysis.events import Event

    fresh = Event(
        start=dt.date(2024, 7, 8),
        title="=Modi in Moscow",  # formula-looking: neutralised in the file, restored on import
        category="visit",
        countries=("India", "Russia"),
        source_url="https://example.org/modi",
    )
    at = open_page("pages/events.py")
    csv_bytes = events_to_csv([fresh]).encode("utf-8")
    assert b"'=Modi" in csv_bytes
    at.get("file_uploader")[0].set_value(("events.csv", csv_bytes, "text/csv")).run()
    at.button(key="events_import").click().run()
    assert not at.exception
    assert any("1 event(s) imported" in t for t in texts(at, "success"))
    assert [e.start for e in Store(db).events() if e.title == "=Modi in Moscow"] == [fresh.start]


def test_events_import_of_a_broken_file_is_a_sentence(db):
    before = Store(db).events()
    at = open_page("pages/events.py")
    broken = b"start,title\nnot a date,x\n"
    at.get("file_uploader")[0].set_value(("events.csv", broken, "text/csv")).run()
    at.button(key="events_import").click().run()
    assert not at.exception
    assert any("could not be read" in t and "row 2" in t for t in texts(at, "error"))
    assert Store(db).events() == before


# --------------------------------------------------------------------------- limits, hostile text


def test_upload_limit_matches_the_server_config():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == store_module.MAX_UPLOAD_MB


def test_file_above_the_limit_is_refused_with_a_message(db, monkeypatch):
    monkeypatch.setattr(store_module, "MAX_UPLOAD_MB", 1)
    at = open_page("pages/data.py")
    big = (DATA / "tiv_table_india_by_supplier.csv").read_bytes() + b"\n" * (1536 * 1024)
    at.get("file_uploader")[0].set_value(("big.csv", big, "text/csv")).run()
    errors = texts(at, "error")
    assert any("above the upload limit of 1 MB" in t for t in errors), errors
    assert Store(db).datasets().empty


def test_markup_in_file_text_is_shown_as_text(db):
    hostile = "<img src=x onerror=alert(1)> [click](https://evil.example)"
    data = (DATA / "tiv_table_india_by_supplier.csv").read_text().replace("Turkey", hostile)
    at = open_page("pages/data.py")
    at.get("file_uploader")[0].set_value(("x.csv", data.encode(), "text/csv")).run()
    assert not at.exception
    shown = [
        str(e.value)
        for kind in ("markdown", "warning", "error", "info")
        for e in at.get(kind)
        if "onerror" in str(e.value)
    ]
    assert shown, "the hostile name should be listed (as an unknown name or in a note)"
    for value in shown:
        # The markup characters of the name reach the page backslash-escaped: \<img, \]\(
        assert hostile not in value
        assert "\\<img" in value and "\\[click\\]\\(https" in value, value


def test_same_file_twice_in_one_upload_is_previewed_once(db):
    at = upload(open_page("pages/data.py"), "register_cp1252.csv", "register_cp1252.csv")
    assert [b.label for b in at.button if b.label.startswith("Save")] == ["Save"]
    assert any("same content as a file above" in t for t in texts(at, "caption"))
