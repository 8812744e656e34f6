"""AppTest of what readers see in the pages' tables and texts: no None/NaN cells, the
self-check's headline, the About page's glossary, and dark charts for a dark app."""

from __future__ import annotations

import json

import pandas as pd
from streamlit import dataframe_util

from analysis.store import Store

from .conftest import DATA, open_page

MISSING_TEXTS = {"", "None", "none", "nan", "NaN", "<NA>", "NaT"}


def _india_2009_2018() -> bytes:
    """A SIPRI TIV table of India's imports, 2009-2018: France only from 2016 (no volume
    change from zero), Israel only until 2013."""
    preamble = (DATA / "tiv_table_india_by_supplier.csv").read_text().splitlines()[:9]
    years = list(range(2009, 2019))
    rows = {
        "Russia": [100] * 10,
        "France": [None] * 7 + [50, 60, 70],
        "Israel": [20] * 5 + [None] * 5,
    }
    totals = [sum(v[i] or 0 for v in rows.values()) for i in range(len(years))]
    lines = [
        *preamble,
        "Supplier," + ",".join(map(str, years)) + ",2009-2018,Percentage,Sum total years,"
        "Percentage of total",
    ]
    for name, values in rows.items():
        total = sum(v or 0 for v in values)
        cells = ",".join("" if v is None else str(v) for v in values)
        lines.append(f"{name},{cells},{total},,{total},")
    lines.append("Total exports to India," + ",".join(map(str, totals)) + f",{sum(totals)},,,")
    return ("\n".join(lines) + "\n").encode()


_open = open_page  # shared with the other page tests (conftest)


def _shown(table) -> pd.DataFrame:
    """The cells as displayed: a styled table's display values, else its values as text."""
    styler = table.proto.arrow_data.styler
    if styler.display_values:
        return dataframe_util.convert_arrow_bytes_to_pandas_df(styler.display_values)
    return table.value.astype("string").fillna("<NA>")


def test_periods_page_tables_show_no_none_or_nan(db):
    assert Store(db).import_bytes("india.csv", _india_2009_2018()).ok
    at = _open("periods", country="India", a="2009-13", b="2014-18")
    assert len(at.dataframe) == 2  # supplier table and self-check (no world table loaded)
    for table in at.dataframe:
        shown = _shown(table)
        texts = {str(v).strip() for v in shown.to_numpy().ravel()}
        assert not texts & MISSING_TEXTS, (table.key, texts & MISSING_TEXTS)
    suppliers = at.dataframe[0]
    raw = suppliers.value.set_index("Supplier")
    # A number column with a gap is sent as text (st.dataframe would draw "None" otherwise).
    assert raw.loc["France", "Volume change (%)"] == "–"
    shown = _shown(suppliers)
    shown.index = raw.index
    assert shown.loc["France", "Volume change (%)"] == "–"  # ...and shows as a dash
    assert shown.loc["Israel", "Volume change (%)"] == "-100"


def test_periods_self_check_headline_separates_other_releases(db):
    assert Store(db).import_bytes("india.csv", _india_2009_2018()).ok
    at = _open("periods", country="India", a="2009-13", b="2014-18")
    text = "\n".join(m.value for m in at.markdown)
    # The data say "generated 10 Oct 2024": no published figure of 2009-18 is from 2024.
    assert "No published figure here comes from the same release as the data." in text
    assert "come from other SIPRI releases (SIPRI revises its series every year)" in text
    check = at.dataframe[1].value
    assert len(check) > 0 and set(check["Verdict"]) <= {"match", "differs"}


def test_about_page_has_a_glossary(db):
    at = _open("about")
    assert "Glossary" in [h.value for h in at.subheader]
    text = "\n".join(m.value for m in at.markdown)
    for term in (
        "trend-indicator value",
        "40%",
        "66%",
        "`?`",
        "Order vs delivery",
        "5-year periods",
        "top-3 share",
        "HHI",
        "spreading the\n  deal's TIV evenly",
        "https://www.sipri.org/databases/armstransfers/sources-and-methods",
    ):
        assert term in text, term


def test_charts_are_dark_on_a_dark_page_and_the_toolbar_png_stays_light(db, monkeypatch):
    import pages.common

    monkeypatch.setattr(pages.common, "viewer_prefers_dark", lambda: True)
    monkeypatch.setattr(pages.common, "_chromium_available", lambda: True)
    at = _open("overview")
    chart = at.get("plotly_chart")[0].proto
    spec = json.loads(chart.spec)
    assert spec["layout"]["template"]["layout"]["paper_bgcolor"] == "#0E1117"
    # The toolbar's PNG would save the dark screen: the light server export replaces it.
    assert json.loads(chart.config)["modeBarButtonsToRemove"] == ["toImage"]


def test_charts_are_light_when_the_theme_is_unknown(db):
    at = _open("overview")
    chart = at.get("plotly_chart")[0].proto
    spec = json.loads(chart.spec)
    assert spec["layout"]["template"]["layout"]["paper_bgcolor"] == "#FFFFFF"
    assert "modeBarButtonsToRemove" not in json.loads(chart.config)


def test_dash_missing_turns_none_in_number_and_text_columns_into_a_dash():
    """The browser printed a raw None where a column mixed numbers and None (object dtype)."""
    import pandas as pd

    from pages.common import dash_missing

    frame = pd.DataFrame(
        {
            "Change (pp)": pd.Series([-39.5, None, 31.7], dtype=object),
            "Reason": pd.Series([None, None, None], dtype=object),
            "Supplier": ["Russia", "France", "None"],
        }
    )
    styled = dash_missing(frame)
    # st.dataframe ignores na_rep for numbers: a number column with a gap is shown as text.
    assert list(styled.data["Change (pp)"]) == ["-39.5", "–", "31.7"]
    shown = styled.to_html()
    assert "None" not in shown.replace("Russia", "")
    assert shown.count("–") == 5  # one missing change, three reasons, the "None" supplier
    assert "-39.5" in shown and "31.7" in shown
