"""One loader for every SIPRI Arms Transfers Database export layout: bytes in, tidy frames out."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import names
from analysis.schema import (
    MAX_YEAR,
    MIN_YEAR,
    TOTAL_COLUMNS,
    TOTAL_DTYPES,
    coerce_deals,
    coerce_flows,
    empty_flows,
)


class SipriFormatError(ValueError):
    """Input that is not a readable SIPRI export; ``line`` is 1-based (0 when not tied to a line)."""

    def __init__(self, message: str, line: int = 0):
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class SipriExport:
    """What ``read_sipri`` understood of one file."""

    layout: str
    generated: dt.date | None
    flows: pd.DataFrame
    deals: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    title: str = ""
    encoding: str = "utf-8"
    countries: list[str] = field(default_factory=list)  # the named country of each table, if any
    unknown_names: list[str] = field(default_factory=list)  # names the mapping does not know
    # What the rows cover (one of SCOPES): which shares they can honestly answer.
    scope: str = "partial"
    # SIPRI's own Total rows of TIV tables (never flows): recipient, supplier, year, tiv, side.
    # "Total exports to India" -> recipient India, supplier <NA>, side "import"; "Total world
    # import" -> both <NA>. Also attached as flows.attrs["totals"] for the share denominators.
    totals: pd.DataFrame | None = None


LAYOUT_LABELS = {
    "tiv_table": "TIV table (yearly volume of transfers)",
    "tiv_regional": "regional TIV table (suppliers to regions)",
    "register": "trade register, one row per deal",
    "register_deliveries": "trade register, one row per deal and delivery year",
    "register_legacy": "2014-era trade register report (no TIV)",
}

# Weapon-category rows (old and new spellings) turn a TIV table into a per-category table.
CATEGORIES = {
    "aircraft": "Aircraft",
    "air defence systems": "Air defence systems",
    "air-defence systems": "Air defence systems",
    "anti-submarine warfare weapons": "Anti-submarine warfare weapons",
    "armoured vehicles": "Armoured vehicles",
    "artillery": "Artillery",
    "engines": "Engines",
    "missiles": "Missiles",
    "naval weapons": "Naval weapons",
    "other": "Other",
    "satellites": "Satellites",
    "sensors": "Sensors",
    "ships": "Ships",
}

_YEAR = re.compile(r"^\d{1,4}$")
# Far above any real figure (the whole world imports ~45,000 million TIV a year; the largest
# numbers ordered are in the tens of thousands): anything bigger is not SIPRI data.
MAX_TIV = 1_000_000.0
_PERIOD = re.compile(r"^\d{4}\s*-\s*\d{4}$")
_MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        "January February March April May June July August September October November December".split(),
        1,
    )
}
_GENERATED = re.compile(
    r"^(?:Data\s+)?generated:\s*(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})", re.IGNORECASE
)
_OLD_TITLE = re.compile(r"^TIV of arms exports (to|from) (.+?),\s*(\d{4})\s*-\s*(\d{4})\s*$", re.I)
_TOTAL_ROW = re.compile(
    r"^Total(?:\s+world\s+(?P<world>import|export)s?|\s+(?P<kind>exports|imports)\s+(?P<prep>to|from)\s+(?P<who>.+?))?\s*$",
    re.I,
)
_FILE_HINT = re.compile(r"TIV-(Import|Export)-([A-Z]{2,4})-", re.I)
_BINARY_MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive: unpack it first"),
]
# Workbooks (a SIPRI CSV saved from Excel or LibreOffice) are read through pandas + calamine.
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
# SIPRI's own codes in old file names (TIV-Import-IND-...): only needed when the title is gone.
_SIPRI_CODES = {"IND": "India", "RUS": "Russia", "USR": "Soviet Union", "USA": "United States"}

C_HEADER = (
    "recipient supplier order_year order_year_uncertain number_ordered number_ordered_uncertain "
    "designation description number_delivered number_delivered_uncertain delivery_years status "
    "comments tiv_unit tiv_order tiv_delivered"
).split()
D_HEADER = [
    "SIPRI AT Database ID",
    "Supplier",
    "Recipient",
    "Designation",
    "Description",
    "Armament category",
    "Order date",
    "Order date is estimate",
    "Numbers delivered",
    "Numbers delivered is estimate",
    "Delivery year",
    "Delivery year is estimate",
    "Status",
    "SIPRI estimate",
    "TIV deal unit",
    "TIV delivery values",
    "Local production",
]
C_LABELS = {
    "number_ordered": "Number ordered",
    "number_delivered": "Number delivered",
    "tiv_unit": "SIPRI TIV per unit",
    "tiv_order": "SIPRI TIV for total order",
    "tiv_delivered": "SIPRI TIV of delivered weapons",
}
# Column names as the user sees them in the file, for messages.
_LABELS = {
    **C_LABELS,
    "delivered": "Numbers delivered",
    "tiv_new": "SIPRI estimate",
    "tiv": "TIV delivery values",
}
D_COLUMNS = [
    "id",
    "supplier",
    "recipient",
    "designation",
    "description",
    "category",
    "order_year",
    "order_est",
    "delivered",
    "delivered_est",
    "year",
    "year_est",
    "status",
    "tiv_new",
    "tiv_unit",
    "tiv",
    "local",
]
E_HEADER = [
    "Id",
    "Supplier",
    "Recipient",
    "No. ordered",
    "No. ordered data uncertain",
    "Designation",
    "Description",
    "Status",
    "Status data uncertain",
    "Year of order",
    "Year of order data uncertain",
    "Year(s) of deliveries",
    "No. delivered",
    "Year(s) of delivery or no. delivered data uncertain",
    "Recipient Involvement",
    "Comment",
]


# ----------------------------------------------------------------------------- bytes -> lines


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
# SIPRI's largest exports hold about 30,000 lines (the whole per-deal register since 1950) and
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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SipriFormatError("The file claims to be UTF-16 but is not valid UTF-16.") from exc
        notes.append("Decoded from UTF-16 (a 'Unicode text' save from Excel).")
        return text, "utf-16"
    head = data[:400]
    if len(head) >= 8 and b"\x00" in head:
        # UTF-16 without a byte-order mark: ASCII text with a NUL beside every character.
        for encoding, zeros, text_bytes in (
            ("utf-16-le", head[1::2], head[0::2]),
            ("utf-16-be", head[0::2], head[1::2]),
        ):
            if zeros.count(0) >= 0.9 * len(zeros) and text_bytes.count(0) <= 0.1 * len(text_bytes):
                try:
                    text = data.decode(encoding)
                except UnicodeDecodeError:
                    break
                notes.append(f"Decoded from {encoding.upper()} without a byte-order mark.")
                return text, encoding
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


# ----------------------------------------------------------------------------- header detection


def _is_year(cell: str) -> bool:
    return bool(_YEAR.match(cell.strip()))


def _header_kind(fields: list[str]) -> str | None:
    """Which layout a header row belongs to, by its content."""
    f = [c.strip() for c in fields]
    while f and f[-1] == "":
        f.pop()
    if len(f) < 2:
        return None
    low = [c.lower() for c in f]
    if low[:3] == ["recipient", "supplier", "year of order"]:
        return "register"
    if low[0] == "sipri at database id":
        return "register_deliveries"
    if low[:3] == ["id", "supplier", "recipient"]:
        return "register_legacy"
    if low[0] in ("recipient", "exports by", "supplier", "recipients", "suppliers") and _is_year(
        f[1]
    ):
        return "tiv_table"
    if f[0] == "" and _is_year(f[1]):
        return "tiv_table"
    if len(f) > 2 and f[0] == "" and f[1] == "" and _is_year(f[2]):
        return "tiv_regional"
    return None


def _is_title(line: str) -> str | None:
    s = line.strip().strip('"').lower()
    if s.startswith("volume of transfers of major arms"):
        return "tiv_table"
    if s.startswith("volume of exports of major arms by region"):
        return "tiv_regional"
    if s.startswith("tiv of arms exports"):
        return "tiv_table"
    if s.startswith("transfers of major conventional arms"):
        return "register"
    return None


def _detect_delimiter(lines: list[str]) -> str:
    for line in lines[:200]:
        for delim in (",", ";", "\t"):
            if delim in line and _header_kind(line.split(delim)):
                return delim
    return ","


def _parse_date(line: str) -> dt.date | None:
    m = _GENERATED.match(line.strip().strip('"'))
    if not m:
        return None
    day, month, year = m.groups()
    month_no = _MONTHS.get(month.lower()) or next(
        (i for name, i in _MONTHS.items() if name.startswith(month.lower()[:3])), None
    )
    if not month_no:
        return None
    try:
        return dt.date(int(year), month_no, int(day))
    except ValueError:
        return None


class _Lines:
    """Cleaned lines with their 1-based line numbers and a field splitter for the file's dialect."""

    def __init__(self, lines: list[str], delim: str, notes: list[str], text: str = ""):
        self.delim = delim
        self.joined = text or "\n".join(lines)  # the same lines, for C-speed searches
        if delim != ",":
            label = "semicolons" if delim == ";" else "tabs"
            notes.append(f"Read as separated by {label} (a re-saved copy), not commas.")
        # Judge the dialect on a sample: the first and last 200 non-empty lines.
        non_empty = [ln for ln in itertools.islice(lines, 0, 400) if ln.strip()]
        non_empty += [ln for ln in lines[-200:] if ln.strip()] if len(lines) > 400 else []
        trailing = sum(1 for ln in non_empty if ln.rstrip().endswith(";"))
        self.strip_semicolon = delim != ";" and non_empty and trailing >= 0.5 * len(non_empty)
        if self.strip_semicolon:
            notes.append("Removed the ';' appended to the end of each line.")
        self.lines = lines
        self.stray_quotes: list[int] = []  # line numbers, for the notes
        self.other_separator: list[int] = []
        padded = sum(1 for ln in non_empty[:400] if ln.rstrip().rstrip(";").endswith(delim * 2))
        if padded:
            notes.append(f"Ignored padding separators at the end of {padded} lines.")

    def text(self, i: int) -> str:
        line = self.lines[i]
        if self.strip_semicolon:
            line = line.rstrip()
            if line.endswith(";"):
                line = line[:-1]
        return line

    def fields(self, i: int, quoted: bool = False) -> list[str]:
        line = self.text(i)
        if '"' in line:
            try:
                parsed = next(csv.reader([line], delimiter=self.delim))
            except (csv.Error, StopIteration):
                parsed = None
            plain = line.split(self.delim)
            if parsed is not None and not (line.count('"') % 2 and len(parsed) < len(plain)):
                return parsed
            # An unbalanced quote would swallow the rest of the line into one cell.
            self.stray_quotes.append(i + 1)
            return [cell.replace('"', "") for cell in plain]
        fields = line.split(self.delim)
        if len(fields) == 1 and self.delim == ",":
            for other in (";", "\t"):
                if line.count(other) >= 2:
                    # A row separated unlike the header (pasted from a re-saved copy).
                    self.other_separator.append(i + 1)
                    return line.split(other)
        return fields

    def is_blank(self, i: int) -> bool:
        return not self.text(i).replace(self.delim, "").strip()

    def first_cell(self, i: int) -> str:
        return self.fields(i)[0].strip().strip('"') if self.lines[i] else ""


