"""Concurrent writers against one store, for tests/test_store_robustness.py and the team-store
benchmark: processes of threads importing files, some with bytes no other writer has and some
with bytes every writer has."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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
    """A small TIV table (India's imports by supplier) whose numbers depend on ``seed``."""
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
    """A per-delivery register with ``n_rows`` single-delivery deals (about 85 bytes a row)."""
    suppliers = ["Russia", "France", "United States", "Israel", "Germany"]
    recipients = ["India", "Ukraine", "Egypt", "Viet Nam"]
    rows = [
        f"{1000 + i},{suppliers[i % 5]},{recipients[i % 4]},Gun-{i},towed gun,Artillery,"
        f"{1990 + i % 30},No,{1 + i % 9},No,{1991 + i % 30},No,New,1,1,{1 + i % 9},No\n"
        for i in range(n_rows)
    ]
    return (REGISTER_PREAMBLE + "".join(rows)).encode()


TEAM_WORKER = textwrap.dedent(
    """
    import json, sys, threading, time
    from pathlib import Path
    from analysis.store import Store

    db, go, batches = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
    print("ready", flush=True)
    while not go.exists():  # start every process together, so that they really contend
        time.sleep(0.01)
    started = time.monotonic()
    store = Store(db)  # one Store per process, shared by its threads (as a Streamlit server)
    results = [None] * len(batches)

    def writer(i):
        statuses = []
        for name in batches[i]:
            try:
                outcome = store.import_bytes(Path(name).name, Path(name).read_bytes())
                statuses.append([outcome.status, outcome.reason, outcome.dataset_id,
                                 outcome.sha256])
            except Exception as exc:  # what would reach a user
                statuses.append(["error", repr(exc), None, None])
        results[i] = statuses

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"results": results, "seconds": time.monotonic() - started}), flush=True)
    """
)


def team_files(folder: Path, n_processes: int, n_threads: int, n_files: int) -> list:
    """Per process, per thread, ``n_files`` paths: even ones hold bytes only that writer has,
    odd ones bytes every writer has (under its own file name)."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = []
    for p in range(n_processes):
        threads = []
        for t in range(n_threads):
            batch = []
            for i in range(n_files):
                path = folder / f"india_{p}_{t}_{i}.csv"
                seed = (p * n_threads + t) * 200 + i * 10 if i % 2 == 0 else 50_000 + i
                path.write_bytes(india_table(seed))
                batch.append(str(path))
            threads.append(batch)
        plan.append(threads)
    return plan


def run_team_writers(
    target: str | Path, folder: Path, n_processes: int = 2, n_threads: int = 8, n_files: int = 20
) -> dict:
    """Start ``n_processes`` processes of ``n_threads`` writers on ``target`` at once.

    Returns:
        ``statuses`` ([status, reason, dataset_id, sha256] per import), ``returncodes``,
        ``stderr`` (all processes), ``seconds`` (wall time from the start signal) and
        ``files`` (every path imported).
    """
    plan = team_files(folder / "files", n_processes, n_threads, n_files)
    script = folder / "team_worker.py"
    script.write_text(TEAM_WORKER, encoding="utf-8")
    go = folder / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(target), str(go), json.dumps(threads)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for threads in plan
    ]
    try:
        for proc in procs:
            line = proc.stdout.readline().strip()
            assert line == "ready", proc.communicate(timeout=60)
        started = time.monotonic()
        go.touch()
        outputs = [proc.communicate(timeout=900) for proc in procs]
        seconds = time.monotonic() - started
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    statuses, stderr = [], ""
    for out, err in outputs:
        stderr += err
        if out.strip():
            for thread in json.loads(out.strip().splitlines()[-1])["results"]:
                statuses.extend(thread or [])
    return {
        "statuses": statuses,
        "returncodes": [proc.returncode for proc in procs],
        "stderr": stderr,
        "seconds": seconds,
        "files": [path for threads in plan for batch in threads for path in batch],
    }


def pg_snapshot(url: str) -> dict:
    """Every row of every table of a PostgreSQL store, and its sequences' positions."""
    from tests.conftest import pg_admin

    snapshot = {}
    with pg_admin(url) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        ).fetchall()
        for (table,) in tables:
            snapshot[table] = sorted(map(repr, conn.execute(f"SELECT * FROM {table}").fetchall()))
        snapshot["sequences"] = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
        ).fetchall()
    return snapshot
