"""Alt text inside images: SVG <title>/<desc> and PNG tEXt/iTXt chunks (no browser needed)."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
import zlib

import pytest

from analysis.image_meta import png_text, png_with_text, svg_with_description

SVG_NS = "{http://www.w3.org/2000/svg}"


def _png() -> bytes:
    """A 1x1 white PNG, written by hand."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _chunks(png: bytes) -> list[tuple[bytes, bool]]:
    """Each chunk's type and whether its CRC is right."""
    out, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        body = png[pos + 4 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        out.append((body[:4], zlib.crc32(body) & 0xFFFFFFFF == crc))
        pos += 12 + length
    return out


def test_png_gets_latin1_text_as_text_and_other_text_as_itxt():
    alt = "Stacked bars of Türkiye's arms imports, 2000-2024: 29–30 Oct 2025 ✓"
    png = png_with_text(_png(), {"Title": "Türkiye's imports", "Description": alt})
    chunks = _chunks(png)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"tEXt", b"iTXt", b"IDAT", b"IEND"]
    assert all(ok for _, ok in chunks)
    assert png_text(png) == {"Title": "Türkiye's imports", "Description": alt}


def test_png_without_a_description_field_is_left_alone_and_non_png_refused():
    assert png_with_text(_png(), {"Description": "  "}) == _png()
    with pytest.raises(ValueError, match="not a PNG"):
        png_with_text(b"GIF89a", {"Description": "x"})


def test_svg_gets_title_and_desc_first_and_hostile_text_stays_text():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" class="main-svg" style="a>b" width="10">'
        b"<rect/></svg>"
    )
    desc = "Bars of </desc><script>alert(1)</script> & co\x07"
    root = ET.fromstring(svg_with_description(svg, "A <b>title</b>", desc))
    assert [child.tag for child in root] == [f"{SVG_NS}title", f"{SVG_NS}desc", f"{SVG_NS}rect"]
    assert root[0].text == "A <b>title</b>"
    assert root[1].text == "Bars of </desc><script>alert(1)</script> & co"
    assert root.get("role") == "img" and root.get("style") == "a>b"
    assert root.find(f"{SVG_NS}script") is None
    with pytest.raises(ValueError, match="not an SVG"):
        svg_with_description(b"<html/>", "t", "d")