# ----------------------------------------------------------------------------- public entry


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
    if layout in ("tiv_table", "tiv_regional"):
        _read_tiv_blocks(lines, blocks, export, file_name)
    elif layout == "register":
        _read_register(lines, blocks, export)
    elif layout == "register_deliveries":
        _read_register_deliveries(lines, blocks, export)
    else:
        _read_register_legacy(lines, blocks, export)
    _report_line_repairs(lines, export)
    _finish(export)
    return export


def _report_line_repairs(lines: _Lines, export: SipriExport) -> None:
    for found, what in (
        (lines.stray_quotes, "an unbalanced quote was ignored"),
        (lines.other_separator, "the row is separated by ';' or tabs, unlike the header"),
    ):
        numbers = sorted(set(found))
        if numbers:
            shown = ", ".join(str(n) for n in numbers[:10]) + (" …" if len(numbers) > 10 else "")
            export.notes.append(f"Line(s) {shown}: {what}; read anyway.")


@dataclass
class _Block:
    layout: str
    header_line: int  # 0-based index of the header row
    title: str = ""
    title_line: int = -1
    generated: dt.date | None = None
    has_preamble: bool = False
    end: int = 0  # exclusive


def _find_blocks(lines: _Lines) -> list[_Block]:
    """Every table in the file: a header row, with the title and date seen above it."""
    blocks: list[_Block] = []
    title, title_line, generated, preamble = "", -1, None, False
    n = len(lines.lines)
    i = -1
    while i + 1 < n:
        i += 1
        raw = lines.lines[i]
        if not raw.strip():
            continue
        first = lines.first_cell(i)
        kind_title = _is_title(first) if len(first) < 400 else None
        if kind_title:
            if blocks:
                blocks[-1].end = min(blocks[-1].end or i, i)
            title, title_line, generated, preamble = first, i, None, True
            continue
        date = _parse_date(first) if len(first) < 200 else None
        if date:
            generated = date
            preamble = True
            continue
        kind = _header_kind(lines.fields(i)) if len(raw) < 200_000 else None
        if kind:
            if blocks and not blocks[-1].end:
                blocks[-1].end = i
            blocks.append(
                _Block(kind, i, title, title_line, generated, preamble and title_line >= 0)
            )
            title, title_line, generated, preamble = "", -1, None, False
            if kind.startswith("register"):
                # Inside a register every line is a record (comments can say anything): jump to
                # the next line that could open another table.
                i = _next_table_start(lines, i + 1) - 1
    for b in blocks:
        if not b.end:
            b.end = n
    return blocks


# How a glued-on table can start (SIPRI's own spellings; exports are machine-written). One
# regex with a literal newline first is far cheaper than a test per line of a long register.
_NEXT_START = re.compile(
    r'\n[ "]*(?:Transfers of major|Volume of|TIV of arms|Recipient|Supplier|Exports by|'
    r"SIPRI AT Database|Id[,;\t]|[,;\t][,;\t]?[12]\d{3}[,;\t])"
)


def _next_table_start(lines: _Lines, start: int) -> int:
    """Index of the first line from ``start`` on that is a title or a header row, else n."""
    text = lines.joined
    offset = 0
    for _ in range(start):  # character offset of line ``start``
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return len(lines.lines)
    line_no, pos = start, offset
    for match in _NEXT_START.finditer(text, max(offset - 1, 0)):
        line_no += text.count("\n", pos, match.start() + 1)
        pos = match.start() + 1
        first = lines.first_cell(line_no)
        if _is_title(first) or _header_kind(lines.fields(line_no)):
            return line_no
    return len(lines.lines)


def _raise_no_table(lines: _Lines) -> None:
    for i in range(min(len(lines.lines), 50)):
        first = lines.first_cell(i) if len(lines.lines[i]) < 400 else ""
        if _is_title(first) or _parse_date(first):
            raise SipriFormatError(
                "The file has a SIPRI preamble but no table: the header row (e.g. "
                "'Recipient,Supplier,...' or 'Supplier,1950,1951,...') is missing, so the "
                "download was probably cut short. Download the export again.",
                len(lines.lines),
            )
    raise SipriFormatError(
        "This is not a SIPRI Arms Transfers Database export: no SIPRI header row was found "
        "(expected a trade register or a TIV table CSV from armstransfers.sipri.org).",
        1,
    )


def _pick_generated(blocks: list[_Block], notes: list[str]) -> dt.date | None:
    dates = sorted({b.generated for b in blocks if b.generated})
    if len(dates) > 1:
        notes.append(
            "Tables in this file were generated on different dates "
            f"({', '.join(d.isoformat() for d in dates)}); the newest is used as its vintage."
        )
    return dates[-1] if dates else None


