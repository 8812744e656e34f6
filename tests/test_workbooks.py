"""SIPRI CSVs saved as workbooks (.xlsx, .ods) read like the CSV; other binaries get a sentence.

The workbooks are written at test time from the project's own CSV fixtures, the way Excel or
LibreOffice would store them: numbers become numeric cells, text stays text.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from analysis.sipri import SipriFormatError, read_sipri

from .conftest import DATA

FIXTURES = [
    "tiv_table_india_by_supplier.csv",
    "tiv_table_importers_all.csv",
    "register_cp1252.csv",
    "register_deliveries.csv",
    "tiv_table_old_imports_to_india.csv",
]


def _cells(path) -> list[list]:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    if "\ufffd" in text:
        text = path.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text)))
    width = max(len(r) for r in rows)

    def cell(value: str):
        try:
            number = float(value)
        except ValueError:
            return value if value != "" else None
        return number if value.strip() == value else value  # '0 ' stays text, as in Excel

    return [[cell(v) for v in row] + [None] * (width - len(row)) for row in rows]


def _workbook(path, engine: str) -> bytes:
    out = io.BytesIO()
    frame = pd.DataFrame(_cells(path))
    with pd.ExcelWriter(out, engine=engine) as writer:
        frame.to_excel(writer, sheet_name="export", header=False, index=False)
    return out.getvalue()


@pytest.mark.parametrize("engine", ["openpyxl", "odf"])
@pytest.mark.parametrize("name", FIXTURES)
def test_a_workbook_reads_like_its_csv(name, engine):
    pytest.importorskip(engine)
    csv_export = read_sipri(DATA / name)
    book = read_sipri(_workbook(DATA / name, engine))
    assert book.layout == csv_export.layout
    assert book.generated == csv_export.generated
    assert any("Read from a workbook" in n for n in book.notes)
    cols = ["year", "supplier", "recipient", "tiv"]
    pd.testing.assert_frame_equal(
        book.flows[cols].reset_index(drop=True),
        csv_export.flows[cols].reset_index(drop=True),
        check_dtype=False,
    )
    if csv_export.deals is not None:
        assert len(book.deals) == len(csv_export.deals)


def test_a_workbook_with_two_sheets_reads_both_tables():
    pytest.importorskip("openpyxl")
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name in ("tiv_table_india_by_supplier.csv", "tiv_table_importers_all.csv"):
            pd.DataFrame(_cells(DATA / name)).to_excel(
                writer, sheet_name=name[:20], header=False, index=False
            )
    book = read_sipri(out.getvalue())
    assert any("2 sheet(s)" in n for n in book.notes)
    expected = sum(
        len(read_sipri(DATA / n).flows)
        for n in ("tiv_table_india_by_supplier.csv", "tiv_table_importers_all.csv")
    )
    assert len(book.flows) == expected


@pytest.mark.parametrize(
    "data, words",
    [
        (b"PK\x03\x04" + b"\x00" * 200, "zip archive or an Excel workbook"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 200, "old Excel workbook (.xls)"),
    ],
)
def test_a_damaged_workbook_gets_one_sentence_naming_what_is_read(data, words):
    with pytest.raises(SipriFormatError) as err:
        read_sipri(data)
    message = str(err.value)
    assert words in message
    assert ".xlsx, .xls, .ods" in message and "armstransfers.sipri.org" in message
    assert "Traceback" not in message and "calamine" not in message.lower()
