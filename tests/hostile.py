"""Mutations generated from the project's own fixtures: the generated half of the hostile corpus.

Each mutation is a small deterministic function of a fixture's bytes. tests/data/bad/GENERATED.csv
gives every (fixture, mutation) pair its expected outcome, like EXPECTED.csv for the files in
tests/data/bad/. Nothing generated here is committed: the table is.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from .conftest import DATA

FIXTURES = {
    "register_cp1252": "register_cp1252.csv",
    "register_deliveries": "register_deliveries.csv",
    "register_legacy_2014": "register_legacy_2014.csv",
    "tiv_table_india_by_supplier": "tiv_table_india_by_supplier.csv",
    "tiv_table_importers_all": "tiv_table_importers_all.csv",
    "tiv_table_old_imports_to_india": "tiv_table_old_imports_to_india.csv",
}


def _lines(data: bytes) -> list[bytes]:
    return data.replace(b"\r\n", b"\n").split(b"\n")


def _header_index(lines: list[bytes]) -> int:
    """The header row: a register's named columns, or a TIV table's row of years."""
    for i, line in enumerate(lines):
        cells = line.split(b",")
        if line.startswith((b"Recipient,", b"SIPRI AT", b"Id,")):
            return i
        if not line.startswith(b'"') and len(cells) > 2 and cells[1].strip().isdigit():
            return i
    return 0


def _first_number(lines: list[bytes]) -> tuple[int, list[bytes], int]:
    """The first data row holding a number: its index, cells and the last numeric cell."""
    for k in range(_header_index(lines) + 1, len(lines)):
        cells = lines[k].split(b",")
        numeric = [i for i, c in enumerate(cells) if c.strip().replace(b".", b"").isdigit()]
        if numeric and cells[0].strip():
            return k, cells, numeric[-1]
    raise ValueError("no data row with a number")


def pad_every_line(data: bytes) -> bytes:
    return b"\n".join(ln + b"," * 4 if ln else ln for ln in _lines(data))


def crlf_bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + b"\r\n".join(_lines(data))


def semicolons(data: bytes) -> bytes:
    """A European-locale spreadsheet save: ';' between cells, cells holding ';' quoted."""
    import csv

    text = data.decode("cp1252")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    for row in csv.reader(io.StringIO(text)):
        writer.writerow(row)
    return out.getvalue().encode("cp1252")


def utf16(data: bytes) -> bytes:
    text = (
        data.decode("utf-8", errors="replace") if b"\xef\xbb\xbf" in data else data.decode("cp1252")
    )
    return text.encode("utf-16")


def cut_in_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def cut_at_three_quarters(data: bytes) -> bytes:
    return data[: 3 * len(data) // 4]


def header_dropped(data: bytes) -> bytes:
    lines = _lines(data)
    del lines[_header_index(lines)]
    return b"\n".join(lines)


def header_columns_dropped(data: bytes) -> bytes:
    lines = _lines(data)
    k = _header_index(lines)
    lines[k] = b",".join(lines[k].split(b",")[:-3])
    return b"\n".join(lines)


def nul_in_the_middle(data: bytes) -> bytes:
    half = len(data) // 2
    return data[:half] + b"\x00" + data[half:]


def zip_magic(data: bytes) -> bytes:
    return b"PK\x03\x04" + data[4:]


def html_in_first_name(data: bytes) -> bytes:
    lines = _lines(data)
    k = _header_index(lines) + 1
    cells = lines[k].split(b",")
    cells[0] = b"<a href='http://evil.example/'>" + cells[0] + b"</a>"
    lines[k] = b",".join(cells)
    return b"\n".join(lines)


def negative_number_in_first_row(data: bytes) -> bytes:
    lines = _lines(data)
    k, cells, last = _first_number(lines)
    cells[last] = b"-" + cells[last].strip()
    lines[k] = b",".join(cells)
    return b"\n".join(lines)


def text_in_first_number(data: bytes) -> bytes:
    lines = _lines(data)
    k, cells, last = _first_number(lines)
    cells[last] = b"twelve"
    lines[k] = b",".join(cells)
    return b"\n".join(lines)


def every_line_twice(data: bytes) -> bytes:
    lines = _lines(data)
    k = _header_index(lines)
    return b"\n".join(lines[: k + 1] + [ln for ln in lines[k + 1 :] for _ in (0, 1)])


def workbook(data: bytes) -> bytes:
    import csv

    import pandas as pd

    text = data.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.BytesIO()
    width = max(len(r) for r in rows)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows])
    frame.to_excel(out, header=False, index=False, engine="openpyxl")
    return out.getvalue()


MUTATIONS: dict[str, Callable[[bytes], bytes]] = {
    f.__name__: f
    for f in (
        pad_every_line,
        crlf_bom,
        semicolons,
        utf16,
        cut_in_half,
        cut_at_three_quarters,
        header_dropped,
        header_columns_dropped,
        nul_in_the_middle,
        zip_magic,
        html_in_first_name,
        negative_number_in_first_row,
        text_in_first_number,
        every_line_twice,
        workbook,
    )
}


def generated() -> dict[str, bytes]:
    """Every mutation of every fixture, named 'fixture-key:mutation'."""
    out = {}
    for key, name in FIXTURES.items():
        data = (DATA / name).read_bytes()
        for mutation, fn in MUTATIONS.items():
            out[f"{key}:{mutation}"] = fn(data)
    return out