# ----------------------------------------------------------------------------- TIV tables


def _tiv_number(cell: str, line: int, column: str) -> float | None:
    """SIPRI TIV cell: '' -> None (no delivery), '0 '/'0' -> 0.0 (between 0 and 0.5)."""
    s = cell.strip()
    if not s:
        return None
    try:
        value = float(s)
    except ValueError:
        raise SipriFormatError(
            f"The cell for {column} holds '{s[:40]}', which is not a number of TIV.", line
        ) from None
    if value < 0:
        raise SipriFormatError(f"The cell for {column} holds a negative TIV ({s}).", line)
    if value != value or value in (float("inf"),):
        raise SipriFormatError(f"The cell for {column} holds '{s}', not a TIV value.", line)
    if value > MAX_TIV:
        raise SipriFormatError(
            f"The cell for {column} holds {s}, far more than any country's yearly arms imports "
            "(TIV is in millions): this is not a SIPRI value.",
            line,
        )
    return value


def _read_tiv_blocks(lines: _Lines, blocks: list[_Block], export: SipriExport, file_name: str):
    frames = []
    zero_with_space = zero_without_space = 0
    padded = 0
    dropped_years: set[int] = set()
    empty_blocks = 0
    tables = []
    totals: list[tuple] = []
    for block in blocks:
        header = [c.strip() for c in lines.fields(block.header_line, quoted=True)]
        while header and header[-1] == "":
            header.pop()
        regional = block.layout == "tiv_regional"
        label_cols = 2 if regional else 1
        year_idx = []
        for j, cell in enumerate(header[label_cols:], start=label_cols):
            if _is_year(cell):
                year = int(cell)
                if not MIN_YEAR <= year <= MAX_YEAR:
                    raise SipriFormatError(
                        f"The header has the year {cell}, outside {MIN_YEAR}-{MAX_YEAR}.",
                        block.header_line + 1,
                    )
                year_idx.append((j, year))
            elif _PERIOD.match(cell) or cell.lower() in (
                "total",
                "percentage",
                "sum total years",
                "percentage of total",
                "% of regional total",
            ):
                continue
            else:
                raise SipriFormatError(
                    f"The header column '{cell[:40]}' is neither a year nor a SIPRI total column.",
                    block.header_line + 1,
                )
        years = [y for _, y in year_idx]
        if len(set(years)) != len(years):
            raise SipriFormatError("The header repeats a year.", block.header_line + 1)
        if not year_idx:
            raise SipriFormatError("The table header has no year columns.", block.header_line + 1)
        width = len(header)
        label = header[0].lower()
        new_style = not regional and label in ("recipient", "exports by", "supplier")
        rows: list[tuple[int, str, str, list[float | None]]] = []
        total_label = None
        total_values: list[float | None] = []
        region = None
        saw_total = False
        last_data_line = block.header_line
        for i in range(block.header_line + 1, block.end):
            if lines.is_blank(i):
                continue
            f = [c.strip('"') for c in lines.fields(i, quoted=True)]
            if len(f) > width:
                if any(c.strip() for c in f[width:]):
                    raise SipriFormatError(
                        f"This row has {len(f)} fields but the header on line "
                        f"{block.header_line + 1} has {width}: the header is not SIPRI's "
                        "(columns dropped or renamed?) or the rows use another separator. "
                        "Download the export again.",
                        i + 1,
                    )
                f = f[:width]
                padded += 1
            elif len(f) < width:
                if i == block.end - 1 or all(lines.is_blank(k) for k in range(i + 1, block.end)):
                    if len(f) <= year_idx[-1][0]:
                        raise SipriFormatError(
                            f"The table stops in the middle of a row ({len(f)} of {width} "
                            "fields): the file looks truncated. Download it again.",
                            i + 1,
                        )
                f = f + [""] * (width - len(f))
            name = f[0].strip()
            if regional:
                if f[1].strip().lower() == "regional total":
                    region = name
                    continue
                if name == "" and region is None:
                    raise SipriFormatError("A supplier row comes before any region row.", i + 1)
                if name:
                    raise SipriFormatError(
                        f"Unexpected row '{name[:40]}' in a regional table.", i + 1
                    )
                name = f[1].strip()
            if not name:
                raise SipriFormatError("A data row has no country name.", i + 1)
            m = _TOTAL_ROW.match(name)
            if m and not regional:
                saw_total = True
                total_label = m
                total_values = [
                    _tiv_number(f[j], i + 1, str(year)) if j < len(f) else None
                    for j, year in year_idx
                ]
                break
            values = []
            for j, year in year_idx:
                cell = f[j]
                # Only the new (2024+) country tables write zeros as '0 '.
                if cell.strip() == "0" and new_style:
                    if cell == "0 ":
                        zero_with_space += 1
                    else:
                        zero_without_space += 1
                values.append(_tiv_number(cell, i + 1, str(year)))
            rows.append((i + 1, region or "", name, values))
            last_data_line = i
        if not regional and not saw_total and rows:
            raise SipriFormatError(
                "The table ends without its 'Total' row: the file looks truncated or edited. "
                "Download the export again.",
                last_data_line + 1,
            )
        if regional and rows and region is None:
            raise SipriFormatError("The regional table has no region rows.", block.header_line + 1)
        # Orientation: whose rows are these?
        country, side = _orientation(block, label, total_label, file_name, export.notes)
        if rows and all(r[2].strip().lower() in CATEGORIES for r in rows):
            side = f"{side}:categories"
        tables.append((block, country, side))
        if total_values and side in ("suppliers", "recipients"):
            # Keep SIPRI's Total row aside (never a flow): shares use it as the denominator,
            # since its yearly values are rounded once instead of once per supplier.
            for (_, year), value in zip(year_idx, total_values, strict=True):
                if value is not None:
                    rec, sup = _sides(country, side, None)
                    imports = (side == "suppliers") == bool(country)
                    totals.append((rec, sup, year, value, "import" if imports else "export"))
        if not rows:
            empty_blocks += 1
            continue
        # Unpublished current year: a column empty in every row.
        empty_cols = [k for k in range(len(year_idx)) if all(r[3][k] is None for r in rows)]
        recs = []
        seen: dict[tuple[str, str], int] = {}
        categories = all(r[2].strip().lower() in CATEGORIES for r in rows)
        for line_no, reg, name, values in rows:
            key = (reg, name.lower())
            if key in seen:
                raise SipriFormatError(
                    f"'{name}' appears twice in the same table (lines {seen[key]} and {line_no}).",
                    line_no,
                )
            seen[key] = line_no
            for k, value in enumerate(values):
                if value is None:
                    continue
                recs.append((line_no, reg, name, year_idx[k][1], value))
        # Trailing all-empty years are unpublished (SIPRI adds year Y in March of Y+1); they give
        # no flows anyway, but users should know why the table's last year is missing.
        k = len(year_idx) - 1
        while k >= 0 and k in empty_cols:
            dropped_years.add(year_idx[k][1])
            k -= 1
        frame = pd.DataFrame(recs, columns=["line", "region", "name", "year", "tiv"])
        if categories:
            frame["category"] = frame["name"].str.lower().map(CATEGORIES)
            frame["recipient"], frame["supplier"] = _sides(country, side.split(":")[0], None)
        elif regional:
            frame["recipient"] = frame["region"]
            frame["supplier"] = frame["name"]
        else:
            frame["recipient"], frame["supplier"] = _sides(country, side, frame["name"])
        frames.append(frame)
    export.countries = sorted({c for _, c, _ in tables if c})
    if padded:
        export.notes.append(f"Removed padding separators from {padded} rows (an Excel re-save).")
    if zero_without_space and not zero_with_space:
        export.notes.append(
            "Zero cells are written '0' rather than SIPRI's '0 ' (an Excel re-save): both mean "
            "between 0 and 0.5 million TIV."
        )
    if dropped_years:
        export.notes.append(
            "Left out year(s) "
            + ", ".join(str(y) for y in sorted(dropped_years))
            + ": empty in every row, so not yet published by SIPRI (data for a year appear the "
            "following March)."
        )
    if empty_blocks:
        export.notes.append(
            f"{empty_blocks} table(s) have no rows: SIPRI found no deliveries for those queries."
        )
    if len(blocks) > 1:
        export.notes.append(f"Read {len(blocks)} tables pasted into one file.")
    export.scope = _tiv_scope({(bool(c), s) for _, c, s in tables})
    kinds = sorted({_describe_table(c, s) for _, c, s in tables})
    export.notes.insert(
        0, f"Understood as a {LAYOUT_LABELS[export.layout]}: " + "; ".join(kinds) + "."
    )
    if frames:
        flows = pd.concat(frames, ignore_index=True)
        flows = _canonicalise(flows, export)
        flows = _merge_tables(flows, export)
        export.flows = coerce_flows(flows)
    if totals:
        frame = pd.DataFrame(totals, columns=TOTAL_COLUMNS)
        for col in ("recipient", "supplier"):
            frame[col] = frame[col].map(
                lambda v: names.canonical_name(v) if isinstance(v, str) else v
            )
        export.totals = (
            frame.drop_duplicates(["recipient", "supplier", "year", "side"])
            .astype(TOTAL_DTYPES)
            .reset_index(drop=True)
        )
        # A tuple of plain tuples (not a DataFrame): pandas compares attrs with == when it
        # concatenates frames, which a DataFrame cannot answer.
        export.flows.attrs["totals"] = totals_records(export.totals)


