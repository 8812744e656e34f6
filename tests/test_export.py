"""Report export: image sizes, SVG content, formula-safe CSV, bundle contents."""

from __future__ import annotations

import datetime as dt
import io
import struct
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest

from analysis.chart_meta import ChartMeta
from analysis.charts import build_import_mix_by_year
from analysis.events import Event
from analysis.export import (
    SIZE_PRESETS,
    chart_data_csv,
    chromium_missing_message,
    events_csv,
    export_figure,
    neutralise_cell,
    plotly_config,
    report_bundle,
    resolve_size,
)

from .conftest import needs_chromium

META = ChartMeta(
    "India's arms imports by supplier",
    filters={"Recipient": "India"},
    vintage=dt.date(2024, 10, 10),
    url="http://localhost:8501/?country=India",
)
PUTIN = Event(
    dt.date(2025, 12, 5),
    "Putin's visit to New Delhi",
    "visit",
    countries=("India",),
    source_name="The Moscow Times",
    source_url="https://www.themoscowtimes.com/",
)


@pytest.fixture(scope="module")
def chart():
    frame = pd.DataFrame(
        {
            "year": [2023, 2023, 2024, 2025],
            "supplier": ["Russia", "France", "Russia", "France"],
            "tiv": [3.0, 1.0, 2.0, 2.0],
        }
    )
    return build_import_mix_by_year(frame, meta=META, events=[PUTIN], recipient="India")


@pytest.fixture(scope="module")
def fig(chart):
    return chart.figure


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_chromium
@pytest.mark.parametrize(("width", "height", "scale"), [(400, 300, 1), (500, 250, 2)])
def test_png_has_requested_pixel_size(fig, width, height, scale):
    assert png_size(export_figure(fig, "png", width, height, scale)) == (
        width * scale,
        height * scale,
    )


@needs_chromium
def test_svg_parses_and_carries_title_source_and_vintage(fig):
    svg = export_figure(fig, "svg", 800, 500, 1)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))
    assert "India's arms imports by supplier" in text
    assert "Source: SIPRI Arms Transfers Database, data generated 10 Oct 2024" in text
    assert "Putin's visit to New Delhi" in text


@needs_chromium
def test_bundle_holds_all_its_files(fig, chart):
    data = report_bundle(fig, chart.data, [PUTIN], META, META.url, width=400, height=300, scale=1)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        stem = "indias-arms-imports-by-supplier"
        assert names == {
            f"{stem}.png",
            f"{stem}.svg",
            f"{stem}-data.csv",
            f"{stem}-events.csv",
            "CITATION.txt",
            "CITATION-plain.txt",
            "CITATION.bib",
            "CITATION.ris",
            "CITATION.json",
            "URL.txt",
        }
        assert png_size(archive.read(f"{stem}.png")) == (400, 300)
        ET.fromstring(archive.read(f"{stem}.svg"))
        assert archive.read("URL.txt").decode().strip() == META.url
        citation = archive.read("CITATION.txt").decode()
        assert "data generated 10 Oct 2024" in citation and "The Moscow Times" in citation
        data_csv = pd.read_csv(io.BytesIO(archive.read(f"{stem}-data.csv")), comment="#")
        pd.testing.assert_frame_equal(data_csv, chart.data, check_dtype=False)
        assert "Putin's visit to New Delhi" in archive.read(f"{stem}-events.csv").decode()


def test_bad_format_scale_and_size_are_rejected(fig):
    with pytest.raises(ValueError, match="format"):
        export_figure(fig, "gif", 800, 600, 1)
    with pytest.raises(ValueError, match="scale"):
        export_figure(fig, "png", 800, 600, 5)
    with pytest.raises(ValueError, match="width"):
        export_figure(fig, "png", 10, 600, 1)


