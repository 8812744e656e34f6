"""Citations of a view: plain text, BibTeX, RIS and CSL-JSON, each parsed back."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from analysis.chart_meta import ChartMeta
from analysis.cite import (
    DATABASE,
    DATABASE_URL,
    FORMATS,
    PUBLISHER,
    citation_files,
    citation_for,
    formatted,
)

META = ChartMeta(
    "India's arms imports by supplier, by year",
    filters={"Recipient": "India", "Years": "2000-2024"},
    vintage=dt.date(2024, 10, 10),
)
URL = "http://localhost:8501/import_mix?country=India&by=year&top=6"
ACCESSED = dt.date(2026, 1, 3)
CITATION = citation_for(META, URL, ACCESSED)


def parse_bibtex(text: str) -> tuple[str, str, dict[str, str]]:
    """A tiny BibTeX reader: one entry, ``name = {value}`` fields with balanced braces."""
    match = re.fullmatch(r"@(\w+)\{([^,\s]+),\n(.*)\}\n?", text, re.S)
    assert match, text
    kind, key, body = match.groups()
    fields, pos = {}, 0
    while pos < len(body):
        field = re.compile(r"\s*(\w+) = \{").match(body, pos)
        assert field, body[pos:]
        depth, start = 1, field.end()
        i = start
        while depth:
            if body[i] == "\\":
                i += 2
                continue
            depth += {"{": 1, "}": -1}.get(body[i], 0)
            i += 1
        fields[field.group(1)] = body[start : i - 1]
        pos = i + (1 if body[i : i + 1] == "," else 0)
        pos += len(body[pos:]) - len(body[pos:].lstrip("\n"))
    return kind, key, fields


def parse_ris(text: str) -> list[tuple[str, str]]:
    """RIS lines as (tag, value): ``TG  - value``, the record closed by ER (a copy box may
    have dropped the last line end)."""
    out = []
    for line in re.split(r"\r?\n", text.rstrip()):
        match = re.fullmatch(r"([A-Z][A-Z0-9])  -(?: (.*))?", line)
        assert match, line
        out.append((match.group(1), match.group(2) or ""))
    assert out[-1] == ("ER", "")
    return out


def test_plain_text_names_database_data_date_access_date_and_url():
    text = formatted(CITATION, "text")
    assert text.startswith(f"{PUBLISHER} (SIPRI). {DATABASE}. Data generated 10 October 2024.")
    assert "India's arms imports by supplier, by year (Recipient: India · Years: 2000-2024)" in text
    assert text.rstrip().endswith(f"{URL} (accessed 3 January 2026).")


def test_bibtex_parses_back_with_every_field():
    kind, key, fields = parse_bibtex(formatted(CITATION, "bibtex"))
    assert (kind, key) == ("misc", "sipri_at_2024_10_10")
    assert fields["author"] == "{Stockholm International Peace Research Institute}"
    assert (
        fields["title"]
        == "{SIPRI Arms Transfers Database}: India's arms imports by supplier, by year"
    )
    assert fields["year"] == "2024" and fields["date"] == "2024-10-10"
    assert fields["url"] == URL and fields["urldate"] == "2026-01-03"
    assert "Data generated 10 October 2024" in fields["note"]


def test_bibtex_escapes_text_from_files():
    meta = ChartMeta("A & B's 100% {imports} #1_x", vintage=dt.date(2024, 1, 2))
    _, _, fields = parse_bibtex(
        formatted(citation_for(meta, "http://h/?a={b}", ACCESSED), "bibtex")
    )
    assert r"A \& B's 100\% \{imports\} \#1\_x" in fields["title"]
    assert fields["url"] == "http://h/?a=%7Bb%7D"


def test_ris_parses_back():
    text = formatted(CITATION, "ris")
    assert text.endswith("ER  - \r\n") and "\n" not in text.replace("\r\n", "")
    record = parse_ris(text)
    tags = dict(record)
    assert record[0] == ("TY", "DBASE") and record[-1] == ("ER", "")
    assert tags["AU"] == PUBLISHER and tags["T2"] == DATABASE
    assert tags["TI"] == "India's arms imports by supplier, by year"
    assert tags["PY"] == "2024" and tags["DA"] == "2024/10/10" and tags["Y2"] == "2026/01/03"
    assert tags["UR"] == URL


def test_csl_json_parses_back():
    (item,) = json.loads(formatted(CITATION, "csl-json"))
    assert item["type"] == "dataset" and item["id"] == "sipri_at_2024_10_10"
    assert item["author"] == [{"literal": PUBLISHER}]
    assert item["container-title"] == DATABASE
    assert item["issued"] == {"date-parts": [[2024, 10, 10]]}
    assert item["accessed"] == {"date-parts": [[2026, 1, 3]]}
    assert item["URL"] == URL


def test_published_figures_have_no_data_date_but_name_their_sources():
    meta = ChartMeta(
        "India's suppliers, as published", citations=("SIPRI Fact Sheet (release 2024-03)",)
    )
    citation = citation_for(meta, accessed=ACCESSED)
    assert citation.url == DATABASE_URL
    (item,) = json.loads(formatted(citation, "csl-json"))
    assert "issued" not in item and "SIPRI Fact Sheet (release 2024-03)" in item["note"]
    _, key, fields = parse_bibtex(formatted(citation, "bibtex"))
    assert key == "sipri_at_published" and "year" not in fields
    assert "Data generated" not in formatted(citation, "text")


def test_line_breaks_in_titles_never_break_a_record():
    meta = ChartMeta("Two\nlines\r\nER  - here", vintage=dt.date(2024, 1, 2))
    record = parse_ris(formatted(citation_for(meta, URL, ACCESSED), "ris"))
    assert dict(record)["TI"] == "Two lines ER - here"
    assert [t for t, _ in record].count("ER") == 1


def test_every_format_is_a_bundle_file_and_unknown_formats_are_refused():
    files = citation_files(CITATION)
    assert sorted(files) == ["CITATION-plain.txt", "CITATION.bib", "CITATION.json", "CITATION.ris"]
    assert len(FORMATS) == 4
    with pytest.raises(ValueError, match="format must be one of"):
        formatted(CITATION, "mla")