SCOPES = (
    "imports",  # the named recipients' imports, split by supplier, complete
    "exports",  # the named suppliers' exports, split by recipient, complete
    "world",  # every recipient and supplier (a register of all countries)
    "importer_totals",  # each importer's total (all-importers table)
    "exporter_totals",  # each exporter's total (all-exporters table)
    "categories",  # totals by weapon category
    "regional",  # suppliers to regions and organisations
    "partial",  # a selection that is complete for nobody (or unknown)
)


def _tiv_scope(kinds: set[tuple[bool, str]]) -> str:
    """What the file's tables cover, from (names a country?, side of the rows) per table."""
    scopes = set()
    for named, side in kinds:
        if side == "regional":
            scopes.add("regional")
        elif side.endswith(":categories"):
            scopes.add("categories")
        elif named:
            scopes.add("imports" if side == "suppliers" else "exports")
        else:
            scopes.add("importer_totals" if side == "recipients" else "exporter_totals")
    return scopes.pop() if len(scopes) == 1 else "partial"


def register_scope(title: str) -> str:
    """What a register covers, from its title 'Transfers ... from X to Y'."""
    parties = re.search(r"from (.+?)\s+to (.+?)\s*\.", title or "")
    if not parties:
        return "partial"
    everyone = [p.strip().lower() == "all countries" for p in parties.groups()]
    return {
        (True, True): "world",
        (True, False): "imports",
        (False, True): "exports",
    }.get(tuple(everyone), "partial")


def totals_records(totals: pd.DataFrame | None) -> tuple[tuple, ...]:
    """SIPRI Total rows as hashable records for ``flows.attrs["totals"]``."""
    if totals is None or totals.empty:
        return ()
    frame = totals[TOTAL_COLUMNS].astype("object").where(totals[TOTAL_COLUMNS].notna(), None)
    return tuple(
        (r, s, int(y), float(t), side)
        for r, s, y, t, side in frame.itertuples(index=False, name=None)
    )


def _orientation(block, label, total_match, file_name, notes) -> tuple[str | None, str]:
    """(named country, side): side says what the rows are: 'suppliers' or 'recipients'."""
    if block.layout == "tiv_regional":
        return None, "regional"
    title = _OLD_TITLE.match(block.title) if block.title else None
    if title:
        direction, who = title.group(1).lower(), title.group(2).strip()
        if who.lower() == "all":
            return None, "recipients" if direction == "to" else "suppliers"
        return who, "suppliers" if direction == "to" else "recipients"
    if total_match and total_match.group("world"):
        return None, "recipients" if total_match.group("world").lower() == "import" else "suppliers"
    if total_match and total_match.group("who"):
        # "Total exports to India": rows are India's suppliers; "... from France": its recipients.
        who = total_match.group("who").strip()
        return who, "suppliers" if total_match.group("prep").lower() == "to" else "recipients"
    if label in ("recipient", "recipients"):
        return None, "recipients"
    if label in ("exports by", "suppliers"):
        return None, "suppliers"
    if label == "supplier":
        return None, "suppliers"
    hint = _FILE_HINT.search(file_name or "")
    if hint:
        side = "suppliers" if hint.group(1).lower() == "import" else "recipients"
        code = hint.group(2).upper()
        country = None if code == "ALL" else _SIPRI_CODES.get(code)
        notes.append(f"The title is missing: the file name {file_name!r} says what the rows are.")
        if country is None and code != "ALL":
            notes.append(f"SIPRI code {code} is not known here: the table's country is left empty.")
        return country, side
    notes.append(
        "The title is missing, so the table does not say whose imports or exports it holds: "
        "the rows are taken as importing countries (recipients)."
    )
    return None, "recipients"


def _sides(country, side, names_col):
    if side == "suppliers":
        return (country if country else pd.NA), (names_col if names_col is not None else pd.NA)
    return (names_col if names_col is not None else pd.NA), (country if country else pd.NA)


def _describe_table(country, side) -> str:
    if side == "regional":
        return "suppliers to each region"
    if side.endswith(":categories"):
        whose = f"{country}'s" if country else "all"
        what = "imports" if side.startswith("suppliers") == bool(country) else "exports"
        return f"{whose} {what} by weapon category"
    if country:
        return (
            f"{country}'s imports by supplier"
            if side == "suppliers"
            else f"{country}'s exports by recipient"
        )
    return (
        "every importer's total imports"
        if side == "recipients"
        else "every exporter's total exports"
    )


def _merge_tables(flows: pd.DataFrame, export: SipriExport) -> pd.DataFrame:
    """Identical rows from repeated tables are kept once; conflicting ones are an error."""
    key = ["recipient", "supplier", "year"] + (["category"] if "category" in flows else [])
    k = flows[key].astype("object").fillna("\x00")
    dup = k.duplicated(keep=False)
    if not dup.any():
        return flows
    grouped = flows[dup].assign(_k=k[dup].astype(str).agg("|".join, axis=1))
    spread = grouped.groupby("_k")["tiv"].nunique()
    if (spread > 1).any():
        bad = grouped[grouped["_k"] == spread[spread > 1].index[0]].iloc[-1]
        raise SipriFormatError(
            f"Two tables in this file give different values for {bad['supplier']} -> "
            f"{bad['recipient']} in {bad['year']}.",
            int(bad["line"]),
        )
    export.notes.append(
        f"{int(dup.sum() - k[dup].drop_duplicates().shape[0])} rows repeated across tables were kept once."
    )
    return flows[~k.duplicated(keep="first")]


# ----------------------------------------------------------------------------- registers


# A cell broken over more lines than this is not joined (the record is refused instead).
MAX_JOINED_LINES = 20


def _unpad(fields: list[str], width: int) -> list[str]:
    """Drop the empty fields a spreadsheet appended past the header's width."""
    if len(fields) > width and not "".join(fields[width:]).strip():
        return fields[:width]
    return fields


def _core(fields: list[str]) -> int:
    """How many fields there are up to the last non-empty one (padding not counted)."""
    n = len(fields)
    while n and not fields[n - 1].strip():
        n -= 1
    return n


