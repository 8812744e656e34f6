"""TIV tables (yearly volumes by country, old and new layouts, regional tables)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from analysis import names
from analysis.layouts import LAYOUTS, TIV_REGIONAL
from analysis.schema import (
    MAX_YEAR,
    MIN_YEAR,
    TOTAL_COLUMNS,
    TOTAL_DTYPES,
    coerce_flows,
)
from analysis.sipri.canonical import _canonicalise
from analysis.sipri.detect import _Block, _is_year, _Lines
from analysis.sipri.model import (
    _FILE_HINT,
    _OLD_TITLE,
    _PERIOD,
    _SIPRI_CODES,
    _TOTAL_ROW,
    CATEGORIES,
    MAX_TIV,
    SipriExport,
    SipriFormatError,
)
from analysis.vocab import counted, country_phrase


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


# Columns of SIPRI's TIV tables that are not years (period sums and percentages).
_TOTAL_COLUMNS = (
    "total",
    "percentage",
    "sum total years",
    "percentage of total",
    "% of regional total",
)


@dataclass
class _Tally:
    """What the tables of one file repaired or left out, for its notes."""

    padded: int = 0
    zero_with_space: int = 0
    zero_without_space: int = 0
    empty_blocks: int = 0
    dropped_years: set[int] = field(default_factory=set)


@dataclass
class _Table:
    """One table's header and rows, as read (before orientation)."""

    block: _Block
    header: list[str]
    year_idx: list[tuple[int, int]]  # (column index, year)
    rows: list[tuple[int, str, str, list[float | None]]] = field(default_factory=list)
    total_label: re.Match | None = None
    total_values: list[float | None] = field(default_factory=list)

    @property
    def regional(self) -> bool:
        return self.block.layout == TIV_REGIONAL

    @property
    def label(self) -> str:
        return self.header[0].lower()

    @property
    def new_style(self) -> bool:
        # Only the new (2024+) country tables write zeros as '0 '.
        return not self.regional and self.label in ("recipient", "exports by", "supplier")


def _read_tiv_blocks(lines: _Lines, blocks: list[_Block], export: SipriExport, file_name: str):
    """Every TIV table of the file into export.flows, export.totals and the notes."""
    tally = _Tally()
    frames, tables, totals = [], [], []
    for block in blocks:
        table = _read_table(lines, block, tally)
        country, side = _orientation(block, table.label, table.total_label, file_name, export.notes)
        if table.rows and all(r[2].strip().lower() in CATEGORIES for r in table.rows):
            side = f"{side}:categories"
        tables.append((block, country, side))
        totals.extend(_total_records(table, country, side))
        if not table.rows:
            tally.empty_blocks += 1
            continue
        frames.append(_table_frame(table, country, side, tally))
    export.countries = sorted({c for _, c, _ in tables if c})
    _tiv_notes(export, tally, len(blocks))
    export.scope = _tiv_scope({(bool(c), s) for _, c, s in tables})
    kinds = sorted({_describe_table(c, s) for _, c, s in tables})
    export.notes.insert(
        0, f"Understood as a {LAYOUTS[export.layout].description}: " + "; ".join(kinds) + "."
    )
    if frames:
        flows = pd.concat(frames, ignore_index=True)
        flows = _canonicalise(flows, export)
        flows = _merge_tables(flows, export)
        export.flows = coerce_flows(flows)
    if totals:
        _keep_totals(export, totals)


def _year_columns(header: list[str], block: _Block) -> list[tuple[int, int]]:
    """(column index, year) of the header's year columns; anything else but totals refused."""
    label_cols = 2 if block.layout == TIV_REGIONAL else 1
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
        elif not (_PERIOD.match(cell) or cell.lower() in _TOTAL_COLUMNS):
            raise SipriFormatError(
                f"The header column '{cell[:40]}' is neither a year nor a SIPRI total column.",
                block.header_line + 1,
            )
    years = [y for _, y in year_idx]
    if len(set(years)) != len(years):
        raise SipriFormatError("The header repeats a year.", block.header_line + 1)
    if not year_idx:
        raise SipriFormatError("The table header has no year columns.", block.header_line + 1)
    return year_idx


