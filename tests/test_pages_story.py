"""AppTest of the analytical pages: Overview, Import mix, Periods, Suppliers (seed and samples)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store

from .conftest import DATA, open_page


@pytest.fixture
def india_db(db, sample_path):
    store = Store(db)
    for prefix in ("EXTRACT_new_tiv_INDIA", "new_tiv_importers-all"):
        path = sample_path(prefix)
        assert store.import_bytes(path.name, path.read_bytes()).ok
    return db


_open = open_page  # shared with the other page tests (conftest)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _params(at: AppTest) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_overview_seed_only_tells_the_story(db):
    at = _open("overview")
    metrics = _metrics(at)
    assert metrics["Share from Russia, 2009-13"] == "76%"
    assert metrics["Share from Russia, 2019-23"] == "36%"
    # The cards name the SIPRI release each figure comes from, not the press article's month;
    # the article is a footnote.
    assert "Published by SIPRI, release 2019-03" in _captions(at)
    assert "Published by SIPRI, release 2024-03" in _captions(at)
    assert "2025-12" not in _captions(at)
    assert "The Moscow Times" in _captions(at)
    assert len(at.get("plotly_chart")) == 1
    assert any("Only the built-in published SIPRI figures" in i.value for i in at.info)
    changed = at.dataframe[0].value.set_index("Supplier")
    # The column has gaps (suppliers SIPRI did not name in one period), so it is shown as text.
    assert float(changed.loc["Russia", "Change (pp)"]) == -40.0


def test_other_pages_seed_only_show_the_upload_hint(db):
    for page in ("import_mix", "suppliers"):
        at = _open(page)
        assert any("Data" in i.value for i in at.info)
    at = _open("periods")
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.samples
def test_overview_computed_from_india_sample(india_db):
    at = _open("overview")
    metrics = _metrics(at)
    assert metrics["Share from Russia, 2009-13"] == "76%"
    assert metrics["Share from Russia, 2019-23"] == "36%"
    captions = _captions(at)
    assert "Computed from the loaded SIPRI export, data generated 10 Oct 2024" in captions
    spec = at.get("plotly_chart")[0].proto.spec  # the note is on the chart (and its exports)
    assert "axis runs to December 2025" in spec.replace("<br>", " ")
    changed = at.dataframe[0].value.set_index("Supplier")
    assert changed.loc["France", "Share 2019-23"] == "33%"
    assert not any("Only the built-in" in i.value for i in at.info)


@pytest.mark.samples
def test_import_mix_toggles_and_url(india_db):
    at = _open("import_mix")
    assert _params(at)["by"] == "year"
    at.radio(key="mix_by").set_value("period").run()
    at.toggle(key="mix_lineage").set_value(True).run()
    at.number_input(key="mix_top").set_value(3).run()
    assert not at.exception
    assert "Events outside the plotted years" in _captions(at)
    params = _params(at)
    assert params["by"] == "period" and params["lineage"] == "1" and params["top"] == "3"
    assert not at.dataframe  # the event window waits to be asked for
    at.toggle(key="mix_window_on").set_value(True).run()
    assert _params(at)["window_on"] == "1"
    window = at.dataframe[0].value.set_index("Supplier")
    assert "Share 2017-21 (before)" in window.columns
    assert "Deliveries lag orders by years" in _captions(at)


@pytest.mark.samples
def test_import_mix_url_restores_view(india_db):
    at = _open("import_mix", by="period", measure="tiv", lineage="1", top="4", ma="0")
    assert at.radio(key="mix_by").value == "period"
    assert at.radio(key="mix_measure").value == "tiv"
    assert at.toggle(key="mix_lineage").value is True
    assert at.number_input(key="mix_top").value == 4


@pytest.mark.samples
def test_periods_page_self_check_matches(india_db):
    at = _open("periods", a="2009-13", b="2019-23")
    assert at.selectbox(key="periods_a").value == "2009-13"
    table = at.dataframe[0].value.set_index("Supplier")
    assert table.loc["Russia", "Share 2009-13"] == "76%"
    assert table.loc["Russia", "Share 2019-23"] == "36%"
    world = at.dataframe[1].value
    assert list(world["Period"]) == ["2009-13", "2019-23"]
    check = at.dataframe[2].value
    seed = check[check["Source"].str.contains("Moscow Times")]
    assert list(seed["Verdict"]) == ["match", "match"]


@pytest.mark.samples
def test_periods_default_is_latest_two_periods(india_db):
    at = _open("periods")
    assert at.selectbox(key="periods_a").value == "2014-18"
    assert at.selectbox(key="periods_b").value == "2019-23"


@pytest.mark.samples
def test_suppliers_page(india_db):
    at = _open("suppliers", exporter="France")
    assert at.selectbox(key="sup_exporter").value == "France"
    assert len(at.get("plotly_chart")) == 2
    assert "Counts only the recipients in the loaded data" in _captions(at)


def test_toolbar_png_button_follows_the_size_chosen_for_downloads(db):
    """The plotly toolbar's PNG gets the download panel's size, scale and file name."""
    import json

    at = _open("overview")

    def toolbar() -> dict:
        return json.loads(at.get("plotly_chart")[0].proto.config)["toImageButtonOptions"]

    assert (toolbar()["width"], toolbar()["height"], toolbar()["scale"]) == (1600, 900, 2)
    at.toggle(key="overview_mix_downloads").set_value(True).run()
    at.selectbox(key="overview_mix_preset").set_value("square").run()
    at.selectbox(key="overview_mix_scale").set_value(3).run()
    assert not at.exception
    options = toolbar()
    assert (options["width"], options["height"], options["scale"]) == (1080, 1080, 3)
    assert options["filename"].startswith("indias-arms-imports")


def test_periods_page_with_a_single_period_asks_for_two(db):
    """Data spanning one 5-year period: no crash, a sentence instead of the comparison."""
    Store(db).import_bytes("india.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes())
    at = _open("periods", country="India")
    assert not at.exception
    assert any("Choose two different periods" in i.value for i in at.info)
