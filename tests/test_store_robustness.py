"""Hostile conditions for the store, on SQLite and PostgreSQL: rejected uploads, concurrent
writers (processes and threads), SIGKILL mid-import."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from analysis.sipri import read_sipri
from analysis.store import Store
from analysis.store import intake as store_intake

from .conftest import pg_admin
from .store_workers import big_register, india_table, pg_snapshot, run_team_writers

pytestmark = pytest.mark.slow  # child processes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
BAD_FILES = sorted(DATA.glob("bad_*"))


def store_files_checksums(db: Store) -> dict[str, str] | dict[str, list]:
    """sha256 of every file of a SQLite store (main file, and WAL/SHM files if any are left);
    every row and sequence position of a PostgreSQL store."""
    if db.dialect == "postgresql":
        return pg_snapshot(db.location)
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(db.path.parent.glob(db.path.name + "*"))
    }


def reopen(db: Store) -> Store:
    return Store(db.path or db.location)


@pytest.fixture
def filled(store_target) -> Store:
    db = Store(store_target)
    for name in ("tiv_table_india_by_supplier.csv", "register_deliveries.csv"):
        outcome = db.import_bytes(name, (DATA / name).read_bytes())
        assert outcome.status == "stored", outcome.reason
    return db


# --- rejected uploads change nothing ----------------------------------------------------------


def test_the_bad_input_corpus_is_present():
    assert len(BAD_FILES) >= 5


@pytest.mark.parametrize("bad", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_a_bad_upload_is_rejected_leaving_the_store_byte_for_byte_unchanged(filled, bad):
    before = store_files_checksums(filled)
    outcome = filled.import_bytes(bad.name, bad.read_bytes())
    if outcome.status == "stored":
        # The corpus may also hold damaged files the loader repairs: then it must say so.
        assert outcome.export.notes, f"{bad.name} was stored without a note on what was repaired"
        return
    assert outcome.status == "rejected" and outcome.reason
    assert store_files_checksums(filled) == before
    assert reopen(filled).integrity_check() == "ok"
    assert store_files_checksums(filled) == before  # reopening writes nothing either


def test_an_upload_above_the_limit_and_a_duplicate_change_nothing(filled):
    before = store_files_checksums(filled)
    data = (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    assert filled.import_bytes("too-big.csv", data, max_bytes=len(data) - 1).status == "rejected"
    assert filled.import_bytes("again.csv", data).status == "duplicate"
    assert filled.preview("again.csv", data).status == "preview"
    assert store_files_checksums(filled) == before


def test_a_loader_crash_changes_nothing(filled, monkeypatch):
    def crash(file_name, data):
        raise IndexError("list index out of range")

    monkeypatch.setattr(store_intake, "parse_upload", crash)
    before = store_files_checksums(filled)
    assert filled.import_bytes("x.csv", b"not yet seen").status == "rejected"
    assert store_files_checksums(filled) == before


# --- concurrency ------------------------------------------------------------------------------

IMPORT_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from analysis.store import Store

    db, go, files = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    print("ready", flush=True)
    while not go.exists():  # start all workers together, so they really contend
        time.sleep(0.01)
    store = Store(db)  # the store does not exist yet: creating it races too
    statuses = []
    for name in files:
        outcome = store.import_bytes(Path(name).name, Path(name).read_bytes())
        statuses.append([outcome.status, outcome.reason])
    print(json.dumps(statuses), flush=True)
    """
)


