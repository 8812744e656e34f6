"""The command line, run as a user would (subprocess): output, stderr and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.__main__ import build_parser
from analysis.store import MAX_UPLOAD_MB, Store

pytestmark = pytest.mark.slow  # child processes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def cli(*args: str, db: Path | str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ARMS_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_list_remove_round_trip(store_target):
    db = store_target  # a SQLite file, or a PostgreSQL URL in ARMS_DB
    good, bad = DATA / "tiv_table_india_by_supplier.csv", DATA / "bad_png.csv"

    run = cli("import", str(good), str(bad), db=db)
    assert run.returncode == 2
    assert f"{good}: stored as dataset 1" in run.stdout
    for line in ("layout: tiv_table", "vintage: 2024-10-10", "countries: India", "note: "):
        assert line in run.stdout
    assert f"{bad}: rejected: " in run.stderr and "PNG" in run.stderr
    assert "Traceback" not in run.stderr

    run = cli("import", str(good), db=db)
    assert run.returncode == 0
    assert "already stored as dataset 1" in run.stdout

    run = cli("list", db=db)
    assert run.returncode == 0
    header, row = run.stdout.splitlines()
    assert header.split("\t") == [
        "id",
        "layout",
        "vintage",
        "flows",
        "deals",
        "uploaded_at",
        "file_name",
    ]
    cells = row.split("\t")
    assert cells[:3] == ["1", "tiv_table", "2024-10-10"]
    assert cells[-1] == "tiv_table_india_by_supplier.csv"
    assert int(cells[3]) == len(Store(db).flows().frame)

    assert cli("remove", "1", db=db).returncode == 0
    run = cli("remove", "1", db=db)
    assert run.returncode == 1 and "there is no dataset 1" in run.stderr
    run = cli("list", db=db)
    assert "No datasets stored" in run.stdout


def test_missing_and_oversized_files_are_rejected_without_reading(tmp_path):
    db = tmp_path / "arms.sqlite"
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as fh:  # sparse: takes no disk space, but stat says > limit
        fh.truncate((MAX_UPLOAD_MB + 1) * 1024 * 1024)
    run = cli("import", str(huge), str(tmp_path / "absent.csv"), db=db)
    assert run.returncode == 2
    assert f"above the upload limit of {MAX_UPLOAD_MB} MB" in run.stderr
    assert "absent.csv: rejected: there is no such file" in run.stderr
    assert Store(db).datasets().empty


def test_db_option_wins_over_the_environment(tmp_path):
    chosen, other = tmp_path / "chosen.sqlite", tmp_path / "other.sqlite"
    run = cli("--db", str(chosen), "import", str(DATA / "register_deliveries.csv"), db=other)
    assert run.returncode == 0, run.stderr
    assert len(Store(chosen).datasets()) == 1
    assert not other.exists()


def test_a_postgresql_server_that_cannot_be_reached_is_one_sentence(tmp_path):
    from tools.pg_cluster import free_port

    url = f"postgresql+psycopg://arms:s3cret@127.0.0.1:{free_port()}/arms"
    env = {**os.environ, "ARMS_DB": "", "ARMS_PG_CONNECT_RETRY_SECONDS": "0"}
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "--db", url, "list"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.startswith(
        "--db points at the PostgreSQL postgresql+psycopg://arms:***@127.0.0.1:"
    )
    assert "cannot be reached (the server did not answer: " in run.stderr
    assert "s3cret" not in run.stderr and "Traceback" not in run.stderr


def test_events_export_and_import(tmp_path):
    db = tmp_path / "arms.sqlite"
    out_csv, out_json = tmp_path / "events.csv", tmp_path / "events.json"
    assert cli("events", "export", "--format", "csv", "--out", str(out_csv), db=db).returncode == 0
    run = cli("events", "export", "--format", "json", db=db)
    assert run.returncode == 0
    exported = json.loads(run.stdout)
    assert [e["start"] for e in exported] == ["2022-02-24", "2025-10-29", "2025-12-05"]
    out_json.write_text(run.stdout, encoding="utf-8")

    # Into the same store: nothing new. Into another store without the seed: all back.
    run = cli("events", "import", str(out_csv), db=db)
    assert (run.returncode, run.stdout.strip()) == (
        0,
        f"{out_csv}: added 0 events, 3 already stored",
    )
    fresh = tmp_path / "fresh.sqlite"
    fresh_store = Store(fresh)
    for event in fresh_store.events():
        fresh_store.delete_event(event.id)
    run = cli("events", "import", str(out_json), db=fresh)
    assert run.returncode == 0, run.stderr
    assert [e.without_id() for e in fresh_store.events()] == [
        e.without_id() for e in Store(db).events()
    ]


def test_invalid_events_file_exits_2_and_imports_nothing(tmp_path):
    db = tmp_path / "arms.sqlite"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "start,end,title,countries\n2025-01-01,,Fine,India\n2025-01-02,2025-01-01,,India\n",
        encoding="utf-8",
    )
    run = cli("events", "import", str(bad), db=db)
    assert run.returncode == 2
    assert "nothing imported" in run.stderr and "A title is required." in run.stderr
    assert len(Store(db).events()) == 3
    garbled = tmp_path / "garbled.json"
    garbled.write_text("{not json", encoding="utf-8")
    run = cli("events", "import", str(garbled), db=db)
    assert run.returncode == 2 and "not JSON" in run.stderr


def test_the_parser_has_one_handler_per_command():
    parser = build_parser()
    for argv in (["import", "a.csv"], ["list"], ["remove", "3"], ["events", "export"]):
        assert callable(parser.parse_args(argv).handler)
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["remove", "three"])
    assert info.value.code == 2
