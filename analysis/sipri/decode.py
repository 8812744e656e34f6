"""Bytes to text: sources, workbooks, encodings, line ends, and the early refusals (sniff, size)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pandas as pd

from analysis.sipri.detect import _header_kind, _is_title, _parse_date
from analysis.sipri.model import SipriFormatError

_BINARY_MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive: unpack it first"),
]


_WORKBOOK_MAGIC = {
    b"PK\x03\x04": "a zip archive or an Excel workbook (.xlsx, .ods)",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
}


READABLE_FILES = (
    "SIPRI's CSV exports (.csv, .txt) and workbooks they were saved as (.xlsx, .xls, .ods)"
)


HOW_TO_DOWNLOAD = (
    "Download the CSV again from armstransfers.sipri.org (Trade registers or "
    "Importer/Exporter TIV tables, 'Download CSV')."
)


def _read_source(source) -> tuple[bytes, str]:
    """Bytes and a file name hint from bytes, a path (str or Path) or a binary file object."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), ""
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and len(source) < 4096
    ):
        path = Path(source)
        try:
            return path.read_bytes(), path.name
        except FileNotFoundError as exc:
            raise SipriFormatError(f"There is no file at {path}.") from exc
        except IsADirectoryError as exc:
            raise SipriFormatError(f"{path} is a folder, not a file.") from exc
        except OSError as exc:
            raise SipriFormatError(f"The file {path} cannot be read ({exc.strerror}).") from exc
    if isinstance(source, str):
        return source.encode("utf-8"), ""
    if hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data), str(getattr(source, "name", "") or "")
    raise SipriFormatError(
        f"read_sipri takes bytes, a path or a binary file, not {type(source).__name__}."
    )


def _cell_text(value) -> str:
    """A workbook cell as the CSV export wrote it: 2010.0 -> "2010", empty -> ""."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d %b %Y")  # a 'Data generated' date the spreadsheet converted
    return str(value)


def _workbook_text(data: bytes, notes: list[str]) -> str:
    """A workbook's sheets as CSV text (quoted where a cell needs it), for the same detection."""
    what = _WORKBOOK_MAGIC[data[:4]]
    try:
        sheets = pd.read_excel(
            io.BytesIO(data), engine="calamine", header=None, sheet_name=None, dtype=object
        )
    except ImportError as exc:
        raise SipriFormatError(
            "Reading workbooks needs the python-calamine package: save the sheet as CSV "
            "instead, or install python-calamine."
        ) from exc
    except Exception as exc:  # calamine's own errors: not a workbook, or a damaged one
        raise SipriFormatError(
            f"This is {what} that cannot be read as a workbook. The dashboard reads "
            f"{READABLE_FILES}. {HOW_TO_DOWNLOAD}",
            1,
        ) from exc
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    used = []
    for name, frame in sheets.items():
        if frame.empty:
            continue
        if used:
            out.write("\n")
        used.append(str(name))
        for row in frame.itertuples(index=False):
            writer.writerow([_cell_text(v) for v in row])
    if not used:
        raise SipriFormatError("The workbook has no cells filled in.", 1)
    notes.append(
        f"Read from a workbook ({len(used)} sheet(s): {', '.join(used[:5])}"
        + (" …" if len(used) > 5 else "")
        + "), not a CSV."
    )
    return out.getvalue()


SNIFF_BYTES = 64 * 1024


# fewer than 60,000 (the per-delivery register); no single export comes near this.
MAX_LINES = 100_000


def _check_line_count(data: bytes) -> None:
    """Refuse, before decoding, a file with more lines than any SIPRI export (C-speed counts)."""
    if len(data) < MAX_LINES * 8:
        return
    n_lines = max(data.count(b"\n"), data.count(b"\r"))
    if n_lines > MAX_LINES:
        raise SipriFormatError(
            f"This file has {n_lines:,} lines, more than any SIPRI export: the whole trade "
            "register (every deal since 1950) has about 30,000. It is not one SIPRI export; "
            "if several were pasted together, upload them one by one.",
            MAX_LINES + 1,
        )