def _quote(cell: str, delim: str) -> str:
    if delim in cell or '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _join_halves(first: list[str], nxt: list[str], width: int, text_columns) -> list[str] | None:
    """One record from two lines that a line break inside a text cell split apart.

    SIPRI writes no quotes, so a line break typed into a comment (or a description) ends the
    line: the first half holds the fields up to the broken cell, the second half starts with the
    rest of that cell. A spreadsheet re-save may have padded either half with empty fields to
    the full width. The broken cell is the first text column at or after the first half's last
    non-empty field that leaves room for the second half's non-empty fields. None when the two
    lines cannot be one record.
    """
    core, next_core = _core(first), _core(nxt)
    if core + max(next_core, 1) - 1 > width:
        return None
    lo, hi = max(core - 1, 0), width - max(next_core, 1)
    cell = next((c for c in text_columns if lo <= c <= hi), lo if lo <= hi else None)
    if cell is None or "".join(first[cell + 1 :]).strip() or "".join(nxt[width - cell :]).strip():
        return None
    head = first[:cell] + [""] * (cell - len(first))
    broken = " ".join(
        t for t in (first[cell].strip() if cell < len(first) else "", nxt[0].strip()) if t
    )
    # Unpadded halves keep their own length (a half still short waits for the next line).
    return head + [broken] + nxt[1 : width - cell]


def _record_at(lines, body, base, k, width, text_columns, quoted) -> tuple[list[str] | None, int]:
    """The record starting at body[k] as fields, with any continuation lines joined; next k."""
    delim = lines.delim

    def split(text: str) -> list[str]:
        if quoted and '"' in text:
            try:
                return next(csv.reader([text], delimiter=delim))
            except (csv.Error, StopIteration):
                return [c.replace('"', "") for c in text.split(delim)]
        return text.split(delim)

    text = body[k]
    if not text.replace(delim, "").strip():
        return None, k + 1
    j = k
    if quoted and text.count('"') % 2:
        # A quoted cell holding a line break (a spreadsheet's own quoting) closes on a later
        # line; a quote that never closes is a stray one: dropped, and reported.
        whole = text
        while whole.count('"') % 2 and j + 1 < len(body) and j - k < MAX_JOINED_LINES:
            j += 1
            whole = whole + " " + body[j]
        if whole.count('"') % 2:
            j = k
            lines.stray_quotes.append(base + k + 1)
            text = text.replace('"', "")
        else:
            text = whole
    fields = _unpad(split(text), width)
    while _core(fields) < width and j + 1 < len(body) and j - k < MAX_JOINED_LINES:
        nxt = body[j + 1]
        if not nxt.replace(delim, "").strip():
            break
        joined = _join_halves(fields, _unpad(split(nxt), width), width, text_columns)
        if joined is None:
            break
        fields, j = joined, j + 1
    return fields, j + 1


def _too_few_fields(count: int, width: int, line: int, at_end: bool) -> SipriFormatError:
    if at_end:
        return SipriFormatError(
            f"The file ends in the middle of a record ({count} of {width} fields): "
            "it looks truncated. Download it again.",
            line,
        )
    return SipriFormatError(
        f"This record has {count} fields but the header has {width}: the file looks "
        "truncated or edited.",
        line,
    )


def _fit_long_record(fields, width, block, export, line) -> list[str]:
    """A record with more separators than the header: separators typed into a comment."""
    if block.layout == "register":
        # Separators typed into a comment by hand: keep them in the comment (field 13).
        extra = len(fields) - width
        export.notes.append(f"Line {line}: extra separators kept inside the comment.")
        return fields[:12] + [" ".join(fields[12 : 13 + extra])] + fields[13 + extra :]
    raise SipriFormatError(
        f"This record has {len(fields)} fields but the header has {width}.", line
    )


def _register_records(
    lines: _Lines, block: _Block, width: int, export: SipriExport, text_columns: list[int]
) -> tuple[pd.DataFrame, list[int]]:
    """The block's records as a frame of strings, and each record's 1-based line number.

    Whole records go straight to pandas' C parser in one call. Every other line (a blank line,
    a record split by a line break in a comment, padded or not, a quoted cell) takes one path,
    _record_at, the same for every register layout.
    """
    delim = lines.delim
    need = width - 1
    start, end = block.header_line + 1, block.end
    body = (
        lines.lines[start:end]
        if not lines.strip_semicolon
        else [lines.text(k) for k in range(start, end)]
    )
    quoted = '"' in lines.joined
    counts = list(map(str.count, body, itertools.repeat(delim)))
    # A line needs a closer look when its separators are off, when it ends in a separator
    # (padding, or an empty last cell) or, in a quoted file, when it holds a quote. The last two
    # are rare: one search of the whole text says whether to look for them line by line.
    joined_text = lines.joined
    padded = (
        lines.strip_semicolon
        or (delim + "\n") in joined_text
        or (delim + "\r") in joined_text
        or joined_text.rstrip("\r\n").endswith(delim)
    )
    if padded or quoted:
        odd = [
            k
            for k, (c, t) in enumerate(zip(counts, body, strict=True))
            if c != need or t.endswith(delim) or (quoted and '"' in t)
        ]
    else:
        odd = [k for k, c in enumerate(counts) if c != need]
    texts: list[str] = []
    numbers: list[int] = []
    # SIPRI's March 2025 register splits 4 of 29,515 records: more than 1 in 100 (past the
    # first 50) is not a register as exported, and is refused before reading further.
    joined = first_joined = 0
    pos = 0
    for k in odd:
        if k < pos:
            continue
        texts.extend(body[pos:k])
        numbers.extend(range(start + pos + 1, start + k + 1))
        fields, pos = _record_at(lines, body, start, k, width, text_columns, quoted)
        if fields is None:
            continue
        line = start + k + 1
        joined += pos - k > 1
        if joined > 50 and joined * 100 > len(texts) + 1:
            raise SipriFormatError(
                f"From line {first_joined or line} on, records do not have the header's "
                f"{width} fields: more than {joined - 1} of them would have to be pieced "
                "together from several lines, so this is not a SIPRI register as exported "
                "(SIPRI splits only a few records, at line breaks in comments).",
                first_joined or line,
            )
        if pos - k > 1 and not first_joined:
            first_joined = line
        if len(fields) < width:
            rest = body[pos:]
            raise _too_few_fields(len(fields), width, line, not any(t.strip() for t in rest))
        if len(fields) > width:
            fields = _fit_long_record(fields, width, block, export, line)
        texts.append(delim.join(_quote(c, delim) for c in fields) if quoted else delim.join(fields))
        numbers.append(line)
    texts.extend(body[pos:])
    numbers.extend(range(start + pos + 1, start + len(body) + 1))
    if joined:
        export.notes.append(
            f"Joined {joined} record(s) that a line break inside a comment had split across lines."
        )
    if not texts:
        return pd.DataFrame(columns=range(width), dtype="str"), numbers
    # Columns are left to the C parser's own inference, as in a bare read_csv: text stays text,
    # numbers come back as numbers, and a column with '?' or '(12)' in it is cleaned by _num.
    # Bytes parse faster than a StringIO in pandas' C reader.
    try:
        frame = pd.read_csv(
            io.BytesIO("\n".join(texts).encode("utf-8")),
            encoding="utf-8",
            sep=delim,
            header=None,
            names=range(width),
            keep_default_na=False,
            na_values=[""],
            quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
            skip_blank_lines=False,
            engine="c",
            # One pass over the whole register: chunked parsing is slower at this size.
            low_memory=False,
        )
    except pd.errors.ParserError:
        # An unclosed quote swallows the rest of the file: the C parser gives up at its end.
        frame = None
    # A record with more fields than the header (a stray quote joined two) makes the parser
    # turn its leading fields into an index: refuse that too.
    if (
        frame is None
        or len(frame) != len(numbers)
        or frame.shape[1] != width
        or not frame.index.equals(pd.RangeIndex(len(frame)))
    ):
        raise SipriFormatError(
            "The records could not be split into the header's columns (stray quotes?).",
            numbers[0] if numbers else block.header_line + 1,
        )
    return frame, numbers


_TRUE_FLAGS = ["?", "Yes", "yes", "YES", "Y", "y", "True", "true", "TRUE", "1", " ?", "? "]


def _text(series: pd.Series) -> pd.Series:
    """A text column; an all-empty one comes back from the parser as floats."""
    if series.dtype == "str":
        return series
    return series.astype("str").where(series.notna(), "")


