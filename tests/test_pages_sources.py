"""AppTest: the export used under every figure, and a source picker kept in the URL."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store

from .conftest import DATA, open_page
from .register_fixture import india_register

pytestmark = [pytest.mark.app, pytest.mark.slow]

TABLE = "tiv_table_india_by_supplier.csv"
TABLE_TEXT = (
    "Source: tiv_table_india_by_supplier.csv — TIV table, data generated 10 Oct 2024, exact"
)
REGISTER_TEXT = "Source: india-register.csv — per-deal register, data generated"


@pytest.fixture
def two_exports_db(app_db):
    store = Store(app_db)
    assert store.import_bytes(TABLE, (DATA / TABLE).read_bytes()).ok
    assert store.import_bytes("india-register.csv", india_register()).ok
    return app_db


_open = open_page  # shared with the other page tests (conftest)


def _params(at: AppTest) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def _captions(at: AppTest) -> list[str]:
    """The captions as read (markdown escapes removed)."""
    return [c.value.replace("\\", "") for c in at.caption]


def _picker(at: AppTest):
    return at.selectbox(key="overview_source_India")


def test_overview_defaults_to_the_exact_table_and_says_so(two_exports_db):
    at = _open("overview", country="India")
    picker = _picker(at)
    assert len(picker.options) == 2
    assert picker.value.startswith("tiv_table_india_by_supplier.csv — TIV table")
    assert _params(at)["source"] == "1"
    # under the cards and under the chart
    assert sum(TABLE_TEXT in c for c in _captions(at)) >= 2
    assert not any(REGISTER_TEXT in c for c in _captions(at))


def test_picking_the_register_changes_the_figures_and_the_url(two_exports_db):
    at = _open("overview", country="India")
    register = next(o for o in _picker(at).options if o.startswith("india-register.csv"))
    _picker(at).set_value(register).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _params(at)["source"] == "2"
    assert any(REGISTER_TEXT in c for c in _captions(at))
    assert not any(TABLE_TEXT in c for c in _captions(at))
    assert any("(estimated;" in m.value for m in at.metric)


def test_a_link_naming_the_source_opens_it(two_exports_db):
    at = _open("overview", country="India", source="2")
    assert _picker(at).value.startswith("india-register.csv")
    assert any(REGISTER_TEXT in c for c in _captions(at))


def test_no_picker_with_one_export(app_db):
    assert Store(app_db).import_bytes(TABLE, (DATA / TABLE).read_bytes()).ok
    at = _open("overview", country="India")
    assert not [s for s in at.selectbox if (s.key or "").startswith("overview_source")]
    assert any(TABLE_TEXT in c for c in _captions(at))


def test_import_mix_picker_changes_the_chart_and_keeps_the_url(two_exports_db):
    at = _open("import_mix", country="India")
    picker = at.selectbox(key="mix_source_India")
    assert picker.value.startswith("tiv_table_india_by_supplier.csv — TIV table")
    assert any(TABLE_TEXT in c for c in _captions(at))
    register = next(o for o in picker.options if o.startswith("india-register.csv"))
    picker.set_value(register).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _params(at)["source"] == "2"
    assert any(REGISTER_TEXT in c for c in _captions(at))
    assert not any(TABLE_TEXT in c for c in _captions(at))


def test_import_mix_link_naming_the_source_opens_it(two_exports_db):
    at = _open("import_mix", country="India", source="india-register.csv")
    assert at.selectbox(key="mix_source_India").value.startswith("india-register.csv")
    assert any(REGISTER_TEXT in c for c in _captions(at))


def test_periods_picker_feeds_the_table_and_keeps_the_url(two_exports_db):
    at = _open("periods", country="India")
    picker = at.selectbox(key="periods_source_India")
    assert picker.value.startswith("tiv_table_india_by_supplier.csv — TIV table")
    register = next(o for o in picker.options if o.startswith("india-register.csv"))
    picker.set_value(register).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _params(at)["source"] == "2"
    assert at.selectbox(key="periods_source_India").value.startswith("india-register.csv")
    # The periods tile over the register's years (the picked export's), not the table's
    # 2009-13 alone: the page compares two periods from the register.
    assert at.selectbox(key="periods_end").options[0] == "2024"
    at = _open("periods", country="India")  # the table: one period only, as the page says
    assert any("data span only 2009-13" in i.value for i in at.info)


def test_the_what_changed_table_names_its_source_once(app_db):
    """Its caption explains the columns; the export's source line names the data, once."""
    assert Store(app_db).import_bytes("india-register.csv", india_register()).ok  # 2009-2024
    at = _open("overview", country="India")
    captions = _captions(at)
    explained = [c for c in captions if "change in percentage points between" in c]
    assert len(explained) == 1 and "Source:" not in explained[0]
    assert not any("Source: SIPRI Arms Transfers Database, data generated" in c for c in captions)
    assert sum(REGISTER_TEXT in c for c in captions) >= 3  # cards, chart and the table