def test_eight_processes_importing_twenty_files_each_store_all(tmp_path):
    n_workers, n_files = 8, 20
    folder = tmp_path / "files"
    folder.mkdir()
    batches = []
    for worker in range(n_workers):
        batch = []
        for i in range(n_files):
            path = folder / f"india_{worker}_{i}.csv"
            path.write_bytes(india_table(seed=worker * 1000 + i * 10))
            batch.append(str(path))
        batches.append(batch)
    db_path, go = tmp_path / "shared" / "arms.sqlite", tmp_path / "go"
    script = tmp_path / "import_worker.py"
    script.write_text(IMPORT_WORKER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(db_path), str(go), *batch],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for batch in batches
    ]
    try:
        for proc in workers:
            assert proc.stdout.readline().strip() == "ready"
        go.touch()
        results = [proc.communicate(timeout=600) for proc in workers]
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
    statuses = []
    for proc, (out, err) in zip(workers, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower() and "busy" not in err.lower()
        statuses.extend(json.loads(out))
    assert [s for s, _ in statuses] == ["stored"] * (n_workers * n_files), statuses

    db = Store(db_path)
    datasets = db.datasets()
    assert len(datasets) == n_workers * n_files
    assert datasets["sha256"].is_unique
    expected_flows = len(read_sipri(india_table(seed=1)).flows) * n_workers * n_files
    assert int(datasets["n_flows"].sum()) == expected_flows == len(db.flows().frame)
    assert len(db.events()) == 3  # seeded exactly once although 8 processes created the store
    assert db.integrity_check() == "ok"


def test_two_processes_of_eight_writers_store_every_distinct_file_exactly_once(
    store_target, tmp_path
):
    """A team deployment in miniature: 2 app processes x 8 concurrent writers x 20 files, half
    of them with bytes that every writer uploads too."""
    run = run_team_writers(store_target, tmp_path, n_processes=2, n_threads=8, n_files=20)
    assert run["returncodes"] == [0, 0], run["stderr"]
    assert "Traceback" not in run["stderr"], run["stderr"]
    statuses = run["statuses"]
    assert len(statuses) == 2 * 8 * 20
    errors = [s for s in statuses if s[0] not in ("stored", "duplicate")]
    assert errors == []  # nothing but "stored" or "duplicate" reaches a user
    distinct = {hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in run["files"]}
    assert len(distinct) == 2 * 8 * 10 + 10
    stored = [s for s in statuses if s[0] == "stored"]
    assert sorted(s[3] for s in stored) == sorted(distinct)  # each one stored exactly once
    ids = {sha: dataset_id for _, _, dataset_id, sha in stored}
    assert all(ids[sha] == dataset_id for status, _, dataset_id, sha in statuses)

    db = Store(store_target)
    datasets = db.datasets()
    assert sorted(datasets["sha256"]) == sorted(distinct)
    expected_flows = len(read_sipri(india_table(seed=1)).flows) * len(distinct)
    assert int(datasets["n_flows"].sum()) == expected_flows == len(db.flows().frame)
    assert len(db.events()) == 3  # seeded exactly once although both processes created it
    assert db.integrity_check() == "ok"


# --- crash safety -----------------------------------------------------------------------------

KILLED_WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from analysis.store import Store

    db, source = sys.argv[1], Path(sys.argv[2])

    def progress(fraction):
        if fraction >= 0.5:
            print("mid-import", flush=True)  # rows are written, nothing is committed
            time.sleep(600)

    outcome = Store(db).import_bytes(source.name, source.read_bytes(), progress=progress)
    print("finished", outcome.status, outcome.reason, flush=True)
    """
)


def test_sigkill_in_the_middle_of_an_import_loses_nothing_committed(filled, tmp_path):
    db = filled
    before = {
        "datasets": db.datasets(),
        "flows": db.flows().frame,
        "deals": db.deals(),
        "events": db.events(),
        "token": db.state_token(),
    }
    big = tmp_path / "whole_register.csv"
    big.write_bytes(big_register(60_000))
    script = tmp_path / "killed_worker.py"
    script.write_text(KILLED_WORKER, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db.path or db.location), str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        line = proc.stdout.readline().strip()
        assert line == "mid-import", proc.communicate(timeout=60)
        assert_inside_a_write_transaction(db)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    reopened = reopen(db)
    assert reopened.integrity_check() == "ok"
    pd.testing.assert_frame_equal(reopened.datasets(), before["datasets"])
    pd.testing.assert_frame_equal(reopened.flows().frame, before["flows"])
    pd.testing.assert_frame_equal(reopened.deals(), before["deals"])
    assert reopened.events() == before["events"]
    assert reopened.state_token() == before["token"]
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    assert reopened.find_dataset(digest) is None
    # The half-written upload left no trace: the same file can be stored now.
    outcome = reopened.import_bytes(big.name, big.read_bytes())
    # PostgreSQL never hands out an id twice, not even that of a save that never finished.
    assert outcome.status == "stored"
    assert outcome.dataset_id == (3 if db.dialect == "sqlite" else 4)
    assert len(reopened.deals([outcome.dataset_id])) == 60_000
    assert reopened.integrity_check() == "ok"


def assert_inside_a_write_transaction(db: Store) -> None:
    """The killed writer has written rows it has not committed."""
    if db.dialect == "sqlite":
        wal = db.path.with_name(db.path.name + "-wal")
        # Uncommitted pages already spilled to the WAL: the kill lands inside the transaction.
        assert wal.exists() and wal.stat().st_size > 0
        return
    with pg_admin(db.location) as conn:
        writers = conn.execute(
            "SELECT a.state, a.xact_start IS NOT NULL FROM pg_locks l"
            " JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()"
        ).fetchall()
    # One session holds the write lock, in a transaction it has not committed.
    assert writers == [("idle in transaction", True)]
