"""The deals behind a clicked bar segment: which rows, and the TIV each delivered in the span."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.mark_deals import (
    ESTIMATE,
    EXACT,
    Mark,
    deals_behind,
    deals_page_query,
    mark_from_point,
    one_register,
    supplier_of_trace,
)
from analysis.pipeline import latest_deals
from analysis.schema import coerce_deals
from analysis.sipri import read_sipri
from analysis.vocab import OTHERS
from tests.conftest import DATA


def _deals(rows) -> pd.DataFrame:
    columns = ["deal_id", "recipient", "supplier", "designation", "delivery_years"]
    frame = pd.DataFrame(
        [r[:5] for r in rows],
        columns=columns,
    ).assign(tiv_delivered=[r[5] for r in rows], status="New", vintage="2025-03-13")
    return coerce_deals(frame).assign(vintage="2025-03-13", dataset_id=1)


DEALS = _deals(
    [
        (1, "India", "Russia", "MiG-29K", [2011, 2012], 200.0),
        (2, "India", "Russia", "T-90S", [2019, 2020, 2021, 2022], 400.0),
        (3, "India", "Soviet Union", "MiG-21bis", [1990], 50.0),
        (4, "India", "France", "Rafale", [2020, 2021, 2022], 900.0),
        (5, "India", "Israel", "Heron", [2021], 30.0),
        (6, "Pakistan", "Russia", "Mi-35", [2021], 10.0),
        (7, "India", "Russia", "S-400", [], 0.0),  # ordered, nothing delivered
    ]
)


def test_a_year_lists_the_deals_delivering_then_with_their_share_of_the_tiv():
    found = deals_behind(DEALS, Mark("India", "Russia", 2021, 2021))
    rows = found.deals
    assert rows["designation"].tolist() == ["T-90S"]
    assert rows["tiv_in_span"].tolist() == [100.0]  # 400 over 4 delivery years
    assert rows["tiv_basis"].tolist() == [ESTIMATE]
    assert found.estimated == 1 and found.total_tiv == 100.0
    assert "spread evenly" in found.notes[0]


def test_a_period_holding_every_delivery_year_is_exact():
    found = deals_behind(DEALS, Mark("India", "Russia", 2019, 2023))
    assert found.deals["tiv_in_span"].tolist() == [400.0]
    assert found.deals["tiv_basis"].tolist() == [EXACT]
    assert found.notes == []


def test_a_period_holding_part_of_the_delivery_years_gets_that_part():
    found = deals_behind(DEALS, Mark("India", "France", 2014, 2020))
    assert found.deals["tiv_in_span"].tolist() == [300.0]  # one of three years
    assert found.deals["tiv_basis"].tolist() == [ESTIMATE]


def test_other_recipients_suppliers_and_undelivered_deals_are_left_out():
    found = deals_behind(DEALS, Mark("India", "Russia", 2000, 2030))
    assert sorted(found.deals["designation"]) == ["MiG-29K", "T-90S"]
    assert deals_behind(DEALS, Mark("India", "Germany", 2000, 2030)).deals.empty


def test_merged_lineage_counts_the_soviet_union_for_russia():
    mark = Mark("India", "Russia", 1985, 1994)
    assert deals_behind(DEALS, mark).deals.empty
    assert deals_behind(DEALS, mark, merge_lineage=True).deals["designation"].tolist() == [
        "MiG-21bis"
    ]


def test_others_are_the_suppliers_the_chart_does_not_name():
    mark = Mark("India", OTHERS, 2021, 2021, named=("Russia", "France"))
    assert deals_behind(DEALS, mark).deals["designation"].tolist() == ["Heron"]


def test_largest_tiv_in_the_span_first():
    found = deals_behind(DEALS, Mark("India", "France", 2021, 2021, ()))
    assert found.deals["designation"].tolist() == ["Rafale"]
    both = deals_behind(
        DEALS, Mark("India", OTHERS, 2021, 2021, named=("Russia",)), merge_lineage=True
    )
    assert both.deals["designation"].tolist() == ["Rafale", "Heron"]
    assert both.deals["tiv_in_span"].tolist() == [300.0, 30.0]


def test_per_delivery_values_make_a_partial_span_exact():
    deliveries = pd.DataFrame(
        {"deal_id": [2, 2, 2, 2], "year": [2019, 2020, 2021, 2022], "tiv": [10.0, 90, 250, 50]}
    ).assign(dataset_id=1)
    found = deals_behind(DEALS, Mark("India", "Russia", 2021, 2021), deliveries=deliveries)
    assert found.deals["tiv_in_span"].tolist() == [250.0]
    assert found.deals["tiv_basis"].tolist() == [EXACT]
    assert found.estimated == 0


def test_the_per_deal_register_fixture_spreads_and_labels():
    export = read_sipri(DATA / "register_cp1252.csv")
    found = deals_behind(
        export.deals.assign(vintage="2025-03-13"), Mark("India", "Russia", 2011, 2011)
    )
    assert found.deals["designation"].tolist() == ["MiG-29K"]
    assert found.deals["tiv_in_span"].tolist() == [100.0]  # 200 delivered in 2011 and 2012
    assert found.deals["tiv_basis"].tolist() == [ESTIMATE]
    whole = deals_behind(export.deals, Mark("India", "Russia", 2009, 2013))
    assert whole.deals["tiv_basis"].tolist() == [EXACT]


def test_the_per_delivery_register_fixture_is_exact_within_its_deliveries():
    export = read_sipri(DATA / "register_deliveries.csv")
    found = deals_behind(export.deals, Mark("Ukraine", "United States", 2023, 2023))
    # Javelin: 1 TIV delivered in 2022 and 2 in 2023; the deals table alone spreads 3 evenly
    assert found.deals["designation"].tolist() == ["Javelin ATM"]
    assert found.deals["tiv_in_span"].tolist() == [1.5]
    deliveries = pd.DataFrame({"deal_id": [102, 102], "year": [2022, 2023], "tiv": [1.0, 2.0]})
    exact = deals_behind(
        export.deals, Mark("Ukraine", "United States", 2023, 2023), deliveries=deliveries
    )
    assert exact.deals["tiv_in_span"].tolist() == [2.0]
    assert exact.deals["tiv_basis"].tolist() == [EXACT]


def test_a_clicked_point_becomes_a_mark():
    year_point = {"x": "2021-07-02 12:00", "customdata": [2021.0, 5.0, 0.5], "curve_number": 0}
    assert mark_from_point(year_point, "Russia", "India", by="year") == Mark(
        "India", "Russia", 2021, 2021
    )
    assert mark_from_point({"x": "2021-07-02"}, "Russia", "India", by="year").first_year == 2021
    period = mark_from_point({"x": "2019-23"}, OTHERS, "India", by="period", named=["Russia"])
    assert period == Mark("India", OTHERS, 2019, 2023, ("Russia",))
    with pytest.raises(ValueError):
        mark_from_point({"x": "soon"}, "Russia", "India", by="period")


def test_trace_names_map_back_to_suppliers_and_the_deals_page_query():
    assert supplier_of_trace("Korea, South", ["Russia", "Korea, South"]) == "Korea, South"
    assert supplier_of_trace("&lt;b&gt;X", ["<b>X"]) == "<b>X"
    assert supplier_of_trace("5-year moving average", ["Russia"]) is None
    mark = Mark("India", "Korea, South", 2019, 2023)
    assert deals_page_query(mark) == {
        "recipient": "India",
        "delivered": "2019-2023",
        "suppliers": "Korea, South",
    }
    assert "suppliers" not in deals_page_query(Mark("India", OTHERS, 2021, 2021))


def test_the_estimate_note_counts_deals_in_plain_english():
    one = deals_behind(DEALS, Mark("India", "Russia", 2021, 2021)).notes[0]
    assert one.startswith("1 deal delivered in years outside this span too, and its register")
    assert "its TIV here is that total" in one and "deal(s)" not in one
    two = deals_behind(DEALS, Mark("India", OTHERS, 2021, 2021, ("Israel",))).notes[0]
    assert two.startswith("2 deals delivered in years outside this span too, and their register")
    assert "their TIV here is that total" in two


def test_one_register_keeps_a_deal_listed_by_two_registers_under_two_designations_once():
    """Two stored registers list the same deal as "Deepak" and "Deepak-2": no key matches
    them, so summing both would count it twice; the deals come from one register."""
    per_deal = _deals([(1, "India", "Italy", "Deepak", [2010, 2011], 100.0)])
    per_delivery = _deals([(9, "India", "Italy", "Deepak-2", [2010, 2011], 100.0)]).assign(
        dataset_id=2
    )
    both = pd.concat([per_deal, per_delivery], ignore_index=True)
    mark = Mark("India", "Italy", 2009, 2013)
    assert deals_behind(latest_deals(both), mark).total_tiv == 200.0  # the double count

    chosen, used = one_register(both, "India", [2, 1])
    assert used == 2 and chosen["designation"].tolist() == ["Deepak-2"]
    assert deals_behind(chosen, mark).total_tiv == 100.0
    # The chart's own export first; a preferred register not listing India is skipped.
    assert one_register(both, "India", [7, 1])[1] == 1
    rest, none = one_register(both, "India", [7])
    assert none is None and len(rest) == 2  # no preferred register: every deal, as before
