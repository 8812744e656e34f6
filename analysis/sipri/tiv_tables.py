"""TIV tables (yearly volumes by country, old and new layouts, regional tables)."""

from __future__ import annotations

import pandas as pd

from analysis import names
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
    LAYOUT_LABELS,
    MAX_TIV,
    SipriExport,
    SipriFormatError,
    totals_records,
)


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
