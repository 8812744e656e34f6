"""AppTest: on Periods, picking another export resets the latest period's year to that
export's default, unless the URL's end= was set for the export shown."""

from __future__ import annotations

import pytest

from analysis.store import Store

from .conftest import DATA, open_page
from .register_fixture import india_register

pytestmark = [pytest.mark.app, pytest.mark.slow]

TABLE = "tiv_table_india_by_supplier.csv"  # India's imports, 2009-13: only 2013 as an anchor


@pytest.fixture
def two_exports_db(app_db):
    store = Store(app_db)
    assert store.import_bytes(TABLE, (DATA / TABLE).read_bytes()).ok  # dataset 1
    assert store.import_bytes("india-register.csv", india_register()).ok  # 2, 2009-2024
    return app_db


def _params(at) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def _pick(at, name: str):
    picker = at.selectbox(key="periods_source_India")
    picker.set_value(next(o for o in picker.options if o.startswith(name))).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_switching_the_source_resets_the_anchor_to_the_new_default(two_exports_db):
    at = open_page("periods", country="India")
    assert at.selectbox(key="periods_end").value == 2013  # the table's only anchor
    _pick(at, "india-register.csv")
    # 2013 is still a valid anchor for the register, but its default is its last year.
    assert at.selectbox(key="periods_end").value == 2024
    assert _params(at)["end"] == "2024"
    assert (at.selectbox(key="periods_a").value, at.selectbox(key="periods_b").value) == (
        "2015-19",
        "2020-24",
    )


def test_a_link_with_end_for_its_source_keeps_it(two_exports_db):
    at = open_page("periods", country="India", source="2", end="2018")
    assert at.selectbox(key="periods_source_India").value.startswith("india-register.csv")
    assert at.selectbox(key="periods_end").value == 2018
    at.run()  # a rerun with the same source keeps the link's year
    assert at.selectbox(key="periods_end").value == 2018


def test_the_users_anchor_stays_until_the_source_changes(two_exports_db):
    at = open_page("periods", country="India", source="2")
    at.selectbox(key="periods_end").set_value(2019).run()
    at.toggle(key="periods_lineage").set_value(True).run()
    assert at.selectbox(key="periods_end").value == 2019  # reruns keep the user's year
    _pick(at, TABLE)
    assert at.selectbox(key="periods_end").value == 2013
    _pick(at, "india-register.csv")
    assert at.selectbox(key="periods_end").value == 2024
