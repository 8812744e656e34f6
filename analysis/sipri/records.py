"""Register records: split-record joining (one implementation for every register layout) and the header check."""

from __future__ import annotations

import array
import csv
import difflib
import io
import itertools

import numpy as np
import pandas as pd

from analysis.layouts import LAYOUTS, REGISTER
from analysis.sipri.detect import _Block, _Lines
from analysis.sipri.model import (
    _HEADER_ALIASES,
    HEADER_NAMES,
    SipriExport,
    SipriFormatError,
)

# A cell broken over more lines than this is not joined (the record is refused instead).
MAX_JOINED_LINES = 20

# Records parsed per call of pandas' C parser (its working memory grows with the call).
CHUNK_RECORDS = 10_000


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
    if block.layout == REGISTER:
        # Separators typed into a comment by hand: keep them in the comment (field 13).
        extra = len(fields) - width
        export.notes.append(f"Line {line}: extra separators kept inside the comment.")
        return fields[:12] + [" ".join(fields[12 : 13 + extra])] + fields[13 + extra :]
    raise SipriFormatError(
        f"This record has {len(fields)} fields but the header has {width}.", line
    )


def _register_records(
    lines: _Lines, block: _Block, width: int, export: SipriExport, text_columns: list[int]
) -> tuple[list[bytes], array.array]:
    """The block's records as chunks of CSV bytes, one record a line, and each record's
    1-based line number.

    Whole records are passed on as they are. Every other line (a blank line, a record split by
    a line break in a comment, padded or not, a quoted cell) takes one path, _record_at, the
    same for every register layout.
    """
    start, end = block.header_line + 1, block.end
    body = (
        lines.lines[start:end]
        if not lines.strip_semicolon
        else [lines.text(k) for k in range(start, end)]
    )
    quoted = '"' in lines.joined
    texts: list[str] = []
    numbers = array.array("q")  # 8 bytes a record, not a Python int each
    # SIPRI's March 2025 register splits 4 of 29,515 records: more than 1 in 100 (past the
    # first 50) is not a register as exported, and is refused before reading further.
    joined = first_joined = 0
    pos = 0
    for k in _odd_lines(lines, body, width, quoted):
        if k < pos:
            continue
        texts.extend(body[pos:k])
        numbers.extend(range(start + pos + 1, start + k + 1))
        fields, pos = _record_at(lines, body, start, k, width, text_columns, quoted)
        if fields is None:
            continue
        line = start + k + 1
        joined += pos - k > 1
        first_joined = first_joined or (line if pos - k > 1 else 0)
        if joined > 50 and joined * 100 > len(texts) + 1:
            raise _not_a_register(width, joined, first_joined)
        if len(fields) < width:
            rest = body[pos:]
            raise _too_few_fields(len(fields), width, line, not any(t.strip() for t in rest))
        if len(fields) > width:
            fields = _fit_long_record(fields, width, block, export, line)
        delim = lines.delim
        texts.append(delim.join(_quote(c, delim) for c in fields) if quoted else delim.join(fields))
        numbers.append(line)
    texts.extend(body[pos:])
    numbers.extend(range(start + pos + 1, start + len(body) + 1))
    if joined:
        export.notes.append(
            f"Joined {joined} record(s) that a line break inside a comment had split across lines."
        )
    # Encoded a chunk at a time: no second copy of the whole text is ever made.
    chunks = [
        "\n".join(texts[lo : lo + CHUNK_RECORDS]).encode("utf-8")
        for lo in range(0, len(texts), CHUNK_RECORDS)
    ]
    return chunks, numbers


def _odd_lines(lines: _Lines, body: list[str], width: int, quoted: bool) -> list[int]:
    """Indexes of the body lines that are not plainly one whole record.

    A line needs a closer look when its separators are off, when it ends in a separator
    (padding, or an empty last cell) or, in a quoted file, when it holds a quote. The last two
    are rare: one search of the whole text says whether to look for them line by line.
    """
    delim, need = lines.delim, width - 1
    counts = list(map(str.count, body, itertools.repeat(delim)))
    text = lines.joined
    padded = (
        lines.strip_semicolon
        or (delim + "\n") in text
        or (delim + "\r") in text
        or text.rstrip("\r\n").endswith(delim)
    )
    if not (padded or quoted):
        return [k for k, c in enumerate(counts) if c != need]
    return [
        k
        for k, (c, t) in enumerate(zip(counts, body, strict=True))
        if c != need or t.endswith(delim) or (quoted and '"' in t)
    ]


def _not_a_register(width: int, joined: int, first_line: int) -> SipriFormatError:
    return SipriFormatError(
        f"From line {first_line} on, records do not have the header's {width} fields: more "
        f"than {joined - 1} of them would have to be pieced together from several lines, so "
        "this is not a SIPRI register as exported (SIPRI splits only a few records, at line "
        "breaks in comments).",
        first_line,
    )


