"""AppTest of the Import mix page's weapon categories: filter, URL, breakdown, the sentence."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from analysis.categories import NO_CATEGORIES_SENTENCE, NO_SPLIT_CATEGORIES_SENTENCE
from analysis.store import Store

from .conftest import DATA, ROOT


def _store(db, *names: str) -> None:
    store = Store(db)
    for name in names:
        assert store.import_bytes(name, (DATA / name).read_bytes()).ok, name


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/import_mix.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _params(at: AppTest) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _trace_names(figure: dict) -> set[str]:
    return {trace["name"] for trace in figure["data"] if trace.get("type") == "bar"}


def test_deliveries_register_shows_categories_and_the_filter_is_kept_in_the_url(db):
    _store(db, "register_deliveries.csv")
    at = _open(country="Ukraine")
    assert at.selectbox(key="mix_country").value == "Ukraine"
    assert "By weapon category" in [h.value for h in at.subheader]
    mix, by_category = _figures(at)
    assert "by weapon category" in by_category["layout"]["title"]["text"]
    assert _trace_names(by_category) == {
        "Artillery",
        "Missiles",
        "Air defence systems",
        "Armoured vehicles",
    }
    assert "United States" in _trace_names(mix) and "Germany" in _trace_names(mix)
    # 2022-2023 spans no whole SIPRI period: a sentence instead of the table
    assert "no whole SIPRI 5-year period" in _captions(at)
    assert NO_CATEGORIES_SENTENCE not in _captions(at)

    weapons = at.multiselect(key="mix_weapon_categories")
    assert weapons.options == ["Air defence systems", "Armoured vehicles", "Artillery", "Missiles"]
    weapons.set_value(["Missiles"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _params(at)["category"] == "Missiles"
    mix = _figures(at)[0]
    assert _trace_names(mix) == {"United States"}
    assert "Weapon categories: Missiles" in mix["layout"]["title"]["subtitle"]["text"]

    # A shared link restores the filter.
    again = _open(country="Ukraine", category="Missiles|Artillery")
    assert again.multiselect(key="mix_weapon_categories").value == ["Artillery", "Missiles"]
    assert _trace_names(_figures(again)[0]) == {"United States", "Australia"}


def test_period_view_of_short_category_data_says_so(db):
    _store(db, "register_deliveries.csv")
    at = _open(country="Ukraine", by="period")
    # Neither chart has a whole period to show: two sentences, no exception, no event window.
    assert any("whole 5\\-year period" in e.value for e in at.error)  # md-escaped
    assert "span 2022\\-2023\\: no whole 5\\-year period" in _captions(at)
    assert "By weapon category" in [h.value for h in at.subheader]
    assert not at.get("plotly_chart")
    assert "mix_window_on" not in {t.key for t in at.toggle}


def test_per_deal_register_only_gives_the_sentence(db):
    _store(db, "register_cp1252.csv")
    at = _open(country="India")
    assert at.selectbox(key="mix_country").value == "India"
    assert NO_CATEGORIES_SENTENCE in _captions(at)
    assert "mix_weapon_categories" not in {w.key for w in at.multiselect}
    assert "By weapon category" not in [h.value for h in at.subheader]
    assert len(at.get("plotly_chart")) == 1  # the import mix only
    assert _params(at)["category"] == ""


def test_tiv_table_by_category_alone_gives_the_breakdown(db):
    _store(db, "tiv_table_old_categories_india.csv")
    at = _open(country="India")
    assert NO_SPLIT_CATEGORIES_SENTENCE in _captions(at)
    assert any("do not split India" in i.value for i in at.info)
    (figure,) = _figures(at)
    assert _trace_names(figure) == {"Aircraft", "Ships", "Air defence systems"}
    assert "Event window" not in [h.value for h in at.subheader]


def test_tiv_table_by_category_beside_a_table_by_supplier(db):
    _store(db, "tiv_table_old_categories_india.csv", "tiv_table_india_by_supplier.csv")
    at = _open(country="India")
    assert NO_SPLIT_CATEGORIES_SENTENCE in _captions(at)
    assert len(at.get("plotly_chart")) == 2
    assert "Event window: suppliers before and after an event" in [h.value for h in at.subheader]


@pytest.mark.samples
def test_ukraine_sample_period_table(db, sample_path):
    path = sample_path("new_register-deliveries_to-UKRAINE")
    assert Store(db).import_bytes(path.name, path.read_bytes()).ok
    at = _open(country="Ukraine")
    table = at.dataframe[0].value.set_index("Weapon category")
    assert {"Share 2014-18", "Share 2019-23", "TIV 2019-23 (millions)"} <= set(table.columns)
    assert table["TIV 2019-23 (millions)"].sum() > 0
    at.radio(key="mix_by").set_value("period").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2


def test_category_period_table_leaves_a_period_without_deliveries_blank(db):
    """A category delivered nothing in 2014-18: its share and TIV there are "–", not 0.0%."""
    fixture = (DATA / "register_deliveries.csv").read_text(encoding="utf-8")
    head = fixture[: fixture.index("101,Australia")]
    rows = [
        "201,Australia,Ukraine,UFH 155mm,towed gun,Artillery,2019,No,6,No,2019,No,New,1,1,6,No",
        "202,United States,Ukraine,Javelin,missile,Missiles,2013,No,10,No,2014,No,New,1,1,10,No",
        "202,United States,Ukraine,Javelin,missile,Missiles,2013,No,10,No,2020,No,New,1,1,10,No",
        "203,Germany,Ukraine,Gepard,SPAAG,Air-defence systems,2017,No,4,No,2018,No,New,1,1,4,No",
        "203,Germany,Ukraine,Gepard,SPAAG,Air-defence systems,2017,No,4,No,2023,No,New,1,1,4,No",
    ]
    assert Store(db).import_bytes("ukraine_2014-2023.csv", (head + "\n".join(rows)).encode()).ok
    at = _open(country="Ukraine", by="period")
    [table] = [t.value for t in at.dataframe if "Weapon category" in t.value.columns]
    artillery = table.set_index("Weapon category").loc["Artillery"]
    assert artillery["Share 2014-18"] == "–" and artillery["TIV 2014-18 (millions)"] == "–"
    assert artillery["Share 2019-23"] == "30%"
    assert "0.0%" not in set(table.astype(str).to_numpy().ravel())
