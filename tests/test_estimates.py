"""Where a shown figure is estimated from a per-deal register (analysis.estimates)."""

from __future__ import annotations

import pytest

from analysis import estimate_views, estimates, headlines, views
from analysis.store import Store

from .conftest import DATA
from .register_fixture import india_register


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "arms.sqlite")
    assert store.import_bytes("india-register.csv", india_register()).ok
    return store


def test_register_deals_behind_a_recipients_shares(store):
    deals = estimates.recipient_register_deals(store.flows(), store.deals(), "India")
    assert deals is not None and len(deals) == 6
    assert estimates.recipient_register_deals(store.flows(), store.deals(), "Pakistan") is None


def test_an_exact_export_needs_no_bounds(store):
    """A TIV table of India's imports is preferred to the register's estimates."""
    assert store.import_bytes(
        "india.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    ).ok
    assert estimates.recipient_register_deals(store.flows(), store.deals(), "India") is None


def test_headline_cards_carry_their_bounds(store):
    flows, deals = store.flows(), store.deals()
    cards = headlines.headline_cards(flows, "India", "Russia")
    mine = estimates.recipient_register_deals(flows, deals, "India")
    bounded = estimates.bounded_headlines(cards, mine, "India", "Russia")
    by_label = {c.label: c for c in bounded}
    # 2009-13: Russia's Su-30MKI 500 of 700 (0..700) and MiG-29K 200 (exact); C-130J 30
    # (0..90), Mirage upgrade 20 (0..160). Estimate 700 / 750 = 93%; lowest 200 / 450 = 44%;
    # highest 100% (the others' straddling deals all outside the period).
    assert by_label["Share from Russia, 2009-13"].value == "93% (estimated; 44-100%)"
    assert by_label["Share from Russia, 2009-13"].share == cards[0].share
    published = [c for c in bounded if c.origin == "published"]
    assert all(estimates.ESTIMATED_MARK not in c.value for c in published)
    assert estimates.bounded_headlines(cards, None, "India", "Russia") == cards


def test_a_by_period_csv_gets_bound_columns(store):  # through estimate_views.bounded_rows
    flows, deals = store.flows(), store.deals()
    view = views.import_mix_view(flows, recipient="India", by="period", top_n=2, period_end=2023)
    mine = estimates.recipient_register_deals(flows, deals, "India")
    data = estimate_views.bounded_rows(view.data, mine, "India", "period", False)
    assert {"share_low", "share_high", "tiv_low", "tiv_high"} <= set(data.columns)
    assert data[["share_low", "share_high"]].notna().all().all()
    assert (
        (data["share_low"] <= data["share"] + 1e-12) & (data["share"] <= data["share_high"] + 1e-12)
    ).all()
    assert "Others" in set(data["supplier"])


def test_share_bounds_table(store):
    mine = estimates.recipient_register_deals(store.flows(), store.deals(), "India")
    table = estimates.share_bounds_table(mine, "India", [(2009, 2013), (2019, 2023)])
    assert list(table.columns) == ["Supplier", "Share 2009-13", "Share 2019-23"]
    assert table["Supplier"].iloc[0] == "France"  # largest in 2019-23
    israel = table.set_index("Supplier").loc["Israel"]
    assert israel.isna()["Share 2009-13"]  # no deal of Israel's can fall in 2009-13
    # 2019-23: Barak-8 60 of 80 (0..80, 2024 is outside); Rafale 300 (exact); Mirage 40
    # (0..160); C-130J 60 (0..90). 60 / 460 = 13%; at most 80 / (80 + 300) = 21%.
    assert israel["Share 2019-23"] == "13% (estimated; 0.0-21%)"


def test_world_bounds_need_a_world_register(store):
    # India's own register is no world (its scope is India's imports).
    assert estimates.world_register_deals(store.flows(), store.deals()) is None
    assert store.import_bytes("all.csv", (DATA / "tiv_table_importers_all.csv").read_bytes()).ok
    assert estimates.world_register_deals(store.flows(), store.deals()) is None
