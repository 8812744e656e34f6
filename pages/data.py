"""Data page: upload SIPRI exports, check what was understood, save, list, delete and download."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from analysis.chart_meta import ChartMeta
from analysis.export import chart_data_csv
from analysis.layouts import LAYOUTS
from analysis.layouts import description as layout_description
from analysis.store import MAX_UPLOAD_MB, ImportOutcome, StoreError
from pages.common import (
    clear_caches,
    current_user,
    dash_missing,
    get_store,
    load_datasets,
    load_deals,
    load_flows,
    md_escape,
    state_token,
    through_app,
)
from pages.release_diff_section import release_diff_section

through_app()

PREVIEWS_KEY = "data_previews"  # sha256 -> ImportOutcome of the files in the uploader
MESSAGES_KEY = "data_messages"  # (kind, sentence, sha256) shown once after a save or delete

SIPRI_HOWTO = """
1. Open the **SIPRI Arms Transfers Database** at armstransfers.sipri.org.
2. For yearly volumes choose **Importer/Exporter TIV tables**: pick a country (or all
   countries), *imports* or *exports*, the years, and the option that lists each supplier
   (or recipient), then **Download CSV**.
3. For individual deals choose **Trade registers**: pick the recipient and/or supplier and the
   years, then **Download CSV**.
4. Drop the downloaded files here, unchanged: the dashboard detects the layout, the encoding
   and the *Data generated* date by itself. Several files can be uploaded at once.
