"""AppTest of the Deals page's search: comments, the match count, order, and the no-match sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store

from .conftest import DATA, ROOT


@pytest.fixture
def db(app_db) -> Path:
    """The shared store with its events seeded (tests/conftest.py app_db)."""
    return app_db


@pytest.fixture
def register_db(db) -> Path:
    outcome = Store(db).import_bytes(
        "register_cp1252.csv", (DATA / "register_cp1252.csv").read_bytes()
    )
    assert outcome.status == "stored"
    return db


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    at.switch_page("pages/deals.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def search(at: AppTest, query: str) -> AppTest:
    at.text_input(key="deals_query").set_value(query).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(text: object) -> str:
    return str(text).replace("\\", "")


def texts(at: AppTest, kind: str) -> list[str]:
    return [plain(element.value) for element in at.get(kind)]


def deal_table(at: AppTest):
    for element in at.dataframe:
        if "Designation" in element.value.columns:
            return element.value
    raise AssertionError("no deal table")


def count_line(at: AppTest) -> str:
    [line] = [t for t in texts(at, "markdown") if "stored" in t and "match" in t]
    return line


def about_links(at: AppTest) -> list[str]:
    return [link.proto.page for link in at.get("page_link")]


def test_default_order_is_newest_order_first(register_db):
    at = open_page()
    table = deal_table(at)
    assert list(table["Year of order"]) == [2024, 2019, 2016, 2015, 2010]
    assert "5 deals match" in count_line(at) and "out of 5 stored" in count_line(at)
    assert "newest order first" in count_line(at)


def test_search_reads_comments_and_shows_the_count(register_db):
    at = search(open_page(), "for MiG")  # "MiG-29K", comment "for Vikramaditya carrier"
    assert list(deal_table(at)["Designation"]) == ["MiG-29K"]
    assert "1 deal matches" in count_line(at)
    at = search(at, "MQ9")  # only in GBU-39's comment "For MQ-9 armed drones"
    assert list(deal_table(at)["Designation"]) == ["GBU-39 SDB"]
    at = search(at, "wartsila")  # comment "For Wärtsilä trials"
    assert list(deal_table(at)["Designation"]) == ["Bü-181 engine"]
    at = search(at, "aircraft russia")
    assert list(deal_table(at)["Designation"]) == ["MiG-29K"]
    at = search(at, "aircraft")
    assert list(deal_table(at)["Designation"]) == ["Rafale", "MiG-29K"]
    assert "2 deals match" in count_line(at)
    assert at.query_params["q"] == "aircraft"
    assert not about_links(at)


def test_no_match_says_what_sipri_covers_and_links_about(register_db):
    at = search(open_page(), "AK-203")
    assert deal_table(at).empty
    assert "0 deals match" in count_line(at)
    [info] = texts(at, "info")
    assert info.startswith("No deal matches 'AK-203'. SIPRI's Arms Transfers Database covers")
    assert "small arms, light weapons and ammunition are not in it. See About." in info
    assert about_links(at) and all(page.endswith("about") for page in about_links(at))


def test_no_match_because_of_the_other_filters_says_so(register_db):
    at = open_page(suppliers="France", q="MiG-29K")
    assert deal_table(at).empty
    [info] = texts(at, "info")
    assert "with these filters" in info and "1 stored deal(s) match it without them" in info
    assert not about_links(at)


def test_query_markup_in_the_sentence_is_inert(register_db):
    at = open_page(q="[AK](https://evil.example)")
    [info] = [str(e.value) for e in at.info]
    assert "\\[AK\\]\\(https" in info and "[AK](https" not in info


@pytest.mark.samples
def test_india_register_s400_finds_the_missiles_for_it(db, sample_path):
    path = sample_path("EXTRACT_new_register_INDIA")
    assert Store(db).import_bytes(path.name, path.read_bytes()).ok
    at = search(open_page(), "S-400")
    table = deal_table(at)
    comments = table["Comments"].fillna("")
    assert comments.str.contains("for S-400", case=False, regex=False).any()
    assert table["Designation"].str.startswith("S-400").any()
    assert f"{len(table)} deals match" in count_line(at)
    at = search(at, "MiG-29")
    table = deal_table(at)
    assert (~table["Designation"].str.contains("MiG-29", regex=False)).any()  # via comments
    assert list(table["Year of order"]) == sorted(table["Year of order"], reverse=True)
    at = search(at, "AK-203")
    assert any("major conventional arms only" in t for t in texts(at, "info"))


def test_missing_cells_show_a_dash_not_none(register_db):
    """Registers of two layouts side by side: the per-deal one has no weapon category and some
    deals no TIV for the order; the table shows "–" there, never a grey "None"."""
    store = Store(register_db)
    outcome = store.import_bytes(
        "register_deliveries.csv", (DATA / "register_deliveries.csv").read_bytes()
    )
    assert outcome.status == "stored"
    at = open_page(recipient="All recipients")
    table = deal_table(at)
    assert len(table) == 9  # 5 deals to India (per-deal) and 4 to Ukraine (per-delivery)
    for column in ("Weapon category", "TIV of the order (millions)", "Number ordered"):
        assert not table[column].isna().any(), column
    india = table[table["Recipient"] == "India"]
    assert set(india["Weapon category"]) == {"–"}
    ukraine = table[table["Recipient"] == "Ukraine"]
    assert "–" not in set(ukraine["Weapon category"])


def test_pipeline_note_counts_the_deals_left_out_in_plain_english(register_db):
    """The per-delivery register's 4 Ukraine deals have no TIV for the order."""
    store = Store(register_db)
    store.import_bytes("register_deliveries.csv", (DATA / "register_deliveries.csv").read_bytes())
    at = open_page(recipient="All recipients")
    [note] = [t for t in texts(at, "caption") if "TIV of the order minus TIV delivered" in t]
    assert "4 deals without a TIV for the order are left out." in note
    assert "deal(s)" not in note
