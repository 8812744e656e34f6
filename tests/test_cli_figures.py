"""`python -m analysis shares|world|list --format json`: figures for scripted work."""

from __future__ import annotations

import json

import pytest

from analysis.__main__ import main
from analysis.store import Store
from tests.register_fixture import india_register

SHARE_KEYS = {
    "recipient",
    "supplier",
    "period",
    "share",
    "low",
    "high",
    "estimated",
    "source",
    "vintage",
}
WORLD_KEYS = {"country", "period", "share", "low", "high", "rank", "estimated", "source", "vintage"}


def _json(capsys, *argv: str) -> list[dict]:
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def india_two_exports(db, fixture_path):
    """India's TIV table (exact) and a per-deal register of India's imports (estimated)."""
    store = Store(db)
    table = fixture_path("tiv_table_india_by_supplier.csv")
    assert store.import_bytes(table.name, table.read_bytes()).ok
    assert store.import_bytes("india-deals.csv", india_register()).ok
    return store


def test_list_as_json(india_two_exports, capsys):
    records = _json(capsys, "list", "--format", "json")
    assert [set(r) for r in records] == [{"id", "file_name", "layout", "vintage", "scope"}] * 2
    assert [(r["id"], r["file_name"], r["layout"]) for r in records] == [
        (1, "tiv_table_india_by_supplier.csv", "tiv_table"),
        (2, "india-deals.csv", "register"),
    ]
    assert records[0]["vintage"] == "2024-10-10"


def test_shares_default_is_the_exact_table(india_two_exports, capsys):
    argv = ["shares", "--recipient", "India", "--periods", "2009-13,2010-14", "--format", "json"]
    records = _json(capsys, *argv)
    assert records and all(set(r) == SHARE_KEYS for r in records)
    assert {r["source"] for r in records} == {"tiv_table_india_by_supplier.csv"}
    assert not any(r["estimated"] for r in records)
    assert all(r["low"] == r["share"] == r["high"] for r in records)
    assert {r["period"] for r in records} == {"2009-13", "2010-14"}
    russia = next(r for r in records if r["supplier"] == "Russia" and r["period"] == "2009-13")
    assert russia["share"] == pytest.approx(1000 / 1600, abs=1e-6)
    for period in ("2009-13", "2010-14"):
        assert sum(r["share"] for r in records if r["period"] == period) == pytest.approx(1, 1e-4)


@pytest.mark.parametrize("ref", ["2", "india-deals.csv"])
def test_shares_from_the_register_carry_bounds(india_two_exports, capsys, ref):
    argv = ["shares", "--recipient", "India", "--periods", "2009-13,2019-23", "--source", ref]
    records = _json(capsys, *argv, "--format", "json")
    assert {r["source"] for r in records} == {"india-deals.csv"}
    assert all(r["estimated"] for r in records)
    assert all(r["low"] <= r["share"] <= r["high"] for r in records)
    assert any(r["low"] < r["high"] for r in records)  # deals straddling a period's edge
    russia = next(r for r in records if r["supplier"] == "Russia" and r["period"] == "2009-13")
    # Even spread over 2009-13: Su-30MKI 500 (5 of 7 years), MiG-29K 200, C-130J 30 (2011),
    # Mirage-2000-5 20 (2013); the Su-30MKI's split can move the rest of its 700.
    assert russia["share"] == pytest.approx(700 / 750, abs=1e-6)
    assert russia["low"] == pytest.approx(200 / (200 + 90 + 160), abs=1e-6)
    assert russia["high"] == 1.0  # the other deals straddle the edges


def test_shares_of_an_unknown_source_exits_2(india_two_exports, capsys):
    assert main(["shares", "--recipient", "India", "--periods", "2019-23", "--source", "x"]) == 2
    assert "'x' is not one of the exports covering India" in capsys.readouterr().err


def test_world_ranked(db, fixture_path, capsys):
    table = fixture_path("tiv_table_importers_all.csv")
    assert Store(db).import_bytes(table.name, table.read_bytes()).ok
    datasets = _json(capsys, "list", "--format", "json")
    period = f"{int(datasets[0]['vintage'][:4]) - 5}-{int(datasets[0]['vintage'][:4]) - 1}"
    records = _json(capsys, "world", "--period", period, "--format", "json")
    assert records and all(set(r) == WORLD_KEYS for r in records)
    ranks = [r["rank"] for r in records if r["rank"] is not None]
    assert ranks == sorted(ranks) and ranks[0] == 1
    shares = [r["share"] for r in records if r["rank"] is not None]
    assert shares == sorted(shares, reverse=True)
    assert sum(r["share"] for r in records) == pytest.approx(1, abs=1e-4)
    assert {r["source"] for r in records} == {"tiv_table_importers_all.csv"}


def test_world_without_a_world_export_exits_2(india_two_exports, capsys):
    assert main(["world", "--period", "2019-23"]) == 2
    assert "no stored export covers the world's importers" in capsys.readouterr().err
