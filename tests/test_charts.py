"""Chart builders: events at the right dates, numbered markers on collision, stable colours."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.chart_events import event_date_text
from analysis.chart_meta import ChartMeta
from analysis.chart_tables import mix_by_period_data, mix_by_year_data
from analysis.charts import (
    build_customers_over_time,
    build_import_mix_by_period,
    build_import_mix_by_year,
)
from analysis.colors import MAIN_COLORS, MIN_DELTA_E, color_map, delta_e, supplier_color
from analysis.events import Event
from analysis.period_comparison import build_period_comparison
from analysis.supplier_map import build_supplier_map, iso3_codes
from analysis.vocab import moving_average, parse_period, period_label

from .conftest import examples

DELEGATION = Event(
    dt.date(2025, 10, 29),
    "Indian defence-industry delegation in Moscow",
    "visit",
    end=dt.date(2025, 10, 30),
    countries=("India", "Russia"),
)
PUTIN = Event(dt.date(2025, 12, 5), "Putin's visit to New Delhi", "visit", countries=("India",))
INVASION = Event(
    dt.date(2022, 2, 24), "Russia's full-scale invasion of Ukraine", "conflict", is_global=True
)
SANCTION = Event(dt.date(2019, 6, 1), "A sanction", "sanction", countries=("India",))
ELSEWHERE = Event(dt.date(2021, 3, 1), "Pakistan only", "order", countries=("Pakistan",))
META = ChartMeta(
    "India's arms imports",
    filters={"Recipient": "India", "Lineage": "separate"},
    vintage=dt.date(2024, 10, 10),
)


def mix(years=range(2015, 2026)) -> pd.DataFrame:
    rows = []
    for y in years:
        rows += [(y, "Russia", 10.0), (y, "France", 5.0), (y, "Israel", 1.0), (y, "Spain", 0.5)]
    return pd.DataFrame(rows, columns=["year", "supplier", "tiv"])


def shapes_by_name(fig):
    return {s.name: s for s in fig.layout.shapes}


def annotations_by_name(fig):
    return {a.name: a for a in fig.layout.annotations}


def test_line_for_single_day_band_for_range_at_their_dates():
    chart = build_import_mix_by_year(
        mix(), meta=META, events=[INVASION, DELEGATION], recipient="India"
    )
    fig = chart.figure
    shapes = shapes_by_name(fig)
    assert len(fig.layout.shapes) == 2
    line, band = shapes["event-1"], shapes["event-2"]
    assert (line.type, line.x0, line.x1) == ("line", "2022-02-24", "2022-02-24")
    # the band covers its last day: it ends at the start of the next day
    assert (band.type, band.x0, band.x1) == ("rect", "2025-10-29", "2025-10-31")
    assert [e["title"] for e in chart.drawn] == [INVASION.title, DELEGATION.title]


def test_well_separated_events_get_text_labels():
    chart = build_import_mix_by_year(
        mix(), meta=META, events=[SANCTION, INVASION], recipient="India"
    )
    fig = chart.figure
    notes = annotations_by_name(fig)
    assert chart.mode == "labels"
    assert notes["event-label-1"].text == "A sanction"
    assert notes["event-label-2"].text == "Russia's full-scale invasion of Ukraine"
    assert "event-legend" not in notes


def test_colliding_events_become_numbered_markers_with_legend():
    chart = build_import_mix_by_year(
        mix(range(1990, 2026)), meta=META, events=[DELEGATION, PUTIN], recipient="India"
    )
    fig = chart.figure
    notes = annotations_by_name(fig)
    assert chart.mode == "numbered"
    assert notes["event-marker-1"].text == "<b>1</b>"
    assert notes["event-marker-2"].text == "<b>2</b>"
    # 37 days apart on a 36-year axis: the markers are stacked, not drawn on top of each other
    assert notes["event-marker-1"].yshift != notes["event-marker-2"].yshift
    legend = notes["event-legend"].text
    assert "1 — Indian defence-industry delegation in Moscow (29–30 Oct 2025)" in legend
    assert "2 — Putin's visit to New Delhi (5 Dec 2025)" in legend


def test_hidden_categories_and_other_countries_draw_nothing():
    chart = build_import_mix_by_year(
        mix(),
        meta=META,
        events=[DELEGATION, PUTIN, INVASION, ELSEWHERE],
        hidden_categories={"visit"},
        recipient="India",
    )
    fig = chart.figure
    assert [e["title"] for e in chart.drawn] == [INVASION.title]
    assert len(fig.layout.shapes) == 1
    assert list(chart.outside) == []
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "Putin" not in texts and "Pakistan" not in texts


def test_events_outside_plotted_years_are_listed_not_dropped():
    chart = build_import_mix_by_year(
        mix(range(2000, 2024)), meta=META, events=[INVASION, PUTIN], recipient="India"
    )
    fig = chart.figure
    assert [e["title"] for e in chart.drawn] == [INVASION.title]
    outside = annotations_by_name(fig)["events-outside"].text
    assert outside.startswith("Not in plotted years:")
    assert "New Delhi (5 Dec 2025)" in outside


def test_year_range_widens_the_axis_to_reach_recent_events():
    chart = build_import_mix_by_year(
        mix(range(2000, 2024)),
        meta=META,
        events=[PUTIN],
        recipient="India",
        year_range=(2000, 2025),
    )
    fig = chart.figure
    assert fig.layout.xaxis.range == ("2000-01-01", "2026-01-01")
    assert chart.drawn[0]["x"] == "2025-12-05"


def test_yearly_bars_span_their_year_and_axis_says_so():
    chart = build_import_mix_by_year(mix([2020, 2021]), meta=META)
    fig = chart.figure
    russia = next(t for t in fig.data if t.name == "Russia")
    assert russia.x == ("2020-07-02", "2021-07-02T12:00:00")
    assert list(russia.width) == [366 * 86_400_000, 365 * 86_400_000]  # 2020 is a leap year
    assert "spans its calendar year" in fig.layout.xaxis.title.text


def test_shares_top_n_and_trace_colours():
    chart = build_import_mix_by_year(mix([2020]), meta=META, top_n=2)
    fig = chart.figure
    names = [t.name for t in fig.data]
    assert names == ["Russia", "France", "Others"]
    by_name = {t.name: t for t in fig.data}
    assert by_name["Russia"].y == (10 / 16.5,)
    assert by_name["Others"].y == (1.5 / 16.5,)
    assert by_name["Russia"].marker.color == MAIN_COLORS["Russia"]
    assert by_name["Others"].marker.color == MAIN_COLORS["Others"]
    table = chart.data
    assert table.to_dict("records") == [
        {"year": 2020, "supplier": "France", "tiv": 5.0, "share": 5 / 16.5},
        {"year": 2020, "supplier": "Others", "tiv": 1.5, "share": 1.5 / 16.5},
        {"year": 2020, "supplier": "Russia", "tiv": 10.0, "share": 10 / 16.5},
    ]


@pytest.mark.parametrize("measure", ["tiv", "share"])
def test_the_chart_data_is_what_the_bars_plot(measure):
    """A builder returns the plotted table next to the figure (``Chart.data``): per supplier
    and year it holds each bar's value, and the figure no longer carries the table."""
    frame = mix(range(2018, 2023))
    frame.loc[len(frame)] = (2019, "Russia", 2.5)  # two rows of one key are summed
    chart = build_import_mix_by_year(
        frame, meta=META, top_n=2, measure=measure, events=[INVASION], recipient="India"
    )
    bars = {t.name: t for t in chart.figure.data if t.type == "bar"}
    assert set(bars) == set(chart.data["supplier"]) == {"Russia", "France", "Others"}
    for name, bar in bars.items():
        rows = chart.data[chart.data["supplier"] == name]
        assert list(bar.y) == pytest.approx(rows[measure].tolist())
        assert float(sum(bar.y)) == pytest.approx(rows[measure].sum())
    sums = chart.data.groupby("supplier")["tiv"].sum()
    assert sums.to_dict() == pytest.approx({"Russia": 52.5, "France": 25.0, "Others": 7.5})
    assert [e["title"] for e in chart.drawn] == [INVASION.title]
    assert set(chart.figure.layout.meta) == {"chart", "title", "subtitle", "source"}
    assert "data" not in chart.figure.to_dict()["layout"]["meta"]


