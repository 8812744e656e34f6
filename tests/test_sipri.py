"""The SIPRI loader over hand-written fixtures in every layout and every kind of damage."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest

from analysis.results import SipriTotal
from analysis.schema import DEAL_COLUMNS, FLOW_COLUMNS
from analysis.sipri import SipriFormatError, read_sipri

INDIA_FLOWS = {
    ("Russia", 2009): 100.0,
    ("Russia", 2010): 200.0,
    ("Russia", 2011): 300.0,
    ("Russia", 2012): 400.0,
    ("France", 2009): 50.0,
    ("France", 2010): 0.0,
    ("France", 2013): 50.0,
    ("unknown supplier(s)", 2013): 0.0,
    ("Turkiye", 2013): 500.0,
}


def as_dict(flows: pd.DataFrame, key=("supplier", "year")) -> dict:
    return {tuple(r[k] for k in key): r["tiv"] for _, r in flows.iterrows()}


# Every damaged copy of the same India table must give exactly the same flows.
INDIA_VARIANTS = [
    ("tiv_table_india_by_supplier.csv", [], dt.date(2024, 10, 10)),
    (
        "tiv_table_excel_resaved_crlf.csv",
        ["CRLF", "'0' rather than", "padding"],
        dt.date(2024, 10, 10),
    ),
    ("tiv_table_no_preamble.csv", ["preamble", "vintage is unknown"], None),
    ("tiv_table_trailing_semicolon.csv", ["';' appended"], dt.date(2024, 10, 10)),
    ("tiv_table_semicolon_delimited.csv", ["semicolons"], dt.date(2024, 10, 10)),
    ("tiv_table_utf8_bom.csv", ["byte-order mark"], dt.date(2024, 10, 10)),
    ("tiv_table_utf16.csv", ["UTF-16"], dt.date(2024, 10, 10)),
]


@pytest.mark.parametrize(("name", "note_words", "generated"), INDIA_VARIANTS)
def test_india_table_and_its_damaged_copies(fixture_path, name, note_words, generated):
    export = read_sipri(fixture_path(name))
    assert export.layout == "tiv_table"
    assert export.generated == generated
    assert list(export.flows.columns) == FLOW_COLUMNS
    assert (export.flows["recipient"] == "India").all()
    assert export.flows["category"].isna().all()
    assert as_dict(export.flows) == INDIA_FLOWS
    assert export.countries == ["India"]
    notes = " ".join(export.notes)
    for word in note_words:
        assert word in notes, (word, export.notes)
    # The empty 2014 column is unpublished: reported, and never a flow.
    assert "2014" in notes
    assert "Turkey -> Turkiye" in notes


def test_total_rows_are_kept_aside_not_as_flows(fixture_path):
    export = read_sipri(fixture_path("tiv_table_india_by_supplier.csv"))
    totals = export.totals
    assert totals["recipient"].eq("India").all() and totals["supplier"].isna().all()
    assert dict(zip(totals["year"], totals["tiv"], strict=True)) == {
        2009: 150.0,
        2010: 200.0,
        2011: 300.0,
        2012: 400.0,
        2013: 550.0,
    }
    assert (totals["side"] == "import").all()
    # The share functions get them beside the flows (never in DataFrame.attrs).
    assert SipriTotal("India", None, 2013, 550.0, "import") in export.loaded().totals
    assert export.flows.attrs == {}
    both = pd.concat([export.flows, export.flows])
    assert len(both) == 2 * len(export.flows)
    world = read_sipri(fixture_path("tiv_table_importers_all.csv")).totals
    assert world["recipient"].isna().all() and (world["side"] == "import").all()
    assert world["tiv"].sum() == 2000.0
    france = read_sipri(fixture_path("tiv_table_old_exports_from_france.csv")).totals
    assert (france["supplier"] == "France").all() and (france["side"] == "export").all()


def test_zero_with_space_is_a_delivery_and_empty_is_none(fixture_path):
    flows = read_sipri(fixture_path("tiv_table_india_by_supplier.csv")).flows
    france = flows[flows["supplier"] == "France"].set_index("year")["tiv"]
    assert france.to_dict() == {2009: 50.0, 2010: 0.0, 2013: 50.0}
    assert flows["tiv"].dtype == "float64" and flows["year"].dtype == "int64"


def test_all_importers_table_has_no_supplier(fixture_path):
    export = read_sipri(fixture_path("tiv_table_importers_all.csv"))
    flows = export.flows
    assert flows["supplier"].isna().all()
    assert set(flows["recipient"]) == {
        "India",
        "Pakistan",
        "Hezbollah (Lebanon)*",
        "NATO**",
        "Ukraine",
    }
    assert flows[flows["recipient"] == "India"]["tiv"].sum() == 1000.0
    assert 2024 not in set(flows["year"])
    assert export.countries == []


def test_all_exporters_table_has_no_recipient(fixture_path):
    flows = read_sipri(fixture_path("tiv_table_exporters_all.csv")).flows
    assert flows["recipient"].isna().all()
    assert as_dict(flows[flows["supplier"] == "Russia"]) == {
        ("Russia", 2020): 400.0,
        ("Russia", 2021): 300.0,
    }


def test_two_tables_pasted_each_keep_their_country(fixture_path):
    export = read_sipri(fixture_path("tiv_table_two_tables_pasted.csv"))
    flows = export.flows
    assert export.countries == ["India", "Pakistan"]
    pak = flows[flows["recipient"] == "Pakistan"]
    assert as_dict(pak) == {
        ("China", 2009): 300.0,
        ("China", 2010): 300.0,
        ("United States", 2010): 100.0,
    }
    assert as_dict(flows[flows["recipient"] == "India"]) == INDIA_FLOWS
    assert any("2 tables" in n for n in export.notes)


def test_empty_result_is_read_with_a_note(fixture_path):
    export = read_sipri(fixture_path("tiv_table_empty_result.csv"))
    assert export.flows.empty
    assert any("no deliveries" in n for n in export.notes)


def test_tiv_table_old_exports_from_a_country(fixture_path):
    export = read_sipri(fixture_path("tiv_table_old_exports_from_france.csv"))
    assert export.layout == "tiv_table"
    assert export.generated == dt.date(2022, 7, 28)
    flows = export.flows
    assert (flows["supplier"] == "France").all()
    got = as_dict(flows, ("recipient", "year"))
    assert got[("India", 2021)] == 100.0
    assert got[("Turkiye", 2019)] == 0.0
    assert got[("unknown recipient(s)", 2020)] == 5.0
    assert flows["tiv"].sum() == 1175.0  # equals the Total column: the Total row is not a flow


def test_tiv_table_old_exports_to_a_country_keeps_soviet_union(fixture_path):
    export = read_sipri(fixture_path("tiv_table_old_imports_to_india.csv"))
    flows = export.flows
    assert (flows["recipient"] == "India").all()
    assert set(flows["supplier"]) == {"Soviet Union", "United Kingdom", "Germany"}
    assert export.generated == dt.date(2018, 12, 5)


def test_tiv_table_old_all_importers_with_quoted_names(fixture_path):
    flows = read_sipri(fixture_path("tiv_table_old_importers_all.csv")).flows
    assert flows["supplier"].isna().all()
    assert set(flows["recipient"]) == {"Afghanistan", "South Korea", "North Macedonia", "UAE"}
    assert flows.loc[(flows["recipient"] == "UAE") & (flows["year"] == 2017), "tiv"].item() == 0.0


def test_tiv_table_weapon_category_rows(fixture_path):
    flows = read_sipri(fixture_path("tiv_table_old_categories_india.csv")).flows
    assert (flows["recipient"] == "India").all()
    assert flows["supplier"].isna().all()
    assert set(flows["category"]) == {"Aircraft", "Ships", "Air defence systems"}
    assert flows["tiv"].sum() == 360.0


def test_tiv_regional(fixture_path):
    export = read_sipri(fixture_path("tiv_regional.csv"))
    assert export.layout == "tiv_regional"
    got = as_dict(export.flows, ("recipient", "supplier", "year"))
    assert got[("Africa", "Russia", 2020)] == 0.0
    assert got[("South Asia", "United States", 2021)] == 400.0
    assert ("Africa", "France", 2020) not in got
    assert len(got) == 10  # the Regional total rows are not flows


@pytest.mark.parametrize("name", ["register_cp1252.csv", "register_split_crlf.csv"])
def test_register_one_row_per_deal(fixture_path, name):
    export = read_sipri(fixture_path(name))
    assert export.layout == "register"
    assert export.generated == dt.date(2025, 3, 13)
    deals = export.deals
    assert list(deals.columns) == DEAL_COLUMNS
    assert len(deals) == 5
    mig = deals[deals["designation"] == "MiG-29K"].iloc[0]
    assert mig["delivery_years"] == [2011, 2012]
    assert bool(mig["order_year_uncertain"]) and not bool(mig["number_ordered_uncertain"])
    assert bool(mig["number_delivered_uncertain"])
    assert mig["tiv_order"] == 200 and mig["tiv_delivered"] == 200
    split = deals[deals["supplier"] == "Germany"].iloc[0]
    assert split["designation"] == "Bü-181 engine"
    assert split["comments"].startswith("For Wärtsilä trials") and "line break" in split["comments"]
    assert split["tiv_delivered"] == 1
    assert any("Joined 1 record" in n for n in export.notes)
    assert any("spread evenly" in n for n in export.notes)
    flows = export.flows
    # Delivered TIV spread evenly: MiG-29K 200 over 2011-2012, ship 3 over 2021-2023.
    got = as_dict(flows)
    assert got[("Russia", 2011)] == 100.0 and got[("Russia", 2012)] == 100.0
    assert got[("Turkiye", 2022)] == pytest.approx(1.0)
    assert ("United States", 2024) not in got  # nothing delivered yet
    assert flows["tiv"].sum() == pytest.approx(deals["tiv_delivered"].sum())


def test_register_deliveries_sum_exactly(fixture_path):
    export = read_sipri(fixture_path("register_deliveries.csv"))
    assert export.layout == "register_deliveries"
    flows = export.flows
    got = as_dict(flows, ("supplier", "year", "category"))
    assert got[("United States", 2022, "Missiles")] == 1.0
    assert got[("United States", 2023, "Missiles")] == 2.0
    assert got[("Germany", 2023, "Air defence systems")] == 10.0  # 2026 spelling folded
    deals = export.deals
    javelin = deals[deals["deal_id"] == 102].iloc[0]
    assert javelin["delivery_years"] == [2022, 2023]
    assert javelin["number_delivered"] == 300 and javelin["tiv_delivered"] == 3.0
    assert bool(javelin["number_delivered_uncertain"])
    assert deals[deals["deal_id"] == 103].iloc[0]["designation"] == "Pandur-2"
    assert any("mangled" in n for n in export.notes)
    assert export.countries == ["Ukraine"]


def test_register_legacy_has_deals_but_no_flows(fixture_path):
    export = read_sipri(fixture_path("register_legacy_2014.csv"))
    assert export.layout == "register_legacy"
    assert export.flows.empty and list(export.flows.columns) == FLOW_COLUMNS
    deals = export.deals
    assert set(deals["recipient"]) == {"Burkina Faso", "South Korea", "UAE"}
    f15 = deals[deals["designation"] == "F-15K"].iloc[0]
    assert f15["delivery_years"] == [2010, 2011, 2012]
    assert f15["comments"] == "Deal worth $1 b, incl. weapons"
    assert deals[deals["designation"] == "Mi-17"].iloc[0]["delivery_years"] == [2013]
    assert deals[deals["designation"] == "Mi-17"].iloc[0]["supplier"] == "unknown supplier(s)"
    assert deals[deals["designation"] == "Mi-17"].iloc[0]["status"] == "Second hand but modernized"
    assert any("no TIV" in n for n in export.notes)


@pytest.mark.parametrize(
    ("name", "words", "line"),
    [
        ("bad_empty.csv", "empty", 0),
        ("bad_not_sipri.csv", "not a SIPRI", 1),
        ("bad_preamble_only.csv", "no table", 9),
        ("bad_truncated_mid_row.csv", "truncated", 14),
        ("bad_truncated_no_total.csv", "Total", 14),
        ("bad_png.csv", "PNG image", 1),
        ("bad_text_in_number.csv", "not a number", 11),
        ("bad_negative_tiv.csv", "negative", 11),
        ("bad_glued_layouts.csv", "glued together", 27),
        ("bad_register_truncated.csv", "truncated", 18),
    ],
)
def test_bad_input_raises_one_named_error_with_line(fixture_path, name, words, line):
    with pytest.raises(SipriFormatError) as err:
        read_sipri(fixture_path(name))
    assert words in str(err.value)
    assert err.value.line == line
    assert isinstance(err.value, ValueError)


def test_sources_bytes_str_path_and_file_object(fixture_path):
    path = fixture_path("tiv_table_india_by_supplier.csv")
    data = path.read_bytes()
    for source in (data, str(path), path, io.BytesIO(data), bytearray(data)):
        assert as_dict(read_sipri(source).flows) == INDIA_FLOWS


def test_missing_path_is_a_format_error(tmp_path):
    with pytest.raises(SipriFormatError, match="no file"):
        read_sipri(tmp_path / "nope.csv")


def test_names_file_knows_every_fixture_name(fixture_path):
    for path in sorted(fixture_path("").glob("[ABCDE]*.csv")):
        assert read_sipri(path).unknown_names == [], path.name


def test_unknown_names_are_reported_not_dropped(fixture_path):
    text = (
        fixture_path("tiv_table_india_by_supplier.csv").read_text().replace("Russia,", "Ruritania,")
    )
    export = read_sipri(text.encode())
    assert export.unknown_names == ["Ruritania"]
    assert "Ruritania" in set(export.flows["supplier"])


def test_generated_date_formats():
    base = "Supplier,2020,2020-2020,Percentage,Sum total years,Percentage of total\nRussia,5,5,100%,5,100%\nTotal exports to India,5,5,100%,5,\n"
    for stamp, want in [
        ("Data generated: 3 Mar 2025 1:02:03 AM", dt.date(2025, 3, 3)),
        ("Generated: 05 December 2018", dt.date(2018, 12, 5)),
        ("Data generated: 18 May 2026 10:00:00 PM", dt.date(2026, 5, 18)),
    ]:
        assert (
            read_sipri(f"Volume of transfers of major arms\n{stamp}\n\n{base}".encode()).generated
            == want
        )


def test_duplicate_row_in_one_table_is_an_error(fixture_path):
    text = fixture_path("tiv_table_india_by_supplier.csv").read_text()
    text = text.replace("Total exports", "Russia,1,,,,,,1,1%,1,1%\nTotal exports")
    with pytest.raises(SipriFormatError, match="appears twice") as err:
        read_sipri(text.encode())
    assert err.value.line == 15


def test_year_out_of_range_in_header(fixture_path):
    text = fixture_path("tiv_table_india_by_supplier.csv").read_text().replace("2009,", "9999,", 1)
    with pytest.raises(SipriFormatError, match="9999"):
        read_sipri(text.encode())


def test_messages_are_sentences_without_tracebacks(fixture_path):
    for path in sorted(fixture_path("").glob("bad_*")):
        with pytest.raises(SipriFormatError) as err:
            read_sipri(path)
        assert re.match(r"^[A-Z]", err.value.reason), err.value.reason
        assert "Traceback" not in str(err.value)
