"""What each loaded export covers decides which shares it may answer (review findings)."""

from __future__ import annotations

import pytest

from analysis.published import headline_shares
from analysis.recipient_data import has_recipient_data, provenance_notes
from analysis.shares import customers, period_shares
from analysis.store import Store
from analysis.world_shares import world_share_and_rank
from analysis.world_sources import NoWorldSource
from tests.conftest import DATA


def _store(tmp_path, *paths) -> Store:
    store = Store(tmp_path / "arms.sqlite")
    for path in paths:
        outcome = store.import_bytes(path.name, path.read_bytes())
        assert outcome.ok, outcome.reason
    return store


@pytest.mark.samples
def test_two_exporters_tables_both_count(tmp_path, sample_path):
    store = _store(
        tmp_path,
        sample_path("old_tiv_exports-from-RUSSIA"),
        sample_path("old_tiv_exports-from-FRANCE"),
    )
    flows = store.flows()
    shares = period_shares(flows, "India", [(2017, 2021)]).table.set_index("supplier")["share"]
    # India's imports from Russia and France only (the tables name no other supplier) ...
    assert set(shares.index) == {"Russia", "France"}
    assert shares["Russia"] > shares["France"] > 0
    # ... flagged as partial, and never shown as India's computed headline.
    assert "India" in period_shares(flows, "India", [(2017, 2021)]).partial
    assert not has_recipient_data(flows, "India")
    assert any("Only part of India's suppliers" in n for n in provenance_notes(flows, "India"))
    russia = customers(flows, "Russia", [(2017, 2021)]).table
    assert {"India", "China"} <= set(russia["recipient"])


@pytest.mark.samples
def test_an_exporters_table_alone_does_not_make_a_headline(tmp_path, sample_path):
    flows = _store(tmp_path, sample_path("old_tiv_exports-from-RUSSIA")).flows()
    table = headline_shares("India", "Russia", [(2009, 2013)], flows)
    assert table["origin"].tolist() == ["published"]
    with pytest.raises(NoWorldSource, match="^Russia's export table names only Russia's customers"):
        world_share_and_rank(flows, "India", [(2009, 2013)])


@pytest.mark.samples
def test_regions_are_never_the_world(tmp_path, sample_path):
    flows = _store(
        tmp_path, sample_path("new_tiv_regional"), sample_path("EXTRACT_new_tiv_INDIA")
    ).flows()
    with pytest.raises(NoWorldSource, match="need an all-importers table"):
        world_share_and_rank(flows, "India", [(2019, 2023)])
    regional = _store(tmp_path / "r", sample_path("new_tiv_regional")).flows()
    with pytest.raises(NoWorldSource, match="^A regional table names suppliers to regions"):
        world_share_and_rank(regional, "India", [(2019, 2023)])
    with_world = _store(tmp_path / "w", sample_path("new_tiv_importers-all")).flows()
    row = world_share_and_rank(with_world, "India", [(2019, 2023)]).table.iloc[0]
    assert row["rank"] == 1 and row["source"] == "all-importers table"


def test_weapon_category_table_is_not_the_world(tmp_path):
    flows = _store(tmp_path, DATA / "tiv_table_old_categories_india.csv").flows()
    assert set(flows.frame["scope"]) == {"categories"}
    with pytest.raises(NoWorldSource, match="weapon category"):
        world_share_and_rank(flows, "India", [(2019, 2020)])


def test_denominator_comes_from_the_kept_vintage(tmp_path):
    new = (DATA / "tiv_table_india_by_supplier.csv").read_text()
    # An older release of the same table with a different Russia row and Total row.
    old = (
        new.replace("10 Oct 2024", "10 Oct 2023")
        .replace("Russia,100,200,300,400,", "Russia,100,200,300,370,")
        .replace(
            "Total exports to India,150,200,300,400,", "Total exports to India,150,200,300,370,"
        )
    )
    store = Store(tmp_path / "arms.sqlite")
    assert store.import_bytes("old.csv", old.encode()).ok
    assert store.import_bytes("new.csv", new.encode()).ok
    result = period_shares(store.flows(), "India", [(2009, 2013)])
    shares = result.table
    assert shares["share"].sum() == pytest.approx(1.0)  # the new table's own Total row
    assert result.vintage == "2024-10-10"


@pytest.mark.samples
def test_a_per_deal_register_says_its_volumes_are_estimates(tmp_path, sample_path):
    flows = _store(tmp_path, sample_path("EXTRACT_new_register_INDIA")).flows()
    assert any("estimated" in n for n in provenance_notes(flows, "India"))


def test_a_deal_listed_by_two_registers_counts_once():
    import pandas as pd

    from analysis.pipeline import latest_deals

    deals = pd.DataFrame(
        {
            "recipient": ["India", "India", "India"],
            "supplier": ["Russia", "Russia", "France"],
            "designation": ["MiG-29SMT", "MiG-29SMT", "Rafale"],
            "order_year": pd.array([2008, 2008, 2016], dtype="Int64"),
            "number_ordered": [62.0, 63.0, 36.0],
            "dataset_id": pd.array([1, 2, 2], dtype="Int64"),
            "vintage": pd.array([None, "2025-03-13", "2025-03-13"], dtype="str"),
        }
    )
    kept = latest_deals(deals)
    assert kept["number_ordered"].tolist() == [63.0, 36.0]  # the newer register's figures


@pytest.mark.samples
def test_a_partial_chart_says_so_on_the_chart(tmp_path, sample_path):
    from analysis.views import import_mix_view

    flows = _store(tmp_path, sample_path("old_tiv_exports-from-RUSSIA")).flows()
    view = import_mix_view(flows, [], recipient="Pakistan")
    assert "PARTIAL" in view.meta.subtitle_line()
    assert any("Only part of Pakistan's suppliers" in n for n in view.notes)