def test_period_chart_data_is_what_the_bars_plot():
    periods = pd.DataFrame(
        {
            "period": ["2014-18", "2014-18", "2019-23", "2019-23"],
            "supplier": ["Russia", "France", "Russia", "France"],
            "tiv": [6.0, 2.0, 3.0, 5.0],
        }
    )
    chart = build_import_mix_by_period(periods, meta=META, measure="tiv")
    plotted = {
        (period, t.name): y for t in chart.figure.data for period, y in zip(t.x, t.y, strict=True)
    }
    table = {(r.period, r.supplier): r.tiv for r in chart.data.itertuples()}
    assert (
        plotted
        == table
        == {
            ("2014-18", "Russia"): 6.0,
            ("2014-18", "France"): 2.0,
            ("2019-23", "Russia"): 3.0,
            ("2019-23", "France"): 5.0,
        }
    )
    assert "data" not in chart.figure.layout.meta and "events" not in chart.figure.layout.meta


def test_title_subtitle_and_source_line():
    chart = build_import_mix_by_year(mix(), meta=META)
    fig = chart.figure
    assert fig.layout.title.text == "<b>India's arms imports</b>"
    assert fig.layout.title.subtitle.text == "Recipient: India · Lineage: separate"
    source = annotations_by_name(fig)["source"].text
    assert source == "Source: SIPRI Arms Transfers Database, data generated 10 Oct 2024"
    seed = ChartMeta("Seed", citations=("SIPRI fact sheet, Mar 2024",))
    assert seed.source_line() == "Source: published SIPRI figures: SIPRI fact sheet, Mar 2024"


