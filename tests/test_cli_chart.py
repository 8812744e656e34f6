"""The ``chart`` command: PNG size from the header, CSV of the plotted data, exit 2 on errors."""

from __future__ import annotations

import struct

import pytest

from analysis import export
from analysis.__main__ import main

from .conftest import needs_chromium


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "arms.sqlite"
    monkeypatch.setenv("ARMS_DB", str(path))
    return path


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@needs_chromium
def test_png_has_requested_pixel_size(db, tmp_path):
    out = tmp_path / "india.png"
    argv = ["chart", "import-mix", "--recipient", "India", "--format", "png"]
    argv += ["--width", "640", "--height", "360", "--scale", "2", "--out", str(out)]
    assert main(argv) == 0
    assert _png_size(out.read_bytes()) == (1280, 720)


def test_csv_of_seed_view_carries_source_and_data(db, tmp_path, capsys):
    out = tmp_path / "mix.csv"
    assert main(["chart", "period-mix", "--format", "csv", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "# Source: SIPRI, published figures (releases " in text
    assert "2009-13,2009,2013,Russia,0.76," in text
    assert "2019-23,2019,2023,Russia,0.36," in text
    assert "wrote" in capsys.readouterr().out


def test_csv_from_loaded_data(db, tmp_path, fixture_path):
    assert main(["import", str(fixture_path("tiv_table_old_imports_to_india.csv"))]) == 0
    out = tmp_path / "cmp.csv"
    argv = ["chart", "import-mix", "--format", "csv", "--lineage", "--out", str(out)]
    assert main(argv) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if not line.startswith("#"))
    assert header.startswith("year,supplier,tiv,share")
    used = "tiv_table_old_imports_to_india.csv — TIV table, data generated 5 Dec 2018, exact"
    assert lines[2] == f"# Source: SIPRI Arms Transfers Database; export used: {used}"
    assert f"# Export used: {used}" in lines


@pytest.mark.parametrize(
    "argv",
    [
        ["chart", "pie-chart", "--out", "x.png"],
        ["chart", "import-mix", "--measure", "usd", "--out", "x.png"],
        ["chart", "import-mix", "--format", "gif", "--out", "x.png"],
        ["chart", "period-comparison", "--periods", "2009-2013", "--format", "csv", "--out", "x"],
        ["chart", "period-comparison", "--periods", "recent", "--format", "csv", "--out", "x"],
        ["chart", "customers", "--format", "csv", "--out", "x"],  # nothing loaded
        ["chart", "import-mix", "--width", "10", "--out", "x.png"],
    ],
)
def test_bad_option_exits_2(db, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse rejects unknown choices itself, with status 2
        status = exc.code
    assert status == 2
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x").exists()


def test_missing_chromium_is_a_clear_error(db, tmp_path, monkeypatch, capsys):
    def unavailable(*args, **kwargs):
        raise export.ExportUnavailableError(export.INSTALL_HINT)

    monkeypatch.setattr(export, "export_figure", unavailable)
    status = main(["chart", "import-mix", "--out", str(tmp_path / "x.png")])
    assert status == 2
    assert "apt-get install -y chromium" in capsys.readouterr().err
