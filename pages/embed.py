"""Embed and share: ``?embed=true`` shows only the chart; a "Copy link" and an "Embed" panel.

Streamlit keeps ``embed`` out of ``st.query_params`` (it uses it itself to drop its own
toolbar and padding), so the raw query string of the run tells whether the view is embedded.
An embedded page draws nothing but its chart: the figure carries its own title, subtitle,
events key and source line, so an iframe shows a complete, citable chart.
"""

from __future__ import annotations

import html
import json
import urllib.parse

import streamlit as st

from analysis.chart_style import on_screen
from analysis.export import plotly_config, safe_file_stem
from pages.common import view_url

EMBED_HEIGHT_PX = 640


def embed_mode() -> bool:
    """Whether this run's URL asks for the chart alone (``?embed=true``)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    query = urllib.parse.parse_qs(getattr(ctx, "query_string", "") or "")
    return any(v.lower() in ("true", "1", "yes") for v in query.get("embed", []))


def embed_url(url: str) -> str:
    """The view's URL with ``embed=true`` added (kept once)."""
    base, _, query = url.partition("?")
    pairs = [
        (k, v) for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True) if k != "embed"
    ]
    return f"{base}?{urllib.parse.urlencode([*pairs, ('embed', 'true')])}"


def iframe_snippet(url: str, title: str, height: int = EMBED_HEIGHT_PX) -> str:
    """The HTML to paste into a page: an iframe of the embedded view, titled for screen readers."""
    return (
        f'<iframe src="{html.escape(embed_url(url), quote=True)}" '
        f'title="{html.escape(title, quote=True)}" width="100%" height="{height}" '
        'style="border:0" loading="lazy"></iframe>'
    )


def show_embedded(fig, meta, *, key: str) -> None:
    """The chart alone, then stop the page run (nothing else is drawn)."""
    stem = safe_file_stem(meta.title)
    st.plotly_chart(
        on_screen(fig),
        theme=None,
        width="stretch",
        config=plotly_config(stem, 1600, 900, 2, png_button=True),
        key=f"{key}_embedded",
    )
    st.stop()


def share_panel(title: str, *, key: str, query: dict[str, str] | None = None) -> None:
    """A "Copy link" button for the view and an "Embed" toggle with the iframe snippet.

    ``query`` sets URL parameters for this chart only (e.g. which of a page's charts).
    """
    url = view_url()
    if query:
        base, _, current = url.partition("?")
        pairs = dict(urllib.parse.parse_qsl(current, keep_blank_values=True)) | query
        url = f"{base}?{urllib.parse.urlencode(pairs)}"
    c1, c2 = st.columns([1, 3])
    with c1:
        # A button that writes to the viewer's clipboard: it runs in the browser, in a frame
        # (st.iframe: ``components.v1.html`` is deprecated).
        st.iframe(copy_link_html(url, query or {}), height=44, alt="Copy link to this view")
    with c2:
        if st.toggle("Embed", key=f"{key}_embed", help="An iframe showing only this chart."):
            st.code(iframe_snippet(url, title), language="html")
            st.caption(
                "The embedded view shows the chart with its title, events key and source line."
            )


def copy_link_html(url: str, query: dict[str, str]) -> str:
    """The "Copy link" button: on click it copies the address bar's URL as it is then.

    Widgets drawn below the panel write their URL parameters after it (``set_url``), so a
    URL fixed when the panel is drawn lacks them or holds their previous values; the page's
    address at click time has them all. ``query`` (this chart's own parameters) is set on
    it; ``url`` is the fallback when the frame cannot read its page's address.
    """
    return (
        "<button id='copy' style='font:14px sans-serif;padding:6px 12px;border:1px solid "
        "#bbb;border-radius:6px;background:#fff;cursor:pointer'>Copy link</button>"
        "<script>const b=document.getElementById('copy');"
        f"const fallback={_script_json(url)};const extra={_script_json(query)};"
        "function viewUrl(){try{const u=new URL(window.parent.location.href);"
        "for(const [k,v] of Object.entries(extra)){u.searchParams.set(k,v)}"
        "u.searchParams.delete('embed');return u.toString()}catch(e){return fallback}}"
        "b.onclick=()=>{navigator.clipboard.writeText(viewUrl()).then("
        "()=>{b.textContent='Link copied'},"
        "()=>{b.textContent='Copy failed: use the address bar'})};</script>"
    )


def _script_json(value: object) -> str:
    """``value`` as a JavaScript literal that cannot end its <script> element."""
    return json.dumps(value).replace("<", "\\u003c")