def _flag(series: pd.Series) -> pd.Series:
    """SIPRI's uncertainty/estimate flags ('?' or 'Yes') as booleans; empty is False."""
    if series.dtype.kind in "fi":  # an all-empty (or 0/1) column parsed as numbers
        return (series == 1).astype("boolean")
    return series.isin(_TRUE_FLAGS).astype("boolean")


def _num(
    series: pd.Series,
    label: str = "",
    export: SipriExport | None = None,
    line_no: pd.Series | None = None,
) -> pd.Series:
    """Numbers from text; '(12)' and '12?' (old uncertainty marks) count as 12, '' as <NA>.

    Text that is no number at all ('n/a', 'twenty') is left empty, and when ``export`` is
    given a note says how many such cells ``label`` had and where the first one is.
    """
    if series.dtype.kind in "if":
        return series.astype("Float64")
    values = pd.to_numeric(series, errors="coerce")
    retry = values.isna() & series.notna() & (series.astype("str").str.strip() != "")
    if retry.any():
        cleaned = series[retry].astype("str").str.strip().str.strip("()?").str.strip()
        values[retry] = pd.to_numeric(cleaned, errors="coerce")
        lost = retry & values.isna()
        if lost.any() and export is not None:
            k = lost.idxmax()
            where = f" (first: '{str(series[k])[:30]}'" + (
                f" on line {int(line_no[k])})" if line_no is not None else ")"
            )
            export.notes.append(
                f"{int(lost.sum())} cell(s) of '{label}' are not numbers{where}; they were "
                "left empty."
            )
    return values.astype("Float64")


def _years_index(series: pd.Series) -> tuple[np.ndarray, list[list[int]]]:
    """Each row's code into a list of distinct parsed year lists (-1: no delivery year).

    Many deals share the same delivery-year text: each distinct text is parsed once.
    """
    codes, uniques = pd.factorize(series)
    # A column of bare numbers comes back as floats; 'inf' there is text, not a year.
    texts = [
        t if isinstance(t, str) else str(int(t)) if np.isfinite(t) else str(t)
        for t in uniques.tolist()
    ]
    return codes, (_parse_years(texts) if texts else [])


def _years_list(series: pd.Series, index=None) -> np.ndarray:
    """'1979; 1980' (new) or '2010 - 2012' / '(2013)' (old) -> sorted list of years per row."""
    codes, lists = index if index is not None else _years_index(series)
    parsed = np.empty(len(lists) + 1, dtype=object)
    parsed[:-1] = lists
    parsed[-1] = []  # code -1: an empty cell
    return parsed[codes]


def _parse_years(texts: list[str]) -> list[list[int]]:
    out = []
    for text in texts:
        if not text:
            out.append([])
            continue
        try:  # the common case: SIPRI's '1979; 1980; 1981'
            out.append(sorted({int(p) for p in text.split(";")}))
            continue
        except ValueError:
            pass
        years: list[int] = []
        if isinstance(text, str) and text.strip():
            for part in re.split(r"[;,]", text):
                part = part.strip().strip("()?").strip()
                if not part:
                    continue
                m = re.match(r"^(\d{4})\s*-\s*(\d{4})$", part)
                if m:
                    a, b = int(m.group(1)), int(m.group(2))
                    years.extend(range(a, b + 1) if 0 <= b - a <= 100 else [a, b])
                elif part.isdigit():
                    years.append(int(part))
        out.append(sorted(set(years)))
    return out


def _check_years(values: pd.Series, what: str, lines_no: pd.Series) -> None:
    bad = values.notna() & ((values < MIN_YEAR) | (values > MAX_YEAR))
    if bad.any():
        k = bad.idxmax()
        raise SipriFormatError(
            f"{what} {values[k]} is outside {MIN_YEAR}-{MAX_YEAR}.", int(lines_no[k])
        )


def _check_negative(frame: pd.DataFrame, cols: list[str], lines_no: pd.Series) -> None:
    """Refuse negative, infinite or implausibly large numbers, naming the line."""
    for col in cols:
        values = frame[col].to_numpy(dtype="float64", na_value=0.0)
        label = _LABELS.get(col, col)
        for bad, message in (
            (values < 0, "Negative value in '{label}' ({value:g})."),
            # 'inf' parses as a number: refuse it, as the TIV tables do, rather than store it.
            (np.isinf(values), "The value in '{label}' ({value}) is not a finite number."),
            (
                values > MAX_TIV,
                "The value in '{label}' ({value:g}) is implausibly large for SIPRI data.",
            ),
        ):
            if bad.any():
                k = int(np.argmax(bad))
                raise SipriFormatError(
                    message.format(label=label, value=values[k]), int(lines_no.iloc[k])
                )


# SIPRI's header rows as written (blank names are SIPRI's own uncertainty columns).
HEADER_NAMES = {
    "register": [
        "Recipient",
        "Supplier",
        "Year of order",
        "",
        "Number ordered",
        "",
        "Weapon designation",
        "Weapon description",
        "Number delivered",
        "",
        "Year(s) of delivery",
        "Status",
        "Comments",
        "SIPRI TIV per unit",
        "SIPRI TIV for total order",
        "SIPRI TIV of delivered weapons",
    ],  # fmt: skip
    "register_deliveries": D_HEADER,
    "register_legacy": E_HEADER,
}
# Names SIPRI itself has used in place of the ones above.
_HEADER_ALIASES = {"deliveries in the year range": "number delivered"}


def _check_header(lines: _Lines, block: _Block, export: SipriExport) -> None:
    """Refuse a header row that is not SIPRI's (columns dropped or added), in one sentence.

    Registers are read by position, so a header with other columns would shift every value;
    a header with SIPRI's columns under a few other names is read, with a note.
    """
    expected = HEADER_NAMES[block.layout]
    found = [c.strip() for c in _unpad(lines.fields(block.header_line), len(expected))]
    norm = [_HEADER_ALIASES.get(c.lower(), c.lower()) for c in found]
    renamed = [
        (f, e) for f, n, e in zip(found, norm, expected, strict=False) if e and n != e.lower()
    ]
    named = sum(1 for e in expected if e)
    if len(found) == len(expected) and len(renamed) <= named // 3:
        if renamed:
            export.notes.append(
                f"The header on line {block.header_line + 1} names "
                + "; ".join(f"'{f}' where SIPRI writes '{e}'" for f, e in renamed[:5])
                + ": read by position."
            )
        return
    missing = [e for e in expected if e and e.lower() not in norm]
    unknown = [
        f for f, n in zip(found, norm, strict=True) if f and n not in {e.lower() for e in expected}
    ]
    closest = []
    for name in unknown[:5]:
        match = difflib.get_close_matches(name, missing, n=1, cutoff=0.3)
        closest.append(f"'{name}'" + (f" (closest: '{match[0]}')" if match else ""))
    raise SipriFormatError(
        f"The header on line {block.header_line + 1} is not SIPRI's: a "
        f"{LAYOUT_LABELS[block.layout]} has {len(expected)} columns "
        f"({', '.join(e or '(blank)' for e in expected)}), this one has {len(found)}"
        + (f"; missing: {', '.join(missing)}" if missing else "")
        + (f"; not SIPRI's: {', '.join(closest)}" if closest else "")
        + ". Columns cannot be dropped or renamed: download the export again.",
        block.header_line + 1,
    )


def _all_records(lines, blocks, width, export, columns, numeric) -> tuple[pd.DataFrame, pd.Series]:
    text_columns = [k for k, name in enumerate(columns) if name not in numeric]
    frames, numbers = [], []
    for block in blocks:
        _check_header(lines, block, export)
        frame, nums = _register_records(lines, block, width, export, text_columns)
        frames.append(frame)
        numbers.extend(nums)
    raw = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    raw.columns = columns
    return raw, pd.Series(numbers, dtype="int64")


