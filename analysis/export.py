"""Report export: PNG/SVG through one long-lived kaleido server, plotted-data CSV, report bundle."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import kaleido
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analysis import cite, image_meta
from analysis.chart_meta import ChartMeta
from analysis.chart_style import PRINT_TEMPLATE, light_look
from analysis.event_files import events_to_csv
from analysis.events import Event

# Size presets in CSS pixels (the PNG is width*scale x height*scale).
# "a4" is the full width of an A4 portrait page at 150 dpi (210 mm = 8.27 in -> 1240 px) with a
# 1:sqrt(2) height (877 px), i.e. a chart filling the page width and half its height; at scale 2
# it prints sharply at 300 dpi.
SIZE_PRESETS: dict[str, tuple[int, int]] = {
    "slide": (1600, 900),
    "a4": (1240, 877),
    "square": (1080, 1080),
}
FORMATS = ("png", "svg")
MIN_SIDE, MAX_SIDE = 200, 5000
MIN_SCALE, MAX_SCALE = 1, 4

INSTALL_HINT = (
    "Image export (PNG/SVG) needs Chromium on the server, and none was found. "
    "Install Debian's chromium with `apt-get install -y chromium` (as root), or set "
    "BROWSER_PATH to a Chrome/Chromium executable. The chart toolbar's own PNG button "
    "still works in the browser."
)

SIPRI_URL = "https://www.sipri.org/databases/armstransfers"
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# kaleido's sync server is a process-wide singleton whose call_function is not safe to call from
# several threads at once (one shared task/return queue pair), and Streamlit runs each session
# in its own thread: one lock serialises start-up and renders.
_server_lock = threading.Lock()


class ExportUnavailableError(RuntimeError):
    """Raised when an image cannot be rendered because no Chromium is available."""


def chromium_path() -> str | None:
    """The Chrome/Chromium executable kaleido would use, or None when there is none."""
    try:
        from choreographer.browsers.chromium import Chromium

        return Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - any failure to look means "not available"
        return None


def chromium_available() -> bool:
    """Whether server-side PNG/SVG export can run (a Chromium executable was found)."""
    return chromium_path() is not None


def chromium_missing_message() -> str:
    """What to tell the user when no Chromium is available, with how to install it."""
    return INSTALL_HINT


def _server_thread_alive() -> bool:
    # kaleido exposes no health check; a server whose browser died would make the next call
    # wait forever on its queue, so look at the worker thread when kaleido lets us.
    server = getattr(kaleido, "_global_server", None)
    thread = getattr(server, "_thread", None)
    return thread is None or thread.is_alive()


def _ensure_server_locked() -> None:
    server = getattr(kaleido, "_global_server", None)
    running = bool(server is not None and server.is_running())
    if running and not _server_thread_alive():
        kaleido.stop_sync_server(silence_warnings=True)
        running = False
    if not running:
        if not chromium_available():
            raise ExportUnavailableError(INSTALL_HINT)
        # MathJax off: we never use LaTeX, and the default would fetch it from a CDN.
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)


def start_export_server() -> None:
    """Start the process-wide export server now (otherwise the first export starts it).

    Raises:
        ExportUnavailableError: when no Chromium is available.
    """
    with _server_lock:
        _ensure_server_locked()


def stop_export_server() -> None:
    """Stop the export server (tests and benchmarks; it is restarted on the next export)."""
    with _server_lock:
        kaleido.stop_sync_server(silence_warnings=True)


def resolve_size(
    preset: str, width: int | None = None, height: int | None = None
) -> tuple[int, int]:
    """Width and height for a preset name ("slide", "a4", "square") or "custom".

    Args:
        preset: a key of SIZE_PRESETS or "custom".
        width: the custom width (required for "custom").
        height: the custom height (required for "custom").

    Returns:
        (width, height) in CSS pixels.
    """
    if preset == "custom":
        if width is None or height is None:
            raise ValueError("a custom size needs a width and a height")
        return _check_size(width, height)
    if preset not in SIZE_PRESETS:
        raise ValueError(f"unknown size preset {preset!r}; choose {[*SIZE_PRESETS, 'custom']}")
    return SIZE_PRESETS[preset]


def _check_size(width: int, height: int) -> tuple[int, int]:
    for name, side in (("width", width), ("height", height)):
        if not MIN_SIDE <= int(side) <= MAX_SIDE:
            raise ValueError(f"{name} must be between {MIN_SIDE} and {MAX_SIDE} px, not {side}")
    return int(width), int(height)


def _check_scale(scale: float) -> float:
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between {MIN_SCALE} and {MAX_SCALE}, not {scale}")
    return scale


def export_look(fig: go.Figure, width: int, height: int) -> go.Figure:
    """A copy of ``fig`` in the light print look at a fixed size.

    Title, subtitle, source line and event legend are already part of the builders' figures,
    so they land in the image; this only pins the template, background and size, and drops
    ``layout.meta`` (the chart's name, title and source line: not needed to render). A dark
    on-screen variant (``chart_style.on_screen(fig, dark=True)``) is turned light again.
    """
    out = light_look(fig)
    out.update_layout(
        template=PRINT_TEMPLATE,
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        width=width,
        height=height,
        autosize=False,
        meta=None,
    )
    return out


def export_figure(
    fig: go.Figure,
    fmt: str = "png",
    width: int = 1600,
    height: int = 900,
    scale: float = 1,
    *,
    title: str = "",
    description: str = "",
) -> bytes:
    """Render ``fig`` as PNG or SVG bytes through the long-lived export server.

    Args:
        fig: a figure from analysis.charts.
        fmt: "png" or "svg".
        width: width in CSS pixels (the PNG is ``width * scale`` pixels wide).
        height: height in CSS pixels.
        scale: 1-4.
        title: the chart's title, written into the file (SVG ``<title>``, PNG "Title").
        description: the chart's alt text (``analysis.alt_text``), written into the file
            (SVG ``<desc>``, PNG "Description"); nothing is written when it is empty.

    Returns:
        The image bytes.

    Raises:
        ExportUnavailableError: when no Chromium is available.
        ValueError: for an unknown format or an out-of-range size or scale.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    width, height = _check_size(width, height)
    scale = _check_scale(scale)
    spec = export_look(fig, width, height).to_dict()
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    # Maps need a topojson file: plotly's default comes from a CDN, which may be out of reach;
    # use the copy shipped in static/topojson unless plotly.io.defaults.topojson says otherwise.
    topojson = getattr(getattr(pio, "defaults", None), "topojson", None) or local_topojson_url()
    with _server_lock:
        _ensure_server_locked()
        image = kaleido.calc_fig_sync(spec, opts=opts, topojson=topojson)
    if not description:
        return image
    if fmt == "svg":
        return image_meta.svg_with_description(image, title, description)
    return image_meta.png_with_text(image, {"Title": title, "Description": description})


def safe_file_stem(text: str, default: str = "chart") -> str:
    """A lower-case file-name stem from a title: "India's imports" -> "indias-imports"."""
    stem = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")
    return stem[:80].strip("-") or default


LOCAL_TOPOJSON = Path(__file__).resolve().parents[1] / "static" / "topojson"
# Where the browser finds the same file: Streamlit serves ./static at /app/static/.
BROWSER_TOPOJSON_URL = "/app/static/topojson/"


def local_topojson_url() -> str | None:
    """file:// URL of the folder holding world_110m.json, or None when it is missing."""
    if (LOCAL_TOPOJSON / "world_110m.json").is_file():
        return LOCAL_TOPOJSON.as_uri()
    return None


def plotly_config(
    file_name: str, width: int, height: int, scale: float = 1, png_button: bool = True
) -> dict[str, Any]:
    """``st.plotly_chart(config=...)`` so the toolbar's PNG button matches the server export.

    Args:
        file_name: file name (with or without extension) for the downloaded PNG.
        width: width in CSS pixels.
        height: height in CSS pixels.
        scale: 1-4.
        png_button: keep the toolbar's PNG button. It saves the figure as drawn on screen, so
            a page showing the dark variant drops it when the light server export is there.

    Returns:
        A plotly.js config dict with toImageButtonOptions.
    """
    width, height = _check_size(width, height)
    extra: dict[str, Any] = {} if png_button else {"modeBarButtonsToRemove": ["toImage"]}
    return {
        **extra,
        "displaylogo": False,
        "topojsonURL": BROWSER_TOPOJSON_URL,
        "toImageButtonOptions": {
            "format": "png",
            "filename": safe_file_stem(re.sub(r"\.(png|svg)$", "", file_name)),
            "width": width,
            "height": height,
            "scale": _check_scale(scale),
        },
    }


def neutralise_cell(value: Any) -> Any:
    """Prefix a text cell a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    # Only text cells: a numeric -3.5 is data, not a formula, and must stay a number.
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell, na_action="ignore")
    out.columns = [str(neutralise_cell(str(c))) for c in out.columns]
    return out


def _header_value(text: Any) -> str:
    return " ".join(str(text).split())


def metadata_lines(meta: ChartMeta, url: str = "") -> list[str]:
    """The commented header of a data CSV: title, filters, source, vintage, URL, export date."""
    lines = [
        f"Title: {meta.title}",
        f"Filters: {meta.subtitle_line()}",
        meta.source_line(),
        f"Data generated (vintage): {meta.vintage_text() or 'n/a (published figures)'}",
        meta.export_line() or "Export used: none (published figures)",
        f"URL: {url or meta.url}",
        f"Exported: {dt.date.today().isoformat()}",
        "TIV: SIPRI trend-indicator values, millions; a volume measure, not a price.",
    ]
    return ["# " + _header_value(line) for line in lines]


def chart_data_csv(frame: pd.DataFrame, meta: ChartMeta, url: str = "") -> bytes:
    """The chart's plotted table as UTF-8 CSV bytes with a ``#`` metadata header.

    Text cells starting with = + - @, a tab or a carriage return get a leading apostrophe, so a
    spreadsheet shows them instead of running them as formulas. Read it back with
    ``pd.read_csv(..., comment="#")``.

    Args:
        frame: exactly what the chart plots (a builder's ``Chart.data``, a view's ``data``).
        meta: the chart's metadata (title, filters, source, vintage).
        url: the shareable URL of the view (defaults to ``meta.url``).

    Returns:
        CSV bytes.
    """
    buffer = io.StringIO()
    # CRLF (RFC 4180): with a bare LF terminator the csv writer would leave a cell holding a
    # lone CR unquoted, and spreadsheets would split the row there.
    buffer.write("\r\n".join(metadata_lines(meta, url)) + "\r\n")
    # Shares and TIV to 6 significant digits: spreading a deal over its years gives long
    # fractions that mean nothing (SIPRI's TIV cells are whole millions).
    _neutralise_frame(frame).to_csv(buffer, index=False, lineterminator="\r\n", float_format="%.6g")
    return buffer.getvalue().encode("utf-8")


def events_csv(events: Sequence[Event]) -> bytes:
    """Events as CSV bytes, in the exchange format the Events page imports
    (``analysis.event_files.events_to_csv``)."""
    return events_to_csv(list(events)).encode("utf-8")


def citation_text(meta: ChartMeta, url: str = "", events: Sequence[Event] = ()) -> str:
    """How to cite the exported chart: database, vintage, view URL and event sources."""
    vintage = meta.vintage_text()
    lines = [meta.title, meta.subtitle_line(), ""]
    if vintage:
        lines.append(
            f"Data: SIPRI Arms Transfers Database, Stockholm International Peace Research "
            f"Institute, data generated {vintage}, {SIPRI_URL}."
        )
    else:
        lines.append(meta.source_line() + ".")
    if meta.sources:
        lines.append(meta.export_line() + ".")
    if meta.citations:  # the press articles quoting published figures: not on the chart itself
        lines += ["Published figures as quoted by:", *(f"- {c}" for c in meta.citations)]
    lines += [
        "Figures are SIPRI trend-indicator values (TIV): a measure of the volume of major "
        "conventional arms transferred, not of their financial value.",
        "",
        f"View: {url or meta.url or 'n/a'}",
        f"Exported: {dt.date.today().isoformat()}",
    ]
    sourced = [e for e in events if e.source_name or e.source_url]
    if sourced:
        lines += ["", "Event sources:"]
        for e in sourced:
            when = e.start.isoformat() + (
                f" to {e.last_day.isoformat()}" if e.end is not None else ""
            )
            lines.append(f"- {e.title} ({when}): {e.source_name} {e.source_url}".rstrip())
    return "\n".join(line for line in lines) + "\n"


def report_bundle(
    fig: go.Figure,
    data_frame: pd.DataFrame,
    events: Sequence[Event],
    meta: ChartMeta,
    url: str,
    *,
    width: int = 1600,
    height: int = 900,
    scale: float = 2,
    description: str = "",
    accessed: dt.date | None = None,
) -> bytes:
    """One zip for a report: PNG, SVG, data CSV, events CSV, alt text, citations and the URL.

    Args:
        fig: the chart.
        data_frame: exactly what the chart plots.
        events: the events shown on the chart.
        meta: the chart's metadata.
        url: the shareable URL of the view.
        width: image width in CSS pixels.
        height: image height in CSS pixels.
        scale: PNG scale, 1-4.
        description: the chart's alt text (written into the images and ALT.txt).
        accessed: the access date of the citations (default today).

    Returns:
        Zip bytes holding ``<stem>.png``, ``<stem>.svg``, ``<stem>-data.csv``,
        ``<stem>-events.csv``, ``ALT.txt`` (when there is a description), ``CITATION.txt``
        (plus the citation as ``CITATION-plain.txt``, ``.bib``, ``.ris`` and ``.json``) and
        ``URL.txt``.

    Raises:
        ExportUnavailableError: when no Chromium is available to render the images.
    """
    stem = safe_file_stem(meta.title)
    text = {"title": meta.title, "description": description}
    png = export_figure(fig, "png", width, height, scale, **text)
    svg = export_figure(fig, "svg", width, height, 1, **text)
    files = {
        f"{stem}.png": png,
        f"{stem}.svg": svg,
        f"{stem}-data.csv": chart_data_csv(data_frame, meta, url),
        f"{stem}-events.csv": events_csv(events),
        "CITATION.txt": citation_text(meta, url, events).encode("utf-8"),
        **cite.citation_files(cite.citation_for(meta, url, accessed)),
        "URL.txt": (url + "\n").encode("utf-8"),
    }
    if description:
        files["ALT.txt"] = (description + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, payload in files.items():
            archive.writestr(name, payload)
    return buffer.getvalue()
