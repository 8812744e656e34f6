"""Hostile conditions for the store: rejected uploads, 8 concurrent writers, SIGKILL mid-import."""

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

pytestmark = pytest.mark.slow  # child processes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
BAD_FILES = sorted(DATA.glob("bad_*"))

TIV_PREAMBLE = (
    "Volume of transfers of major arms\n"
    "Figures are in millions of SIPRI trend-indicator values (TIVs).\n"
    "Figures may not add up to stated totals due to the conventions of rounding.\n"
    "\n"
    "Source: SIPRI Arms Transfers Database (c) SIPRI.\n"
    "Data generated: 10 Oct 2024 6:39:28 PM\n"
    "\n"
)
REGISTER_PREAMBLE = (
    "Transfers of major conventional arms from All countries  to All countries . "
    "Deals with deliveries made for the year range '1990' to '2024' \n"
    "SIPRI trend-indicator values (TIVs) are in millions.\n"
    "\n"
    "Source: SIPRI Arms Transfers Database (c) SIPRI.\n"
    "Data generated: 13 Mar 2025 10:02:49 AM\n"
    "SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,"
    "Order date,Order date is estimate,Numbers delivered,Numbers delivered is estimate,"
    "Delivery year,Delivery year is estimate,Status,SIPRI estimate,TIV deal unit,"
    "TIV delivery values,Local production\n"
)


def india_table(seed: int) -> bytes:
    """A small Variant B table (India's imports by supplier) whose numbers depend on ``seed``."""
    years = list(range(2015, 2020))
    rows = {
        "Russia": [seed + 10 * k + 1 for k in range(5)],
        "France": [seed % 7 + k for k in range(5)],
    }
    totals = [sum(col) for col in zip(*rows.values(), strict=True)]
    grand = sum(totals)
    lines = [
        "Supplier,"
        + ",".join(map(str, years))
        + ",2015-2019,Percentage,Sum total years,Percentage of total"
    ]
    for name, values in rows.items():
        share = f"{100 * sum(values) / grand:.0f}%"
        period = sum(values)
        lines.append(f"{name},{','.join(map(str, values))},{period},{share},{period},{share}")
    lines.append(f"Total exports to India,{','.join(map(str, totals))},{grand},100%,{grand},")
    return (TIV_PREAMBLE + "\n".join(lines) + "\n").encode()


def big_register(n_rows: int) -> bytes:
    """A Variant D register with ``n_rows`` single-delivery deals (about 85 bytes a row)."""
    suppliers = ["Russia", "France", "United States", "Israel", "Germany"]
    recipients = ["India", "Ukraine", "Egypt", "Viet Nam"]
    rows = [
        f"{1000 + i},{suppliers[i % 5]},{recipients[i % 4]},Gun-{i},towed gun,Artillery,"
        f"{1990 + i % 30},No,{1 + i % 9},No,{1991 + i % 30},No,New,1,1,{1 + i % 9},No\n"
        for i in range(n_rows)
    ]
    return (REGISTER_PREAMBLE + "".join(rows)).encode()


def store_files_checksums(db: Store) -> dict[str, str]:
    """sha256 of every file of the store (main file, and WAL/SHM files if any are left)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(db.path.parent.glob(db.path.name + "*"))
    }


@pytest.fixture
def filled(tmp_path) -> Store:
    db = Store(tmp_path / "arms.sqlite")
    for name in ("B_india_by_supplier.csv", "D_deliveries.csv"):
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
    assert Store(filled.path).integrity_check() == "ok"
    assert store_files_checksums(filled) == before  # reopening writes nothing either


def test_an_upload_above_the_limit_and_a_duplicate_change_nothing(filled):
    before = store_files_checksums(filled)
    data = (DATA / "B_india_by_supplier.csv").read_bytes()
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
        [sys.executable, str(script), str(db.path), str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        line = proc.stdout.readline().strip()
        assert line == "mid-import", proc.communicate(timeout=60)
        wal = db.path.with_name(db.path.name + "-wal")
        # Uncommitted pages already spilled to the WAL: the kill lands inside the transaction.
        assert wal.exists() and wal.stat().st_size > 0
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    reopened = Store(db.path)
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
    assert outcome.status == "stored" and outcome.dataset_id == 3
    assert len(reopened.deals([3])) == 60_000
