"""The ``cite`` command and the description the ``chart`` command prints and embeds."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analysis.__main__ import main

from .conftest import needs_chromium
from .test_cite import parse_bibtex, parse_ris

pytestmark = pytest.mark.slow  # the CLI imports the store and renders views


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "arms.sqlite"
    monkeypatch.setenv("ARMS_DB", str(path))
    return path


def test_cite_prints_every_format_of_the_loaded_view(db, fixture_path, capsys):
    assert main(["import", str(fixture_path("tiv_table_india_by_supplier.csv"))]) == 0
    capsys.readouterr()
    today = dt.date.today()
    assert main(["cite", "--format", "csl-json", "--recipient", "India"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert item["title"].startswith("SIPRI Arms Transfers Database: India's arms imports")
    assert item["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}
    assert "issued" in item
    url = "http://example.org/import_mix?country=India"
    assert main(["cite", "--format", "bibtex", "--url", url]) == 0
    _, _, fields = parse_bibtex(capsys.readouterr().out)
    assert fields["url"] == url and fields["urldate"] == today.isoformat()
    assert main(["cite", "supplier-map", "--format", "ris"]) == 0
    tags = dict(parse_ris(capsys.readouterr().out))
    assert tags["TI"].startswith("Where India's arms imports came from")
    assert main(["cite"]) == 0
    assert "(accessed " in capsys.readouterr().out


def test_cite_of_published_figures_and_bad_options(db, tmp_path, capsys):
    out = tmp_path / "cite.txt"
    assert main(["cite", "--out", str(out)]) == 0  # nothing loaded: SIPRI's published figures
    assert "SIPRI Arms Transfers Database" in out.read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["cite", "--format", "mla"])
    assert exit_info.value.code == 2
    assert main(["cite", "customers", "--exporter", "Nowhere"]) == 2
    assert "cite customers" in capsys.readouterr().err


def test_chart_prints_its_description(db, tmp_path, capsys):
    out = tmp_path / "mix.csv"
    assert main(["chart", "period-mix", "--format", "csv", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if x.startswith("  description: "))
    assert "India's arms imports by supplier" in line and "as published by SIPRI" in line


@needs_chromium
def test_chart_writes_the_description_into_svg(db, tmp_path, capsys):
    import xml.etree.ElementTree as ET

    out = tmp_path / "mix.svg"
    assert main(["chart", "period-mix", "--format", "svg", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    described = next(x for x in printed.splitlines() if x.startswith("  description: "))
    root = ET.fromstring(out.read_bytes())
    assert root[1].text == described.removeprefix("  description: ")
