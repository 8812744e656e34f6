"""A team's deployment: who added what (Data and Events pages), and saves made by another
process showing on this one's pages (the state token comes from the database)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import pages.common
from analysis.events import Event
from analysis.store import Store

from .test_pages_data import DATA, ROOT, frame_with, open_page, upload


@pytest.mark.parametrize(
    "user, expected",
    [
        ({}, ""),  # no sign-in configured
        ({"is_logged_in": False}, "anonymous"),
        ({"is_logged_in": True, "email": "ana@example.org", "name": "Ana"}, "ana@example.org"),
        ({"is_logged_in": True, "name": "Ana"}, "Ana"),
    ],
)
def test_the_user_recorded_follows_sign_in(monkeypatch, user, expected):
    monkeypatch.setattr(st, "user", user)
    assert pages.common.current_user() == expected


def test_the_data_page_records_and_shows_who_saved_a_dataset(app_db, monkeypatch):
    at = open_page("pages/data.py")
    assert "Added by" not in frame_with_or_none(at, "Uploaded (UTC)")  # nothing recorded yet
    monkeypatch.setattr(pages.common, "current_user", lambda: "ana@example.org")
    upload(at, "tiv_table_india_by_supplier.csv")
    [save] = [b for b in at.button if b.label == "Save"]
    save.click().run()
    assert not at.exception
    assert Store(app_db).datasets()["added_by"].tolist() == ["ana@example.org"]
    assert frame_with(at, "Uploaded (UTC)")["Added by"].tolist() == ["ana@example.org"]


def test_the_events_page_shows_who_added_an_event(app_db):
    store = Store(app_db)
    store.add_event(
        Event(start=dt.date(2024, 5, 1), title="Added by Ben", countries=("India",)),
        added_by="ben@example.org",
    )
    at = open_page("pages/events.py")
    table = frame_with(at, "Title")
    authors = dict(zip(table["Title"], table["Added by"], strict=True))
    assert authors["Added by Ben"] == "ben@example.org"
    assert {v for k, v in authors.items() if k != "Added by Ben"} == {"–"}  # the seed events


def frame_with_or_none(at: AppTest, column: str):
    try:
        return list(frame_with(at, column).columns)
    except AssertionError:
        return []


@pytest.mark.slow
def test_a_save_through_another_process_shows_on_this_ones_pages(pg_url, monkeypatch):
    """Two app processes on one PostgreSQL database: the CLI stands in for the other one."""
    monkeypatch.setenv("ARMS_DB", pg_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        Store(pg_url)
        at = open_page("pages/data.py")
        assert any("No dataset is stored yet" in str(i.value) for i in at.info)
        other = subprocess.run(
            [sys.executable, "-m", "analysis", "--db", pg_url, "import",
             str(DATA / "tiv_table_india_by_supplier.csv")],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert other.returncode == 0, other.stderr
        # What the token's cache lifetime (TOKEN_TTL_SECONDS) does by itself within a second:
        pages.common._recent_token.clear()
        at.run()
        assert frame_with(at, "Uploaded (UTC)")["File"].tolist() == [
            "tiv_table_india_by_supplier.csv"
        ]
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_pages_recheck_a_shared_store_within_two_seconds():
    """Another process's save shows within about 2 s: the token is read at most this long
    after it changed, and the page checks it this often."""
    assert pages.common.TOKEN_TTL_SECONDS + pages.common.WATCH_SECONDS <= 2.0
