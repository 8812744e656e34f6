"""`python -m analysis shares|world|list --format json`: figures for scripted work."""

from __future__ import annotations

import json

import pandas as pd
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


def test_world_ranks_as_the_pages_do(db, fixture_path, capsys):
    """The CLI ranks through the pages' world function: the same rank and share per country."""
    from analysis.world_shares import world_share_and_rank

    table = fixture_path("tiv_table_importers_all.csv")
    store = Store(db)
    assert store.import_bytes(table.name, table.read_bytes()).ok
    vintage_year = int(_json(capsys, "list", "--format", "json")[0]["vintage"][:4])
    period = (vintage_year - 5, vintage_year - 1)
    records = _json(capsys, "world", "--period", f"{period[0]}-{period[1]}", "--format", "json")
    for record in records:
        row = world_share_and_rank(store.flows(), record["country"], [period]).table.iloc[0]
        rank = None if row["rank"] is pd.NA else int(row["rank"])
        assert (record["rank"], record["share"]) == (rank, pytest.approx(row["share"]))


def _chart_csv(tmp_path, *argv: str) -> str:
    out = tmp_path / "chart.csv"
    assert main(["chart", *argv, "--format", "csv", "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_chart_source_picks_the_export_and_marks_its_estimates(india_two_exports, tmp_path):
    default = _chart_csv(tmp_path, "import-mix", "--recipient", "India")
    assert "Export used: tiv_table_india_by_supplier.csv — TIV table" in default
    assert "tiv_low" not in default
    for ref in ("india-deals.csv", "2"):
        picked = _chart_csv(tmp_path, "import-mix", "--recipient", "India", "--source", ref)
        assert "Export used: india-deals.csv — per-deal register" in picked
        header = next(line for line in picked.splitlines() if not line.startswith("#"))
        assert header.endswith("tiv_low,tiv_high,share_low,share_high,estimated")
    comparison = _chart_csv(
        tmp_path,
        "period-comparison",
        "--recipient",
        "India",
        "--periods",
        "2009-2013,2019-2023",
        "--source",
        "india-deals.csv",
    )
    assert "share_low_2009-13,share_high_2009-13" in comparison


def test_chart_prints_an_estimated_description(india_two_exports, tmp_path, capsys):
    _chart_csv(tmp_path, "period-mix", "--recipient", "India", "--source", "2")
    out = capsys.readouterr().out
    assert "description: " in out and "(estimated; " in out


def test_chart_and_cite_refuse_an_unknown_source(india_two_exports, tmp_path, capsys):
    out = tmp_path / "x.csv"
    argv = ["chart", "import-mix", "--source", "nothing.csv", "--format", "csv"]
    assert main([*argv, "--out", str(out)]) == 2
    assert "'nothing.csv' is not one of the exports covering India" in capsys.readouterr().err
    assert main(["cite", "import-mix", "--source", "nothing.csv"]) == 2


def test_cite_source_names_the_export_s_vintage(india_two_exports, capsys):
    capsys.readouterr()
    assert main(["cite", "import-mix", "--recipient", "India"]) == 0
    default = capsys.readouterr().out
    assert main(["cite", "import-mix", "--recipient", "India", "--source", "2"]) == 0
    picked = capsys.readouterr().out
    assert "Data generated 10 October 2024." in default and "estimated" not in default
    assert "Data generated 13 March 2025." in picked
    assert "Volumes: estimated from a per-deal register" in picked


def test_customers_chart_from_an_importers_register_says_partial(db, tmp_path):
    assert Store(db).import_bytes("india-deals.csv", india_register()).ok
    text = _chart_csv(tmp_path, "customers", "--exporter", "Russia")
    assert "# Title: Russia's arms exports by recipient, by year (loaded recipients only)" in text
    assert "Coverage: PARTIAL: counts only the recipients loaded (India)" in text
    assert next(line for line in text.splitlines() if not line.startswith("#")).endswith(
        "partial,estimated"
    )