"""


def upload_limit_mb() -> int:
    """The effective per-file limit: the server's maxUploadSize and the store's, whichever is lower."""
    try:
        server_limit = int(st.get_option("server.maxUploadSize"))
    except (TypeError, ValueError, RuntimeError):
        server_limit = MAX_UPLOAD_MB
    return min(server_limit, MAX_UPLOAD_MB)


def _flash(kind: str, text: str, sha256: str | None = None) -> None:
    # Messages quote file names and loader reasons: escaped so file text never becomes markup.
    text = md_escape(text)
    st.session_state.setdefault(MESSAGES_KEY, []).append((kind, text, sha256))


def _show_flashes() -> set[str]:
    """Show the messages of the last save or delete; returns the files (sha256) they were about,
    whose own "already stored" note is then left out (one message per upload)."""
    about = set()
    for kind, text, sha256 in st.session_state.pop(MESSAGES_KEY, []):
        getattr(st, kind)(text)
        if sha256:
            about.add(sha256)
    return about


def _previews(files: list) -> list[tuple[object, bytes, ImportOutcome]]:
    """Parse each uploaded file once per session (a rerun must not parse again)."""
    cache: dict[str, ImportOutcome] = st.session_state.setdefault(PREVIEWS_KEY, {})
    limit = upload_limit_mb() * 1024 * 1024
    results, seen = [], set()
    for uploaded in files:
        data = uploaded.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            # The same bytes twice in one upload: one preview (and one Save button) is enough.
            st.caption(md_escape(f"{uploaded.name}: same content as a file above, skipped."))
            continue
        seen.add(digest)
        outcome = cache.get(digest)
        if outcome is None:
            with st.spinner(f"Reading {uploaded.name}…"):
                outcome = get_store().preview(uploaded.name, data, max_bytes=limit)
            cache[digest] = outcome
        results.append((uploaded, data, outcome))
    for digest in list(cache):
        if digest not in seen:  # file removed from the uploader: free its parsed frames
            del cache[digest]
    return results


def _save(data: bytes, outcome: ImportOutcome) -> ImportOutcome:
    """Store an already parsed file, with a progress bar for long inserts."""
    bar = st.progress(0.0, text=f"Saving {outcome.file_name}…")

    def report(fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"Saving {outcome.file_name}…")

    try:
        result = get_store().store_export(
            outcome.file_name, data, outcome.export, progress=report, added_by=current_user()
        )
    except StoreError as exc:
        result = ImportOutcome(
            outcome.file_name, outcome.sha256, outcome.size_bytes, "rejected", reason=str(exc)
        )
    bar.empty()
    return result


def _record(result: ImportOutcome) -> None:
    kind = {"stored": "success", "duplicate": "info"}.get(result.status, "error")
    _flash(kind, result.message, result.sha256)


def _show_preview(outcome: ImportOutcome, stored_id: int | None, announced: bool) -> None:
    """What was understood of a file; ``announced``: a message above already says it was saved."""
    export = outcome.export
    n_deals = 0 if export.deals is None else len(export.deals)
    # The layout is a phrase, too long for a card: it is the "Understood as" line below.
    cols = st.columns(3)
    vintage = export.generated.isoformat() if export.generated else "unknown"
    cols[0].metric("Data generated (vintage)", vintage)
    cols[1].metric("Yearly flows", f"{len(export.flows):,}")
    # A TIV table lists no deals: "–" with the reason, not a 0 that reads as "none found".
    registered = export.layout in LAYOUTS and LAYOUTS[export.layout].is_register
    cols[2].metric(
        "Deals",
        f"{n_deals:,}" if registered else "–",
        help=None
        if registered
        else "TIV tables give yearly volumes only; deals come with trade registers.",
    )
    st.markdown(f"**Understood as:** {md_escape(layout_description(export.layout))}")
    if export.title:
        st.markdown(f"**Title:** {md_escape(export.title)}")
    countries = ", ".join(export.countries) if export.countries else "none named in the file"
    st.markdown(f"**Countries:** {md_escape(countries)}")
    if export.unknown_names:
        st.warning(
            "Names the name mapping does not know (kept as written): "
            + md_escape(", ".join(export.unknown_names))
        )
    if export.notes:
        st.markdown("**Notes from the loader:**")
        st.markdown("\n".join(f"- {md_escape(note)}" for note in export.notes))
    with st.expander("First rows"):
        if n_deals:
            st.dataframe(_deals_for_display(export.deals.head(20)), hide_index=True)
        if len(export.flows):
            st.dataframe(export.flows.head(20), hide_index=True)
    if stored_id is not None and not announced:
        st.info(f"{md_escape(outcome.file_name)}: already stored as dataset {stored_id}.")


def _deals_for_display(deals: pd.DataFrame) -> pd.DataFrame:
    out = deals.copy()
    out["delivery_years"] = [
        "; ".join(str(y) for y in years) if isinstance(years, list | tuple) else ""
        for years in out["delivery_years"]
    ]
    return out


def upload_section(announced: set[str] = frozenset()) -> None:
    """File uploader, one preview per file, and Save / Save all.

    Args:
        announced: files (sha256) whose save the message above the uploader reports.
    """
    limit = upload_limit_mb()
    files = st.file_uploader(
        "SIPRI export files (CSV, or a workbook saved from one: .xlsx, .xls, .ods)",
        # Any file is taken: the loader names what it is and which files are read, instead of
        # Streamlit's own "… files are not allowed".
        type=None,
        accept_multiple_files=True,
        key="data_upload",
        help=f"Up to {limit} MB per file. Several files can be dropped at once.",
    )
    st.caption(
        f"Upload limit: {limit} MB per file (a whole-database register is about 10 MB). "
        "Larger files are refused with a message; nothing is stored then."
    )
    if not files:
        return
    known = _stored_ids()
    previews = _previews(files)
    pending = []
    for _uploaded, data, outcome in previews:
        with st.container(border=True):
            st.markdown(f"#### {md_escape(outcome.file_name)}")
            if outcome.status == "rejected":
                st.error(
                    f"{md_escape(outcome.message)} Nothing was stored. Upload a CSV downloaded unchanged "
                    "from the SIPRI Arms Transfers Database."
                )
                continue
            stored_id = known.get(outcome.sha256)
            _show_preview(outcome, stored_id, outcome.sha256 in announced)
            if stored_id is None:
                pending.append((data, outcome))
                if st.button("Save", key=f"data_save_{outcome.sha256[:16]}", type="primary"):
                    _record(_save(data, outcome))
                    clear_caches()
                    st.rerun()
    if len(pending) > 1 and st.button(
        f"Save all ({len(pending)} files)", key="data_save_all", type="primary"
    ):
        for data, outcome in pending:
            _record(_save(data, outcome))
        clear_caches()
        st.rerun()


def _stored_ids() -> dict[str, int]:
    datasets = load_datasets()
    return {str(sha): int(i) for sha, i in zip(datasets["sha256"], datasets["id"], strict=True)}


def datasets_section() -> None:
    """The stored datasets, with delete behind a confirmation."""
    st.subheader("Stored datasets")
    datasets = load_datasets()
    if datasets.empty:
        st.info(
            "No dataset is stored yet: the pages show only the built-in published SIPRI "
            "figures. Upload an export above."
        )
        return
    table = pd.DataFrame(
        {
            "ID": datasets["id"],
            "File": datasets["file_name"],
            "Layout": [layout_description(x) for x in datasets["layout"]],
            "Data generated": datasets["vintage"],
            "Yearly flows": datasets["n_flows"],
            # A TIV table lists no deals: blank ("–"), not 0.
            "Deals": [
                int(n) if x in LAYOUTS and LAYOUTS[x].is_register else None
                for n, x in zip(datasets["n_deals"], datasets["layout"], strict=True)
            ],
            "Uploaded (UTC)": datasets["uploaded_at"],
        }
    )
    if datasets["added_by"].astype(bool).any():  # recorded when sign-in is configured
        table["Added by"] = datasets["added_by"].replace("", "–")
    st.dataframe(dash_missing(table).data, hide_index=True, key="data_datasets_table")
    labels = {
        int(i): f"{int(i)}: {name}"
        for i, name in zip(datasets["id"], datasets["file_name"], strict=True)
    }
    with st.expander("Delete a dataset"):
        chosen = st.selectbox(
            "Dataset", list(labels), format_func=labels.get, key="data_delete_choice"
        )
        sure = st.checkbox(
            "Yes, delete this dataset and all its rows (this cannot be undone)",
            key="data_delete_confirm",
        )
        if st.button("Delete", key="data_delete", disabled=not sure):
            try:
                removed = get_store().remove(int(chosen))
            except StoreError as exc:
                _flash("error", str(exc))
            else:
                if removed:
                    _flash("success", f"Dataset {labels[chosen]} deleted.")
                else:
                    _flash("info", f"Dataset {chosen} was already gone.")
            clear_caches()
            st.session_state.pop("data_delete_confirm", None)
            st.rerun()


@st.cache_data(show_spinner=False, max_entries=2)
def _flows_csv(token: str) -> bytes:
    flows = load_flows().frame
    columns = ["recipient", "supplier", "year", "tiv", "category", "dataset_id", "vintage"]
    meta = ChartMeta(
        title="SIPRI arms transfers: yearly flows of every stored dataset",
        filters={"Datasets": "all stored"},
        vintage=_vintage_text(flows),
    )
    return chart_data_csv(flows[columns], meta)


@st.cache_data(show_spinner=False, max_entries=2)
def _deals_csv(token: str) -> bytes:
    deals = load_deals()
    meta = ChartMeta(
        title="SIPRI trade register: deals of every stored dataset",
        filters={"Datasets": "all stored"},
        vintage=_vintage_text(deals),
    )
    return chart_data_csv(_deals_for_display(deals), meta)


def _vintage_text(frame: pd.DataFrame) -> str | None:
    values = sorted(set(frame["vintage"].dropna().astype(str))) if len(frame) else []
    return ", ".join(values) or None


def downloads_section() -> None:
    """Tidy flows and deals as CSV (formula-looking cells neutralised)."""
    st.subheader("Download the tidy data")
    datasets = load_datasets()
    if datasets.empty:
        st.caption("Nothing to download yet.")
        return
    token = state_token()
    st.caption(
        "One row per recipient, supplier and year (TIV, millions), and one row per deal. "
        "Cells a spreadsheet would run as formulas start with an apostrophe."
    )
    cols = st.columns(2)
    if int(datasets["n_flows"].sum()):
        cols[0].download_button(
            "Yearly flows (CSV)",
            lambda: _flows_csv(token),
            "sipri-flows.csv",
            "text/csv",
            key="data_download_flows",
            on_click="ignore",
        )
    if int(datasets["n_deals"].sum()):
        cols[1].download_button(
            "Deals (CSV)",
            lambda: _deals_csv(token),
            "sipri-deals.csv",
            "text/csv",
            key="data_download_deals",
            on_click="ignore",
        )


st.title("Data")
st.write(
    "Upload exports of the SIPRI Arms Transfers Database. Each file is read first and what "
    "was understood is shown below it; nothing is stored until you press **Save**. Stored "
    "datasets stay after a restart and feed every page."
)
with st.expander("How to download exports from SIPRI"):
    st.markdown(SIPRI_HOWTO)
upload_section(_show_flashes())
datasets_section()
downloads_section()
release_diff_section(state_token())
