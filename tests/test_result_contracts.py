"""The comparison, weapon-category, display and deal tables are checked where they are made
(``analysis.results``: ``Columns`` declared once, ``validate``): a producer whose table drifts
from its declared columns fails with one sentence naming the table and the column."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import categories, compare, deals, results, tables
from analysis.results import Columns, ResultTableError, validate

from .test_categories import REGISTER
from .test_compare import flows as compare_flows
from .test_deals import make_deals
from .test_shares import WORLD
from .test_views import TINY

NOPE = "a column no producer makes"
A, B = (2014, 2018), (2019, 2023)


def _comparison():
    return compare.compare_view(compare_flows(), ["India", "Pakistan"], by="period")


CASES = {
    "comparison chart": (compare, "COMPARISON", lambda: _comparison().chart.data),
    "comparison yearly": (
        compare,
        "COMPARISON",
        lambda: compare.compare_view(compare_flows(), ["India", "Pakistan"]).chart.data,
    ),
    "comparison table": (compare, "COMPARISON_TABLE", lambda: _comparison().table),
    "categories by year": (
        categories,
        "CATEGORY_BY_YEAR",
        lambda: categories.category_breakdown(REGISTER, "Ukraine"),
    ),
    "categories by period": (
        categories,
        "CATEGORY_BY_PERIOD",
        lambda: categories.category_breakdown(REGISTER, "Ukraine", by="period"),
    ),
    "what changed": (
        tables,
        "WHAT_CHANGED",
        lambda: tables.what_changed(TINY, "India", A, B).table,
    ),
    "period table": (
        tables,
        "WHAT_CHANGED",
        lambda: tables.period_table(TINY, "India", A, B).table,
    ),
    "published change": (tables, "WHAT_CHANGED", lambda: tables.published_change("India").table),
    "world position": (
        tables,
        "WORLD_POSITION",
        lambda: tables.world_position(WORLD, "India", [(2019, 2023)]).table,
    ),
    "self-check": (tables, "SELF_CHECK", lambda: tables.self_check(TINY, "India").table),
    "deals": (deals, "DEALS", lambda: deals.filter_deals(make_deals()).deals),
}
NAMES = list(CASES)


@pytest.mark.parametrize("what", NAMES)
def test_each_table_has_its_declared_columns(what):
    _, contract, make = CASES[what]
    table = make()
    assert len(table) > 0, "an empty table would check nothing"
    assert validate(table, getattr(results, contract)) is table


@pytest.mark.parametrize("what", NAMES)
def test_the_producer_refuses_a_table_lacking_a_declared_column(what, monkeypatch):
    module, contract, make = CASES[what]
    declared = getattr(results, contract)
    stricter = Columns(declared.name, {**declared.required, NOPE: "text"}, declared.optional)
    monkeypatch.setattr(module, contract, stricter)
    sentence = rf"^The {re.escape(declared.name)} table lacks column\(s\) {NOPE}; it has .+\.$"
    with pytest.raises(ResultTableError, match=sentence):
        make()


@pytest.mark.parametrize("what", NAMES)
def test_a_column_of_the_wrong_kind_is_refused_with_a_sentence(what):
    _, contract, make = CASES[what]
    declared = getattr(results, contract)
    table = make()
    text = next(c for c, kind in declared.required.items() if kind == "text")
    wrong = table.assign(**{text: pd.Series(range(len(table)), index=table.index)})
    with pytest.raises(ResultTableError) as caught:
        validate(wrong, declared)
    assert str(caught.value) == (
        f"Column {text} of the {declared.name} table must hold text values, not int64."
    )
