"""Unit tests for the user-test fixes: the map's centre, counted nouns, short file names on
charts, and changes in percentage points that read like the shares they come from."""

from __future__ import annotations

import pandas as pd

from analysis.chart_meta import ChartMeta
from analysis.supplier_map import build_supplier_map


def test_the_supplier_map_is_centred_on_greenwich_not_the_pacific():
    suppliers = pd.DataFrame(
        {"supplier": ["Russia", "France", "United States"], "tiv": [36.0, 33.0, 13.0]}
    )
    chart = build_supplier_map(suppliers, meta=ChartMeta(title="t"), years=(2019, 2023))
    geo = chart.figure.layout.geo
    assert geo.projection.rotation.lon == 0
    assert geo.center.lon == 0
    assert tuple(geo.lonaxis.range) == (-180, 180)


def test_counts_are_singular_for_one():
    from analysis.vocab import counted

    assert counted(1, "recipient") == "1 recipient"
    assert counted(0, "deal") == "0 deals"
    assert counted(1200, "yearly flow") == "1,200 yearly flows"
    assert counted(2, "delivery", "deliveries") == "2 deliveries"


def test_the_loaders_notes_count_one_recipient_and_one_line_in_the_singular():
    from analysis.sipri import read_sipri

    from .conftest import DATA

    register = read_sipri(DATA / "register_cp1252.csv")
    assert "5 deals, 1 recipient, 5 suppliers." in register.notes[0]
    legacy = read_sipri(DATA / "register_legacy_2014.csv")
    assert "Ignored padding separators at the end of 1 line." in legacy.notes


LONG_NAME = "EXTRACT_new_tiv_INDIA-imports-by-supplier_1950-2024_gen2024-10-10__from_samcarlos.csv"


def test_long_file_names_are_shortened_in_the_middle_keeping_the_extension():
    from analysis.sources import SHORT_NAME_CHARS, short_file_name

    short = short_file_name(LONG_NAME)
    assert len(short) == SHORT_NAME_CHARS
    assert short.startswith("EXTRACT_new_tiv_IN") and short.endswith("samcarlos.csv")
    assert "…" in short
    assert short_file_name("india-tiv.csv") == "india-tiv.csv"
    no_ext = "x" * 60
    assert len(short_file_name(no_ext)) == SHORT_NAME_CHARS and "…" in short_file_name(no_ext)


def test_the_chart_shows_the_short_name_while_csv_and_bundle_keep_the_whole_name():
    import dataclasses

    from analysis import views
    from analysis.charts import build_import_mix_by_year
    from analysis.export import chart_data_csv, citation_text
    from analysis.results import Source
    from analysis.sources import short_file_name

    from .test_views import TINY

    view = views.import_mix_view(TINY, recipient="India", top_n=3)
    source = Source(1, LONG_NAME, "tiv_table", "2024-10-10", "imports", False)
    meta = dataclasses.replace(view.meta, sources=(source,))
    fig = build_import_mix_by_year(
        view.data[["year", "supplier", "tiv"]], meta=meta, top_n=3
    ).figure
    [footer] = [a.text for a in fig.layout.annotations if a.name == "source"]
    assert short_file_name(LONG_NAME) in footer.replace("<br>", " ")
    assert LONG_NAME not in footer.replace("<br>", "")
    assert LONG_NAME in chart_data_csv(view.data, meta).decode()
    assert LONG_NAME in citation_text(meta)


def test_a_change_between_whole_percent_figures_reads_whole_and_a_computed_one_keeps_its_decimal():
    from analysis.tables import published_change
    from analysis.vocab import pp_text

    assert pp_text((0.36 - 0.76) * 100) == "-40 pp"  # SIPRI's 76% and 36%, float noise and all
    assert pp_text((0.361 - 0.756) * 100) == "-39.5 pp"  # computed: exact, one decimal
    assert pp_text((0.14 - 0.095) * 100) == "+4.5 pp"  # 9.5% and 14%: one decimal
    assert pp_text(0.0) == "±0 pp" and pp_text(0.04) == "±0.0 pp"
    published = published_change("India").table.set_index("Supplier")
    assert published.loc["Russia", "Change (pp)"] == -40.0


def test_the_published_dumbbell_prints_minus_40_points_next_to_76_and_36_percent():
    from analysis import published_views

    view = published_views.published_comparison_view(recipient="India")
    later = next(t for t in view.fig.data if t.name == "2019-23")
    assert later.text == ("36% (-40 pp)",)