def test_user_markup_in_titles_is_escaped():
    event = Event(dt.date(2020, 1, 1), "<b>bold</b> & co", "other", is_global=True)
    chart = build_import_mix_by_year(mix(), meta=META, events=[event])
    fig = chart.figure
    assert annotations_by_name(fig)["event-label-1"].text == "&lt;b&gt;bold&lt;/b&gt; &amp; co"


def test_moving_average_is_the_sipri_window_share():
    table = mix_by_year_data(
        pd.DataFrame(
            {
                "year": [2000, 2001, 2002, 2003, 2004, 2004],
                "supplier": ["Russia"] * 5 + ["France"],
                "tiv": [1.0, 1.0, 1.0, 1.0, 1.0, 5.0],
            }
        )
    )
    share = moving_average(table, "Russia")
    assert share.loc[2002] == pytest.approx(5 / 10)
    assert share.isna().sum() == 4  # incomplete windows at both ends
    assert moving_average(table).loc[2002] == pytest.approx(10 / 5)
    chart = build_import_mix_by_year(
        table, meta=META, moving_average=True, moving_average_of="Russia"
    )
    fig = chart.figure
    line = next(t for t in fig.data if t.type == "scatter")
    assert line.y == (0.5,) and line.x == ("2002-07-02T12:00:00",)


def test_period_chart_marks_each_event_in_its_period():
    periods = pd.DataFrame(
        {"period": ["2009-13", "2019-23", "2024-28"], "supplier": ["Russia"] * 3, "tiv": [1.0] * 3}
    )
    chart = build_import_mix_by_period(
        periods, meta=META, events=[INVASION, DELEGATION, PUTIN, SANCTION], recipient="India"
    )
    fig = chart.figure
    assert [(e["title"], e["x"]) for e in chart.drawn] == [
        (SANCTION.title, "2019-23"),
        (INVASION.title, "2019-23"),
        (DELEGATION.title, "2024-28"),
        (PUTIN.title, "2024-28"),
    ]
    markers = [a for a in fig.layout.annotations if a.name.startswith("event-marker")]
    assert [m.x for m in markers] == ["2019-23", "2019-23", "2024-28", "2024-28"]
    assert len({m.yshift for m in markers if m.x == "2019-23"}) == 2


