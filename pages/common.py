"""Shared UI plumbing for the pages: the store, cached data, URL state and chart rendering."""

from __future__ import annotations

import dataclasses
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import cite, sources
from analysis import export as chart_export
from analysis.alt_text import describe_chart
from analysis.chart_meta import ChartMeta
from analysis.chart_style import on_screen
from analysis.colors import MAX_NAMED_SERIES, capped_top_n
from analysis.events import CATEGORIES, Event
from analysis.results import LoadedFlows, Source
from analysis.sources import sources_text
from analysis.store import Store, StoreError
from analysis.views import ChartView

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

DEFAULT_COUNTRY = "India"
T = TypeVar("T")


def through_app() -> None:
    """Send a first deep link (e.g. /deals on a fresh server) through app.py's st.navigation.

    Until st.navigation has run once in a server process, Streamlit treats a folder named pages/
    as old-style multipage pages and runs the linked page file on its own, without app.py (no
    page config, every file of pages/ in the sidebar). Every page calls this first: a run that
    did not come through app.py registers the app's pages with the public st.navigation (which
    ends the old mode for the whole server) and starts again from app.py, before the page has
    drawn anything. Nothing happens at import time, so concurrent first visits cannot see a
    half-imported module.
    """
    from pages import THROUGH_APP, app_pages

    if st.session_state.pop(THROUGH_APP, False):
        return
    st.navigation(app_pages(), position="hidden")
    st.rerun()


# --------------------------------------------------------------------------- store and data


def stop_with_store_error(exc: StoreError) -> NoReturn:
    """Show a store fault's sentence instead of the rest of the page, and stop this page run.

    The app keeps running: the sidebar and the other pages work, and the next run tries the
    store again (a fault is not cached). The sentence names the store by file name only.
    """
    st.error(md_escape(str(exc)), icon=":material/database:")
    st.stop()


def _reading(read: Callable[[], T]) -> T:
    try:
        return read()
    except StoreError as exc:
        stop_with_store_error(exc)


@st.cache_resource(show_spinner=False)
def _open_store() -> Store:
    # A StoreError is not cached: the next run opens the file again.
    return Store()


def get_store() -> Store:
    """One Store per server process (it opens a connection per call, so threads can share it).

    A file that cannot be opened as a store (not one of ours, damaged, newer version) stops the
    page with its sentence; writes may still raise StoreError (read-only store, full disk).
    """
    return _reading(_open_store)


# How often the state token is read from the store, and how often a page on a shared
# (PostgreSQL) store checks it: another process's save shows within about the sum of both.
TOKEN_TTL_SECONDS = 1.0
WATCH_SECONDS = 1.0


@st.cache_resource(show_spinner=False, ttl=TOKEN_TTL_SECONDS)
def _recent_token() -> str:
    return _open_store().state_token()


def state_token() -> str:
    """Changes whenever datasets or events change: the key of every cached read below.

    Read from the store (the database: the same for every process) at most once a second (a
    rerun asks several times); this app's own writes call clear_caches(), so they show at once,
    and other processes' (the CLI, the other app processes of a team) within 1 s.
    """
    return _reading(_recent_token)


def watch_store() -> None:
    """On a shared PostgreSQL store, rerun the page when another process changed the data.

    Several app processes share one database, and Streamlit's caches are per process: a small
    fragment checks the state token every ``WATCH_SECONDS`` (a cached read, at most one query a
    second per process) and reruns the app when the token moved since this run drew the page.
    A single SQLite store is left as it was: the next interaction shows other writers' changes.
    """
    try:
        if _open_store().dialect != "postgresql":
            return
        seen = _recent_token()
    except StoreError:
        return  # the page says so
    with st.sidebar:
        _watch(seen)


@st.fragment(run_every=WATCH_SECONDS)
def _watch(seen: str) -> None:
    try:
        now = _recent_token()
    except StoreError:
        return
    if now != seen:
        st.rerun(scope="app")


def current_user() -> str:
    """Who is saving, as datasets and events record it ("added_by").

    "" when sign-in is not configured (no ``[auth]`` in secrets.toml); the signed-in user's
    e-mail (else name) when it is; "anonymous" when it is configured but nobody signed in.
    """
    try:
        info = dict(st.user)
    except Exception:  # no script run context (a bare call outside a page)
        return ""
    if "is_logged_in" not in info:
        return ""
    if not info.get("is_logged_in"):
        return "anonymous"
    return str(info.get("email") or info.get("name") or info.get("sub") or "signed-in user")