def _parse_records(chunks, numbers, delim, width, quoted, block) -> pd.DataFrame:
    """Whole records through pandas' C parser, a chunk at a time; refused if they do not fit.

    Chunks bound the parser's working memory (several times the text it parses) to a slice of
    the file; _join_chunks makes their columns what one call over every record would give.
    """
    if not chunks:
        return pd.DataFrame(columns=range(width), dtype="str")
    frames = []
    for data in chunks:
        frame = _parse_chunk(data, delim, width, quoted)
        n = data.count(b"\n") + 1
        # A record with more fields than the header (a stray quote joined two) makes the
        # parser turn its leading fields into an index: refuse that too.
        if (
            frame is None
            or len(frame) != n
            or frame.shape[1] != width
            or not frame.index.equals(pd.RangeIndex(len(frame)))
        ):
            raise SipriFormatError(
                "The records could not be split into the header's columns (stray quotes?).",
                numbers[0] if numbers else block.header_line + 1,
            )
        frames.append(frame)
    return _join_chunks(frames, chunks, delim, width, quoted)


def _parse_chunk(data: bytes, delim: str, width: int, quoted: bool, dtype=None):
    """One chunk of records as a frame; None when an unclosed quote makes the parser give up."""
    # Columns are left to the C parser's own inference, as in a bare read_csv: text stays text,
    # numbers come back as numbers, and a column with '?' or '(12)' in it is cleaned by _num.
    # Bytes parse faster than a StringIO in pandas' C reader.
    try:
        return pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8",
            sep=delim,
            header=None,
            names=range(width),
            keep_default_na=False,
            na_values=[""],
            quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
            skip_blank_lines=False,
            engine="c",
            low_memory=False,
            dtype=dtype,
        )
    except pd.errors.ParserError:
        # An unclosed quote swallows the rest of the chunk: the C parser gives up at its end.
        return None


def _join_chunks(frames, chunks, delim, width, quoted) -> pd.DataFrame:
    """The chunks' frames as one, each column in the dtype one parse of every record gives.

    The parser infers each chunk's columns on their own: a column that is text in one chunk
    (a '?' in it) may be numbers, or all empty, in another. One parse of the whole would make
    it text throughout, keeping the cells as written: the other chunks' cells are re-read as
    text (an all-empty one needs no re-reading).
    """
    if len(frames) == 1:
        return frames[0]
    for col in range(width):
        if not _text_overall([f[col] for f in frames]):
            continue
        for k, frame in enumerate(frames):
            values = frame[col]
            if values.dtype == "str":
                continue
            if values.isna().all():
                empty = pd.array([None], dtype="str").take(
                    np.full(len(values), -1), allow_fill=True
                )
                frame[col] = pd.Series(empty, index=frame.index)
            else:
                frame[col] = _parse_chunk(chunks[k], delim, width, quoted, dtype={col: "str"})[col]
    return pd.concat(frames, ignore_index=True)


def _text_overall(parts: list[pd.Series]) -> bool:
    """Whether one parse of a column's chunks together makes it text (else concat agrees).

    A column is text when any chunk is, or when booleans ('True') and numbers meet; chunks of
    numbers join as numbers (ints with floats as floats), all-empty chunks join anything.
    """
    kinds = set()
    for values in parts:
        if values.dtype == "str":
            return True
        if not values.isna().all():
            kinds.add("number" if values.dtype.kind in "iuf" else "other")
    return len(kinds) > 1


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
        f"{LAYOUTS[block.layout].description} has {len(expected)} columns "
        f"({', '.join(e or '(blank)' for e in expected)}), this one has {len(found)}"
        + (f"; missing: {', '.join(missing)}" if missing else "")
        + (f"; not SIPRI's: {', '.join(closest)}" if closest else "")
        + ". Columns cannot be dropped or renamed: download the export again.",
        block.header_line + 1,
    )


def _all_records(lines, blocks, width, export, columns, numeric) -> tuple[pd.DataFrame, pd.Series]:
    text_columns = [k for k, name in enumerate(columns) if name not in numeric]
    parts, numbers = [], array.array("q")
    for block in blocks:
        _check_header(lines, block, export)
        chunks, nums = _register_records(lines, block, width, export, text_columns)
        parts.append((block, chunks, nums))
        numbers.extend(nums)
    # The records are in the chunks now: the file's lines and text can go before parsing.
    delim, quoted = lines.delim, '"' in lines.joined
    lines.release()
    frames = []
    while parts:
        block, chunks, nums = parts.pop(0)
        frames.append(_parse_records(chunks, nums, delim, width, quoted, block))
        del chunks
    raw = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    raw.columns = columns
    return raw, pd.Series(np.frombuffer(numbers, dtype=np.int64) if numbers else [], dtype="int64")
