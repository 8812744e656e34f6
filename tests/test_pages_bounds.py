"""AppTest: periods on any anchor (Import mix, Periods) and bounds shown for estimated figures."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store

from .conftest import DATA, open_page
from .register_fixture import india_register


@pytest.fixture
def register_db(app_db):
    assert Store(app_db).import_bytes("india-register.csv", india_register()).ok
    return app_db


_open = open_page  # shared with the other page tests (conftest)


def _bounds_table(at: AppTest):
    """The first table showing estimated figures with their bounds."""
    for table in at.dataframe:
        frame = table.value
        if (
            frame.astype(str)
            .apply(lambda c: c.str.contains("(estimated;", regex=False))
            .any()
            .any()
        ):
            return frame
    raise AssertionError("no table of bounds on the page")


def _params(at: AppTest) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_periods_page_tiles_back_from_the_data_s_last_year(register_db):
    at = _open("periods")
    assert at.selectbox(key="periods_end").value == 2024
    assert at.selectbox(key="periods_b").options[:3] == ["2020-24", "2015-19", "2010-14"]
    assert (at.selectbox(key="periods_a").value, at.selectbox(key="periods_b").value) == (
        "2015-19",
        "2020-24",
    )
    assert _params(at)["end"] == "2024"


def test_periods_page_anchor_kept_in_the_url(register_db):
    at = _open("periods", end="2018")
    assert at.selectbox(key="periods_end").value == 2018
    assert at.selectbox(key="periods_b").value == "2014-18"
    at.selectbox(key="periods_end").set_value(2023).run()
    assert not at.exception
    assert at.selectbox(key="periods_b").value == "2019-23"
    assert _params(at)["end"] == "2023"
    assert (_params(at)["a"], _params(at)["b"]) == ("2014-18", "2019-23")


def test_an_old_link_naming_two_periods_keeps_them(register_db):
    at = _open("periods", a="2009-13", b="2014-18")
    assert at.selectbox(key="periods_end").value == 2018
    assert (at.selectbox(key="periods_a").value, at.selectbox(key="periods_b").value) == (
        "2009-13",
        "2014-18",
    )


def test_the_story_pair_is_one_click_away(register_db):
    at = _open("periods")
    at.button(key="periods_story").click().run()
    assert not at.exception
    assert at.selectbox(key="periods_end").value == 2023
    assert (at.selectbox(key="periods_a").value, at.selectbox(key="periods_b").value) == (
        "2009-13",
        "2019-23",
    )
    params = _params(at)
    assert (params["end"], params["a"], params["b"]) == ("2023", "2009-13", "2019-23")
    # Already showing the pair: no button.
    assert not [b for b in at.button if b.key == "periods_story"]


def test_no_story_button_when_the_data_do_not_cover_it(app_db):
    Store(app_db).import_bytes("india.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes())
    at = _open("periods", country="India")
    assert not [b for b in at.button if b.key == "periods_story"]


def test_periods_page_shows_bounds_for_a_per_deal_register(register_db):
    at = _open("periods", a="2009-13", b="2019-23")
    bounds = _bounds_table(at).set_index("Supplier")
    assert bounds.loc["Russia", "Share 2009-13"] == "93% (estimated; 44-100%)"
    assert bounds.loc["Israel", "Share 2019-23"] == "13% (estimated; 0.0-21%)"
    assert any("every way each deal's delivered TIV" in c.value for c in at.caption)


def test_overview_cards_show_bounds(register_db):
    at = _open("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Share from Russia, 2009-13"] == "93% (estimated; 44-100%)"


def test_import_mix_by_period_follows_the_anchor(register_db):
    at = _open("import_mix", by="period", end="2023")
    assert at.selectbox(key="mix_end").value == 2023
    table = _bounds_table(at)
    assert list(table.columns[:3]) == ["Supplier", "Share 2019-23", "Share 2014-18"]
    at.selectbox(key="mix_end").set_value(2022).run()
    assert not at.exception
    assert _params(at)["end"] == "2022"
    assert _bounds_table(at).columns[1] == "Share 2018-22"


def test_import_mix_by_year_has_no_anchor(register_db):
    at = _open("import_mix", by="year")
    assert not [s for s in at.selectbox if s.key == "mix_end"]


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_periods_chart_draws_the_bounds_as_error_bars(register_db):
    at = _open("periods", a="2009-13", b="2019-23")
    (figure,) = [f for f in _figures(at) if any(t.get("error_x") for t in f["data"])]
    # The earlier period's range: a trace of its own, off the line both markers share.
    (earlier,) = [t for t in figure["data"] if t.get("name") == "2009-13 range"]
    (markers,) = [t for t in figure["data"] if t.get("name") == "2009-13"]
    russia = markers["y"].index("Russia")
    x, bars = earlier["x"][russia], earlier["error_x"]
    # 93% (estimated; 44-100%): the bars reach the bounds table's range.
    assert (x - bars["arrayminus"][russia], x + bars["array"][russia]) == pytest.approx(
        (200 / 450, 1.0)
    )
    assert any("range over every split" in c.value for c in at.caption)


def test_import_mix_by_period_bars_are_hatched_when_estimated(register_db):
    at = _open("import_mix", by="period", end="2023")
    (figure,) = _figures(at)[:1]
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert bars and all(t["marker"]["pattern"]["shape"] == "/" for t in bars)
    assert any("Hatched bars are estimated" in c.value for c in at.caption)


def test_import_mix_bars_from_a_tiv_table_are_plain(app_db):
    Store(app_db).import_bytes("india.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes())
    at = _open("import_mix", country="India", by="period")
    (figure,) = _figures(at)[:1]
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert bars and not any(t.get("marker", {}).get("pattern") for t in bars)


def test_overview_what_changed_prints_bounds(register_db):
    at = _open("overview")
    changed = next(t.value for t in at.dataframe if "Change (pp)" in t.value.columns)
    rows = changed.set_index("Supplier")
    assert rows.loc["Russia", "Share 2009-13"] == "93% (estimated; 44-100%)"
