"""Events page: list, add, change and delete the dated events drawn on the charts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from analysis.event_files import (
    EventFormatError,
    events_to_csv,
    events_to_json,
    read_events_to_import,
)
from analysis.events import (
    CATEGORIES,
    COUNTRY_SEPARATOR,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_DESCRIPTION_CHARS,
    MAX_TITLE_CHARS,
    Event,
    InvalidEventError,
    check_event,
    events_for,
)
from analysis.store import StoreError
from analysis.vocab import counted
from pages.common import (
    clear_caches,
    current_user,
    get_store,
    index_of,
    load_event_authors,
    load_events,
    md_escape,
    set_url,
    through_app,
    url_value,
)

through_app()

ALL = "All countries"
NEW = "new"
MESSAGES_KEY = "events_messages"
GLOBAL_LABEL = "Global event"  # short enough for its narrow column
EVENT_LABELS = {
    "id": "ID",
    "start": "Start",
    "end": "End",
    "title": "Title",
    "category": "Category",
    "countries": "Countries",
    "is_global": "Global",
    "description": "Description",
    "source_name": "Source",
    "source_url": "Source URL",
}


def _flash(kind: str, text: str) -> None:
    st.session_state.setdefault(MESSAGES_KEY, []).append((kind, md_escape(text)))


def _show_flashes() -> None:
    for kind, text in st.session_state.pop(MESSAGES_KEY, []):
        getattr(st, kind)(text)


def events_table(events: list[Event]) -> pd.DataFrame:
    """The events as a readable table (one display-label mapping)."""
    rows = [
        {
            "id": e.id,
            "start": e.start.isoformat(),
            "end": e.end.isoformat() if e.end else "",
            "title": e.title,
            "category": e.category,
            "countries": "; ".join(e.countries),
            "is_global": e.is_global,
            "description": e.description,
            "source_name": e.source_name,
            "source_url": e.source_url,
        }
        for e in events
    ]
    return pd.DataFrame(rows, columns=list(EVENT_LABELS)).rename(columns=EVENT_LABELS)


def _filtered(events: list[Event]) -> tuple[list[Event], str, list[str]]:
    countries = sorted({c for e in events for c in e.countries})
    choices = [ALL, *countries]
    cols = st.columns(2)
    country = cols[0].selectbox(
        "Country",
        choices,
        index=index_of(choices, url_value("country", ALL)),
        key="events_country",
        help="Events that name this country, plus the global ones.",
    )
    shown_default = [c for c in url_value("categories", "").split(",") if c in CATEGORIES]
    categories = cols[1].multiselect(
        "Categories",
        list(CATEGORIES),
        default=shown_default,
        key="events_categories",
        placeholder="All",
    )
    set_url(country="" if country == ALL else country, categories=",".join(categories))
    chosen = events_for(events, None if country == ALL else country, categories or None)
    return chosen, country, categories


def _event_form(event: Event | None, key: str) -> None:
    """One form to add (``event`` None) or change an event; problems are shown as sentences."""
    base = event or Event(start=dt.date.today(), title="", category="other")
    # The pickers offer the dates validate_event accepts, widened to show an event stored before
    # the limits existed (a default outside the bounds is an error in Streamlit); saving such an
    # event then names the problem. No max_chars on the text fields: Streamlit would cut a longer
    # text silently, while validation says what is wrong and keeps the text for editing.
    stored_dates = [d for d in (base.start, base.end) if d is not None]
    earliest = min([EARLIEST_DATE, *stored_dates])
    latest = max([LATEST_DATE, *stored_dates])
    with st.form(key=f"{key}_form"):
        title = st.text_input(
            f"Title (required, at most {MAX_TITLE_CHARS} characters)",
            value=base.title,
            key=f"{key}_title",
        )
        cols = st.columns(3)
        start = cols[0].date_input(
            "Start", value=base.start, key=f"{key}_start", min_value=earliest, max_value=latest
        )
        end = cols[1].date_input(
            "End (empty for a single day)",
            value=base.end,
            key=f"{key}_end",
            min_value=earliest,
            max_value=latest,
        )
        category = cols[2].selectbox(
            "Category",
            list(CATEGORIES),
            index=index_of(CATEGORIES, base.category),
            key=f"{key}_category",
        )
        cols = st.columns([3, 1])
        countries_text = cols[0].text_input(
            f"Countries (separated by '{COUNTRY_SEPARATOR}')",
            value=f"{COUNTRY_SEPARATOR} ".join(base.countries),
            key=f"{key}_countries",
            help="SIPRI names, e.g. India; Russia. Countries whose charts show the event.",
        )
        # A short label (the column is narrow); what it means is in the help.
        is_global = cols[1].checkbox(
            GLOBAL_LABEL,
            value=base.is_global,
            key=f"{key}_global",
            help="A global event is drawn on every country's charts, whatever the countries named.",
        )
        description = st.text_area(
            f"Description (at most {MAX_DESCRIPTION_CHARS:,} characters)",
            value=base.description,
            key=f"{key}_description",
        )
        cols = st.columns(2)
        source_name = cols[0].text_input("Source", value=base.source_name, key=f"{key}_source")
        source_url = cols[1].text_input(
            "Source URL (http or https)", value=base.source_url, key=f"{key}_url"
        )
        label = "Add event" if event is None else "Save changes"
        submitted = st.form_submit_button(label, type="primary", key=f"{key}_submit")
    if not submitted:
        return
    edited = Event(
        id=None if event is None else event.id,
        start=start,
        end=end,
        title=title,
        category=category,
        countries=tuple(
            part.strip() for part in countries_text.split(COUNTRY_SEPARATOR) if part.strip()
        ),
        is_global=is_global,
        description=description,
        source_name=source_name,
        source_url=source_url,
    )
    store = get_store()
    try:
        cleaned = check_event(edited)
        if event is None:
            new_id = store.add_event(cleaned, added_by=current_user())
            _flash("success", f"Event {new_id} added: {cleaned.title}")
        else:
            store.update_event(dataclasses.replace(cleaned, id=event.id))
            _flash("success", f"Event {event.id} saved: {cleaned.title}")
    except InvalidEventError as exc:
        st.error("The event was not saved:")
        for problem in exc.problems:
            st.error(md_escape(problem))
        return
    except (KeyError, StoreError) as exc:
        st.error(md_escape(f"The event was not saved: {exc}"))
        return
    # Forget the typed values so that the form shows the stored event (or a blank new one).
    for name in [k for k in st.session_state if str(k).startswith(f"{key}_")]:
        del st.session_state[name]
    clear_caches()
    st.rerun()


def _edit_section(events: list[Event]) -> None:
    st.subheader("Add or change an event")
    labels = {NEW: "New event (add)"}
    labels.update({str(e.id): f"{e.start.isoformat()} · {e.title}" for e in events})
    chosen = st.selectbox("Event", list(labels), format_func=labels.get, key="events_edit_choice")
    event = next((e for e in events if str(e.id) == chosen), None)
    # A key per event, so that switching events shows that event's values in the form.
    _event_form(event, key=f"events_edit_{chosen}")
    if event is None:
        return
    with st.expander("Delete this event"):
        sure = st.checkbox("Yes, delete it", key=f"events_delete_confirm_{event.id}")
        if st.button("Delete event", key=f"events_delete_{event.id}", disabled=not sure):
            if get_store().delete_event(int(event.id)):
                _flash("success", f"Event {event.id} deleted: {event.title}")
            clear_caches()
            # The widget exists already in this run: drop its state rather than assign to it.
            st.session_state.pop("events_edit_choice", None)
            st.rerun()


def _exchange_section(events: list[Event], country: str) -> None:
    st.subheader("Import and export")
    cols = st.columns(2)
    suffix = "" if country == ALL else f"-{country.lower().replace(' ', '-')}"
    cols[0].download_button(
        "Events shown (CSV)",
        events_to_csv(events).encode("utf-8"),
        f"events{suffix}.csv",
        "text/csv",
        key="events_export_csv",
        on_click="ignore",
    )
    cols[1].download_button(
        "Events shown (JSON)",
        events_to_json(events).encode("utf-8"),
        f"events{suffix}.json",
        "application/json",
        key="events_export_json",
        on_click="ignore",
    )
    upload = st.file_uploader(
        "Import events from a CSV or JSON file (as exported here)",
        type=["csv", "json"],
        key="events_import_file",
    )
    if upload is not None and st.button("Import events", key="events_import"):
        try:
            text = upload.getvalue().decode("utf-8-sig")
            # Every row is read and checked first: one bad row and nothing is imported.
            added, skipped = get_store().import_events(
                read_events_to_import(text), added_by=current_user()
            )
        except UnicodeDecodeError:
            st.error("The file is not UTF-8 text; nothing was imported.")
            return
        except EventFormatError as exc:
            st.error(md_escape(f"The file could not be read ({exc}); nothing was imported."))
            return
        except InvalidEventError as exc:
            # One message listing one sentence per rejected row.
            lines = "\n".join(f"- {md_escape(problem)}" for problem in exc.problems)
            heading = "Nothing was imported: some rows could not be read or are not valid."
            st.error(f"{heading}\n\n{lines}")
            return
        except StoreError as exc:
            st.error(md_escape(f"Nothing was imported: {exc}"))
            return
        _flash("success", f"{added} event(s) imported, {skipped} already stored.")
        clear_caches()
        st.rerun()


def main() -> None:
    st.title("Events")
    st.write(
        "Dated, sourced events drawn on every time chart of the countries they concern "
        "(global events on all of them): a line for a single day, a band for a range."
    )
    _show_flashes()
    events = load_events()
    shown, country, _categories = _filtered(events)
    if shown:
        table = events_table(shown)
        authors = load_event_authors()
        if any(authors.values()):  # recorded when sign-in is configured
            table["Added by"] = [authors.get(e.id) or "–" for e in shown]
        st.dataframe(
            table,
            hide_index=True,
            key="events_table",
            column_config={"Source URL": st.column_config.LinkColumn("Source URL")},
        )
    else:
        st.info("No event matches the filters. Add one below.")
    st.caption(f"{len(shown)} of {counted(len(events), 'event')}.")
    _edit_section(events)
    _exchange_section(shown, country)


main()