def test_period_chart_lists_events_before_its_periods():
    periods = pd.DataFrame({"period": ["2009-13"], "supplier": ["Russia"], "tiv": [1.0]})
    chart = build_import_mix_by_period(periods, meta=META, events=[INVASION])
    fig = chart.figure
    assert chart.drawn == ()
    assert "Russia" in annotations_by_name(fig)["events-outside"].text


def test_period_comparison_dumbbell():
    shares = mix_by_period_data(
        pd.DataFrame(
            {
                "period": ["2009-13", "2009-13", "2019-23", "2019-23"],
                "supplier": ["Russia", "France", "Russia", "France"],
                "tiv": [76.0, 24.0, 36.0, 64.0],
            }
        )
    )
    chart = build_period_comparison(
        shares, meta=META, period_a="2009-13", period_b="2019-23", events=[INVASION, PUTIN]
    )
    fig = chart.figure
    table = chart.data
    assert table["supplier"].tolist() == ["France", "Russia"]
    assert table["change_pp"].tolist() == pytest.approx([40.0, -40.0])
    later = next(t for t in fig.data if t.name == "2019-23")
    # Whole-percent figures give a whole change, as the tables print it.
    assert later.text == ("64% (+40 pp)", "36% (-40 pp)")
    assert [e["title"] for e in chart.drawn] == [INVASION.title]
    assert "Putin" in annotations_by_name(fig)["events-outside"].text


def test_customers_over_time_uses_recipients():
    flows = pd.DataFrame(
        {
            "year": [2020, 2020, 2021],
            "recipient": ["India", "China", "India"],
            "tiv": [3.0, 1.0, 2.0],
        }
    )
    chart = build_customers_over_time(flows, meta=META, exporter="Russia", events=[DELEGATION])
    fig = chart.figure
    assert [t.name for t in fig.data] == ["India", "China"]
    assert fig.data[0].marker.color == supplier_color("India")
    assert chart.drawn == ()  # 2025 event outside the 2020-21 axis
    assert list(chart.outside) == ["Indian defence-industry delegation in Moscow (29–30 Oct 2025)"]


def test_supplier_map_uses_iso3_and_lists_unmappable():
    frame = pd.DataFrame(
        {
            "supplier": ["United States", "Soviet Union", "UAE", "Turkiye", None],
            "tiv": [4.0, 3.0, 1.0, 1.0, 1.0],
        }
    )
    chart = build_supplier_map(frame, meta=META, years=(2019, 2023), recipient="India")
    fig = chart.figure
    assert fig.data[0].locations == ("USA", "TUR", "ARE")
    assert fig.data[0].z == (40.0, 10.0, 10.0)
    note = annotations_by_name(fig)["note-0"].text
    assert note == "Not on the map: Soviet Union (30%); unknown supplier(s) (10%)"


def test_supplier_map_note_never_prints_a_positive_share_as_zero():
    """India 2019-23: unknown supplier(s) delivered 0.5 TIV of some 12,000, shown as "0.0%"."""
    frame = pd.DataFrame(
        {"supplier": ["Russia", "Soviet Union", None], "tiv": [12000.0, 900.0, 0.5]}
    )
    chart = build_supplier_map(frame, meta=META, years=(2019, 2023), recipient="India")
    note = annotations_by_name(chart.figure)["note-0"].text
    assert note == "Not on the map: Soviet Union (7.0%); unknown supplier(s) (less than 0.1%)"


def test_iso3_mapping_covers_sipri_short_names():
    codes = iso3_codes()
    for name, iso in {
        "United States": "USA",
        "Russia": "RUS",
        "UAE": "ARE",
        "Turkiye": "TUR",
        "Viet Nam": "VNM",
        "DR Congo": "COD",
        "Czechia": "CZE",
    }.items():
        assert codes[name] == iso


