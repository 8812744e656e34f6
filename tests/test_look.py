"""What readers see on a chart: the value axis's title, the dark on-screen variant (exports
stay light) and the hidden event categories named in the subtitle."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import published_views, views
from analysis.chart_events import hidden_event_categories
from analysis.chart_meta import ChartMeta
from analysis.chart_style import DARK_SWAPS, PRINT_TEMPLATE, light_look, on_screen
from analysis.charts import (
    build_customers_over_time,
    build_import_mix_by_period,
    build_import_mix_by_year,
    value_axis_title,
)
from analysis.events import Event
from analysis.export import chart_data_csv, export_look, plotly_config
from analysis.period_comparison import build_period_comparison

META = ChartMeta("A chart", filters={"Recipient": "India"}, vintage=dt.date(2024, 10, 10))
BAND = Event(dt.date(2021, 3, 1), "A long visit", "visit", end=dt.date(2021, 6, 1), is_global=True)
LINE = Event(dt.date(2022, 2, 24), "Invasion", "conflict", is_global=True)


def _mix() -> pd.DataFrame:
    rows = [(y, s, t) for y in range(2019, 2024) for s, t in (("Russia", 3.0), ("Egypt", 1.0))]
    return pd.DataFrame(rows, columns=["year", "supplier", "tiv"])


def _customers() -> pd.DataFrame:
    return _mix().rename(columns={"supplier": "recipient"})


# --------------------------------------------------------------------------- (a) axis title


def test_share_axis_says_whose_total_the_share_is_of():
    exports = build_customers_over_time(
        _customers(), meta=META, exporter="France", measure="share"
    ).figure
    assert exports.layout.yaxis.title.text == "Share of the year's exports"
    imports = build_import_mix_by_year(_mix(), meta=META, recipient="India", measure="share").figure
    assert imports.layout.yaxis.title.text == "Share of the year's imports"
    for chart in (
        build_customers_over_time(_customers(), meta=META, exporter="France", measure="tiv"),
        build_import_mix_by_year(_mix(), meta=META, recipient="India", measure="tiv"),
    ):
        assert chart.figure.layout.yaxis.title.text == "TIV (millions)"
    assert value_axis_title("share", "recipient") == "Share of the year's exports"


def test_customers_view_in_share_mode_titles_its_axis_exports():
    flows = _customers().assign(supplier="France", vintage="2024-10-10")
    view = views.customers_view(flows, exporter="France", measure="share")
    assert view.fig.layout.yaxis.title.text == "Share of the year's exports"


# --------------------------------------------------------------------------- (f) dark variant


def _built_figures():
    period_mix = _mix().assign(period="2019-23").drop(columns="year")
    shares = pd.DataFrame(
        {"period": ["2014-18", "2019-23"], "supplier": ["Russia", "Russia"], "share": [0.6, 0.4]}
    )
    charts = [
        build_import_mix_by_year(
            _mix(), meta=META, events=[BAND, LINE], recipient="India", moving_average=True
        ),
        build_import_mix_by_period(period_mix, meta=META, events=[BAND], recipient="India"),
        build_period_comparison(shares, meta=META, period_a="2014-18", period_b="2019-23"),
    ]
    return [chart.figure for chart in charts]


def _colors(node, path=""):
    """Every (path, colour string) of a figure dict, layout.meta left out."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "meta":
                continue
            if isinstance(value, str) and key.lower().endswith("color"):
                yield f"{path}.{key}", value
            else:
                yield from _colors(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from _colors(value, f"{path}[{i}]")


@pytest.mark.parametrize("index", [0, 1, 2])
def test_dark_variant_swaps_background_text_and_grid_but_not_data(index):
    fig = _built_figures()[index]
    before = fig.to_dict()
    dark = on_screen(fig, dark=True)
    assert fig.to_dict() == before  # the built figure is not touched
    template = dark.layout.template.layout
    assert template.paper_bgcolor == template.plot_bgcolor == "#0E1117"
    assert template.font.color == DARK_SWAPS["#222222"]
    assert template.yaxis.gridcolor == DARK_SWAPS["#E5E5E5"]
    assert dark.layout.title.subtitle.font.color == DARK_SWAPS["#555555"]
    footer = [a for a in dark.layout.annotations if a.name == "source"]
    assert footer[0].font.color == DARK_SWAPS["#222222"]
    # Data colours stay: every trace's marker colour(s) are those of the light figure.
    for light_trace, dark_trace in zip(fig.data, dark.data, strict=True):
        assert dark_trace.marker.color == light_trace.marker.color
    # No light chrome colour is left on screen.
    light = {c.upper().replace(" ", "") for c in DARK_SWAPS}
    left = [p for p, c in _colors(dark.to_dict()) if c.upper().replace(" ", "") in light]
    assert left == []
    assert on_screen(fig, dark=False) is fig


def test_dark_variant_draws_events_in_light_ink():
    dark = on_screen(_built_figures()[0], dark=True)
    shapes = {s.name: s for s in dark.layout.shapes}
    assert shapes["event-1"].fillcolor == DARK_SWAPS["rgba(90, 90, 90, 0.16)"]
    assert shapes["event-2"].line.color == DARK_SWAPS["#333333"]
    moving_average = [t for t in dark.data if t.type == "scatter"][0]
    assert moving_average.line.color == DARK_SWAPS["#111111"]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_exports_of_a_dark_variant_are_light_again(index):
    fig = _built_figures()[index]
    dark = on_screen(fig, dark=True)
    # (light_look(fig) is fig redrawn from its dict: empty parts such as a None title go.)
    assert light_look(dark).to_dict() == light_look(fig).to_dict()
    exported = export_look(dark, 1600, 900)
    assert exported.to_dict() == export_look(fig, 1600, 900).to_dict()
    assert exported.layout.template.layout.paper_bgcolor == "#FFFFFF"
    assert exported.layout.template == PRINT_TEMPLATE
    assert "#0E1117" not in {c for _, c in _colors(exported.to_dict())}


def test_png_button_can_be_dropped_for_the_dark_screen():
    assert "modeBarButtonsToRemove" not in plotly_config("chart", 1600, 900, 2)
    config = plotly_config("chart", 1600, 900, 2, png_button=False)
    assert config["modeBarButtonsToRemove"] == ["toImage"]
    assert config["toImageButtonOptions"]["width"] == 1600


# --------------------------------------------------------------------------- (g) hidden events


def test_hidden_categories_are_named_in_the_subtitle_in_their_usual_order():
    assert hidden_event_categories(["sanction", "bogus", "visit", "visit"]) == (
        "visit",
        "sanction",
    )
    meta = ChartMeta("t", filters={"Recipient": "India"}, hidden_events=("visit", "sanction"))
    assert meta.subtitle_line() == "Recipient: India · Events hidden: visits, sanctions"
    assert ChartMeta("t", hidden_events=("delivery",)).subtitle_line() == (
        "Events hidden: deliveries"
    )
    explicit = ChartMeta("t", subtitle="Mine", hidden_events=("other",))
    assert explicit.subtitle_line() == "Mine · Events hidden: other events"
    assert ChartMeta("t", filters={"Recipient": "India"}).subtitle_line() == "Recipient: India"


def test_exported_chart_and_csv_say_which_event_categories_were_hidden():
    flows = _mix().assign(recipient="India", vintage="2024-10-10")
    view = views.import_mix_view(
        flows, [BAND, LINE], recipient="India", hidden_categories=("conflict", "sanction")
    )
    assert view.meta.hidden_events == ("sanction", "conflict")
    assert [e.title for e in view.events] == ["A long visit"]  # the conflict is hidden
    exported = export_look(view.fig, 1600, 900)
    assert exported.layout.title.subtitle.text.endswith("Events hidden: sanctions, conflicts")
    csv = chart_data_csv(view.data, view.meta, "")
    first_lines = (csv.decode("utf-8-sig") if isinstance(csv, bytes) else csv).splitlines()[:6]
    assert any("Events hidden: sanctions, conflicts" in line for line in first_lines)
    shown = views.import_mix_view(flows, [BAND, LINE], recipient="India")
    assert "Events hidden" not in shown.fig.layout.title.subtitle.text


@pytest.mark.parametrize(
    "make",
    [
        lambda f, h: views.period_comparison_view(
            f, recipient="India", period_a=(2014, 2018), period_b=(2019, 2023), hidden_categories=h
        ),
        lambda f, h: views.customers_view(f, exporter="Russia", hidden_categories=h),
        lambda f, h: views.supplier_map_view(f, recipient="India", hidden_categories=h),
        lambda f, h: published_views.published_mix_view(recipient="India", hidden_categories=h),
        lambda f, h: published_views.published_comparison_view(
            recipient="India", hidden_categories=h
        ),
    ],
)
def test_every_view_with_event_toggles_names_the_hidden_ones(make):
    rows = [(y, s, t) for y in range(2014, 2024) for s, t in (("Russia", 3.0), ("France", 1.0))]
    flows = pd.DataFrame(rows, columns=["year", "supplier", "tiv"]).assign(
        recipient="India", vintage="2024-10-10"
    )
    view = make(flows, ("visit",))
    assert view.meta.hidden_events == ("visit",)
    assert "Events hidden: visits" in view.fig.layout.title.subtitle.text