# The cached readers raise StoreError (never draw inside a cache); the load_* wrappers turn it
# into the page's sentence.
@st.cache_data(show_spinner=False, max_entries=4)
def _flows(token: str) -> LoadedFlows:
    return _open_store().flows()


@st.cache_data(show_spinner=False, max_entries=4)
def _deals(token: str) -> pd.DataFrame:
    return _open_store().deals()


@st.cache_data(show_spinner=False, max_entries=4)
def _deliveries(token: str) -> pd.DataFrame:
    return _open_store().deliveries()


@st.cache_data(show_spinner=False, max_entries=4)
def _datasets(token: str) -> pd.DataFrame:
    return _open_store().datasets()


@st.cache_data(show_spinner=False, max_entries=4)
def _events(token: str) -> list[Event]:
    return _open_store().events()


@st.cache_data(show_spinner=False, max_entries=4)
def _event_authors(token: str) -> dict[int, str]:
    return _open_store().event_authors()


def load_event_authors() -> dict[int, str]:
    """Who added each event, by id ("" for events added without sign-in)."""
    return _reading(lambda: _event_authors(state_token()))


def load_flows() -> LoadedFlows:
    """Every stored dataset's flows (with dataset_id and vintage), SIPRI totals and sources."""
    return _reading(lambda: _flows(state_token()))


def load_deals() -> pd.DataFrame:
    """Every stored register's deals."""
    return _reading(lambda: _deals(state_token()))


def load_deliveries() -> pd.DataFrame:
    """Per-delivery registers' TIV by deal and delivery year (exact yearly deal values)."""
    return _reading(lambda: _deliveries(state_token()))


def load_datasets() -> pd.DataFrame:
    """The stored datasets, newest first as the store lists them."""
    return _reading(lambda: _datasets(state_token()))


def load_events() -> list[Event]:
    """The stored events (seeded from data/seed/events.csv on first start)."""
    return _reading(lambda: _events(state_token()))


def clear_caches() -> None:
    """After a write the token changes anyway; this also frees the old entries."""
    for fn in (_recent_token, _flows, _deals, _deliveries, _datasets, _events, _event_authors):
        fn.clear()


# --------------------------------------------------------------------------- safe text


_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(text: object) -> str:
    """File- or user-supplied text made inert inside st.markdown (no links, images, directives).

    Every ASCII punctuation character gets a backslash (CommonMark allows escaping any of them),
    and line breaks become spaces, so a file name or a note stays one line of plain text.
    """
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


# --------------------------------------------------------------------------- tables

MISSING_TEXT = "–"
# Text that only a missing value turned into a string reads as (never a SIPRI name or figure),
# and empty text.
_MISSING_WORDS = frozenset({"", "None", "none", "nan", "NaN", "<NA>", "NaT"})


def _decimals(values: pd.Series) -> int:
    """The fewest decimals (0-4) that show every value of a numeric column as it is."""
    numbers = pd.to_numeric(values, errors="coerce").dropna().astype("float64")
    for places in range(4):
        if ((numbers.round(places) - numbers).abs() < 1e-9).all():
            return places
    return 4


def _number_text(places: int) -> Callable[[object], str]:
    # + 0.0 turns a rounded -0.0 into 0.0: no "-0.0" in a table.
    return lambda value: f"{round(float(value), places) + 0.0:,.{places}f}"


