"""Which layout a file holds: header rows, titles, dates, and the tables (blocks) in it."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from dataclasses import dataclass

from analysis.layouts import (
    LAYOUTS,
    REGISTER,
    REGISTER_DELIVERIES,
    REGISTER_LEGACY,
    TIV_REGIONAL,
    TIV_TABLE,
)
from analysis.sipri.model import _GENERATED, _MONTHS, _YEAR, SipriExport, SipriFormatError
from analysis.vocab import counted


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
        return REGISTER
    if low[0] == "sipri at database id":
        return REGISTER_DELIVERIES
    if low[:3] == ["id", "supplier", "recipient"]:
        return REGISTER_LEGACY
    if low[0] in ("recipient", "exports by", "supplier", "recipients", "suppliers") and _is_year(
        f[1]
    ):
        return TIV_TABLE
    if f[0] == "" and _is_year(f[1]):
        return TIV_TABLE
    if len(f) > 2 and f[0] == "" and f[1] == "" and _is_year(f[2]):
        return TIV_REGIONAL
    return None


def _is_title(line: str) -> str | None:
    s = line.strip().strip('"').lower()
    if s.startswith("volume of transfers of major arms"):
        return TIV_TABLE
    if s.startswith("volume of exports of major arms by region"):
        return TIV_REGIONAL
    if s.startswith("tiv of arms exports"):
        return TIV_TABLE
    if s.startswith("transfers of major conventional arms"):
        return REGISTER
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
            notes.append(f"Ignored padding separators at the end of {counted(padded, 'line')}.")

    def release(self) -> None:
        """Let the file's lines and text go (a register's records are parsed by then).

        Nothing may read a line afterwards: a large register's lines and text are most of the
        memory it takes besides the frames built from it.
        """
        self.lines = []
        self.joined = ""

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
            if LAYOUTS[kind].is_register:
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
