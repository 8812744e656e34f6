"""How to cite a view: SIPRI's database, the data's date, the access date and the view's URL,
as plain text, BibTeX, RIS and CSL-JSON (the page's copy box, the bundle and ``cite``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from analysis.chart_meta import ChartMeta

DATABASE = "SIPRI Arms Transfers Database"
PUBLISHER = "Stockholm International Peace Research Institute"
PLACE = "Stockholm"
DATABASE_URL = "https://www.sipri.org/databases/armstransfers"
TIV_NOTE = (
    "Figures are SIPRI trend-indicator values (TIV), a measure of the volume of major "
    "conventional arms transferred, not of their financial value."
)
FORMATS = ("text", "bibtex", "ris", "csl-json")
FILE_NAMES = {
    "text": "CITATION-plain.txt",
    "bibtex": "CITATION.bib",
    "ris": "CITATION.ris",
    "csl-json": "CITATION.json",
}


@dataclass(frozen=True)
class Citation:
    """What every format says about one view.

    Attributes:
        view: the chart's title (what was looked at).
        filters: the chart's subtitle (country, periods, lineage).
        generated: the date SIPRI generated the data (None for published figures).
        accessed: the day the view was seen or exported.
        url: the view's URL (SIPRI's database page when the view has none).
        sources: the published figures quoted, for views without a data date.
    """

    view: str
    filters: str
    generated: dt.date | None
    accessed: dt.date
    url: str
    sources: tuple[str, ...] = ()

    def note(self) -> str:
        """The view, its filters, the data date (or published sources) and what TIV is."""
        parts = [f"View: {self.view}" + (f" ({self.filters})" if self.filters else "")]
        if self.generated is not None:
            parts.append(f"Data generated {_day(self.generated)}")
        if self.sources:
            parts.append("Published figures: " + "; ".join(self.sources))
        parts.append(TIV_NOTE)
        return _one_line(". ".join(p.rstrip(".") for p in parts) + ".")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def citation_for(meta: ChartMeta, url: str = "", accessed: dt.date | None = None) -> Citation:
    """The citation of the view ``meta`` describes.

    Args:
        meta: the chart's metadata (title, filters, vintage or published citations).
        url: the view's URL (default ``meta.url``, else SIPRI's database page).
        accessed: the access date (default today).
    """
    generated = meta.vintage if isinstance(meta.vintage, dt.date) else None
    if generated is None and isinstance(meta.vintage, str):
        try:
            generated = dt.date.fromisoformat(meta.vintage[:10])
        except ValueError:
            generated = None
    return Citation(
        view=_one_line(meta.title),
        filters=_one_line(meta.subtitle_line()),
        generated=generated,
        accessed=accessed or dt.date.today(),
        url=_one_line(url or meta.url or DATABASE_URL),
        sources=tuple(_one_line(c) for c in meta.citations),
    )


def as_text(c: Citation) -> str:
    """One paragraph, e.g. "Stockholm International Peace Research Institute (SIPRI). SIPRI
    Arms Transfers Database. Data generated 10 October 2024. … URL (accessed 3 January 2026)."""
    when = f" Data generated {_day(c.generated)}." if c.generated else ""
    return (
        f"{PUBLISHER} (SIPRI). {DATABASE}.{when} {c.view}"
        f"{f' ({c.filters})' if c.filters else ''}. {PLACE}: SIPRI. "
        f"{c.url} (accessed {_day(c.accessed)}).\n"
    )


_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_BIBTEX_REPLACE = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def _bibtex_value(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_REPLACE.get(m.group(1), "\\" + m.group(1)), text)


def _bibtex_url(url: str) -> str:
    # Braces and backslashes would unbalance the field: percent-encode them (still the same URL).
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def citation_key(c: Citation) -> str:
    """A BibTeX key: "sipri_at_2024_10_10" (the data date) or "sipri_at_published"."""
    return "sipri_at_" + (f"{c.generated:%Y_%m_%d}" if c.generated else "published")


def as_bibtex(c: Citation) -> str:
    """A biblatex/BibTeX ``@misc`` entry (``urldate`` for the access date)."""
    fields = [
        ("author", f"{{{PUBLISHER}}}"),
        ("title", f"{{{DATABASE}}}: {_bibtex_value(c.view)}"),
        ("publisher", PUBLISHER),
        ("address", PLACE),
    ]
    if c.generated:
        fields += [("year", str(c.generated.year)), ("date", c.generated.isoformat())]
    fields += [
        ("url", _bibtex_url(c.url)),
        ("urldate", c.accessed.isoformat()),
        ("note", _bibtex_value(c.note())),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation_key(c)},\n{body}\n}}\n"


def as_ris(c: Citation) -> str:
    """An RIS record (type DBASE, online database), CRLF line ends as the format asks."""
    lines = [
        ("TY", "DBASE"),
        ("AU", PUBLISHER),
        ("TI", c.view),
        ("T2", DATABASE),
        ("PB", PUBLISHER),
        ("CY", PLACE),
    ]
    if c.generated:
        lines += [("PY", str(c.generated.year)), ("DA", f"{c.generated:%Y/%m/%d}")]
    lines += [("Y2", f"{c.accessed:%Y/%m/%d}"), ("UR", c.url), ("N1", c.note()), ("ER", "")]
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)


def _date_parts(date: dt.date) -> dict:
    return {"date-parts": [[date.year, date.month, date.day]]}


def as_csl_json(c: Citation) -> str:
    """A CSL-JSON array of one ``dataset`` item (Zotero, Pandoc and citeproc read it)."""
    item = {
        "id": citation_key(c),
        "type": "dataset",
        "title": f"{DATABASE}: {c.view}",
        "container-title": DATABASE,
        "author": [{"literal": PUBLISHER}],
        "publisher": PUBLISHER,
        "publisher-place": PLACE,
        "URL": c.url,
        "accessed": _date_parts(c.accessed),
        "note": c.note(),
    }
    if c.generated:
        item["issued"] = _date_parts(c.generated)
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def formatted(c: Citation, fmt: str) -> str:
    """The citation in one of ``FORMATS``.

    Raises:
        ValueError: for an unknown format.
    """
    writers = {"text": as_text, "bibtex": as_bibtex, "ris": as_ris, "csl-json": as_csl_json}
    if fmt not in writers:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    return writers[fmt](c)


def citation_files(c: Citation) -> dict[str, bytes]:
    """Every format as a bundle file: CITATION-plain.txt, .bib, .ris and .json."""
    return {FILE_NAMES[fmt]: formatted(c, fmt).encode("utf-8") for fmt in FORMATS}