def dash_missing(frame: pd.DataFrame) -> Styler:
    """A table for ``st.dataframe`` that shows every missing value as "–", not None/NaN/<NA>.

    A numeric column without missing values keeps its numbers (it sorts as numbers) and shows
    them with thousands separators and its decimals; a numeric column with missing values
    becomes text, since st.dataframe shows a missing number as "None" whatever the Styler says.
    Text cells that are missing, empty or read "None"/"nan"/"<NA>" show an en dash.
    True/False columns stay checkboxes.

    Returns:
        A pandas Styler over a copy of ``frame`` (``frame`` is not changed).
    """
    data = frame.copy()
    formats = {}
    for column in data.columns:
        values = data[column]
        if pd.api.types.is_bool_dtype(values):
            continue
        present = values.dropna()
        if (
            not pd.api.types.is_numeric_dtype(values)
            and len(present)
            and present.map(_is_number).all()
        ):
            # Numbers with None among them (an object column): numbers again, so "–" and the
            # thousands separators apply (the browser shows a raw None in an object column).
            values = data[column] = pd.to_numeric(values, errors="coerce")
        if pd.api.types.is_numeric_dtype(values) and values.isna().any():
            # st.dataframe draws a missing number as a grey "None" whatever the Styler's na_rep:
            # such a column is shown as text (numbers formatted, "–" where missing).
            text = _number_text(_decimals(values))
            data[column] = [MISSING_TEXT if pd.isna(v) else text(v) for v in values]
        elif pd.api.types.is_numeric_dtype(values):
            formats[column] = _number_text(_decimals(values))
        else:
            words = values.map(lambda v: isinstance(v, str) and v.strip() in _MISSING_WORDS)
            missing = values.isna() | words.astype(bool)
            if missing.any():
                data[column] = values.astype(object).where(~missing, MISSING_TEXT)
    return data.style.format(formats, na_rep=MISSING_TEXT)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --------------------------------------------------------------------------- URL state


def url_value(key: str, default: str) -> str:
    """A page choice from the URL query string (shareable views), else ``default``."""
    value = st.query_params.get(key)
    return value if value not in (None, "") else default


def url_int(key: str, default: int) -> int:
    try:
        return int(url_value(key, str(default)))
    except ValueError:
        return default


def url_bool(key: str, default: bool) -> bool:
    return url_value(key, "1" if default else "0") in ("1", "true", "yes")


def set_url(**values: object) -> None:
    """Write the page's current choices into the URL so that the view can be shared."""
    for key, value in values.items():
        if isinstance(value, bool):
            value = "1" if value else "0"
        text = "" if value is None else str(value)
        if st.query_params.get(key) != text:
            st.query_params[key] = text


def index_of(options: Sequence[str], value: str, fallback: int = 0) -> int:
    try:
        return list(options).index(value)
    except ValueError:
        return fallback


def view_url() -> str:
    """The shareable URL of the current view (page and its query parameters)."""
    base = ""
    try:
        base = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context under AppTest or bare mode
        base = ""
    base = base.split("?")[0]
    query = urllib.parse.urlencode(dict(st.query_params.to_dict()))
    return f"{base}?{query}" if query else base


def measure_and_top_n(
    measure_column,
    top_column,
    *,
    key: str,
    labels: dict[str, str],
    default_top: int,
    counted: str,
) -> tuple[str, int]:
    """The "share or TIV" radio and the "N shown, the rest as Others" input, from the URL.

    Args:
        measure_column: where the radio goes (a column or st).
        top_column: where the number input goes.
        key: widget key prefix (keys ``<key>_measure`` and ``<key>_top``).
        labels: measure -> label, the default measure first.
        default_top: how many series are shown by default.
        counted: what is counted ("Suppliers", "Customers").

    Returns:
        The measure and the number of series shown.
    """
    options = list(labels)
    measure = measure_column.radio(
        "Measure",
        options,
        index=index_of(options, url_value("measure", options[0])),
        format_func=labels.get,
        key=f"{key}_measure",
        horizontal=True,
    )
    top_n = int(
        top_column.number_input(
            f"{counted} shown (the rest as Others)",
            min_value=1,
            max_value=MAX_NAMED_SERIES,
            value=capped_top_n(url_int("top", default_top)),
            key=f"{key}_top",
            help=f"At most {MAX_NAMED_SERIES}: one colour each from a palette of "
            f"{MAX_NAMED_SERIES} colours that stay distinct (also with colour-blindness), "
            "so no two series share a colour; the rest are summed, in grey, as Others.",
        )
    )
    return measure, top_n


# --------------------------------------------------------------------------- events


def event_category_filter(key: str) -> list[str]:
    """Per-category toggles for events on charts; returns the hidden categories."""
    hidden_default = [c for c in url_value(f"{key}_hide", "").split(",") if c in CATEGORIES]
    shown = st.multiselect(
        "Events shown on charts",
        options=list(CATEGORIES),
        default=[c for c in CATEGORIES if c not in hidden_default],
        key=f"{key}_event_categories",
        help="Event categories drawn on the time charts. Manage events on the Events page.",
    )
    hidden = [c for c in CATEGORIES if c not in shown]
    set_url(**{f"{key}_hide": ",".join(hidden)})
    return hidden


