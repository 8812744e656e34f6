"""One SIPRI vocabulary: a share reads the same in a table, on a chart and in an export."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analysis.chart_meta import ChartMeta
from analysis.period_comparison import build_period_comparison
from analysis.vocab import parse_period, period_label, share_text

from .conftest import examples


@pytest.mark.parametrize(
    "share, text",
    [
        (0.0951, "9.5%"),  # the review's case: "10%" on the chart, "9.5%" in the table before
        (0.365, "37%"),  # half-up: SIPRI's 36.5% prints as 37%, never "36%"
        (0.759, "76%"),
        (0.0996, "10%"),
        (0.125, "13%"),
        (0.004, "0.4%"),
        (0.0, "0.0%"),
        (1.0, "100%"),
        (None, "n/a"),
        (float("nan"), "n/a"),
    ],
)
def test_share_text_is_sipris_rounding(share, text):
    assert share_text(share) == text


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 1, allow_nan=False), st.floats(0, 1, allow_nan=False)),
        min_size=1,
        max_size=6,
    )
)
@example([(0.0951, 0.365), (0.0995, 0.125)])  # where the two old rules disagreed
def test_the_chart_label_of_any_share_equals_the_table_text(pairs):
    suppliers = [f"Supplier {k}" for k in range(len(pairs))]
    rows = [
        {"period": period, "supplier": name, "share": share}
        for name, (a, b) in zip(suppliers, pairs, strict=True)
        for period, share in (("2009-13", a), ("2019-23", b))
    ]
    chart = build_period_comparison(
        pd.DataFrame(rows),
        meta=ChartMeta(title="t"),
        period_a="2009-13",
        period_b="2019-23",
        top_n=None,
    )
    fig = chart.figure
    traces = {t.name: t for t in fig.data if t.mode == "markers+text"}
    for label, column in (("2009-13", 0), ("2019-23", 1)):
        trace = traces[label]
        for supplier, text in zip(trace.y, trace.text, strict=True):
            share = pairs[suppliers.index(supplier)][column]
            # A zero share is a period without deliveries: the table leaves it blank with the
            # reason "no deliveries in this period", the chart says "no deliveries".
            expected = share_text(share) if share > 0 else "no deliveries"
            assert text.split(" (")[0] == expected, (supplier, share, text)


@given(st.integers(1900, 2095))
def test_period_labels_parse_back(first):
    last = first + 4
    assert parse_period(period_label(first, last)) == (first, last)


@pytest.mark.parametrize(
    "name, phrase",
    [
        ("India", "India"),
        ("Russia", "Russia"),
        ("United States", "the United States"),
        ("United Kingdom", "the United Kingdom"),
        ("United Arab Emirates", "the United Arab Emirates"),
        ("UAE", "the UAE"),
        ("Netherlands", "the Netherlands"),
        ("Philippines", "the Philippines"),
        ("Czech Republic", "the Czech Republic"),
        ("Czechia", "Czechia"),
        ("Central African Republic", "the Central African Republic"),
        ("Soviet Union", "the Soviet Union"),
        ("Solomon Islands", "the Solomon Islands"),
        ("African Union**", "the African Union**"),
        ("Kurdistan Regional Government (Iraq)*", "the Kurdistan Regional Government (Iraq)*"),
        ("Hezbollah (Lebanon)*", "Hezbollah (Lebanon)*"),
        ("DR Congo", "DR Congo"),
        ("the Gambia", "the Gambia"),
        ("  United   States ", "the United States"),
        ("", ""),
    ],
)
def test_country_phrase_puts_the_where_english_does(name, phrase):
    from analysis.vocab import country_phrase

    assert country_phrase(name) == phrase


@pytest.mark.parametrize(
    "name, opening",
    [
        ("India", "India's"),
        ("United States", "The United States'"),
        ("Philippines", "The Philippines'"),
        ("Soviet Union", "The Soviet Union's"),
        ("Laos", "Laos'"),
    ],
)
def test_country_phrase_opens_a_sentence_and_makes_a_possessive(name, opening):
    from analysis.vocab import country_phrase

    assert country_phrase(name, start=True, possessive=True) == opening
    assert country_phrase(name, start=True).startswith(opening.removesuffix("'s").rstrip("'"))


def test_loader_descriptions_name_countries_with_the_article():
    from analysis.sipri.tiv_tables import _describe_table

    assert (
        _describe_table("United States", "recipients") == "the United States' exports by recipient"
    )
    assert _describe_table("India", "suppliers") == "India's imports by supplier"
    assert _describe_table("Philippines", "suppliers:categories") == (
        "the Philippines' imports by weapon category"
    )
