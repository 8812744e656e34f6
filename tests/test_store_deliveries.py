"""Store schema 4: a per-delivery register's TIV by deal and year, kept beside its deals, so the
deals behind a clicked year or period get their exact delivered TIV (not an even spread)."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from analysis import store
from analysis.mark_deals import ESTIMATE, EXACT, Mark, deals_behind
from analysis.pipeline import latest_deals
from analysis.store import Store, migrations
from analysis.vocab import parse_period

from .conftest import DATA, pg_admin

D_DELIVERIES = DATA / "register_deliveries.csv"
# register_deliveries.csv: deal 102 (Javelin) delivered 1 TIV in 2022 and 2 in 2023.
EXPECTED = {(101, 2022): 2.4, (102, 2022): 1.0, (102, 2023): 2.0, (103, 2023): 10.0}


def _rows(frame: pd.DataFrame) -> dict[tuple[int, int], float]:
    return {
        (int(d), int(y)): float(t)
        for d, y, t in zip(frame["deal_id"], frame["year"], frame["tiv"], strict=True)
    }


def test_a_per_delivery_registers_yearly_values_round_trip(store_target):
    db = Store(store_target)
    outcome = db.import_bytes("deliveries.csv", D_DELIVERIES.read_bytes())
    assert outcome.ok, outcome.reason
    got = db.deliveries()
    assert list(got.columns) == ["deal_id", "year", "tiv", "dataset_id"]
    assert {str(t) for t in got.dtypes} == {"Int64", "Float64"}
    assert set(got["dataset_id"]) == {outcome.dataset_id}
    rows = _rows(got)
    assert {k: rows[k] for k in EXPECTED} == EXPECTED
    assert len(got) == len(db.deals()["delivery_years"].explode())  # one row per deal and year
    assert db.deliveries([outcome.dataset_id]).equals(got)
    assert db.deliveries([outcome.dataset_id + 1]).empty and db.deliveries([]).empty
    assert db.integrity_check() == "ok"
    assert db.remove(outcome.dataset_id)
    assert db.deliveries().empty


def test_a_per_deal_register_stores_no_deliveries(store_target):
    db = Store(store_target)
    assert db.import_bytes("register.csv", (DATA / "register_cp1252.csv").read_bytes()).ok
    assert db.deliveries().empty and not db.deals().empty


def test_the_deals_behind_a_year_get_a_straddling_deals_exact_tiv(db):
    """The Javelin deal delivered in 2022 and 2023: the 2023 bar holds 2 of its 3 TIV. The
    deals table alone spread it evenly (1.5, an estimate)."""
    outcome = db.import_bytes("deliveries.csv", D_DELIVERIES.read_bytes())
    assert outcome.ok, outcome.reason
    deals = latest_deals(db.deals())
    mark = Mark("Ukraine", "United States", 2023, 2023)
    spread = deals_behind(deals, mark)
    assert spread.deals["tiv_in_span"].tolist() == [1.5]
    assert spread.deals["tiv_basis"].tolist() == [ESTIMATE]
    found = deals_behind(deals, mark, deliveries=db.deliveries())
    assert found.deals["designation"].tolist() == ["Javelin ATM"]
    assert found.deals["tiv_in_span"].tolist() == [2.0]
    assert found.deals["tiv_basis"].tolist() == [EXACT]
    assert found.estimated == 0 and found.notes == []
    # ... and equals the yearly volume the chart draws for that segment
    flows = db.flows().frame
    bar = flows[
        (flows["recipient"] == "Ukraine")
        & (flows["supplier"] == "United States")
        & (flows["year"] == 2023)
    ]
    assert found.total_tiv == pytest.approx(float(bar["tiv"].sum()))


@pytest.fixture
def db(tmp_path) -> Store:
    return Store(tmp_path / "arms.sqlite")


def _version_3_sqlite(path) -> None:
    conn = sqlite3.connect(path)
    for step in range(3):
        for statement in migrations.statements(step, "sqlite"):
            conn.execute(statement)
    conn.execute("INSERT INTO meta (key, value) VALUES ('instance', 'old'), ('revision', '0')")
    conn.execute(
        "INSERT INTO datasets (file_name, sha256, layout, vintage, uploaded_at, n_flows, n_deals,"
        " scope, added_by) VALUES ('india.csv', 'abc', 'tiv_table', '2024-10-10',"
        " '2025-01-01T00:00:00Z', 1, 0, 'imports', 'ana')"
    )
    conn.execute(
        "INSERT INTO flows (dataset_id, recipient, supplier, year, tiv, category)"
        " VALUES (1, 'India', 'Russia', 2020, 5.0, NULL)"
    )
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()


def _check_upgraded(upgraded: Store) -> None:
    assert upgraded.datasets()["added_by"].tolist() == ["ana"]
    assert upgraded.flows().frame["tiv"].tolist() == [5.0]
    assert upgraded.deliveries().empty
    outcome = upgraded.import_bytes("deliveries.csv", D_DELIVERIES.read_bytes())
    assert outcome.ok, outcome.reason
    assert {k: v for k, v in _rows(upgraded.deliveries()).items() if k in EXPECTED} == EXPECTED
    assert upgraded.integrity_check() == "ok"


def test_a_version_3_store_is_upgraded_in_place(tmp_path):
    path = tmp_path / "v3.sqlite"
    _version_3_sqlite(path)
    _check_upgraded(Store(path))
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 4
    finally:
        conn.close()


@pytest.mark.slow
def test_a_version_3_postgresql_store_is_upgraded_in_place(pg_url):
    with pg_admin(pg_url) as conn:
        for step in range(3):
            for statement in migrations.statements(step, "postgresql"):
                conn.execute(statement)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('instance', 'old'), ('revision', '0'),"
            " ('schema_version', '3')"
        )
        conn.execute(
            "INSERT INTO datasets (file_name, sha256, layout, vintage, uploaded_at, n_flows,"
            " n_deals, scope, added_by) VALUES ('india.csv', 'abc', 'tiv_table', '2024-10-10',"
            " '2025-01-01T00:00:00Z', 1, 0, 'imports', 'ana')"
        )
        conn.execute(
            "INSERT INTO flows (dataset_id, recipient, supplier, year, tiv, category)"
            " VALUES (1, 'India', 'Russia', 2020, 5.0, NULL)"
        )
    _check_upgraded(Store(pg_url))
    with pg_admin(pg_url) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert row[0] == "4"


@pytest.mark.samples
def test_indias_2019_23_russia_segment_is_exact_in_the_per_delivery_sample(tmp_path, sample_path):
    """The deals behind the Import mix chart's India / Russia / 2019-2023 bar add up to the
    bar's TIV when the register is SIPRI's per-delivery one."""
    from analysis.views import import_mix_view

    path = sample_path("new_register-deliveries_all")
    db = Store(tmp_path / "arms.sqlite")
    outcome = db.import_bytes(path.name, path.read_bytes())
    assert outcome.ok, outcome.reason
    view = import_mix_view(
        db.flows(), recipient="India", by="period", measure="tiv", period_end=2023, top_n=None
    )
    plotted = view.data
    in_period = [parse_period(p) == (2019, 2023) for p in plotted["period"]]
    bar = plotted[pd.Series(in_period, index=plotted.index) & (plotted["supplier"] == "Russia")]
    assert len(bar) == 1
    chart_tiv = float(bar["tiv"].sum())
    mark = Mark("India", "Russia", 2019, 2023)
    deals = latest_deals(db.deals())
    found = deals_behind(deals, mark, deliveries=db.deliveries())
    spread = deals_behind(deals, mark)
    print(
        f"chart {chart_tiv:.1f}; exact {found.total_tiv:.1f} over {len(found.deals)} deals; "
        f"even spread {spread.total_tiv:.1f} ({spread.estimated} estimated)"
    )
    assert found.estimated == 0
    assert found.total_tiv == pytest.approx(chart_tiv, abs=1e-6)
    assert spread.estimated > 0  # the deals table alone: deals straddling 2019 were spread