# --------------------------------------------------------------------------- charts


def render_chart(
    fig: go.Figure,
    meta: ChartMeta,
    *,
    key: str,
    data: pd.DataFrame,
    events: Sequence[Event] = (),
    drawn: Sequence[Mapping[str, Any]] | None = None,
    selectable: bool = False,
) -> object | None:
    """Show a chart with our own light template and offer report-ready downloads.

    Args:
        fig: a figure from analysis.charts (already carries title, subtitle, source, events).
        meta: the chart's metadata (for file names, CSV header and citation).
        key: a unique widget key prefix for this chart.
        data: what the chart plots (the view's ``data``), for the CSV and the bundle.
        events: the events shown, for the bundle's events CSV.
        drawn: the record of the events drawn (the view's ``drawn``), for the alt text.
        selectable: a click on a bar selects it (the page reads the returned selection).

    Returns:
        Streamlit's selection state when ``selectable`` (else None).
    """
    stem = chart_export.safe_file_stem(meta.title)
    width, height, scale = _chosen_size(key)
    dark = viewer_prefers_dark()
    frame = data
    description = describe_chart(fig, meta, frame, events, drawn=drawn)
    selection = st.plotly_chart(
        # A dark app gets the dark variant on screen; every download below renders ``fig``
        # in the light print look.
        on_screen(fig, dark=dark),
        theme=None,
        width="stretch",
        # The toolbar's own PNG button gives the size chosen in the download panel (slide 2x
        # until one is chosen), under the same file name as the server-rendered export. It
        # saves what is on screen, so a dark page drops it when the light export can be made.
        config=chart_export.plotly_config(
            stem, width, height, scale, png_button=not (dark and _chromium_available())
        ),
        key=f"{key}_chart",
        **({"on_select": "rerun", "selection_mode": "points"} if selectable else {}),
    )
    # The chart's alt text as page text, so that screen readers (and everyone) can read it.
    st.caption("Chart description: " + md_escape(description))
    source_caption(meta.sources)
    # A toggle rather than an expander: a closed expander still runs its widgets on every rerun.
    if st.toggle("Download for a report (PNG, SVG, data, bundle)", key=f"{key}_downloads"):
        with st.container(border=True):
            _download_panel(
                fig, meta, key=key, events=events, data=frame, stem=stem, description=description
            )
    if st.toggle("Cite this view", key=f"{key}_cite"):
        cite_panel(meta, key=key)
    return selection if selectable else None


def render_view(view: ChartView, *, key: str, selectable: bool = False) -> object | None:
    """``render_chart`` for a view: its figure, metadata, events, drawn events and data."""
    return render_chart(
        view.fig,
        view.meta,
        key=key,
        events=view.events,
        drawn=view.drawn,
        data=view.data,
        selectable=selectable,
    )


def source_picker(flows: LoadedFlows, country: str, *, key: str) -> Source | None:
    """The export feeding ``country``'s figures: a picker (``source=`` in the URL) when more
    than one stored export covers it, else the only one (None when none does)."""
    options = sources.candidates(flows, country)
    if len(options) < 2:
        return options[0] if options else None
    picked = sources.find_source(options, url_value("source", "")) or options[0]
    labels = [sources.picker_label(s) for s in options]
    label = st.selectbox(
        "Source",
        labels,
        index=labels.index(sources.picker_label(picked)),
        key=f"{key}_source_{country}",
        help="Several stored exports cover this country. The default prefers SIPRI's exact "
        "yearly volumes over volumes estimated from a per-deal register, then the newest.",
    )
    chosen = options[labels.index(label)]
    set_url(source=chosen.dataset_id)
    return chosen


def source_caption(used: Sequence[Source]) -> None:
    """The exports a figure comes from, under it (nothing for published figures)."""
    text = sources_text(used)
    if text:
        st.caption(md_escape(text))