def test_csv_neutralises_formula_cells_and_keeps_numbers():
    frame = pd.DataFrame(
        {
            "supplier": ["=cmd()", "+1", "-2", "@SUM(A1)", "\tx", "\ry", "Russia"],
            "tiv": [-1.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    raw = chart_data_csv(frame, META).decode("utf-8")
    header = [line for line in raw.splitlines() if line.startswith("#")]
    assert "# Source: SIPRI Arms Transfers Database, data generated 10 Oct 2024" in header
    assert "# Data generated (vintage): 10 Oct 2024" in header
    assert "# URL: http://localhost:8501/?country=India" in header
    assert "# Filters: Recipient: India" in header
    back = pd.read_csv(io.StringIO(raw), comment="#", keep_default_na=False)
    assert back["supplier"].tolist() == [
        "'=cmd()",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\ry",
        "Russia",
    ]
    assert back["tiv"].tolist() == [-1.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert neutralise_cell(-3) == -3


def test_events_csv_lists_events():
    text = events_csv([PUTIN]).decode("utf-8")
    assert "Putin's visit to New Delhi" in text and "2025-12-05" in text


def test_toolbar_config_matches_export_size():
    config = plotly_config("India import mix.png", 1600, 900, 2)
    assert config["toImageButtonOptions"] == {
        "format": "png",
        "filename": "india-import-mix",
        "width": 1600,
        "height": 900,
        "scale": 2,
    }


def test_size_presets():
    assert resolve_size("slide") == (1600, 900)
    assert resolve_size("square") == (1080, 1080)
    assert resolve_size("a4") == SIZE_PRESETS["a4"] == (1240, 877)
    assert resolve_size("custom", 1000, 700) == (1000, 700)
    with pytest.raises(ValueError):
        resolve_size("poster")


def test_missing_chromium_message_says_how_to_install():
    assert "apt-get install -y chromium" in chromium_missing_message()


@needs_chromium
def test_maps_export_without_plotly_cdn():
    """The world outline ships in static/topojson: a map renders with no network."""
    import pandas as pd

    from analysis.chart_meta import ChartMeta
    from analysis.export import BROWSER_TOPOJSON_URL, local_topojson_url, plotly_config
    from analysis.supplier_map import build_supplier_map

    assert local_topojson_url() is not None
    suppliers = pd.DataFrame({"supplier": ["Russia", "France"], "tiv": [60.0, 40.0]})
    fig = build_supplier_map(
        suppliers, meta=ChartMeta(title="Suppliers", vintage="2024-10-10"), years=(2019, 2023)
    ).figure
    png = export_figure(fig, "png", 800, 500, 1)
    assert png_size(png) == (800, 500)
    assert plotly_config("map", 800, 500)["topojsonURL"] == BROWSER_TOPOJSON_URL


@needs_chromium
def test_images_and_bundle_carry_the_alt_text(fig, chart):
    from analysis.image_meta import png_text

    alt = "Stacked bars of India's arms imports by supplier, 2023-2025. Events marked: 1–2 Oct <b>."
    svg = export_figure(fig, "svg", 400, 300, title=META.title, description=alt)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root[0].tag == f"{ns}title" and root[0].text == META.title
    assert root[1].tag == f"{ns}desc" and root[1].text == alt
    assert root.get("role") == "img"
    png = export_figure(fig, "png", 400, 300, title=META.title, description=alt)
    assert png_size(png) == (400, 300)
    assert png_text(png) == {"Title": META.title, "Description": alt}
    bundle = report_bundle(
        fig, chart.data, [PUTIN], META, META.url, width=400, height=300, description=alt
    )
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        assert archive.read("ALT.txt").decode() == alt + "\n"
        stem = "indias-arms-imports-by-supplier"
        assert png_text(archive.read(f"{stem}.png"))["Description"] == alt
        assert ET.fromstring(archive.read(f"{stem}.svg"))[1].text == alt
        assert "@misc{sipri_at_2024_10_10" in archive.read("CITATION.bib").decode()