def _read_table(lines: _Lines, block: _Block, tally: _Tally) -> _Table:
    """The block's header and rows, up to its Total row (country tables) or its end."""
    header = [c.strip() for c in lines.fields(block.header_line, quoted=True)]
    while header and header[-1] == "":
        header.pop()
    table = _Table(block, header, _year_columns(header, block))
    region = None
    last_data_line = block.header_line
    for i in range(block.header_line + 1, block.end):
        if lines.is_blank(i):
            continue
        f = _fit_row(lines, table, i, tally)
        name = f[0].strip()
        if table.regional:
            if f[1].strip().lower() == "regional total":
                region = name
                continue
            name = _regional_supplier(f, name, region, i)
        if not name:
            raise SipriFormatError("A data row has no country name.", i + 1)
        m = _TOTAL_ROW.match(name)
        if m and not table.regional:
            table.total_label = m
            table.total_values = [
                _tiv_number(f[j], i + 1, str(year)) if j < len(f) else None
                for j, year in table.year_idx
            ]
            break
        table.rows.append((i + 1, region or "", name, _row_values(f, table, i, tally)))
        last_data_line = i
    if not table.regional and table.total_label is None and table.rows:
        raise SipriFormatError(
            "The table ends without its 'Total' row: the file looks truncated or edited. "
            "Download the export again.",
            last_data_line + 1,
        )
    if table.regional and table.rows and region is None:
        raise SipriFormatError("The regional table has no region rows.", block.header_line + 1)
    return table


def _fit_row(lines: _Lines, table: _Table, i: int, tally: _Tally) -> list[str]:
    """Row i's cells, padding cut off and a short last row refused as truncated."""
    block, width = table.block, len(table.header)
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
        tally.padded += 1
        return f[:width]
    if len(f) < width:
        last = i == block.end - 1 or all(lines.is_blank(k) for k in range(i + 1, block.end))
        if last and len(f) <= table.year_idx[-1][0]:
            raise SipriFormatError(
                f"The table stops in the middle of a row ({len(f)} of {width} "
                "fields): the file looks truncated. Download it again.",
                i + 1,
            )
        f = f + [""] * (width - len(f))
    return f


def _regional_supplier(f: list[str], name: str, region: str | None, i: int) -> str:
    """In a regional table, a supplier row has an empty first cell under a region row."""
    if name == "" and region is None:
        raise SipriFormatError("A supplier row comes before any region row.", i + 1)
    if name:
        raise SipriFormatError(f"Unexpected row '{name[:40]}' in a regional table.", i + 1)
    return f[1].strip()


def _row_values(f: list[str], table: _Table, i: int, tally: _Tally) -> list[float | None]:
    values = []
    for j, year in table.year_idx:
        cell = f[j]
        if cell.strip() == "0" and table.new_style:
            if cell == "0 ":
                tally.zero_with_space += 1
            else:
                tally.zero_without_space += 1
        values.append(_tiv_number(cell, i + 1, str(year)))
    return values


def _total_records(table: _Table, country, side: str) -> list[tuple]:
    """SIPRI's Total row, kept aside (never a flow): shares use it as the denominator, since
    its yearly values are rounded once instead of once per supplier."""
    if not table.total_values or side not in ("suppliers", "recipients"):
        return []
    rec, sup = _sides(country, side, None)
    imports = (side == "suppliers") == bool(country)
    return [
        (rec, sup, year, value, "import" if imports else "export")
        for (_, year), value in zip(table.year_idx, table.total_values, strict=True)
        if value is not None
    ]


