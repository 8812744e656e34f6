"""AppTest of the Compare countries page: the URL restores the view, one table row per country."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store

from .conftest import DATA, ROOT
from .test_pages_escaping import LIVE_LINK, MARKDOWN_KINDS, RECIPIENT, hostile_table

FIXTURES = (
    "tiv_table_india_by_supplier.csv",
    "register_deliveries.csv",
    "tiv_table_old_exports_from_france.csv",
)


@pytest.fixture
def stocked_db(db):
    store = Store(db)
    for name in FIXTURES:
        assert store.import_bytes(name, (DATA / name).read_bytes()).ok, name
    return db


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/compare.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _params(at: AppTest) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_the_url_restores_the_selection(stocked_db):
    at = _open(countries="Ukraine,India", by="period", measure="tiv", top="3", lineage="1")
    assert at.multiselect(key="cmp_countries").value == ["Ukraine", "India"]
    assert at.radio(key="cmp_by").value == "period"
    assert at.radio(key="cmp_measure").value == "tiv"
    assert at.number_input(key="cmp_top").value == 3
    assert at.toggle(key="cmp_lineage").value is True
    assert len(at.get("plotly_chart")) == 1
    table = at.dataframe[0].value
    assert list(table["Country"]) == ["Ukraine", "India"]  # one row per country


def test_default_selection_goes_into_the_url_and_follows_changes(stocked_db):
    at = _open()
    chosen = at.multiselect(key="cmp_countries").value
    assert chosen[0] == "India" and 2 <= len(chosen) <= 3
    assert _params(at)["countries"] == ",".join(chosen)
    at.multiselect(key="cmp_countries").set_value(["India", "Egypt", "Ukraine"]).run()
    at.radio(key="cmp_by").set_value("period").run()
    assert not at.exception
    assert _params(at)["countries"] == "India,Egypt,Ukraine"
    assert _params(at)["by"] == "period"
    assert len(at.dataframe[0].value) == 3
    captions = "\n".join(c.value for c in at.caption)
    assert "PARTIAL coverage" in captions and "Egypt" in captions


def test_one_country_asks_for_another(stocked_db):
    at = _open(countries="India")
    assert any("at least 2 countries" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    assert not at.dataframe


def test_seed_only_shows_the_upload_hint(db):
    at = _open()
    assert any("drop it on the **Data** page" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_hostile_country_names_stay_text(db):
    store = Store(db)
    assert store.import_bytes("hostile.csv", hostile_table()).ok
    assert store.import_bytes(
        "india.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    ).ok
    at = _open(countries=f"{RECIPIENT},India")
    assert at.multiselect(key="cmp_countries").value == [RECIPIENT, "India"]
    assert list(at.dataframe[0].value["Country"]) == [RECIPIENT, "India"]
    for kind in MARKDOWN_KINDS:
        for element in at.get(kind):
            assert not LIVE_LINK.search(str(element.value)), (kind, element.value)
