"""Registers are parsed a chunk of records at a time: the result is the one-parse result.

CHUNK_RECORDS is set to a few records so that the hand-written fixtures span many chunks; each
read must equal the read in one chunk, down to dtypes and notes.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.sipri import SipriFormatError, read_sipri, records

from .conftest import DATA

REGISTER = (DATA / "register_cp1252.csv").read_bytes()
HEADER = REGISTER[: REGISTER.index(b"\n", REGISTER.index(b"\nRecipient,") + 1)]  # preamble too


def _row(k: int, **cells: str) -> str:
    """One per-deal record (16 fields), with ``cells`` set by column index (c0 ... c15)."""
    fields = ["India", "Russia", "2010", "", "10", "", f"MiG-{k}", "aircraft", "10", "", "2011"]
    fields += ["New", f"Deal {k}", "2", "20", "20"]
    for name, value in cells.items():
        fields[int(name[1:])] = value
    return ",".join(fields)


def _register(rows: list[str]) -> bytes:
    return HEADER + b"\n" + "\n".join(rows).encode("cp1252") + b"\n"


# Columns whose cells differ from chunk to chunk: text in one, numbers or nothing in another.
MIXED = {
    "text in a number column in the last chunk only": [_row(k) for k in range(9)]
    + [_row(9, c4="(12)"), _row(10, c13="n/a")],
    "numbers in a text column, then text": [_row(k, c12=str(k)) for k in range(6)]
    + [_row(k) for k in range(6, 11)],
    "numbers with gaps in a text column, then text": [
        _row(k, c12=str(k) if k % 2 else "") for k in range(6)
    ]
    + [_row(k) for k in range(6, 9)],
    "a flag column of 1s, then a '?'": [_row(k, c9="1") for k in range(7)] + [_row(7, c9="?")],
    "a flag column empty, then a '?'": [_row(k) for k in range(7)] + [_row(7, c9="?")],
    "True in a text column, then numbers": [_row(k, c6="True") for k in range(3)]
    + [_row(k, c6=str(k)) for k in range(3, 9)],
    "True with gaps, then nothing": [_row(k, c6="True" if k % 2 else "") for k in range(4)]
    + [_row(k, c6="") for k in range(4, 9)],
    "status empty in the first chunks only": [_row(k, c11="") for k in range(7)]
    + [_row(k) for k in range(7, 9)],
    "delivery years numeric, then lists": [_row(k, c10="2001") for k in range(6)]
    + [_row(k, c10="2001; 2002") for k in range(6, 9)],
    "integers, then decimals": [_row(k) for k in range(6)]
    + [_row(k, c13="2.5", c14="25", c15="") for k in range(6, 9)],
}


def _outcome(data: bytes):
    try:
        export = read_sipri(data)
    except SipriFormatError as exc:
        return str(exc)
    return export


def _assert_same(chunked, whole) -> None:
    assert type(chunked) is type(whole)
    if isinstance(whole, str):
        assert chunked == whole
        return
    for name in ("deals", "flows"):
        got, want = getattr(chunked, name), getattr(whole, name)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert [str(t) for t in got.dtypes] == [str(t) for t in want.dtypes]
    assert chunked.notes == whole.notes


def _both(monkeypatch, data: bytes, size: int = 3):
    monkeypatch.setattr(records, "CHUNK_RECORDS", 10**9)
    whole = _outcome(data)
    monkeypatch.setattr(records, "CHUNK_RECORDS", size)
    return _outcome(data), whole


@pytest.mark.parametrize("case", sorted(MIXED))
def test_columns_mixed_across_chunks_read_as_in_one_parse(monkeypatch, case):
    chunked, whole = _both(monkeypatch, _register(MIXED[case]))
    assert not isinstance(whole, str), whole
    _assert_same(chunked, whole)


@pytest.mark.parametrize(
    "name",
    ["register_cp1252.csv", "register_split_crlf.csv", "register_split_padded.csv"]
    + ["register_deliveries.csv", "bad_negative_tiv.csv", "bad_text_in_number.csv"],
)
@pytest.mark.parametrize("size", [1, 2, 5])
def test_fixtures_read_the_same_in_chunks_of_any_size(monkeypatch, name, size):
    _assert_same(*_both(monkeypatch, (DATA / name).read_bytes(), size))


def test_a_stray_quote_in_a_later_chunk_is_refused_as_in_one_parse(monkeypatch):
    rows = [_row(k, c12='a "quoted, comment"' if k == 1 else f"Deal {k}") for k in range(8)]
    rows[6] = _row(6, c12='Deal "6')
    chunked, whole = _both(monkeypatch, _register(rows))
    _assert_same(chunked, whole)
