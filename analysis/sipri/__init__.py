"""One loader for every SIPRI Arms Transfers Database export layout: bytes in, tidy frames out.

The package, from bytes to a SipriExport:
- decode: the source's bytes, early refusals (no SIPRI header in the first 64 KB, more lines than
  any export), workbooks, encodings and line ends;
- detect: the file's dialect (separator, trailing ';'), its tables (blocks) and their layout;
- one reader per layout family, chosen in LAYOUT_READERS: tiv_tables (TIV tables, regional
  tables) and registers (per deal, per delivery year, 2014-era report), the registers sharing
  records (split-record joining and the header check);
- canonical: names harmonised to SIPRI's current spelling, and the notes every export ends with.
"""

from __future__ import annotations

import os

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
    _detect_delimiter,
    _find_blocks,
    _Lines,
    _pick_generated,
    _raise_no_table,
    _report_line_repairs,
)
from analysis.sipri.model import (
    CATEGORIES,
    LAYOUT_LABELS,
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
    layouts = {b.layout for b in blocks}
    if len(layouts) > 1:
        first, other = blocks[0], next(b for b in blocks if b.layout != blocks[0].layout)
        raise SipriFormatError(
            f"This file holds two different kinds of SIPRI export glued together: a "
            f"{LAYOUT_LABELS[first.layout]} from line {first.header_line + 1} and a "
            f"{LAYOUT_LABELS[other.layout]} from line {other.header_line + 1}. "
            "Upload them as separate files.",
            other.header_line + 1,
        )
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


def _read_tiv(lines, blocks, export, file_name: str) -> None:
    _read_tiv_blocks(lines, blocks, export, file_name)


def _registers(reader):
    """A register reader in the registry's signature (registers ignore the file name)."""

    def read(lines, blocks, export, file_name: str) -> None:
        reader(lines, blocks, export)

    return read


# Which reader reads which layout (the layouts detect._header_kind and detect._is_title name).
LAYOUT_READERS = {
    "tiv_table": _read_tiv,
    "tiv_regional": _read_tiv,
    "register": _registers(_read_register),
    "register_deliveries": _registers(_read_register_deliveries),
    "register_legacy": _registers(_read_register_legacy),
}

__all__ = [
    "CATEGORIES",
    "LAYOUT_LABELS",
    "LAYOUT_READERS",
    "MAX_LINES",
    "SCOPES",
    "SNIFF_BYTES",
    "SipriExport",
    "SipriFormatError",
    "read_sipri",
    "register_scope",
    "totals_records",
]