CITE_LABELS = {"text": "Plain text", "bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}


def cite_panel(meta: ChartMeta, *, key: str) -> None:
    """The view's citation in a chosen format, in a code box (its button copies it)."""
    fmt = st.radio(
        "Citation format",
        list(CITE_LABELS),
        format_func=CITE_LABELS.get,
        horizontal=True,
        key=f"{key}_cite_format",
    )
    text = cite.formatted(cite.citation_for(meta, view_url()), fmt)
    language = {"bibtex": "latex", "csl-json": "json"}.get(fmt)
    st.code(text, language=language, wrap_lines=True)


def viewer_prefers_dark() -> bool:
    """Whether the viewer's app is dark (their browser's preference or the settings menu).

    Streamlit infers it from the app's background; unknown (first load, AppTest) means light.
    """
    try:
        return st.context.theme.type == "dark"
    except Exception:  # noqa: BLE001 - no browser context: the light look
        return False


def _chosen_size(key: str) -> tuple[int, int, int]:
    """Width, height and scale picked in this chart's download panel (read from its widgets)."""
    state = st.session_state
    preset = state.get(f"{key}_preset", "slide")
    width = height = None
    if preset == "custom":
        width, height = int(state.get(f"{key}_w", 1600)), int(state.get(f"{key}_h", 900))
    try:
        width, height = chart_export.resolve_size(preset, width, height)
    except ValueError:
        width, height = chart_export.SIZE_PRESETS["slide"]
    return width, height, int(state.get(f"{key}_scale", 2))


def _download_panel(fig, meta, *, key, events, data, stem, description="") -> None:
    labels = {"slide": "Slide 1600×900", "a4": "A4 width", "square": "Square 1080×1080"}
    labels["custom"] = "Custom"
    cols = st.columns(4)
    preset = cols[0].selectbox("Size", list(labels), format_func=labels.get, key=f"{key}_preset")
    width = height = None
    if preset == "custom":
        width = int(cols[1].number_input("Width px", 200, 5000, 1600, key=f"{key}_w"))
        height = int(cols[2].number_input("Height px", 200, 5000, 900, key=f"{key}_h"))
    scale = int(cols[3].selectbox("Scale", [1, 2, 3, 4], index=1, key=f"{key}_scale"))
    width, height = chart_export.resolve_size(preset, width, height)
    frame = data
    url = view_url()
    # Deferred: the CSV is built when the button is clicked, not on every rerun.
    st.download_button(
        "Data (CSV)",
        lambda: chart_export.chart_data_csv(frame, _with_url(meta, url), url),
        f"{stem}-data.csv",
        "text/csv",
        key=f"{key}_csv",
    )
    if not _chromium_available():
        st.info(chart_export.chromium_missing_message())
        return
    if st.toggle("Prepare PNG, SVG and bundle", key=f"{key}_render"):
        # Rendering costs ~0.3 s per image, so it happens only when asked for.
        with st.spinner("Rendering the chart…"):
            try:
                text = {"title": meta.title, "description": description}
                png = chart_export.export_figure(fig, "png", width, height, scale, **text)
                svg = chart_export.export_figure(fig, "svg", width, height, 1, **text)
                bundle = chart_export.report_bundle(
                    fig,
                    frame,
                    list(events),
                    _with_url(meta, url),
                    url,
                    width=width,
                    height=height,
                    scale=scale,
                    description=description,
                )
            except chart_export.ExportUnavailableError as exc:
                st.warning(str(exc))
                return
        c1, c2, c3 = st.columns(3)
        c1.download_button("PNG", png, f"{stem}.png", "image/png", key=f"{key}_png")
        c2.download_button("SVG", svg, f"{stem}.svg", "image/svg+xml", key=f"{key}_svg")
        c3.download_button(
            "Report bundle (zip)", bundle, f"{stem}.zip", "application/zip", key=f"{key}_zip"
        )


@st.cache_resource(show_spinner=False, ttl=300)
def _chromium_available() -> bool:
    # Looking for the browser walks PATH on every call (~5 ms); reruns must stay cheap.
    return chart_export.chromium_available()


def _with_url(meta: ChartMeta, url: str) -> ChartMeta:
    if meta.url or not url:
        return meta
    return dataclasses.replace(meta, url=url)


# --------------------------------------------------------------------------- empty states


def upload_hint() -> None:
    """What to do when only the seed data is there."""
    st.info(
        "Only the built-in published SIPRI figures are loaded. To chart any country, "
        "download a CSV from the SIPRI Arms Transfers Database (armstransfers.sipri.org: "
        "'Import/Export values' for TIV tables, or the trade register) and drop it on the "
        "**Data** page.",
        icon=":material/upload_file:",
    )