def _read_register(lines: _Lines, blocks: list[_Block], export: SipriExport) -> None:
    raw, line_no = _all_records(
        lines,
        blocks,
        16,
        export,
        C_HEADER,
        {
            "order_year",
            "number_ordered",
            "number_delivered",
            "tiv_unit",
            "tiv_order",
            "tiv_delivered",
        },
    )
    if raw.empty:
        export.deals = coerce_deals(pd.DataFrame())
        export.notes.insert(0, f"Understood as a {LAYOUT_LABELS['register']} with no deals.")
        return
    n = len(raw)
    numbers = {
        col: _num(raw[col], C_LABELS[col], export, line_no)
        for col in ("number_ordered", "number_delivered", "tiv_unit", "tiv_order", "tiv_delivered")
    }
    order_year = _num(raw["order_year"], "Year of order", export, line_no).round().astype("Int64")
    _check_years(order_year, "Year of order", line_no)
    _check_negative(pd.DataFrame(numbers), list(numbers), line_no)
    recipient, supplier = _canonical_pair(raw["recipient"], raw["supplier"], export)
    years_index = _years_index(raw["delivery_years"])
    delivered_flag = _flag(raw["number_delivered_uncertain"])
    # Built once, in the declared column order and dtypes, so coerce_deals has nothing to redo.
    deals = pd.DataFrame(
        {
            "deal_id": pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)),
            "recipient": recipient,
            "supplier": supplier,
            "order_year": order_year,
            "number_ordered": numbers["number_ordered"],
            "designation": _text(raw["designation"]),
            "description": _text(raw["description"]),
            "category": pd.array([None], dtype="str").take(np.full(n, -1), allow_fill=True),
            "number_delivered": numbers["number_delivered"],
            "delivery_years": _years_list(raw["delivery_years"], years_index),
            "status": _text(raw["status"]),
            "comments": _text(raw["comments"]),
            "tiv_unit": numbers["tiv_unit"],
            "tiv_order": numbers["tiv_order"],
            "tiv_delivered": numbers["tiv_delivered"],
            "order_year_uncertain": _flag(raw["order_year_uncertain"]),
            "number_ordered_uncertain": _flag(raw["number_ordered_uncertain"]),
            "number_delivered_uncertain": delivered_flag,
            "delivery_uncertain": delivered_flag,
            "local_production": pd.array([pd.NA] * n, dtype="boolean"),
        }
    )
    flows, unplaced = _spread_deliveries(deals, line_no, years_index)
    export.flows = coerce_flows(flows)
    export.deals = coerce_deals(deals)
    export.notes.insert(
        0,
        f"Understood as a {LAYOUT_LABELS['register']}: {len(deals):,} deals, "
        f"{deals['recipient'].nunique()} recipients, {deals['supplier'].nunique()} suppliers.",
    )
    export.notes.append(
        "Yearly volumes are estimated: each deal's delivered TIV is spread evenly over its "
        "delivery years (this layout gives one total per deal)."
    )
    if unplaced:
        export.notes.append(
            f"{unplaced} deal(s) with delivered TIV but no delivery year are not in the yearly volumes."
        )
    if lines.lines and any("?Number" in ln for ln in lines.lines[:15]):
        export.notes.append("The preamble's quotes were mangled into '?' (harmless).")
    _range_note(blocks, export)


