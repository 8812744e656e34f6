"""`python -m analysis diff A B --recipient India --format json`, run as a user would."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import DATA, cli

pytestmark = pytest.mark.slow  # child processes

OLD, NEW = "tiv_table_india_vintage_2024.csv", "tiv_table_india_vintage_2025.csv"


def test_diff_by_dataset_id_and_file_name_as_json(tmp_path):
    db = tmp_path / "arms.sqlite"
    assert cli("import", str(DATA / OLD), str(DATA / NEW), db=db).returncode == 0
    by_id = cli("diff", "1", "2", "--recipient", "India", "--format", "json", db=db)
    assert by_id.returncode == 0, by_id.stderr
    records = json.loads(by_id.stdout)
    assert all(
        set(r) == {"recipient", "supplier", "period", "share_a", "share_b", "change_pp"}
        for r in records
    )
    assert records[0] == {
        "recipient": "India",
        "supplier": "Russia",
        "period": "2019-23",
        "share_a": 0.5,
        "share_b": round(340 / 620, 6),
        "change_pp": round((340 / 620 - 0.5) * 100, 3),
    }
    by_name = cli("diff", OLD, NEW, "--recipient", "India", "--format", "json", db=db)
    assert json.loads(by_name.stdout) == records
    # a file on disk, not stored, works too
    from_file = cli("diff", str(DATA / OLD), "2", "--recipient", "India", "--format", "json", db=db)
    assert json.loads(from_file.stdout) == records


def test_diff_of_an_unknown_release_says_so(tmp_path):
    db = tmp_path / "arms.sqlite"
    result = cli("diff", "7", "nothing.csv", "--recipient", "India", db=db)
    assert result.returncode == 2
    assert "'7' is no stored dataset id, stored file name or file" in result.stderr
    assert "Traceback" not in result.stderr


def test_diff_of_yearly_tiv_as_json_and_csv(tmp_path):
    """--what tiv: each supplier's yearly TIV in both releases (the Data page's second table)."""
    db = tmp_path / "arms.sqlite"
    assert cli("import", str(DATA / OLD), str(DATA / NEW), db=db).returncode == 0
    run = cli("diff", "1", "2", "--recipient", "India", "--what", "tiv", "--format", "json", db=db)
    assert run.returncode == 0, run.stderr
    records = json.loads(run.stdout)
    assert all(
        set(r) == {"recipient", "supplier", "year", "tiv_a", "tiv_b", "change"} for r in records
    )
    # The 2025 release revised 2023 only: Russia 60 -> 100, France 40 -> 20.
    assert records[:2] == [
        {
            "recipient": "India",
            "supplier": "Russia",
            "year": 2023,
            "tiv_a": 60.0,
            "tiv_b": 100.0,
            "change": 40.0,
        },
        {
            "recipient": "India",
            "supplier": "France",
            "year": 2023,
            "tiv_a": 40.0,
            "tiv_b": 20.0,
            "change": -20.0,
        },
    ]
    assert all(r["change"] == 0 and r["tiv_a"] == r["tiv_b"] for r in records[2:])
    # Russia and the United States 2014-2023, France 2019-2023: every year both cover
    assert len(records) == 25 and {r["year"] for r in records} == set(range(2014, 2024))
    assert {(r["supplier"], r["year"]): r["tiv_a"] for r in records}[("United States", 2014)] == 50
    csv = cli("diff", "1", "2", "--recipient", "India", "--what", "tiv", "--format", "csv", db=db)
    lines = csv.stdout.splitlines()
    assert lines[0] == "recipient,supplier,year,tiv_a,tiv_b,change"
    assert lines[1] == "India,Russia,2023,60.0,100.0,40.0"
    # shares stay the default
    shares = cli("diff", "1", "2", "--recipient", "India", "--format", "json", db=db)
    assert set(json.loads(shares.stdout)[0]) == {
        "recipient",
        "supplier",
        "period",
        "share_a",
        "share_b",
        "change_pp",
    }