def test_periods_and_dates_text():
    assert parse_period("2019-23") == (2019, 2023)
    assert parse_period("1998-02") == (1998, 2002)
    assert parse_period("2019–2023") == (2019, 2023)
    assert period_label(1998, 2002) == "1998-2002"
    assert period_label(2019, 2023) == "2019-23"
    assert event_date_text(DELEGATION) == "29–30 Oct 2025"
    cross = Event(dt.date(2025, 11, 30), "x", end=dt.date(2025, 12, 2))
    assert event_date_text(cross) == "30 Nov – 2 Dec 2025"


def test_main_colours_are_fixed_and_lineage_hues_close():
    assert supplier_color("Russia") == "#B2182B"
    assert supplier_color("USA") == supplier_color("United States")
    assert supplier_color(None) == MAIN_COLORS["unknown supplier(s)"]
    assert len(set(MAIN_COLORS.values())) == len(MAIN_COLORS)


def _hashed_name(text: str) -> bool:
    return text.strip() != "" and supplier_color(text) not in MAIN_COLORS.values()


@settings(max_examples=examples(50), deadline=None)
@given(
    st.lists(
        st.text(min_size=1, max_size=20).filter(_hashed_name),
        min_size=1,
        max_size=8,
        unique_by=lambda s: " ".join(s.split()).casefold(),
    )
)
def test_colours_drawn_together_are_distinct_and_move_only_on_a_clash(names):
    full = color_map(names)
    assert color_map(list(reversed(names))) == full  # not the order of the names
    assert all(c.startswith("#") and len(c) == 7 for c in full.values())
    for a, b in itertools.combinations(names, 2):
        assert delta_e(full[a], full[b]) >= MIN_DELTA_E, (a, b)
    for name in names:
        own = supplier_color(name)
        # A name leaves its own colour only for a name next to it whose colour is too close.
        if full[name] != own:
            assert any(delta_e(full[o], own) < MIN_DELTA_E for o in names if o != name)
        assert color_map([name]) == {name: own}


@pytest.mark.slow
def test_hashed_colour_is_stable_across_processes():
    import subprocess
    import sys

    code = "from analysis.colors import supplier_color; print(supplier_color('Kazakhstan'))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    ).stdout.strip()
    assert out == supplier_color("Kazakhstan")


@settings(max_examples=examples(30), deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1990, 2030), st.integers(1, 365), st.integers(0, 3)),
        min_size=0,
        max_size=6,
    )
)
def test_every_shown_event_is_drawn_once_or_listed(specs):
    events = [
        Event(
            dt.date(y, 1, 1) + dt.timedelta(days=d - 1),
            f"e{i}",
            "other",
            end=(dt.date(y, 1, 1) + dt.timedelta(days=d - 1 + span)) if span else None,
            is_global=True,
        )
        for i, (y, d, span) in enumerate(specs)
    ]
    chart = build_import_mix_by_year(mix(range(2000, 2021)), meta=META, events=events)
    fig = chart.figure
    drawn = {e["title"] for e in chart.drawn}
    outside = list(chart.outside)
    assert len(fig.layout.shapes) == len(drawn)
    assert len(drawn) + len(outside) == len(events)
    for e in events:
        in_range = e.start.year <= 2020 and (e.end or e.start).year >= 2000
        assert (e.title in drawn) == in_range


def test_a_single_series_keeps_its_legend():
    """plotly hides a lone trace's legend; the reader must still see whose bars these are."""
    one = pd.DataFrame({"year": [2020, 2021], "recipient": ["India", "India"], "tiv": [5.0, 6.0]})
    chart = build_customers_over_time(one, meta=META, exporter="Russia")
    fig = chart.figure
    assert fig.layout.showlegend is True
    assert [t.name for t in fig.data if t.type == "bar"] == ["India"]


def test_a_long_subtitle_wraps_and_the_plot_moves_down():
    filters = {f"Filter {i}": "a fairly long value for the subtitle" for i in range(6)}
    short = build_import_mix_by_year(mix([2020, 2021]), meta=META).figure
    long = build_import_mix_by_year(
        mix([2020, 2021]), meta=ChartMeta(title="T", filters=filters, vintage="2024-10-10")
    ).figure
    assert "<br>" in long.layout.title.subtitle.text
    assert long.layout.margin.t > short.layout.margin.t
