"""Unit and property tests of the deal search and filters (analysis.deals)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import schema
from analysis.deals import filter_deals, fold_text, no_match_sentence, query_words

from .conftest import examples

# fmt: off
ROWS = [
    # designation, description, comments, supplier, recipient, order year, status, category,
    # delivery years
    ("S-400 Triumf", "SAM system", "INR390 b deal", "Russia", "India", 2018, "New", "Air defence", [2021, 2022]),
    ("48N6", "SAM", "Part of deal for S-400 SAM systems", "Russia", "India", 2018, "New", "Missiles", [2021]),
    ("R-73", "air-to-air missile", "For MiG-29 combat aircraft", "Russia", "India", 1987, "New", "Missiles", [1988]),
    ("MiG-29K", "FGA aircraft", "for Vikramaditya carrier", "Russia", "India", 2010, "New", "Aircraft", [2011, 2012]),
    ("Bü-181 engine", "diesel engine", "For Wärtsilä trials", "Germany", "India", 2015, "Second hand", None, [2016]),
    ("Rafale", "FGA aircraft", "EUR7.9 b deal", "France", "India", 2016, "New", "Aircraft", []),
    ("AK 630", "naval gun", None, "Russia", "Ukraine", None, "New", "Artillery", [2001]),
    ("Javelin", "anti-tank missile", "aid", "United States", "Ukraine", 2022, "New", "Missiles", [2022]),
]
# fmt: on


def make_deals(rows=ROWS) -> pd.DataFrame:
    columns = [
        "designation",
        "description",
        "comments",
        "supplier",
        "recipient",
        "order_year",
        "status",
        "category",
        "delivery_years",
    ]
    frame = pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows], columns=columns)
    frame["deal_id"] = range(1, len(frame) + 1)
    return schema.coerce_deals(frame)


def designations(frame: pd.DataFrame) -> list[str]:
    return list(frame["designation"])


def search(query: str, **filters) -> list[str]:
    return designations(filter_deals(make_deals(), query=query, **filters).deals)


# --------------------------------------------------------------------------- search


def test_comments_are_searched():
    assert search("S-400") == ["48N6", "S-400 Triumf"]
    assert search("for MiG-29") == ["MiG-29K", "R-73"]  # words, not a phrase: MiG-29K's
    # designation has "mig-29" and its comment "for Vikramaditya carrier" has "for".
    assert search("vikramaditya") == ["MiG-29K"]
    assert set(search("for MiG")) <= set(search("MiG"))


def test_supplier_and_recipient_names_are_searched():
    assert search("ukraine") == ["Javelin", "AK 630"]
    assert search("germany") == ["Bü-181 engine"]


def test_case_is_ignored():
    assert search("MIG-29") == search("mig-29") == ["MiG-29K", "R-73"]


def test_accents_are_ignored_on_both_sides():
    assert search("wartsila") == ["Bü-181 engine"]
    assert search("WÄRTSILÄ") == ["Bü-181 engine"]
    assert search("bu-181") == ["Bü-181 engine"]
    assert search("Bû-181") == ["Bü-181 engine"]


def test_every_word_must_match_in_any_field():
    assert search("sam russia") == ["48N6", "S-400 Triumf"]
    assert search("missile 2022") == []  # years are not searched text
    assert search("missile ukraine") == ["Javelin"]
    assert search("sam france") == []
    assert search("  fga   aircraft  ") == ["Rafale", "MiG-29K"]


def test_hyphens_and_spaces_are_ignored():
    assert search("S400") == ["48N6", "S-400 Triumf"]
    assert search("s 400") == search("S-400")
    assert search("AK-630") == ["AK 630"]
    assert search("ak630") == ["AK 630"]
    assert search("mig29k") == ["MiG-29K"]
    assert search("mig\u201129k") == ["MiG-29K"]  # a non-breaking hyphen typed or pasted


def test_a_word_cannot_span_two_fields():
    # designation "Rafale" is followed by description "FGA aircraft": no "rafalefga".
    assert search("rafalefga") == []
    assert search("Rafale-FGA") == []


def test_search_is_literal():
    assert search("(") == []
    assert search(".") == ["Rafale"]  # the dot of "EUR7.9", not any character
    assert search("S-4.0") == []
    # A hyphen alone squeezes to nothing: it matches only where a hyphen is written.
    assert "Javelin" in search("-")  # "anti-tank"
    assert "Rafale" not in search("-")


def test_empty_query_keeps_everything():
    for query in ("", "   ", "\u0301"):  # a lone combining mark folds to nothing
        result = filter_deals(make_deals(), query=query)
        assert result.count == result.total == len(ROWS)


def test_missing_text_never_matches_or_fails():
    assert "AK 630" not in search("nan")
    assert "AK 630" not in search("none")


def test_fold_text():
    folded = fold_text(pd.Series(["Wärtsilä", "MiG‑29", "Ødegaard", "STRAßE", None], dtype="str"))
    assert folded.tolist() == ["wartsila", "mig-29", "odegaard", "strasse", ""]
    assert query_words(" Wärtsilä  S-400 ") == ["wartsila", "s-400"]


# --------------------------------------------------------------------------- order and count


def test_default_order_is_newest_order_year_first_then_designation():
    result = filter_deals(make_deals())
    years = result.deals["order_year"].tolist()
    assert years[:3] == [2022, 2018, 2018]
    assert designations(result.deals)[1:3] == ["48N6", "S-400 Triumf"]
    assert pd.isna(years[-1])  # unknown order year last
    assert designations(result.deals)[-1] == "AK 630"


def test_count_and_total():
    result = filter_deals(make_deals(), query="missile")
    assert result.count == len(result.deals) == 2
    assert result.total == len(ROWS)
    deals, count, total = filter_deals(make_deals(), query="nothing like it")
    assert deals.empty and count == 0 and total == len(ROWS)
    assert list(deals.columns) == list(make_deals().columns)


# --------------------------------------------------------------------------- other filters


def test_recipient_filter():
    assert search("", recipients=["Ukraine"]) == ["Javelin", "AK 630"]
    assert len(search("", recipients=["India", "Ukraine"])) == len(ROWS)
    assert search("", recipients=["Nowhere"]) == []


def test_supplier_filter():
    assert search("", suppliers=["France"]) == ["Rafale"]
    assert search("", suppliers=["France", "Germany"]) == ["Rafale", "Bü-181 engine"]


def test_category_filter():
    assert search("", categories=["Missiles"]) == ["Javelin", "48N6", "R-73"]
    assert "Bü-181 engine" not in search("", categories=["Missiles", "Aircraft"])


def test_status_filter():
    assert search("", status=["Second hand"]) == ["Bü-181 engine"]


def test_order_year_filter_leaves_out_unknown_years():
    assert search("", years=(2015, 2018)) == ["48N6", "S-400 Triumf", "Rafale", "Bü-181 engine"]
    assert "AK 630" not in search("", years=(1900, 2100))
    assert "AK 630" in search("", years=None)


def test_delivery_year_filter_leaves_out_deals_without_deliveries():
    assert search("", delivery_years=(2012, 2016)) == ["Bü-181 engine", "MiG-29K"]
    assert "Rafale" not in search("", delivery_years=(1900, 2100))


def test_filters_combine_with_the_search():
    assert search("missile", recipients=["India"]) == ["R-73"]
    assert search("S-400", years=(2018, 2018), categories=["Missiles"]) == ["48N6"]
    assert search("S-400", suppliers=["France"]) == []


def test_non_range_index_is_kept():
    deals = make_deals()
    deals.index = [10 * i for i in range(len(deals))]
    found = filter_deals(deals, query="S-400", suppliers=["Russia"]).deals
    assert sorted(found.index) == [0, 10]


# --------------------------------------------------------------------------- no match


def test_no_match_sentence():
    assert no_match_sentence(" AK-203 ") == (
        "No deal matches 'AK-203'. SIPRI's Arms Transfers Database covers major conventional "
        "arms only (aircraft, armoured vehicles, artillery, missiles, ships, air defence "
        "systems, sensors, engines…): small arms, light weapons and ammunition are not in it. "
        "See About."
    )


# --------------------------------------------------------------------------- properties

TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)),
    max_size=20,
)
NICE_TEXT = st.text(alphabet="abcAB-Zé üäØ0129 .()", max_size=12)


def _frame(rows) -> pd.DataFrame:
    return make_deals(
        [(d, desc, c, "Russia", "India", y, "New", None, []) for d, desc, c, y in rows]
    )


ROW = st.tuples(
    st.one_of(TEXT, NICE_TEXT),
    st.one_of(st.none(), NICE_TEXT),
    st.one_of(st.none(), TEXT),
    st.one_of(st.none(), st.integers(1950, 2025)),
)


@settings(max_examples=examples(200), deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=6), data=st.data())
def test_a_substring_of_a_designation_keeps_its_row(rows, data):
    deals = _frame(rows)
    position = data.draw(st.integers(0, len(rows) - 1))
    designation = deals["designation"].iloc[position]
    start = data.draw(st.integers(0, len(designation)))
    end = data.draw(st.integers(start, len(designation)))
    result = filter_deals(deals, query=designation[start:end])
    assert deals.index[position] in result.deals.index


@settings(max_examples=examples(200), deadline=None)
@given(rows=st.lists(ROW, max_size=8), query=st.one_of(TEXT, NICE_TEXT))
def test_the_result_is_a_sorted_subset(rows, query):
    deals = _frame(rows)
    result = filter_deals(deals, query=query)
    assert result.count == len(result.deals) <= result.total == len(deals)
    assert result.deals.index.is_unique
    assert set(result.deals.index) <= set(deals.index)
    pd.testing.assert_frame_equal(result.deals, deals.loc[result.deals.index])
    years = result.deals["order_year"]
    known = years.dropna().tolist()
    assert known == sorted(known, reverse=True)
    assert not years.iloc[len(known) :].notna().any()  # unknown years come last
    # Searching again within the result finds the same rows (the filter is idempotent).
    again = filter_deals(result.deals, query=query)
    assert list(again.deals.index) == list(result.deals.index)


@settings(max_examples=examples(100), deadline=None)
@given(rows=st.lists(ROW, max_size=6), first=NICE_TEXT, second=NICE_TEXT)
def test_more_words_never_find_more(rows, first, second):
    deals = _frame(rows)
    one = set(filter_deals(deals, query=first).deals.index)
    both = set(filter_deals(deals, query=f"{first} {second}").deals.index)
    assert both <= one


@pytest.mark.samples
def test_india_register_search_reads_comments(sample_path):
    from analysis.sipri import read_sipri

    deals = read_sipri(sample_path("EXTRACT_new_register_INDIA")).deals
    found = filter_deals(deals, query="S-400").deals
    comments = found["comments"].fillna("")
    assert comments.str.contains("for S-400", case=False, regex=False).any()
    assert found["designation"].str.startswith("S-400").any()
    assert filter_deals(deals, query="s400").count == len(found)
    mig = filter_deals(deals, query="MiG-29")
    assert mig.count > (deals["designation"].str.contains("MiG-29", regex=False)).sum()
    assert filter_deals(deals, query="AK-203").count == 0
