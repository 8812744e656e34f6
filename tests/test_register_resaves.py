"""Registers re-saved by spreadsheets read with the exact deal count (split records included).

SIPRI writes no quotes, so a line break typed into a comment splits a record over two lines. A
spreadsheet re-save then pads both halves with separators to the full width, may write CRLF, a
byte-order mark, a trailing separator, or quote every field. One implementation joins the
halves back for every register layout.
"""

from __future__ import annotations

import csv
import io

import pytest

from analysis.sipri import SipriFormatError, read_sipri

from .conftest import DATA

WIDTH = {"register": 16, "register_deliveries": 17}


def test_the_issues_four_line_reproduction_reads_as_two_deals():
    """Header; a 13-field first half padded with 3 empty fields; a second half that starts
    with a comma (the rest of the comment, empty here) and holds the last 3 fields, padded to 16;
    then a whole record."""
    export = read_sipri(DATA / "register_split_padded.csv")
    deals = export.deals
    assert len(deals) == 2
    germany = deals[deals["supplier"] == "Germany"].iloc[0]
    assert germany["order_year"] == 2015  # not "Year of order 4 is outside 1900-2100"
    assert germany["comments"] == "For trials"
    assert (germany["tiv_unit"], germany["tiv_order"], germany["tiv_delivered"]) == (0.5, 1, 1)
    assert any("Joined 1 record" in n for n in export.notes)


def _split_register(rest_of_comment: str) -> str:
    header = (
        "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,"
        "Weapon description,Number delivered, ,Year(s) of delivery,status,Comments,"
        "SIPRI TIV per unit,SIPRI TIV for total order,SIPRI TIV of delivered weapons"
    )
    return "\n".join(
        [
            "Transfers of major conventional arms from All countries  to India .",
            "Data generated: 13 Mar 2025 10:02:49 AM",
            header,
            "India,Russia,2010,?,10,,MiG-29K,FGA aircraft,10,?,2011; 2012,New,$1 b deal",
            f"{rest_of_comment},20,200,200",
            "India,France,2016,,36,,Rafale,FGA aircraft,6,,2020,New,EUR7.9 b deal,50,1800,300",
            "India,Turkey,2019,,1,,Support ship,support ship,1,,2021; 2022,New,,3,3,",
        ]
    )


def _resave(text: str, *, pad: int = 0, crlf=False, bom=False, trailing="", quote=False) -> bytes:
    """What a spreadsheet writes back: every row padded to ``pad`` fields, and so on."""
    rows = [line.split(",") for line in text.split("\n")]
    out = io.StringIO()
    writer = csv.writer(
        out,
        quoting=csv.QUOTE_ALL if quote else csv.QUOTE_MINIMAL,
        lineterminator=(trailing + ("\r\n" if crlf else "\n")),
    )
    for row in rows:
        writer.writerow(row + [""] * (pad - len(row)))
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


RESAVES = {
    "padded to 16": {"pad": 16},
    "padded to 20": {"pad": 20},
    "padded, CRLF, BOM": {"pad": 16, "crlf": True, "bom": True},
    "padded, trailing ;": {"pad": 16, "trailing": ";"},
    "every field quoted": {"quote": True},
    "padded and quoted, CRLF": {"pad": 16, "quote": True, "crlf": True},
}


@pytest.mark.parametrize("rest", ["", "for the carrier"])
@pytest.mark.parametrize("how", list(RESAVES))
def test_every_resave_of_a_split_register_keeps_the_deal_count(how, rest):
    export = read_sipri(_resave(_split_register(rest), **RESAVES[how]))
    deals = export.deals
    assert len(deals) == 3, export.notes
    russia = deals[deals["supplier"] == "Russia"].iloc[0]
    assert russia["comments"] == " ".join(t for t in ("$1 b deal", rest) if t)
    assert (russia["tiv_unit"], russia["tiv_order"], russia["tiv_delivered"]) == (20, 200, 200)
    assert sorted(deals["order_year"].tolist()) == [2010, 2016, 2019]