def _table_frame(table: _Table, country, side: str, tally: _Tally) -> pd.DataFrame:
    """One table's rows as flows (line, region, name, year, tiv, recipient, supplier)."""
    rows, year_idx = table.rows, table.year_idx
    recs = []
    seen: dict[tuple[str, str], int] = {}
    for line_no, reg, name, values in rows:
        key = (reg, name.lower())
        if key in seen:
            raise SipriFormatError(
                f"'{name}' appears twice in the same table (lines {seen[key]} and {line_no}).",
                line_no,
            )
        seen[key] = line_no
        recs.extend(
            (line_no, reg, name, year_idx[k][1], v) for k, v in enumerate(values) if v is not None
        )
    # Trailing all-empty years are unpublished (SIPRI adds year Y in March of Y+1); they give
    # no flows anyway, but users should know why the table's last year is missing.
    k = len(year_idx) - 1
    while k >= 0 and all(r[3][k] is None for r in rows):
        tally.dropped_years.add(year_idx[k][1])
        k -= 1
    frame = pd.DataFrame(recs, columns=["line", "region", "name", "year", "tiv"])
    if all(r[2].strip().lower() in CATEGORIES for r in rows):
        frame["category"] = frame["name"].str.lower().map(CATEGORIES)
        frame["recipient"], frame["supplier"] = _sides(country, side.split(":")[0], None)
    elif table.regional:
        frame["recipient"] = frame["region"]
        frame["supplier"] = frame["name"]
    else:
        frame["recipient"], frame["supplier"] = _sides(country, side, frame["name"])
    return frame


def _tiv_notes(export: SipriExport, tally: _Tally, n_blocks: int) -> None:
    if tally.padded:
        export.notes.append(
            f"Removed padding separators from {counted(tally.padded, 'row')} (an Excel re-save)."
        )
    if tally.zero_without_space and not tally.zero_with_space:
        export.notes.append(
            "Zero cells are written '0' rather than SIPRI's '0 ' (an Excel re-save): both mean "
            "between 0 and 0.5 million TIV."
        )
    if tally.dropped_years:
        export.notes.append(
            "Left out year(s) "
            + ", ".join(str(y) for y in sorted(tally.dropped_years))
            + ": empty in every row, so not yet published by SIPRI (data for a year appear the "
            "following March)."
        )
    if tally.empty_blocks:
        export.notes.append(
            f"{tally.empty_blocks} table(s) have no rows: SIPRI found no deliveries for those "
            "queries."
        )
    if n_blocks > 1:
        export.notes.append(f"Read {n_blocks} tables pasted into one file.")


def _keep_totals(export: SipriExport, totals: list[tuple]) -> None:
    frame = pd.DataFrame(totals, columns=TOTAL_COLUMNS)
    for col in ("recipient", "supplier"):
        frame[col] = frame[col].map(lambda v: names.canonical_name(v) if isinstance(v, str) else v)
    export.totals = (
        frame.drop_duplicates(["recipient", "supplier", "year", "side"])
        .astype(TOTAL_DTYPES)
        .reset_index(drop=True)
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


def _orientation(block, label, total_match, file_name, notes) -> tuple[str | None, str]:
    """(named country, side): side says what the rows are: 'suppliers' or 'recipients'."""
    if block.layout == TIV_REGIONAL:
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
        whose = country_phrase(country, possessive=True) if country else "all"
        what = "imports" if side.startswith("suppliers") == bool(country) else "exports"
        return f"{whose} {what} by weapon category"
    if country:
        return (
            f"{country_phrase(country, possessive=True)} imports by supplier"
            if side == "suppliers"
            else f"{country_phrase(country, possessive=True)} exports by recipient"
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
    repeated = int(dup.sum() - k[dup].drop_duplicates().shape[0])
    verb = "was" if repeated == 1 else "were"
    export.notes.append(f"{counted(repeated, 'row')} repeated across tables {verb} kept once.")
    return flows[~k.duplicated(keep="first")]
