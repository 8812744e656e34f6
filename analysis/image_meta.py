"""Text inside exported images: SVG ``<title>``/``<desc>`` and PNG text chunks (alt text)."""

from __future__ import annotations

import re
import struct
import zlib
from xml.sax.saxutils import escape

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The opening tag of the root <svg> element (quoted attribute values may hold ">").
_SVG_ROOT = re.compile(rb"<svg\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
# XML 1.0 forbids most control characters even as references: drop them.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return escape(_XML_INVALID.sub("", " ".join(str(text).split())))


def svg_with_description(svg: bytes, title: str, description: str) -> bytes:
    """The SVG with ``<title>`` and ``<desc>`` as the first children of its root element.

    Screen readers and image tools read them as the image's name and description; the root
    gets ``role="img"`` and ``aria-labelledby`` pointing at both.

    Raises:
        ValueError: when ``svg`` has no root ``<svg>`` element.
    """
    match = _SVG_ROOT.search(svg)
    if match is None:
        raise ValueError("not an SVG image: no <svg> element")
    tag = match.group(0)
    if b"role=" not in tag:
        attrs = b' role="img" aria-labelledby="chart-title chart-desc"'
        tag = tag[:-2] + attrs + b"/>" if tag.endswith(b"/>") else tag[:-1] + attrs + b">"
    inner = (
        f'<title id="chart-title">{_xml_text(title)}</title>'
        f'<desc id="chart-desc">{_xml_text(description)}</desc>'
    ).encode()
    return svg[: match.start()] + tag + inner + svg[match.end() :]


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_text_chunk(keyword: str, text: str) -> bytes:
    """A PNG text chunk: ``tEXt`` when the text is Latin-1 (the PNG rule), else ``iTXt`` (UTF-8).

    Args:
        keyword: 1-79 Latin-1 characters, e.g. "Title" or "Description" (PNG's own keywords).
        text: the value; line breaks are kept, NUL characters dropped.
    """
    key = keyword.encode("latin-1")
    if not 1 <= len(key) <= 79:
        raise ValueError("a PNG text keyword has 1 to 79 characters")
    value = str(text).replace("\x00", "")
    try:
        return _chunk(b"tEXt", key + b"\x00" + value.encode("latin-1"))
    except UnicodeEncodeError:
        # iTXt: keyword, NUL, compression flag 0, method 0, empty language and keyword, text.
        return _chunk(b"iTXt", key + b"\x00\x00\x00\x00\x00" + value.encode("utf-8"))


def png_with_text(png: bytes, fields: dict[str, str]) -> bytes:
    """The PNG with one text chunk per field, placed right after the IHDR chunk.

    Raises:
        ValueError: when ``png`` is not a PNG image.
    """
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    (length,) = struct.unpack(">I", png[8:12])
    end_of_ihdr = 8 + 12 + length
    chunks = b"".join(png_text_chunk(k, v) for k, v in fields.items() if str(v).strip())
    return png[:end_of_ihdr] + chunks + png[end_of_ihdr:]


def png_text(png: bytes) -> dict[str, str]:
    """The text chunks (tEXt and uncompressed iTXt) of a PNG, keyword -> text."""
    out: dict[str, str] = {}
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, payload = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            key, _, value = payload.partition(b"\x00")
            out[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = payload.partition(b"\x00")
            if rest[:1] == b"\x00":  # uncompressed
                _language, _, rest = rest[2:].partition(b"\x00")
                _translated, _, value = rest.partition(b"\x00")
                out[key.decode("latin-1")] = value.decode("utf-8")
        pos += 12 + length
    return out