def _spread_deliveries(
    deals: pd.DataFrame, line_no: pd.Series, years_index=None
) -> tuple[pd.DataFrame, int]:
    """Yearly flows from per-deal totals: each deal's delivered TIV spread evenly over its
    delivery years. Returns the flows and the number of deals with TIV but no year."""
    codes, lists = (
        years_index
        if years_index is not None
        else _years_index(pd.Series(deals["delivery_years"].map(lambda v: "; ".join(map(str, v)))))
    )
    # Expand every deal to its delivery years with array arithmetic on the distinct lists.
    sizes = np.array([len(v) for v in lists] + [0], dtype=np.int64)  # last: code -1
    flat_lists = np.fromiter(
        itertools.chain.from_iterable(lists), dtype=np.int64, count=int(sizes.sum())
    )
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    counts = sizes[codes]
    tiv = deals["tiv_delivered"].to_numpy(dtype="float64", na_value=0.0)
    unplaced = int(((tiv > 0) & (counts == 0)).sum())
    owner = np.repeat(np.arange(len(codes)), counts)
    within = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    flat = flat_lists[first[codes][owner] + within] if len(owner) else flat_lists[:0]
    bad = (flat < MIN_YEAR) | (flat > MAX_YEAR)
    if bad.any():
        k = int(np.argmax(bad))
        raise SipriFormatError(
            f"Delivery year {flat[k]} is outside {MIN_YEAR}-{MAX_YEAR}.",
            int(line_no.iloc[owner[k]]),
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        per_year = np.where(counts > 0, tiv / np.maximum(counts, 1), 0.0)
    # Group on integer keys built from sorted codes: the result comes out sorted by
    # recipient, supplier, year, far faster than grouping strings.
    # An empty name is a group of its own (code -1 would index past the names).
    rec_codes, rec_names = pd.factorize(deals["recipient"], sort=True, use_na_sentinel=False)
    sup_codes, sup_names = pd.factorize(deals["supplier"], sort=True, use_na_sentinel=False)
    key = (rec_codes[owner] * len(sup_names) + sup_codes[owner]) * 10_000 + flat
    uniq, inverse = np.unique(key, return_inverse=True)
    tiv_sum = np.bincount(inverse, weights=per_year[owner], minlength=len(uniq))
    pair, year = np.divmod(uniq, 10_000)
    rec, sup = np.divmod(pair, max(len(sup_names), 1))
    flows = pd.DataFrame(
        {
            "recipient": rec_names.take(rec),
            "supplier": sup_names.take(sup),
            "year": year,
            "tiv": tiv_sum,
        }
    )
    return flows, unplaced


def _range_note(blocks, export):
    title = blocks[0].title
    export.scope = register_scope(title)
    parties = re.search(r"from (.+?)\s+to (.+?)\s*\.", title)
    if parties:
        export.countries = sorted(
            names.canonical_name(p)
            for p in parties.groups()
            if p.strip().lower() != "all countries"
        )
    m = re.search(r"year range '(\d{4})' to '(\d{4})'", title)
    if m:
        export.notes.append(
            f"The export was restricted to deliveries in {m.group(1)}-{m.group(2)}: numbers and "
            "TIV delivered cover only those years."
        )


def _read_register_deliveries(lines: _Lines, blocks: list[_Block], export: SipriExport) -> None:
    raw, line_no = _all_records(
        lines,
        blocks,
        17,
        export,
        D_COLUMNS,
        {"id", "order_year", "delivered", "year", "tiv_new", "tiv_unit", "tiv"},
    )
    if any("?" in ln for ln in lines.lines[: blocks[0].header_line] if "Number" in ln):
        export.notes.append("The preamble's quotes were mangled into '?' (harmless).")
    if raw.empty:
        export.deals = coerce_deals(pd.DataFrame())
        export.notes.insert(
            0, f"Understood as a {LAYOUT_LABELS['register_deliveries']} with no rows."
        )
        return
    frame = pd.DataFrame(
        {
            "deal_id": _num(raw["id"]).round().astype("Int64"),
            "supplier": _text(raw["supplier"]).str.strip(),
            "recipient": _text(raw["recipient"]).str.strip(),
            "designation": _text(raw["designation"]).str.strip().str.rstrip(" -").str.strip(),
            "description": _text(raw["description"]).str.strip(),
            "category": _text(raw["category"])
            .str.strip()
            .str.lower()
            .map(CATEGORIES)
            .fillna(_text(raw["category"]).str.strip()),
            "order_year": _num(raw["order_year"]).round().astype("Int64"),
            "order_est": _flag(raw["order_est"]),
            "delivered": _num(raw["delivered"], "Numbers delivered", export, line_no),
            "delivered_est": _flag(raw["delivered_est"]),
            "year": _num(raw["year"]).round().astype("Int64"),
            "year_est": _flag(raw["year_est"]),
            "status": _text(raw["status"]).str.strip(),
            "tiv_new": _num(raw["tiv_new"], "SIPRI estimate", export, line_no),
            "tiv_unit": _num(raw["tiv_unit"], "TIV deal unit", export, line_no),
            "tiv": _num(raw["tiv"], "TIV delivery values", export, line_no),
            "local": _flag(raw["local"]),
            "line": line_no,
        }
    )
    _check_years(frame["order_year"], "Order date", line_no)
    _check_years(frame["year"], "Delivery year", line_no)
    _check_negative(frame, ["delivered", "tiv_unit", "tiv", "tiv_new"], line_no)
    if frame["year"].isna().any():
        k = frame["year"].isna().idxmax()
        raise SipriFormatError("A delivery row has no delivery year.", int(line_no[k]))
    if frame["deal_id"].isna().any():
        k = frame["deal_id"].isna().idxmax()
        raise SipriFormatError("A delivery row has no SIPRI AT Database ID.", int(line_no[k]))
    frame = _canonical_deals(frame, export)
    with_tiv = frame[frame["tiv"].notna()]
    flows = (
        with_tiv.assign(
            tiv=with_tiv["tiv"].astype("float64"), year=with_tiv["year"].astype("int64")
        )
        .groupby(["recipient", "supplier", "year", "category"], as_index=False, sort=True)["tiv"]
        .sum()
    )
    g = frame.groupby("deal_id", sort=False)
    deals = g.agg(
        recipient=("recipient", "first"),
        supplier=("supplier", "first"),
        order_year=("order_year", "first"),
        designation=("designation", "first"),
        description=("description", "first"),
        category=("category", "first"),
        number_delivered=("delivered", "sum"),
        status=("status", "first"),
        tiv_unit=("tiv_unit", "first"),
        tiv_delivered=("tiv", "sum"),
        order_year_uncertain=("order_est", "any"),
        number_delivered_uncertain=("delivered_est", "any"),
        delivery_uncertain=("year_est", "any"),
        local_production=("local", "any"),
    ).reset_index()
    deals["delivery_years"] = g["year"].agg(lambda s: sorted({int(y) for y in s})).tolist()
    deals["comments"] = ""
    export.flows = coerce_flows(flows)
    export.deals = coerce_deals(deals)
    export.notes.insert(
        0,
        f"Understood as a {LAYOUT_LABELS['register_deliveries']}: {len(frame):,} delivery rows "
        f"for {len(deals):,} deals; yearly volumes are exact sums of 'TIV delivery values'.",
    )
    _range_note(blocks, export)


def _read_register_legacy(lines: _Lines, blocks: list[_Block], export: SipriExport) -> None:
    recs = []
    for block in blocks:
        _check_header(lines, block, export)
        for i in range(block.header_line + 1, block.end):
            if lines.is_blank(i):
                continue
            f = next(csv.reader([lines.text(i)], delimiter=lines.delim))
            if len(f) < 16:
                raise SipriFormatError(
                    f"This record has {len(f)} fields but the header has 16: the file looks "
                    "truncated or edited.",
                    i + 1,
                )
            if len(f) > 16 and any(c.strip() for c in f[16:]):
                raise SipriFormatError(
                    f"This record has {len(f)} fields but the header has 16.", i + 1
                )
            recs.append((i + 1, f[:16]))
    cols = [
        "id",
        "supplier",
        "recipient",
        "ordered",
        "ordered_unc",
        "designation",
        "description",
        "status",
        "status_unc",
        "order_year",
        "order_year_unc",
        "years",
        "delivered",
        "delivered_unc",
        "involvement",
        "comment",
    ]
    raw = pd.DataFrame([f for _, f in recs], columns=cols, dtype="str")
    line_no = pd.Series([n for n, _ in recs], dtype="int64")
    deals = (
        pd.DataFrame(
            {
                "deal_id": _num(raw["id"]).round().astype("Int64"),
                "recipient": raw["recipient"].str.strip(),
                "supplier": raw["supplier"].str.strip(),
                "order_year": _num(raw["order_year"]).round().astype("Int64"),
                "number_ordered": _num(raw["ordered"]),
                "designation": raw["designation"].str.strip(),
                "description": raw["description"].str.strip(),
                "number_delivered": _num(raw["delivered"]),
                "delivery_years": _years_list(raw["years"]),
                "status": raw["status"]
                .str.strip()
                .replace(
                    {"SecondHand": "Second hand", "Refurbished": "Second hand but modernized"}
                ),
                "comments": raw["comment"].str.strip(),
                "order_year_uncertain": _flag(raw["order_year_unc"]),
                "number_ordered_uncertain": _flag(raw["ordered_unc"]),
                "number_delivered_uncertain": _flag(raw["delivered_unc"]),
                "delivery_uncertain": _flag(raw["delivered_unc"]),
            }
        )
        if recs
        else pd.DataFrame()
    )
    if recs:
        _check_years(deals["order_year"], "Year of order", line_no)
        deals = _canonical_deals(deals, export)
    export.deals = coerce_deals(deals)
    export.notes.insert(
        0, f"Understood as a {LAYOUT_LABELS['register_legacy']}: {len(export.deals):,} deals."
    )
    export.notes.append(
        "This 2014-era register report has no TIV columns, so it gives deals but no yearly "
        "volumes: charts of volume need a TIV table or a newer register."
    )


# ----------------------------------------------------------------------------- names


def _canonical_column(
    values: pd.Series, role: str, unknown: set[str], renamed: set[str]
) -> pd.Series:
    """Canonical names for one column, worked out once per distinct spelling."""
    codes, uniques = pd.factorize(values)
    mapping = {}
    for name in uniques:
        written = str(name)
        canon = names.canonical_name(written)
        if canon in ("unknown country", "unknown supplier(s)", "unknown recipient(s)"):
            # Old files say 'Unknown country' on both sides; SIPRI now names the role.
            canon = "unknown supplier(s)" if role == "supplier" else "unknown recipient(s)"
        elif not names.is_known(written) and not canon.endswith("*"):
            unknown.add(written.strip())
        if canon != written.strip():
            renamed.add(f"{written.strip()} -> {canon}")
        mapping[name] = canon
    canonical = pd.array([mapping[u] for u in uniques] + [None], dtype="str")
    return pd.Series(canonical.take(codes), index=values.index, name=values.name)


def _canonical_pair(
    recipient: pd.Series, supplier: pd.Series, export: SipriExport
) -> tuple[pd.Series, pd.Series]:
    """Both name columns in SIPRI's current spelling; what changed goes into the notes."""
    unknown: set[str] = set()
    renamed: set[str] = set()
    out = []
    for col, values in (("recipient", recipient), ("supplier", supplier)):
        if values.notna().any():
            values = _canonical_column(values, col, unknown, renamed)
        out.append(values)
    if renamed:
        shown = sorted(renamed)
        export.notes.append(
            "Names harmonised to SIPRI's current spelling: "
            + ", ".join(shown[:12])
            + (f" and {len(shown) - 12} more." if len(shown) > 12 else ".")
        )
    if unknown:
        export.unknown_names = sorted(set(export.unknown_names) | unknown)
        export.notes.append(
            "Names not in the names file (kept as written): "
            + ", ".join(sorted(unknown)[:20])
            + (" and more." if len(unknown) > 20 else ".")
        )
    export.countries = sorted({names.canonical_name(c) for c in export.countries})
    return out[0], out[1]


def _canonicalise(frame: pd.DataFrame, export: SipriExport) -> pd.DataFrame:
    recipient, supplier = _canonical_pair(frame["recipient"], frame["supplier"], export)
    return frame.assign(recipient=recipient, supplier=supplier)


_canonical_deals = _canonicalise


def _finish(export: SipriExport) -> None:
    if export.generated:
        export.notes.append(
            f"Data generated by SIPRI on {export.generated:%d %b %Y} (the vintage)."
        )
    else:
        export.notes.append("No 'Data generated' date was found: the vintage is unknown.")
    flows = export.flows
    if len(flows):
        export.notes.append(
            f"{len(flows):,} yearly flows, {flows['year'].min()}-{flows['year'].max()}."
        )
