"""One loader for every SIPRI Arms Transfers Database export layout: bytes in, tidy frames out.

The package, from bytes to a SipriExport:
- decode: the source's bytes, early refusals (no SIPRI header in the first 64 KB, more lines than
  any export), workbooks, encodings and line ends;
- detect: the file's dialect (separator, trailing ';'), its tables (blocks) and their layout
  (a code name of ``analysis.layouts.LAYOUTS``; ``detect_layout()`` stops there);
- one reader per layout family, chosen in LAYOUT_READERS: tiv_tables (TIV tables, regional
  tables) and registers (per deal, per delivery year, 2014-era report), the registers sharing
  records (split-record joining and the header check);
- canonical: names harmonised to SIPRI's current spelling, and the notes every export ends with.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from analysis.layouts import (
    LAYOUTS,
    REGISTER,
    REGISTER_DELIVERIES,
    REGISTER_LEGACY,
    TIV_REGIONAL,
    TIV_TABLE,
)
from analysis.schema import empty_flows
from analysis.sipri.canonical import _finish
from analysis.sipri.decode import (
    _WORKBOOK_MAGIC,
    MAX_LINES,
    SNIFF_BYTES,
    _check_line_count,
    _decode,
    _read_source,
    _sniff,
    _split_lines,
    _workbook_text,
)
from analysis.sipri.detect import (
    _Block,
    _detect_delimiter,
    _find_blocks,
    _Lines,
    _pick_generated,
    _raise_no_table,
    _report_line_repairs,
)
from analysis.sipri.model import (
    CATEGORIES,
    SCOPES,
    SipriExport,
    SipriFormatError,
    register_scope,
    totals_records,
)
from analysis.sipri.registers import (
    _read_register,
    _read_register_deliveries,
    _read_register_legacy,
)
from analysis.sipri.tiv_tables import _read_tiv_blocks


def _system_arrow_pool() -> None:
    """Have pyarrow allocate with the system allocator, unless ARROW_DEFAULT_MEMORY_POOL says.

    pandas keeps text in pyarrow arrays, and pyarrow's own allocator (mimalloc) holds 15-30 MB
    of memory it no longer uses after a register is read (measured on SIPRI's exports): a
    large part of the loading budget, 4 x the file size + 150 MB. The system allocator reuses
    that memory, at the same speed for work of this size.
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        import pyarrow
    except ImportError:  # pandas then keeps text in Python objects: nothing to set
        return
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


_system_arrow_pool()


def read_sipri(source) -> SipriExport:
    """Read any SIPRI Arms Transfers Database CSV export.

    The layout is detected by content (never a fixed skiprows); damage from Excel re-saves and
    SIPRI's own quirks is repaired and reported in ``notes``.

    Args:
        source: bytes, a path (str or pathlib.Path) or a binary file object.

    Returns:
        A SipriExport with layout, generated date, tidy flows, deals (registers) and notes.

    Raises:
        SipriFormatError: the input is not a SIPRI export this loader can read; the message is a
            sentence for the user and ``.line`` the 1-based line number.
    """
    lines, blocks, notes, encoding, file_name = _tables(source)
    layout = blocks[0].layout
    generated = _pick_generated(blocks, notes)
    if not blocks[0].has_preamble:
        notes.append(
            "The preamble (title, 'Data generated' date) is missing: the table was found by its "
            "header row" + ("; the data vintage is unknown." if generated is None else ".")
        )
    export = SipriExport(
        layout=layout,
        generated=generated,
        flows=empty_flows(),
        deals=None,
        notes=notes,
        title=blocks[0].title,
        encoding=encoding,
    )
    LAYOUT_READERS[layout](lines, blocks, export, file_name)
    _report_line_repairs(lines, export)
    _finish(export)
    return export


def detect_layout(source) -> str:
    """The layout of a SIPRI export, by content: a code name of ``analysis.layouts.LAYOUTS``.

    Decodes the file and finds its tables as ``read_sipri`` does, without reading their rows.

    Raises:
        SipriFormatError: as ``read_sipri`` for a file with no SIPRI table, or two layouts.
    """
    return _tables(source).blocks[0].layout


class _Tables(NamedTuple):
    lines: _Lines
    blocks: list[_Block]
    notes: list[str]
    encoding: str
    file_name: str


def _tables(source) -> _Tables:
    """The decoded lines of ``source`` and its tables (blocks), all of one layout."""
    data, file_name = _read_source(source)
    notes: list[str] = []
    if data[:4] in _WORKBOOK_MAGIC:
        text, encoding = _workbook_text(data, notes), "workbook"
    else:
        _sniff(data)
        _check_line_count(data)
        text, encoding = _decode(data, notes)
        del data  # the text replaces it: keep one copy of a large file, not two
    raw_lines, text = _split_lines(text, notes)
    delim = _detect_delimiter(raw_lines)
    lines = _Lines(raw_lines, delim, notes, text)
    del raw_lines, text  # held by lines alone, which a register reader releases once parsed

    blocks = _find_blocks(lines)
    if not blocks:
        _raise_no_table(lines)
    if len({b.layout for b in blocks}) > 1:
        first, other = blocks[0], next(b for b in blocks if b.layout != blocks[0].layout)
        raise SipriFormatError(
            f"This file holds two different kinds of SIPRI export glued together: a "
            f"{LAYOUTS[first.layout].description} from line {first.header_line + 1} and a "
            f"{LAYOUTS[other.layout].description} from line {other.header_line + 1}. "
            "Upload them as separate files.",
            other.header_line + 1,
        )
    return _Tables(lines, blocks, notes, encoding, file_name)


def _read_tiv(lines, blocks, export, file_name: str) -> None:
    _read_tiv_blocks(lines, blocks, export, file_name)


def _registers(reader):
    """A register reader in the registry's signature (registers ignore the file name)."""

    def read(lines, blocks, export, file_name: str) -> None:
        reader(lines, blocks, export)

    return read


# Which reader reads which layout (the code names of analysis.layouts, as detect names them).
LAYOUT_READERS = {
    TIV_TABLE: _read_tiv,
    TIV_REGIONAL: _read_tiv,
    REGISTER: _registers(_read_register),
    REGISTER_DELIVERIES: _registers(_read_register_deliveries),
    REGISTER_LEGACY: _registers(_read_register_legacy),
}

__all__ = [
    "CATEGORIES",
    "LAYOUTS",
    "LAYOUT_READERS",
    "MAX_LINES",
    "SCOPES",
    "SNIFF_BYTES",
    "SipriExport",
    "SipriFormatError",
    "detect_layout",
    "read_sipri",
    "register_scope",
    "totals_records",
]
