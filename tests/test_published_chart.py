"""SIPRI's published figures drawn honestly: no "Others" supplier, one source line, footnotes."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import published_chart, published_views, views
from analysis.blanks import NOT_PUBLISHED, PUBLISHED_REASONS, blank_reasons
from analysis.chart_style import FOOTER_WRAP_CHARS, plotly_text
from analysis.export import citation_text
from analysis.published_chart import (
    NOT_BROKEN_DOWN_FILL,
    footnote_text,
    published_source_line,
    releases_text,
    supplier_table,
)
from analysis.vocab import NOT_BROKEN_DOWN, OTHERS


def _bars(view):
    return {t.name: t for t in view.fig.data if t.type == "bar"}


def test_no_supplier_called_others_where_sipri_published_only_some_shares():
    view = published_views.published_mix_view([], recipient="India")
    bars = _bars(view)
    assert OTHERS not in bars
    # 2020-24: SIPRI published only Russia's 36%: the other 64% is not broken down.
    rest = bars[plotly_text(NOT_BROKEN_DOWN)]
    by_period = dict(zip(rest.x, rest.y, strict=True))
    assert by_period["2020-24"] == pytest.approx(0.64)
    assert set(view.data["supplier"]) == {
        "Russia",
        "France",
        "Israel",
        "United States",
        NOT_BROKEN_DOWN,
    }


def test_the_part_not_broken_down_is_light_hatched_and_on_top():
    view = published_views.published_mix_view([], recipient="India")
    last = view.fig.data[-1]
    assert last.name == plotly_text(NOT_BROKEN_DOWN)
    assert last.marker.color == NOT_BROKEN_DOWN_FILL
    assert last.marker.pattern.shape == "/"
    assert "not broken down" in last.hovertemplate
    # Named suppliers keep their own colours and no pattern.
    russia = _bars(view)["Russia"]
    assert russia.marker.color != NOT_BROKEN_DOWN_FILL and not russia.marker.pattern.shape


def test_the_source_line_is_one_line_and_the_press_sources_are_kept_for_footnotes():
    view = published_views.published_mix_view([], recipient="India")
    sources = [a for a in view.fig.layout.annotations if a.name == "source"]
    assert len(sources) == 1 and "<br>" not in sources[0].text
    assert len(view.meta.source_line()) <= FOOTER_WRAP_CHARS
    assert view.meta.source_line().startswith("Source: SIPRI, published figures (releases ")
    assert "Moscow Times" not in view.meta.source_line()
    assert any("Moscow Times" in c for c in view.meta.citations)
    bundle_citation = citation_text(view.meta)
    assert "Published figures as quoted by:" in bundle_citation
    assert "The Moscow Times" in bundle_citation
    assert "The Moscow Times" in footnote_text(view.meta.citations)


def test_the_published_dumbbell_compares_named_suppliers_only():
    view = published_views.published_comparison_view([], recipient="India")
    assert NOT_BROKEN_DOWN not in set(view.data["supplier"])
    assert "<br>" not in view.meta.source_line()


def test_releases_text_and_source_line():
    assert releases_text([]) == ""
    assert releases_text(["2024-03", "2024-03"]) == "release 2024-03"
    assert releases_text(["2026", "2014-03", None]) == "releases 2014-03 to 2026"
    one = pd.DataFrame({"supplier": ["Russia"], "release": ["2024-03"]})
    assert published_source_line(one) == "Source: SIPRI, published figures (release 2024-03)"
    assert footnote_text([]) == ""


def test_supplier_table_leaves_unpublished_shares_blank():
    table = supplier_table(published_chart.published_mix("India")).set_index("Period")
    assert table.loc["2009-13", "Russia"] == "76%"
    assert pd.isna(table.loc["2020-24", "France"])  # not published, never 0%
    assert table.loc["2020-24", "Not broken down"] == "64%"
    assert list(table.columns)[-1] == "Not broken down"
    reasons = blank_reasons(table.reset_index(), PUBLISHED_REASONS)
    assert reasons["France"] == NOT_PUBLISHED and "Russia" not in reasons


def test_published_sources_name_each_source_once_with_its_figures():
    from analysis.published import load_published
    from analysis.published_chart import published_sources

    lines = published_sources(load_published())
    hindu = [line for line in lines if "thehindu.com" in line]
    assert len(hindu) == 1
    assert "India's imports from the United States, 2017-21: 12%" in hindu[0]
    assert not any("United States's" in line for line in lines)


def test_titles_and_sentences_name_countries_with_the_where_needed():
    flows = pd.DataFrame(
        {
            "recipient": ["Philippines", "Philippines"],
            "supplier": ["United States", "South Korea"],
            "year": [2020, 2021],
            "tiv": [5.0, 3.0],
            "vintage": ["2024-10-10", "2024-10-10"],
        }
    )
    exports = views.customers_view(flows, exporter="United States")
    assert exports.meta.title == "The United States' arms exports by recipient, by year"
    world = views.supplier_map_view(flows, recipient="Philippines", years=(2020, 2021))
    assert world.meta.title == "Where the Philippines' arms imports came from, 2020-21"
    with pytest.raises(ValueError, match="no deliveries from the Netherlands"):
        views.customers_view(flows, exporter="Netherlands")


def test_footnote_names_each_source_once():
    """The Overview cards for 2009-13 and 2019-23 both come from the seed article: the footnote
    under them names it once."""
    moscow = "The Moscow Times, citing Reuters and SIPRI (seed article, Dec 2025)"
    text = footnote_text([moscow, "SIPRI fact sheet, Mar 2019", moscow, " "])
    assert text == f"Published figures as quoted by: {moscow}; SIPRI fact sheet, Mar 2019."
