"""Weapon categories: breakdown by year and period, the filter, the sentence, the chart."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import views
from analysis.categories import (
    NO_CATEGORIES_SENTENCE,
    build_category_mix,
    categories_of,
    category_breakdown,
    category_recipients,
    category_rows,
    filter_by_category,
    has_categories,
    period_table,
)
from analysis.category_colors import UNKNOWN_CATEGORY, category_color
from analysis.category_view import category_view
from analysis.chart_meta import ChartMeta
from analysis.events import Event
from analysis.store import Store

from .test_chart_safety import HOSTILE, LINK, assert_safe

COLUMNS = ["recipient", "supplier", "year", "tiv", "category", "dataset_id", "vintage", "scope"]


def _flows(rows: list[tuple], layout: str = "register_deliveries") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["layout"] = layout
    return frame.astype(
        {
            "recipient": "str",
            "supplier": "str",
            "year": "int64",
            "tiv": "float64",
            "category": "str",
            "dataset_id": "Int64",
            "vintage": "str",
            "scope": "str",
            "layout": "str",
        }
    )


# A per-delivery register of Ukraine's imports (dataset 1), 2014-2023.
REGISTER = _flows(
    [
        ("Ukraine", "United States", 2014, 10.0, "Missiles", 1, "2025-03-13", "imports"),
        ("Ukraine", "Germany", 2014, 30.0, "Armoured vehicles", 1, "2025-03-13", "imports"),
        ("Ukraine", "United States", 2016, 5.0, "Sensors", 1, "2025-03-13", "imports"),
        ("Ukraine", "Poland", 2019, 40.0, "Armoured vehicles", 1, "2025-03-13", "imports"),
        ("Ukraine", "United States", 2022, 100.0, "Missiles", 1, "2025-03-13", "imports"),
        ("Ukraine", "United States", 2022, 50.0, "Artillery", 1, "2025-03-13", "imports"),
        ("Ukraine", "Germany", 2023, 80.0, "Air defence systems", 1, "2025-03-13", "imports"),
        ("Ukraine", "Germany", 2023, 20.0, "Missiles", 1, "2025-03-13", "imports"),
        ("Poland", "United States", 2023, 70.0, "Aircraft", 1, "2025-03-13", "imports"),
    ]
)
# A per-deal register (no category) and a TIV table by supplier for the same recipient.
NO_CATEGORY = pd.concat(
    [
        _flows(
            [
                ("India", "Russia", 2020, 10.0, None, 2, "2025-03-13", "imports"),
                ("India", "France", 2021, 20.0, None, 2, "2025-03-13", "imports"),
            ],
            layout="register",
        ),
        _flows([("India", "Russia", 2020, 12.0, None, 3, "2024-10-10", "imports")], "tiv_table"),
    ],
    ignore_index=True,
)
# A TIV table by weapon category (no supplier), India 2019-2020.
TABLE = _flows(
    [
        ("India", None, 2019, 100.0, "Aircraft", 4, "2022-07-28", "categories"),
        ("India", None, 2020, 200.0, "Aircraft", 4, "2022-07-28", "categories"),
        ("India", None, 2020, 50.0, "Ships", 4, "2022-07-28", "categories"),
        ("India", None, 2019, 0.0, "Air defence systems", 4, "2022-07-28", "categories"),
    ],
    layout="tiv_table",
)


def _total(flows: pd.DataFrame, recipient: str, first: int = 0, last: int = 9999) -> float:
    mine = flows[(flows["recipient"] == recipient) & flows["year"].between(first, last)]
    return float(mine["tiv"].sum())


# --------------------------------------------------------------------------- breakdown


def test_breakdown_by_year_sums_to_the_recipients_total_and_shares_to_one():
    table = category_breakdown(REGISTER, "Ukraine")
    assert list(table.columns) == ["year", "category", "tiv", "share"]
    assert table["tiv"].sum() == pytest.approx(_total(REGISTER, "Ukraine"))
    for year, part in table.groupby("year"):
        assert part["tiv"].sum() == pytest.approx(_total(REGISTER, "Ukraine", year, year))
        assert part["share"].sum() == pytest.approx(1.0)
    y2022 = table[table["year"] == 2022].set_index("category")
    assert y2022.loc["Missiles", "share"] == pytest.approx(100 / 150)
    # the largest category first within a year
    assert table[table["year"] == 2023]["category"].tolist() == ["Air defence systems", "Missiles"]


def test_breakdown_by_period_sums_to_the_recipients_total_per_period():
    table = category_breakdown(REGISTER, "Ukraine", by="period")
    assert list(table.columns) == ["period", "start", "end", "category", "tiv", "share"]
    assert list(dict.fromkeys(table["period"])) == ["2014-18", "2019-23"]
    for (start, end), part in table.groupby(["start", "end"]):
        assert part["tiv"].sum() == pytest.approx(_total(REGISTER, "Ukraine", start, end))
        assert part["share"].sum() == pytest.approx(1.0)
    latest = table[table["period"] == "2019-23"].set_index("category")
    assert latest.loc["Missiles", "tiv"] == 120.0
    assert latest.loc["Missiles", "share"] == pytest.approx(120 / 290)


def test_breakdown_by_chosen_periods_may_overlap():
    table = category_breakdown(
        REGISTER, "Ukraine", by="period", periods=[(2022, 2023), (2023, 2023)]
    )
    assert table.groupby("period")["tiv"].sum().to_dict() == {"2022-23": 250.0, "2023-23": 100.0}
    with pytest.raises(ValueError, match="ends before"):
        category_breakdown(REGISTER, "Ukraine", by="period", periods=[(2023, 2022)])
    with pytest.raises(ValueError, match="by must be"):
        category_breakdown(REGISTER, "Ukraine", by="decade")


def test_breakdown_from_a_tiv_table_by_category():
    table = category_breakdown(TABLE, "India")
    assert table["tiv"].sum() == pytest.approx(_total(TABLE, "India"))
    y2019 = table[table["year"] == 2019].set_index("category")
    assert y2019.loc["Aircraft", "share"] == 1.0 and y2019.loc["Air defence systems", "share"] == 0
    # 2019-2020 spans no whole SIPRI period
    assert category_breakdown(TABLE, "India", by="period").empty


def test_one_source_when_several_exports_carry_categories():
    # The TIV table by category (complete, newer) and a per-delivery register (older) for India:
    # never added up.
    register = REGISTER.assign(recipient="India", dataset_id=5, vintage="2021-01-01")
    flows = pd.concat([register, TABLE], ignore_index=True)
    rows = category_rows(flows, "India")
    assert set(rows["dataset_id"]) == {4}
    view = category_view(flows, recipient="India")
    assert any("only one" in note for note in view.notes)


def test_partial_registers_count_each_supplier_once():
    # Two registers of one supplier's exports (two vintages) and one of another's.
    old = REGISTER[REGISTER["supplier"] == "United States"].assign(
        dataset_id=7, vintage="2024-01-01", scope="exports"
    )
    new = old.assign(dataset_id=8, vintage="2025-01-01", tiv=old["tiv"] * 2)
    germany = REGISTER[REGISTER["supplier"] == "Germany"].assign(dataset_id=9, scope="exports")
    rows = category_rows(pd.concat([old, new, germany], ignore_index=True), "Ukraine")
    assert set(rows["dataset_id"]) == {8, 9}
    view = category_view(pd.concat([new, germany], ignore_index=True), recipient="Ukraine")
    assert view.meta.filters["Coverage"].startswith("PARTIAL")


def test_rows_without_a_category_count_as_not_given():
    flows = pd.concat(
        [REGISTER, _flows([("Ukraine", "France", 2022, 6.0, None, 1, "2025-03-13", "imports")])],
        ignore_index=True,
    )
    table = category_breakdown(flows, "Ukraine")
    assert table["tiv"].sum() == pytest.approx(_total(flows, "Ukraine"))
    assert UNKNOWN_CATEGORY in set(table["category"])


def test_period_table_one_row_per_category():
    table = period_table(category_breakdown(REGISTER, "Ukraine", by="period"))
    assert list(table.columns) == [
        "category",
        "share 2014-18",
        "tiv 2014-18",
        "share 2019-23",
        "tiv 2019-23",
    ]
    assert table["category"].iloc[0] == "Missiles"  # largest in the newest period
    assert table["share 2019-23"].sum() == pytest.approx(1.0)
    assert table.set_index("category").loc["Sensors", "tiv 2019-23"] == 0
    assert list(period_table(category_breakdown(TABLE, "India", by="period")).columns) == [
        "category"
    ]


# --------------------------------------------------------------------------- what carries them


def test_data_without_categories_say_which_export_to_download():
    assert not has_categories(NO_CATEGORY)
    assert not has_categories(NO_CATEGORY, "India")
    assert categories_of(NO_CATEGORY) == []
    assert category_breakdown(NO_CATEGORY, "India").empty
    assert category_breakdown(NO_CATEGORY, "India", by="period").empty
    assert category_recipients(NO_CATEGORY) == []
    with pytest.raises(ValueError) as err:
        category_view(NO_CATEGORY, recipient="India")
    assert str(err.value) == NO_CATEGORIES_SENTENCE
    assert "per-delivery register" in NO_CATEGORIES_SENTENCE
    assert "by weapon category" in NO_CATEGORIES_SENTENCE
    assert "armstransfers.sipri.org" in NO_CATEGORIES_SENTENCE
    # frames without a category column at all
    bare = NO_CATEGORY.drop(columns="category")
    assert not has_categories(bare) and category_breakdown(bare, "India").empty
    assert not has_categories(None) and not has_categories(NO_CATEGORY.iloc[:0])


def test_has_categories_per_recipient_and_by_supplier():
    flows = pd.concat([REGISTER, TABLE, NO_CATEGORY], ignore_index=True)
    assert has_categories(flows)
    assert has_categories(flows, "Ukraine") and has_categories(flows, "India")
    assert not has_categories(flows, "Pakistan")
    # a TIV table by category has no supplier split to filter
    assert not has_categories(flows, "India", by_supplier=True)
    assert categories_of(flows, "Ukraine", by_supplier=True) == [
        "Air defence systems",
        "Armoured vehicles",
        "Artillery",
        "Missiles",
        "Sensors",
    ]
    assert category_recipients(flows) == ["India", "Poland", "Ukraine"]


def test_filter_keeps_only_the_chosen_categories():
    kept = filter_by_category(REGISTER, ["Missiles", "Artillery"])
    assert set(kept["category"]) == {"Missiles", "Artillery"}
    assert len(kept) == 4
    assert filter_by_category(REGISTER, []) is REGISTER  # nothing chosen: no filter
    assert filter_by_category(NO_CATEGORY, ["Missiles"]).empty
    assert filter_by_category(NO_CATEGORY.drop(columns="category"), ["Missiles"]).empty


def test_filter_works_on_deals(tmp_path, fixture_path):
    store = Store(tmp_path / "arms.sqlite")
    for name in ("register_deliveries.csv", "register_cp1252.csv"):
        assert store.import_bytes(name, fixture_path(name).read_bytes()).ok
    deals = store.deals()
    register = deals[deals["recipient"] == "Ukraine"]
    per_deal = deals[deals["recipient"] == "India"]
    assert has_categories(register) and not has_categories(per_deal)
    kept = filter_by_category(deals, ["Missiles"])
    assert kept["designation"].tolist() == ["Javelin ATM"]
    assert filter_by_category(per_deal, ["Missiles"]).empty
    # the stored per-delivery register's flows keep their categories
    flows = store.flows()
    table = category_breakdown(flows, "Ukraine")
    assert table["tiv"].sum() == pytest.approx(_total(flows.frame, "Ukraine"))
    assert not has_categories(flows, "India")


def test_import_mix_view_filtered_by_weapon_category():
    view = views.import_mix_view(REGISTER, [], recipient="Ukraine", weapon_categories=["Missiles"])
    assert set(view.data["supplier"]) == {"United States", "Germany"}
    assert view.meta.filters["Weapon categories"] == "Missiles"
    assert "Weapon categories: Missiles" in view.fig.layout.meta["subtitle"]
    unfiltered = views.import_mix_view(REGISTER, [], recipient="Ukraine")
    assert "Weapon categories" not in unfiltered.meta.filters
    assert "Poland" in set(unfiltered.data["supplier"])
    with pytest.raises(ValueError, match="by supplier in Missiles"):
        views.import_mix_view(NO_CATEGORY, [], recipient="India", weapon_categories=["Missiles"])


# --------------------------------------------------------------------------- chart


@pytest.mark.parametrize("by", ["year", "period"])
@pytest.mark.parametrize("measure", ["share", "tiv"])
def test_category_view_chart(by, measure):
    event = Event(
        start=dt.date(2022, 2, 24),
        title="Full-scale invasion",
        category="conflict",
        countries=("Ukraine",),
    )
    view = category_view(REGISTER, [event], recipient="Ukraine", by=by, measure=measure)
    assert (
        view.meta.title
        == f"Ukraine's arms imports by weapon category, by {'year' if by == 'year' else '5-year period'}"
    )
    assert view.meta.filters["Data"] == "SIPRI's per-delivery register"
    assert "data generated 13 Mar 2025" in view.fig.layout.meta["source"]
    plotted = view.data  # the plotted table, taken out of the figure into the view
    assert plotted["tiv"].sum() == pytest.approx(_total(REGISTER, "Ukraine"))
    assert [e.title for e in view.events] == ["Full-scale invasion"]
    assert view.fig.layout.yaxis.tickformat == (".0%" if measure == "share" else ",.0f")
    names = [t.name for t in view.fig.data]
    assert names[0] == "Missiles"  # the largest category first
    colors = [t.marker.color for t in view.fig.data]
    assert len(set(colors)) == len(colors)


def test_category_view_by_period_without_a_whole_period():
    with pytest.raises(ValueError, match="no whole 5-year period"):
        category_view(TABLE, recipient="India", by="period")


def test_hostile_category_names_are_escaped_in_the_chart():
    rows = [
        ("Ukraine", "Germany", 2020 + i % 4, 10.0 + i, name, 1, "2025-03-13", "imports")
        for i, name in enumerate(HOSTILE)
    ]
    flows = _flows(rows)
    for by in ("year", "period"):
        periods = [(2020, 2023)] if by == "period" else None
        view = category_view(flows, recipient="Ukraine", by=by, periods=periods)
        assert_safe(view.fig, list(HOSTILE))
        # the plotted table keeps the raw names
        assert set(view.data["category"]) == set(HOSTILE)
    meta = ChartMeta(title=f"Imports of {LINK}", filters={"Recipient": LINK})
    table = category_breakdown(flows, "Ukraine")
    assert_safe(build_category_mix(table, meta=meta, recipient=LINK).figure, [LINK, *HOSTILE])


def test_chart_rejects_bad_options():
    table = category_breakdown(REGISTER, "Ukraine")
    meta = ChartMeta(title="t")
    with pytest.raises(ValueError, match="measure"):
        build_category_mix(table, meta=meta, measure="count")
    with pytest.raises(ValueError, match="missing"):
        build_category_mix(table, meta=meta, by="period")
    assert category_color("Missiles") != category_color("Aircraft")