def test_a_comment_broken_over_several_padded_lines_is_one_record():
    text = _split_register("more").replace("\nmore,", "\nand\nmore\nmore,")
    deals = read_sipri(_resave(text, pad=16)).deals
    assert len(deals) == 3
    assert deals[deals["supplier"] == "Russia"].iloc[0]["comments"] == "$1 b deal and more more"


def test_a_short_line_that_cannot_complete_the_record_is_refused_with_its_line():
    text = _split_register("").replace("\n,20,200,200", "\n,20,200,200,1,2,3,4,5,6,7,8,9,10,11")
    with pytest.raises(Exception) as err:
        read_sipri(text.encode())
    assert "line 4" in str(err.value)


@pytest.mark.samples
@pytest.mark.parametrize("how", list(RESAVES))
def test_every_resave_of_real_registers_keeps_the_deal_count(how, sample_path):
    for prefix in ("EXTRACT_new_register", "new_register-deliveries_to-UKRAINE"):
        path = sample_path(prefix)
        original = read_sipri(path)
        text = path.read_bytes().decode("cp1252")
        header = next(
            i for i, ln in enumerate(text.split("\n")) if ln.startswith(("Recipient,", "SIPRI AT"))
        )
        lines = text.split("\n")
        body = "\n".join(lines[header:]).rstrip("\n")
        resaved = (
            "\n".join(lines[:header]).encode("cp1252")
            + b"\n"
            + _resave(body, **{**RESAVES[how], "bom": False})
        )
        again = read_sipri(resaved)
        assert len(again.deals) == len(original.deals), (prefix, again.notes)
        assert again.flows["tiv"].sum() == pytest.approx(original.flows["tiv"].sum())


def _edited_register(rename: dict[str, str], drop: list[int]) -> bytes:
    lines = (DATA / "register_cp1252.csv").read_bytes().decode("cp1252").split("\n")
    header = next(i for i, ln in enumerate(lines) if ln.startswith("Recipient,"))
    out = lines[:header]
    for line in lines[header:]:
        if not line.strip():
            continue
        cells = line.split(",")
        if line is lines[header]:
            cells = [rename.get(c, c) for c in cells]
        out.append(",".join(c for k, c in enumerate(cells) if k not in drop))
    return "\n".join(out).encode("cp1252")


def test_a_header_with_columns_dropped_and_renamed_is_named_as_not_sipris():
    data = _edited_register({"Weapon designation": "Weapon", "Comments": "Notes"}, [3, 5, 9])
    with pytest.raises(SipriFormatError) as err:
        read_sipri(data)
    message, line = str(err.value), err.value.line
    assert line == 12 and "The header on line 12 is not SIPRI's" in message
    assert "has 16 columns" in message and "this one has 13" in message
    assert "missing: Weapon designation, Comments" in message
    assert "'Weapon' (closest: 'Weapon designation')" in message
    assert "outside 1900-2100" not in message  # not "Year of order 3 is outside 1900-2100"


def test_a_header_with_two_columns_renamed_is_read_by_position_with_a_note():
    data = _edited_register({"Weapon designation": "Weapon", "Comments": "Notes"}, [])
    export = read_sipri(data)
    assert len(export.deals) == len(read_sipri(DATA / "register_cp1252.csv").deals)
    assert any("'Weapon' where SIPRI writes 'Weapon designation'" in n for n in export.notes)


def test_a_delivery_row_without_a_category_still_counts_in_the_volumes():
    text = (DATA / "register_deliveries.csv").read_bytes().decode("utf-8-sig", errors="replace")
    lines = text.split("\n")
    k = next(i for i, ln in enumerate(lines) if ln.startswith("SIPRI AT Database ID")) + 1
    cells = lines[k].split(",")
    cells[5] = ""  # Armament category
    lines[k] = ",".join(cells)
    original = read_sipri(DATA / "register_deliveries.csv")
    edited = read_sipri("\n".join(lines).encode("utf-8"))
    assert edited.flows["tiv"].sum() == pytest.approx(original.flows["tiv"].sum())
    assert edited.flows["category"].isna().sum() == 1