def _sniff(data: bytes) -> None:
    """Refuse at once a file whose first 64 KB hold no SIPRI title, date or header row.

    SIPRI's preamble and header come in the first lines of every export, so the rest of a large
    file need not be read to know that it is not one.
    """
    if len(data) <= SNIFF_BYTES:
        return  # small files: the full reader gives the more precise sentence
    head = data[:SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head[:400]):
        return  # UTF-16: _decode handles it (and binary files get their own sentence there)
    for magic, _ in _BINARY_MAGIC:
        if head.startswith(magic):
            return
    text = head.decode("cp1252", errors="replace").lstrip("\ufeff\u00ef\u00bb\u00bf")
    for line in text.splitlines()[:-1] or text.splitlines():
        cell = line.strip().strip('"')
        if _is_title(cell[:400]) or _parse_date(cell[:200]):
            return
        for delim in (",", ";", "\t"):
            if delim in line and _header_kind(line.split(delim)):
                return
    raise SipriFormatError(
        "This is not a SIPRI Arms Transfers Database export: its first 64 KB hold no SIPRI "
        "title, 'Data generated' date or header row (expected a trade register or a TIV table "
        f"from armstransfers.sipri.org). The dashboard reads {READABLE_FILES}.",
        1,
    )


def _decode(data: bytes, notes: list[str]) -> tuple[str, str]:
    """Text and the encoding used; binary files are refused with what they look like."""
    if not data or data.isspace():  # isspace() scans without copying a large file
        raise SipriFormatError("The file is empty.")
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise SipriFormatError(
                f"This is {what}, not a SIPRI export. The dashboard reads {READABLE_FILES}.", 1
            )
    utf16 = _utf16(data, notes)
    if utf16 is not None:
        return utf16
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SipriFormatError(
            "The file contains NUL bytes: it is a binary file, not a SIPRI CSV export.", line
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("Removed the UTF-8 byte-order mark that Excel adds.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    notes.append(f"Read as {encoding} (Windows Western): SIPRI registers are not UTF-8.")
    return text, encoding


def _utf16(data: bytes, notes: list[str]) -> tuple[str, str] | None:
    """The text of a UTF-16 file (with or without a byte-order mark), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SipriFormatError("The file claims to be UTF-16 but is not valid UTF-16.") from exc
        notes.append("Decoded from UTF-16 (a 'Unicode text' save from Excel).")
        return text, "utf-16"
    head = data[:400]
    if len(head) < 8 or b"\x00" not in head:
        return None
    # UTF-16 without a byte-order mark: ASCII text with a NUL beside every character.
    for encoding, zeros, text_bytes in (
        ("utf-16-le", head[1::2], head[0::2]),
        ("utf-16-be", head[0::2], head[1::2]),
    ):
        if zeros.count(0) >= 0.9 * len(zeros) and text_bytes.count(0) <= 0.1 * len(text_bytes):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            notes.append(f"Decoded from {encoding.upper()} without a byte-order mark.")
            return text, encoding
    return None


def _split_lines(text: str, notes: list[str]) -> tuple[list[str], str]:
    """Lines of the text, whatever its line endings, and a text whose '\\n' count numbers them."""
    n_cr = text.count("\r")
    if not n_cr:
        lines = text.split("\n")
    else:
        n_crlf = text.count("\r\n")
        # splitlines() treats CRLF, CR and LF alike, in C: no copy of the text is needed.
        lines = text.splitlines()
        if n_cr > n_crlf:
            # A lone CR: old Mac line ends, or a stray CR in one of SIPRI's unquoted comments
            # (the record it splits is joined back by the register reader).
            notes.append(
                "Converted old Mac (CR) line endings."
                if "\n" not in text
                else "Treated stray carriage returns as line breaks."
            )
            text = "\n".join(lines)
        if n_crlf * 2 > len(lines):
            notes.append("Converted Windows (CRLF) line endings.")
        elif n_crlf:
            notes.append(f"Removed {n_crlf} stray carriage return(s) at broken lines.")
    if lines and lines[-1] == "":
        lines.pop()
    return lines, text
