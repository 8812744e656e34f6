"""A team's store under load: 2 processes x 8 concurrent writers x 20 files on PostgreSQL (and,
for comparison, on one SQLite file), and how soon a save made through one process is seen by
another.

Uses ``$ARMS_TEST_PG_URL`` when set, else starts a throwaway cluster (tools/pg_cluster.py);
prints a skip line without PostgreSQL. Figures, not assertions: the tests check correctness.

    .venv/bin/python -m benchmarks team_store
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROCESSES, THREADS, FILES = 2, 8, 20


def _concurrency(target: str | Path, folder: Path) -> dict:
    from analysis.store import Store
    from tests.store_workers import run_team_writers

    run = run_team_writers(target, folder, PROCESSES, THREADS, FILES)
    statuses = run["statuses"]
    distinct = {hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in run["files"]}
    stored = Store(target).datasets()
    return {
        "imports": len(statuses),
        "distinct files": len(distinct),
        "stored": sum(s[0] == "stored" for s in statuses),
        "duplicate": sum(s[0] == "duplicate" for s in statuses),
        "errors": sum(s[0] not in ("stored", "duplicate") for s in statuses)
        + sum(code != 0 for code in run["returncodes"]),
        "datasets in the store": len(stored),
        "each stored once": sorted(stored["sha256"]) == sorted(distinct),
        "seconds": round(run["seconds"], 1),
        "imports/s": round(len(statuses) / run["seconds"], 1),
    }


WATCHER = """
import sys, time
from analysis.store import Store
store = Store(sys.argv[1])
first = store.state_token()
print("ready", flush=True)
while store.state_token() == first:
    time.sleep(0.01)
print(time.time(), flush=True)
"""


def _freshness(url: str, rounds: int = 5) -> list[float]:
    """Seconds from one process's commit to another process's state token changing (polled
    every 10 ms). A page adds at most the token cache (1 s) and the watcher period (1 s)."""
    from analysis.events import Event
    from analysis.store import Store

    writer = Store(url)
    delays = []
    for i in range(rounds):
        proc = subprocess.Popen(
            [sys.executable, "-c", WATCHER, url],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.stdout.readline().strip() == "ready"
        writer.add_event(Event(start=dt.date(2024, 1, 1 + i), title=f"t{i}", countries=("India",)))
        committed = time.time()
        seen = float(proc.stdout.readline())
        proc.wait()
        delays.append(seen - committed)
    return delays


def _with_server(run) -> bool:
    url = os.environ.get("ARMS_TEST_PG_URL", "").strip()
    if url:
        return run(url)
    from tools.pg_cluster import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        print("skipped: PostgreSQL is not installed (apt-get install postgresql)")
        return True
    cluster = Cluster(bindir)
    cluster.start()
    try:
        return run(cluster.url())
    finally:
        cluster.stop()


def _database(admin_url: str) -> str:
    import sqlalchemy as sa

    from tests.conftest import pg_admin

    name = f"arms_bench_{uuid.uuid4().hex[:8]}"
    with pg_admin(admin_url) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def main() -> bool:
    def run(admin_url: str) -> bool:
        with tempfile.TemporaryDirectory() as folder:
            pg = _concurrency(_database(admin_url), Path(folder) / "pg")
            print(f"PostgreSQL, {PROCESSES} processes x {THREADS} writers x {FILES} files: {pg}")
            lite = _concurrency(Path(folder) / "arms.sqlite", Path(folder) / "sqlite")
            print(f"SQLite,     {PROCESSES} processes x {THREADS} writers x {FILES} files: {lite}")
        delays = _freshness(_database(admin_url))
        print(
            "another process sees a commit after "
            f"{statistics.median(delays) * 1000:.0f} ms (median of {len(delays)}; max "
            f"{max(delays) * 1000:.0f} ms); a page adds at most 2 s (token cache + watcher)"
        )
        return pg["errors"] == 0 and pg["each stored once"]

    return _with_server(run)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
