"""The store, on SQLite and on PostgreSQL (``store_target``): datasets in and out with their
dtypes, dedup, rejections, events CRUD, versions, locks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import threading
import uuid
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import schema, store
from analysis.event_files import load_seed_events
from analysis.events import Event, InvalidEventError
from analysis.sipri import SipriExport, SipriFormatError
from analysis.store import Store, StoreError, describe_export, migrations, pg
from analysis.store import datasets as store_datasets
from analysis.store import db as store_db
from analysis.store import intake as store_intake

from .conftest import examples, pg_admin

DATA = Path(__file__).resolve().parent / "data"


def make_flows() -> pd.DataFrame:
    return schema.coerce_flows(
        pd.DataFrame(
            {
                "recipient": ["India", "India", None],
                "supplier": ["Russia", "France", "Russia"],
                "year": [2019, 2019, 2020],
                "tiv": [1205.0, 0.0, 3.5],
                "category": [None, None, "Aircraft"],
            }
        )
    )


def make_deals() -> pd.DataFrame:
    return schema.coerce_deals(
        pd.DataFrame(
            {
                "deal_id": [7, 8],
                "recipient": ["India", "India"],
                "supplier": ["Russia", "France"],
                "order_year": [2001, None],
                "number_ordered": [10.0, None],
                "designation": ["MiG-29", "Rafale"],
                "description": ["fighter aircraft", None],
                "category": ["Aircraft", "Aircraft"],
                "number_delivered": [10.0, 0.0],
                "delivery_years": [[2003, 2004], []],
                "status": ["New", "New"],
                "comments": ["$79 m deal; MSFV version", None],
                "tiv_unit": [1.5, None],
                "tiv_order": [15.0, None],
                "tiv_delivered": [15.0, 0.0],
                "order_year_uncertain": [False, True],
                "number_ordered_uncertain": [None, False],
                "number_delivered_uncertain": [False, False],
                "delivery_uncertain": [False, None],
                "local_production": [True, None],
            }
        )
    )


def make_export(**changes) -> SipriExport:
    export = SipriExport(
        layout="register",
        generated=dt.date(2025, 3, 13),
        flows=make_flows(),
        deals=make_deals(),
        notes=["a note", "another"],
        title="Transfers of major conventional arms",
        countries=["India"],
        unknown_names=["Atlantis"],
    )
    return dataclasses.replace(export, **changes)


@pytest.fixture
def db(store_target) -> Store:
    return Store(store_target)


@pytest.fixture
def sqlite_db(tmp_path) -> Store:
    return Store(tmp_path / "store" / "arms.sqlite")


# --- opening ----------------------------------------------------------------------------------


def test_a_new_store_creates_its_folder_uses_wal_and_is_versioned(tmp_path):
    db = Store(tmp_path / "a" / "b" / "arms.sqlite")
    assert db.path.is_file()
    conn = sqlite3.connect(db.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    finally:
        conn.close()
    assert db.integrity_check() == "ok"


def test_the_path_comes_from_arms_db_else_the_project_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ARMS_DB", str(tmp_path / "env.sqlite"))
    assert Store().path == tmp_path / "env.sqlite"
    monkeypatch.delenv("ARMS_DB")
    assert (
        store.default_db_path()
        == Path(store.__file__).resolve().parents[2] / "data" / "arms.sqlite"
    )


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "arms.sqlite"
    Store(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer version"):
        Store(path)


@pytest.mark.slow
def test_arms_db_takes_a_postgresql_url_and_never_shows_its_password(pg_url, monkeypatch):
    monkeypatch.setenv("ARMS_DB", pg_url)
    first = Store()
    assert (first.dialect, first.path) == ("postgresql", None)
    assert first.location == pg_url  # the test server has no password
    secret = pg_url.replace("arms@", "arms:s3cret@")
    monkeypatch.setattr(pg, "CONNECT_RETRY_SECONDS", 0.0)
    with pytest.raises(StoreError) as caught:
        Store(secret.rsplit("/", 1)[0] + "/no_such_database", source="--db")
    error = caught.value
    assert error.kind == "cannot_open" and "cannot be reached" in str(error)
    assert str(error).startswith("--db points at the PostgreSQL database no_such_database, which")
    assert "s3cret" not in str(error) and "s3cret" not in error.detail
    assert "127.0.0.1" in error.detail and "127.0.0.1" not in str(error)


def test_a_database_url_of_another_kind_is_one_sentence():
    with pytest.raises(StoreError, match="is a mysql database: this dashboard stores in a SQLite"):
        Store("mysql://u:p@localhost/arms")


@pytest.mark.slow
def test_a_postgresql_store_from_a_newer_version_is_refused(pg_url):
    Store(pg_url)
    with pg_admin(pg_url) as conn:
        conn.execute(
            "UPDATE meta SET value = %s WHERE key = 'schema_version'",
            (str(store.SCHEMA_VERSION + 1),),
        )
    expected = f"store schema {store.SCHEMA_VERSION + 1}; this version reads schema"
    with pytest.raises(StoreError, match=expected) as caught:
        Store(pg_url)
    assert caught.value.kind == "newer_version"


@pytest.mark.slow
def test_a_postgresql_database_of_another_program_is_refused_and_left_alone(pg_url):
    with pg_admin(pg_url) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    with pytest.raises(StoreError, match="holds tables of another program") as caught:
        Store(pg_url)
    assert caught.value.kind == "not_a_store"
    with pg_admin(pg_url) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    assert tables == [("notes",)]


# --- datasets ---------------------------------------------------------------------------------


def test_stored_rows_come_back_with_the_declared_dtypes(db):
    outcome = db.store_export("india.csv", b"bytes of india.csv", make_export())
    assert (outcome.status, outcome.dataset_id, outcome.ok) == ("stored", 1, True)
    flows = db.flows().frame
    assert list(flows.columns) == [
        *schema.FLOW_COLUMNS,
        "dataset_id",
        "vintage",
        "scope",
        "layout",
    ]
    pd.testing.assert_frame_equal(flows[schema.FLOW_COLUMNS], make_flows())
    assert flows["dataset_id"].dtype == "Int64" and flows["dataset_id"].tolist() == [1, 1, 1]
    assert flows["vintage"].tolist() == ["2025-03-13"] * 3
    assert flows["scope"].tolist() == [make_export().scope] * 3
    deals = db.deals()
    pd.testing.assert_frame_equal(deals[schema.DEAL_COLUMNS], make_deals())
    assert deals["delivery_years"].tolist() == [[2003, 2004], []]


def test_the_datasets_table_describes_each_upload(db):
    db.store_export("dir/india.csv", b"12345", make_export())
    db.store_export("undated.csv", b"678", make_export(generated=None, deals=None, notes=[]))
    table = db.datasets()
    assert list(table.columns) == store.DATASET_COLUMNS
    first, second = table.to_dict("records")
    assert first["file_name"] == "india.csv"  # folders are dropped from uploaded names
    assert first["sha256"] == "5994471abb01112afcc18159f6cc74b4f511b99806da59b3caf5a9c173cacfc5"
    assert (first["layout"], first["vintage"], first["n_flows"], first["n_deals"]) == (
        "register",
        "2025-03-13",
        3,
        2,
    )
    assert first["notes"] == ["a note", "another"]
    assert first["countries"] == ["India"] and first["unknown_names"] == ["Atlantis"]
    assert first["size_bytes"] == 5
    assert dt.datetime.fromisoformat(first["uploaded_at"]).tzinfo is not None
    assert pd.isna(second["vintage"]) and second["n_deals"] == 0 and second["notes"] == []
    assert db.deals([2]).empty


def test_flows_can_be_restricted_to_some_datasets(db):
    db.store_export("a.csv", b"a", make_export())
    other = make_flows().assign(recipient="Egypt")
    db.store_export("b.csv", b"b", make_export(flows=other, generated=None))
    assert db.flows([2]).frame["recipient"].tolist() == ["Egypt"] * 3
    assert db.flows([2]).frame["vintage"].isna().all()
    assert len(db.flows().frame) == 6 and len(db.flows([1, 2]).frame) == 6
    empty = db.flows([]).frame
    assert empty.empty
    assert empty.dtypes.to_dict() == db.flows().frame.dtypes.to_dict()


def test_the_same_bytes_are_stored_once(db):
    first = db.store_export("a.csv", b"same", make_export())
    token = db.state_token()
    again = db.store_export("renamed.csv", b"same", make_export())
    assert (again.status, again.dataset_id, again.ok) == ("duplicate", first.dataset_id, True)
    assert again.message == "renamed.csv: already stored as dataset 1."
    assert len(db.datasets()) == 1
    assert db.state_token() == token


def test_remove_deletes_a_dataset_and_its_rows(db):
    db.store_export("a.csv", b"a", make_export())
    db.store_export("b.csv", b"b", make_export())
    assert db.remove(1) is True
    assert db.datasets()["id"].tolist() == [2]
    assert set(db.flows().frame["dataset_id"]) == {2} and set(db.deals()["dataset_id"]) == {2}
    assert db.remove(1) is False
    # Ids are never reused, so "remove ID" always means one upload.
    assert db.store_export("a.csv", b"a", make_export()).dataset_id == 3


def test_the_state_token_changes_with_every_write_and_only_then(db):
    tokens = [db.state_token()]
    db.store_export("a.csv", b"a", make_export())
    tokens.append(db.state_token())
    db.flows().frame, db.deals(), db.datasets(), db.events()
    assert db.state_token() == tokens[-1]
    event_id = db.add_event(Event(start=dt.date(2024, 1, 1), title="x", countries=("India",)))
    tokens.append(db.state_token())
    db.delete_event(event_id)
    tokens.append(db.state_token())
    db.remove(1)
    tokens.append(db.state_token())
    assert len(set(tokens)) == len(tokens)


def test_a_recreated_store_file_gets_a_new_token(tmp_path):
    path = tmp_path / "arms.sqlite"
    first = Store(path).state_token()
    path.unlink()
    assert Store(path).state_token() != first


def test_import_bytes_parses_and_stores_a_sipri_file(db):
    data = (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    outcome = db.import_bytes("tiv_table_india_by_supplier.csv", data)
    assert outcome.status == "stored", outcome.reason
    assert outcome.export.layout == "tiv_table"
    flows = db.flows().frame
    russia_2009 = flows[(flows["supplier"] == "Russia") & (flows["year"] == 2009)]
    assert russia_2009["tiv"].tolist() == [100.0]
    assert russia_2009["recipient"].tolist() == ["India"]
    assert flows["vintage"].unique().tolist() == ["2024-10-10"]
    assert db.import_bytes("copy.csv", data).status == "duplicate"


def test_a_file_that_is_not_sipri_is_rejected_with_the_loaders_reason(db):
    outcome = db.import_bytes("picture.csv", (DATA / "bad_png.csv").read_bytes())
    assert (outcome.status, outcome.ok, outcome.dataset_id) == ("rejected", False, None)
    assert "PNG" in outcome.reason
    assert outcome.message.startswith("picture.csv: rejected: ")
    assert db.datasets().empty


def test_uploads_above_the_limit_are_rejected_before_parsing(db, monkeypatch):
    def fail(*args):  # the loader must not even run
        raise AssertionError("parsed")

    monkeypatch.setattr(store_intake, "parse_upload", fail)
    outcome = db.import_bytes("big.csv", b"x" * 11, max_bytes=10)
    assert outcome.status == "rejected"
    assert "above the upload limit" in outcome.reason
    assert store.MAX_UPLOAD_MB == 200 and store.MAX_UPLOAD_BYTES == 200 * 1024 * 1024


def test_a_loader_crash_becomes_a_rejection_not_a_traceback(db, monkeypatch):
    def crash(file_name, data):
        raise KeyError("boom")

    monkeypatch.setattr(store_intake, "parse_upload", crash)
    outcome = db.import_bytes("x.csv", b"x")
    assert outcome.status == "rejected"
    assert "loader error KeyError" in outcome.reason


def test_the_loader_is_called_once_with_the_upload_and_its_name(db, monkeypatch):
    calls = []

    def fake(file_name, data):
        calls.append((file_name, data))
        return make_export()

    monkeypatch.setattr(store_intake, "parse_upload", fake)
    assert db.import_bytes("C:\\Users\\me\\TIV-Import-IND.csv", b"x").status == "stored"
    assert calls == [("TIV-Import-IND.csv", b"x")]
    assert db.import_bytes("again.csv", b"x").status == "duplicate"
    assert len(calls) == 1  # a duplicate is found by its checksum, without parsing


def test_an_export_breaking_the_tidy_contract_is_rejected_without_writing(db):
    token = db.state_token()
    bad = make_flows().assign(year=["x", "y", "z"])
    outcome = db.store_export("a.csv", b"a", make_export(flows=bad))
    assert outcome.status == "rejected" and "tidy table" in outcome.reason
    assert db.state_token() == token and db.datasets().empty


def test_preview_parses_without_storing(db, monkeypatch):
    monkeypatch.setattr(store_intake, "parse_upload", lambda name, data: make_export())
    token = db.state_token()
    preview = db.preview("a.csv", b"a")
    assert (preview.status, preview.dataset_id) == ("preview", None)
    assert describe_export(preview.export)[:3] == [
        "layout: register",
        "vintage: 2025-03-13",
        "rows: 3 flows, 2 deals",
    ]
    assert db.state_token() == token and db.datasets().empty
    saved = db.store_export(preview.file_name, b"a", preview.export)
    assert saved.status == "stored"
    assert db.preview("a.csv", b"a").dataset_id == saved.dataset_id


def test_preview_reports_rejections(db, monkeypatch):
    def refuse(name, data):
        raise SipriFormatError("no SIPRI header row", 3)

    monkeypatch.setattr(store_intake, "parse_upload", refuse)
    outcome = db.preview("a.csv", b"a")
    assert (outcome.status, outcome.reason) == ("rejected", "line 3: no SIPRI header row")


def test_progress_is_reported_up_to_one(db, monkeypatch):
    monkeypatch.setattr(store_datasets, "INSERT_CHUNK_ROWS", 2)
    seen = []
    db.store_export("a.csv", b"a", make_export(), progress=seen.append)
    assert seen == [0.4, 0.6, 1.0, 1.0]


def test_describe_export_lists_what_was_understood():
    lines = describe_export(make_export(generated=None, deals=None, countries=[]))
    assert lines == [
        "layout: register",
        "vintage: unknown",
        "rows: 3 flows, 0 deals",
        "title: Transfers of major conventional arms",
        "countries: -",
        "note: a note",
        "note: another",
        "unknown names: Atlantis",
    ]


_flow_frames = st.lists(
    st.tuples(
        st.none() | st.text(max_size=8),
        st.none() | st.text(max_size=8),
        st.integers(min_value=schema.MIN_YEAR, max_value=schema.MAX_YEAR),
        st.floats(min_value=0, max_value=1e6, allow_nan=False),
        st.none() | st.sampled_from(["Aircraft", "Ships"]),
    ),
    max_size=8,
).map(lambda rows: schema.coerce_flows(pd.DataFrame(rows, columns=schema.FLOW_COLUMNS)))


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # one store for all examples
)
@given(frames=st.lists(_flow_frames, min_size=1, max_size=3))
def test_any_flows_come_back_exactly_per_dataset(db, frames):
    ids = []
    for i, frame in enumerate(frames):
        outcome = db.store_export(f"{i}.csv", uuid.uuid4().bytes, make_export(flows=frame))
        if any("\x00" in str(v) for v in frame[["recipient", "supplier"]].stack()):
            assert outcome.status == "rejected" and "NUL character" in outcome.reason
            continue
        assert outcome.status == "stored", outcome.reason
        ids.append((outcome.dataset_id, frame))
    for dataset_id, frame in ids:
        got = db.flows([dataset_id]).frame[schema.FLOW_COLUMNS]
        pd.testing.assert_frame_equal(got, frame)


def test_a_text_cell_with_a_nul_character_is_rejected_without_writing(db):
    token = db.state_token()
    bad = make_flows().assign(supplier=["Russia", "Fra\x00nce", None])
    outcome = db.store_export("a.csv", b"a", make_export(flows=bad))
    assert outcome.status == "rejected"
    assert outcome.reason == (
        "the rows do not fit the tidy table: a text cell holds a NUL character (U+0000)"
    )
    assert db.state_token() == token and db.datasets().empty


# --- events -----------------------------------------------------------------------------------


def test_a_new_store_is_seeded_once_and_deletions_stay_deleted(store_target):
    path = store_target
    db = Store(path)
    stored = db.events()
    assert [e.without_id() for e in stored] == load_seed_events()
    assert all(e.id is not None for e in stored)
    assert db.delete_event(stored[0].id) is True
    assert db.delete_event(stored[0].id) is False
    assert [e.id for e in Store(path).events()] == [e.id for e in stored[1:]]


def test_events_are_added_updated_and_deleted(db):
    event_id = db.add_event(
        Event(
            start=dt.date(2018, 10, 5),
            title=" S-400 agreement ",
            category="agreement",
            countries=("India", "Russia"),
            id=999,  # ignored: the store gives ids
        )
    )
    (added,) = [e for e in db.events() if e.id == event_id]
    assert added.title == "S-400 agreement" and event_id != 999
    db.update_event(dataclasses.replace(added, countries=("Turkey",), end=dt.date(2018, 10, 6)))
    (changed,) = [e for e in db.events() if e.id == event_id]
    assert changed.countries == ("Turkiye",) and changed.end == dt.date(2018, 10, 6)
    with pytest.raises(KeyError):
        db.update_event(dataclasses.replace(changed, id=12345))
    with pytest.raises(KeyError):
        db.update_event(dataclasses.replace(changed, id=None))
    assert db.delete_event(event_id) is True
    assert event_id not in {e.id for e in db.events()}


def test_invalid_events_are_refused_and_nothing_is_written(db):
    token = db.state_token()
    bad = Event(start=dt.date(2020, 1, 2), end=dt.date(2020, 1, 1), title="", countries=("India",))
    with pytest.raises(InvalidEventError) as info:
        db.add_event(bad)
    assert len(info.value.problems) == 2
    first = db.events()[0]
    with pytest.raises(InvalidEventError):
        db.update_event(dataclasses.replace(first, source_url="javascript:alert(1)"))
    assert db.state_token() == token and db.events()[0] == first


def test_importing_events_skips_those_already_stored_and_is_all_or_nothing(db):
    seed = db.events()
    new = Event(start=dt.date(2019, 1, 1), title="New", countries=("India",))
    assert db.import_events([*seed, new]) == (1, 3)
    assert db.import_events([new]) == (0, 1)
    bad = Event(start=dt.date(2019, 1, 1), title="", countries=("India",))
    other = Event(start=dt.date(2019, 2, 2), title="Other", countries=("India",))
    with pytest.raises(InvalidEventError) as info:
        db.import_events([other, bad])
    assert info.value.problems == ["event 2 (''): A title is required."]
    assert len(db.events()) == 4


# --- locks ------------------------------------------------------------------------------------


class WriteLock:
    """Another connection holding the store's write lock: SQLite's BEGIN IMMEDIATE, or the
    advisory lock every PostgreSQL write transaction takes first."""

    def __init__(self, db: Store) -> None:
        if db.dialect == "sqlite":
            self.conn = sqlite3.connect(db.path, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn = pg_admin(db.location)
            self.conn.autocommit = False
            self.conn.execute(f"SELECT pg_advisory_xact_lock({pg.WRITE_LOCK_KEY})")

    def release(self) -> None:
        if self.conn is not None:
            if isinstance(self.conn, sqlite3.Connection):
                self.conn.execute("ROLLBACK")
            else:
                self.conn.rollback()
            self.conn.close()
            self.conn = None


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_a_lock_outlasting_the_retries_becomes_a_sentence_not_database_is_locked(db, monkeypatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_SECONDS", 0.0)
    monkeypatch.setattr(store_db, "LOCK_RETRY_SECONDS", 0.2)
    holder = WriteLock(db)
    try:
        with pytest.raises(store.StoreBusyError, match="stayed busy with other imports"):
            db.add_event(Event(start=dt.date(2024, 1, 1), title="x", countries=("India",)))
    finally:
        holder.release()
    assert len(db.events()) == 3


@pytest.mark.slow
def test_a_postgresql_write_waits_for_the_lock_holder_then_goes_through(pg_url):
    db = Store(pg_url)
    holder = WriteLock(db)
    result = {}

    def add():
        result["id"] = db.add_event(
            Event(start=dt.date(2024, 1, 1), title="x", countries=("India",))
        )

    writer = threading.Thread(target=add)
    writer.start()
    with pg_admin(pg_url) as watcher:  # until the writer is queued behind the holder
        while not watcher.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchall():
            writer.join(0.05)
            assert writer.is_alive(), result
    holder.release()
    writer.join()
    assert result["id"] in {e.id for e in db.events()}


def test_a_write_retries_until_the_lock_is_released(sqlite_db, monkeypatch):
    # With no sqlite busy wait at all, only the store's own retry loop can get the write through.
    db = sqlite_db
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_SECONDS", 0.0)
    holder = _hold_write_lock(db.path)
    attempts = []
    original = store_db.Database._connect

    def counting_connect(self):
        attempts.append(1)
        if len(attempts) == 3:  # release the lock only after two failed attempts
            holder.execute("ROLLBACK")
        return original(self)

    monkeypatch.setattr(store_db.Database, "_connect", counting_connect)
    try:
        event_id = db.add_event(Event(start=dt.date(2024, 1, 1), title="x", countries=("India",)))
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
    assert len(attempts) >= 3
    assert event_id in {e.id for e in db.events()}


@pytest.mark.samples
def test_a_real_india_export_comes_back_exactly_as_the_loader_read_it(db, sample_path):
    from analysis.sipri import read_sipri

    path = sample_path("EXTRACT_new_tiv_INDIA-imports-by-supplier")
    outcome = db.import_bytes(path.name, path.read_bytes())
    assert outcome.status == "stored", outcome.reason
    pd.testing.assert_frame_equal(db.flows().frame[schema.FLOW_COLUMNS], read_sipri(path).flows)
    assert db.datasets()["vintage"].tolist() == ["2024-10-10"]


def test_flows_carry_sipri_total_rows_so_shares_match_sipri(store_target):
    """The Total row travels through the store: period shares divide by it."""
    from analysis.results import SipriTotal
    from analysis.shares import period_shares

    store = Store(store_target)
    data = (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    outcome = store.import_bytes("india.csv", data)
    assert outcome.ok
    flows = store.flows()
    total = SipriTotal("India", None, 2013, 550.0, "import", outcome.dataset_id)
    assert total in flows.totals
    assert set(flows.frame["scope"]) == {"imports"}
    shares = period_shares(flows, "India", [(2009, 2013)]).table.set_index("supplier")["share"]
    # Russia 1000 of SIPRI's Total 1600 (the cells add up to 1600 here too).
    assert shares["Russia"] == pytest.approx(1000 / 1600)
    store.remove(outcome.dataset_id)
    assert store.totals() == ()


def test_a_version_1_store_is_upgraded_in_place(tmp_path):
    """A store written before totals and scopes existed opens, keeps its datasets, upgrades."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for statement in store.MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("INSERT INTO meta (key, value) VALUES ('instance', 'old'), ('revision', '0')")
    conn.execute(
        "INSERT INTO datasets (file_name, sha256, layout, vintage, uploaded_at, n_flows, n_deals)"
        " VALUES ('india.csv', 'abc', 'tiv_table', '2024-10-10', '2025-01-01T00:00:00Z', 1, 0)"
    )
    conn.execute(
        "INSERT INTO flows (dataset_id, recipient, supplier, year, tiv, category)"
        " VALUES (1, 'India', 'Russia', 2020, 5.0, NULL)"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    upgraded = Store(path)
    flows = upgraded.flows().frame
    assert flows["scope"].tolist() == ["partial"] and flows["tiv"].tolist() == [5.0]
    assert upgraded.totals() == ()
    assert upgraded.import_bytes(
        "b.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    ).ok
    assert upgraded.integrity_check() == "ok"


@pytest.mark.slow
def test_a_version_1_postgresql_store_is_upgraded_in_place(pg_url):
    """The same migration steps bring an old PostgreSQL store up to date."""
    with pg_admin(pg_url) as conn:
        for statement in migrations.statements(0, "postgresql"):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('instance', 'old'), ('revision', '0'),"
            " ('schema_version', '1')"
        )
        conn.execute(
            "INSERT INTO datasets (file_name, sha256, layout, vintage, uploaded_at, n_flows,"
            " n_deals) VALUES ('india.csv', 'abc', 'tiv_table', '2024-10-10',"
            " '2025-01-01T00:00:00Z', 1, 0)"
        )
        conn.execute(
            "INSERT INTO flows (dataset_id, recipient, supplier, year, tiv, category)"
            " VALUES (1, 'India', 'Russia', 2020, 5.0, NULL)"
        )
    upgraded = Store(pg_url)
    flows = upgraded.flows().frame
    assert flows["scope"].tolist() == ["partial"] and flows["tiv"].tolist() == [5.0]
    assert upgraded.totals() == ()
    assert upgraded.datasets()["added_by"].tolist() == [""]
    assert upgraded.import_bytes(
        "b.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    ).ok
    assert upgraded.integrity_check() == "ok"


def test_who_added_a_dataset_and_an_event_is_recorded(db):
    db.store_export("a.csv", b"a", make_export(), added_by="ana@example.org")
    db.store_export("b.csv", b"b", make_export())
    assert db.datasets()["added_by"].tolist() == ["ana@example.org", ""]
    event = Event(start=dt.date(2024, 1, 1), title="x", countries=("India",))
    event_id = db.add_event(event, added_by="anonymous")
    other = Event(start=dt.date(2024, 2, 1), title="y", countries=("India",))
    assert db.import_events([other], added_by="ben") == (1, 0)
    authors = db.event_authors()
    assert authors[event_id] == "anonymous"
    (other_id,) = [e.id for e in db.events() if e.title == "y"]
    assert authors[other_id] == "ben"
    assert {authors[e.id] for e in db.events() if e.title not in ("x", "y")} == {""}  # seeds
