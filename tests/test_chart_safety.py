"""Output safety and robustness of the chart builders.

Every string from a file or a user reaches plotly escaped once (plotly.js renders a subset of
HTML in titles, legend names, category ticks, hover labels and annotations), and no number or
date of events makes a chart slow or raise.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis import chart_events, published_views, supplier_map, views
from analysis.chart_events import MAX_DRAWN_EVENTS, MAX_LISTED_OUTSIDE, not_drawn_sentence
from analysis.chart_meta import ChartMeta
from analysis.chart_style import plotly_text
from analysis.charts import (
    build_customers_over_time,
    build_import_mix_by_period,
    build_import_mix_by_year,
)
from analysis.events import Event
from analysis.period_comparison import build_period_comparison
from analysis.supplier_map import build_supplier_map

from .conftest import needs_chromium

LINK = '<a href="http://evil.example/">x</a>'
BOLD = "<b>bold</b>"
BREAK = "<br>"
SUP = "<sup>1</sup>"
ENTITY = "&amp;"
AMPERSAND = "A & B"
# plotly.js fills %{...} in text fields from layout.meta, which holds the raw title and source.
TEMPLATE = "%{meta.events.outside[0]}"
BROKEN = "Brk<br>Line"
HOSTILE = [LINK, BOLD, BREAK, SUP, ENTITY, AMPERSAND, TEMPLATE, BROKEN]
# Raw fragments that must never reach a rendered string (the chart's own <b>/<br> are allowed).
RAW = [LINK, '<a href="http://evil', BOLD, SUP, "<sup>", BROKEN, "%{meta"]
OWN_TAGS = {"<b>", "</b>", "<br>", "<extra>", "</extra>"}

# What plotly.js does to a text field before drawing it (lib/svg_text_utils.js): split on tags,
# decode these entities (and numeric ones) in the pieces between them.
TAG = re.compile(r"(<[^<>]*>)")
ENTITY_RE = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")
NAMED = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×"}
NAMED |= {"plusmn": "±", "deg": "°"}


def _decode(match: re.Match[str]) -> str:
    inner = match.group(1)
    if inner.startswith("#"):
        return chr(int(inner[2:], 16) if inner[1] == "x" else int(inner[1:]))
    return NAMED.get(inner, match.group(0))


def shown(text: str) -> str:
    """The text plotly.js draws for ``text``: tags dropped, entities decoded."""
    return "".join(ENTITY_RE.sub(_decode, part) for part in TAG.split(text) if not TAG.match(part))


def rendered_strings(fig) -> Iterator[str]:
    """Every string of the figure's data and layout, except layout.meta.

    layout.meta is never drawn: it keeps the raw title and source line (plotly.js
    would substitute it only into a ``%{...}`` written in a text field, which escaping breaks).
    """
    spec = fig.to_plotly_json()
    layout = {k: v for k, v in spec["layout"].items() if k != "meta"}
    yield from _strings(spec["data"])
    yield from _strings(layout)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        for item in value.ravel().tolist():
            yield from _strings(item)


def assert_safe(fig, expected: list[str]) -> list[str]:
    """No hostile markup in any rendered string; each expected name is shown literally."""
    strings = list(rendered_strings(fig))
    for text in strings:
        assert set(TAG.findall(text)) <= OWN_TAGS, text
        for fragment in RAW:
            assert fragment not in text, text
        # escaped exactly once
        assert "&amp;lt;" not in text and "&amp;gt;" not in text, text
    texts = [shown(t) for t in strings]
    for name in expected:
        assert any(name in t for t in texts), f"{name!r} is not shown literally anywhere"
    return strings


def _trace_names(fig) -> list[str]:
    return [shown(t.name) for t in fig.data if t.name]


META = ChartMeta(
    title=f"Imports of {LINK} and {BOLD}",
    filters={"Recipient": LINK, "Note": f"{SUP} {BROKEN} {ENTITY} {TEMPLATE}"},
    citations=(f"fact sheet {AMPERSAND}",),
)
# Far apart: drawn with text labels. Close together: numbered markers and a legend.
APART = [
    Event(dt.date(2015, 6, 1), LINK, "visit", is_global=True),
    Event(dt.date(2019, 6, 1), BOLD, "order", end=dt.date(2019, 8, 1), is_global=True),
]
CROWDED = [
    Event(dt.date(2018, 3, 1) + dt.timedelta(days=i), title, "other", is_global=True)
    for i, title in enumerate(HOSTILE)
]
LATER = Event(dt.date(2031, 1, 1), f"later {LINK} {TEMPLATE}", "other", is_global=True)


def yearly(series: str = "supplier") -> pd.DataFrame:
    rows = [(y, name, float(i + 1)) for y in range(2015, 2021) for i, name in enumerate(HOSTILE)]
    return pd.DataFrame(rows, columns=["year", series, "tiv"])


def by_period(periods=("2009<b>13", "2019<sup>23")) -> pd.DataFrame:
    rows = [(p, name, float(i + 1)) for p in periods for i, name in enumerate(HOSTILE)]
    return pd.DataFrame(rows, columns=["period", "supplier", "tiv"])


# ---------------------------------------------------------------------------------------------
# The helper


def test_plotly_text_escapes_markup_once_and_shows_it_literally():
    assert plotly_text("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert plotly_text(ENTITY) == "&amp;amp;"
    assert plotly_text(TEMPLATE) == "&#37;{meta.events.outside[0]}"
    assert plotly_text('India\'s "arms"') == 'India\'s "arms"'  # plotly.js has no &quot;
    for name in [*HOSTILE, 'India\'s "arms" 5%']:
        assert shown(plotly_text(name)) == name
        assert not TAG.search(plotly_text(name))


def test_shown_mimics_plotly():
    assert shown("<b>x</b>&lt;b&gt;") == "x<b>"
    assert shown("&amp;amp;") == "&amp;"
    assert shown("&quot;") == "&quot;"


# ---------------------------------------------------------------------------------------------
# Every builder, hostile names everywhere


@pytest.mark.parametrize("events", [APART, CROWDED + [LATER]], ids=["labels", "numbered"])
def test_import_mix_by_year(events):
    chart = build_import_mix_by_year(
        yearly(),
        meta=META,
        events=events,
        moving_average=True,
        moving_average_of=LINK,
        measure="tiv",
    )
    fig = chart.figure
    assert_safe(fig, [*HOSTILE, *(e.title for e in events), *META.filters.values()])
    assert sorted(n for n in _trace_names(fig) if "moving average" not in n) == sorted(HOSTILE)
    assert sorted(chart.data["supplier"].unique()) == sorted(HOSTILE)  # CSV: raw names
    assert [e["title"] for e in chart.drawn] == [e.title for e in events if e is not LATER]
    assert fig.layout.meta["title"] == META.title


def test_customers_over_time():
    chart = build_customers_over_time(
        yearly("recipient"), meta=META, events=CROWDED, exporter=LINK, top_n=3
    )
    fig = chart.figure
    assert_safe(fig, ["Others", *(e.title for e in CROWDED)])
    assert set(chart.data["recipient"]) <= {*HOSTILE, "Others"}


def test_import_mix_by_period_escapes_categories_and_markers():
    periods = ("2009<b>13", "2019<sup>23")
    chart = build_import_mix_by_period(by_period(periods), meta=META, events=CROWDED + [LATER])
    fig = chart.figure
    assert_safe(fig, [*HOSTILE, *periods, *(e.title for e in CROWDED)])
    categories = {shown(x) for trace in fig.data for x in trace.x}
    assert categories == set(periods)
    assert [shown(c) for c in fig.layout.xaxis.categoryarray] == list(periods)
    # markers sit on the (escaped) category they belong to
    markers = [a for a in fig.layout.annotations if a.name.startswith("event-marker")]
    assert {m.x for m in markers} <= set(fig.layout.xaxis.categoryarray)
    assert set(chart.data["period"]) == set(periods)


def test_period_comparison_escapes_the_category_axis():
    frame = by_period(("2009-13", "2019-23")).rename(columns={"tiv": "share"})
    frame["share"] = frame["share"] / frame.groupby("period")["share"].transform("sum")
    chart = build_period_comparison(
        frame,
        meta=META,
        period_a="2009-13",
        period_b="2019-23",
        events=CROWDED + [LATER],
        top_n=None,
    )
    fig = chart.figure
    assert_safe(fig, [*HOSTILE, *(e.title for e in CROWDED)])
    dots = next(t for t in fig.data if t.name == "2019-23")
    assert sorted(shown(y) for y in dots.y) == sorted(HOSTILE)
    assert sorted(chart.data["supplier"]) == sorted(HOSTILE)


def test_period_comparison_escapes_hostile_period_labels():
    frame = by_period(("2009<b>13", "2019<sup>23")).rename(columns={"tiv": "share"})
    chart = build_period_comparison(
        frame, meta=META, period_a="2009<b>13", period_b="2019<sup>23", top_n=2
    )
    fig = chart.figure
    assert_safe(fig, ["2009<b>13", "2019<sup>23"])


def test_supplier_map_escapes_hover_text_and_notes(monkeypatch):
    codes = {LINK: "USA", BOLD: "FRA", TEMPLATE: "DEU"}
    monkeypatch.setattr(supplier_map, "iso3_codes", lambda: codes)
    frame = pd.DataFrame({"supplier": HOSTILE, "tiv": [1.0] * len(HOSTILE)})
    chart = build_supplier_map(frame, meta=META, years=(2019, 2023), events=CROWDED, recipient=SUP)
    fig = chart.figure
    assert_safe(fig, [*HOSTILE, *(e.title for e in CROWDED)])
    assert sorted(shown(t) for t in fig.data[0].text) == sorted(codes)
    assert sorted(chart.data["supplier"]) == sorted(HOSTILE)


def _flows(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["recipient", "supplier", "year", "tiv"])
    frame["category"] = pd.Series([pd.NA] * len(frame), dtype="str")
    frame["vintage"] = "2024-10-10"
    return frame.astype({"recipient": "str", "supplier": "str", "year": "int64", "tiv": "float64"})


HOSTILE_FLOWS = _flows(
    [(LINK, name, y, float(i + 1)) for y in range(2010, 2020) for i, name in enumerate(HOSTILE)]
)


def test_views_on_hostile_flows():
    events = [*CROWDED, LATER]
    built = [
        views.import_mix_view(HOSTILE_FLOWS, events, recipient=LINK, top_n=None),
        views.import_mix_view(HOSTILE_FLOWS, events, recipient=LINK, by="period", top_n=None),
        views.customers_view(HOSTILE_FLOWS, events, exporter=BOLD),
        views.supplier_map_view(HOSTILE_FLOWS, events, recipient=LINK),
        views.period_comparison_view(
            HOSTILE_FLOWS, events, recipient=LINK, period_a=(2010, 2014), period_b=(2015, 2019)
        ),
        views.event_window_view(HOSTILE_FLOWS, CROWDED[0], recipient=LINK),
        published_views.published_mix_view(events, recipient="India"),
    ]
    for view in built:
        assert_safe(view.fig, [LINK])
    # the "Data (CSV)" table keeps the real names
    assert sorted(built[0].data["supplier"].unique()) == sorted(HOSTILE)


# ---------------------------------------------------------------------------------------------
# Many events, extreme dates


def _many(count: int, first: dt.date, days: int) -> list[Event]:
    return [
        Event(first + dt.timedelta(days=i % days), f"event {i}", "other", is_global=True)
        for i in range(count)
    ]


def _event_items(fig) -> tuple[list, list]:
    shapes = [s for s in fig.layout.shapes if (s.name or "").startswith("event-")]
    marks = ("event-marker-", "event-label-")
    return shapes, [a for a in fig.layout.annotations if (a.name or "").startswith(marks)]


def test_ten_thousand_events_draw_at_most_the_cap_and_say_so():
    events = _many(10_000, dt.date(2015, 1, 1), 6 * 365)
    chart = build_import_mix_by_year(yearly(), meta=META, events=events)
    fig = chart.figure
    shapes, markers = _event_items(fig)
    drawn = chart.drawn
    assert 0 < len(drawn) <= MAX_DRAWN_EVENTS
    assert len(shapes) == len(markers) == len(drawn)
    assert chart.not_drawn == 10_000 - len(drawn)
    sentence = not_drawn_sentence(chart.not_drawn)
    assert (
        sentence
        == f"{10_000 - len(drawn):,} more events are not drawn or listed on this chart; see the Events page"
    )
    assert list(chart.outside) == [sentence]  # the list the pages show under the chart
    footer = {a.name: a.text for a in fig.layout.annotations}
    assert footer["events-not-drawn"] == sentence + "."
    assert len(footer["event-legend"].split("<br>")) == len(drawn) + 1
    # the newest events are the ones drawn
    newest = max(e.start for e in events)
    assert max(dt.date.fromisoformat(e["start"]) for e in drawn) == newest
    assert not_drawn_sentence(1) == (
        "1 more event is not drawn or listed on this chart; see the Events page"
    )


def test_ten_thousand_events_on_one_day_stack_in_a_few_rows():
    events = _many(10_000, dt.date(2018, 5, 1), 1)
    chart = build_import_mix_by_year(yearly(), meta=META, events=events)
    fig = chart.figure
    shapes, markers = _event_items(fig)
    assert 0 < len(shapes) <= chart_events.MAX_MARKER_ROWS
    assert len({m.yshift for m in markers}) == len(markers)
    assert chart.not_drawn == 10_000 - len(shapes)


def test_ten_thousand_events_outside_the_years_list_only_the_nearest():
    events = _many(5_000, dt.date(1950, 1, 1), 3650) + _many(5_000, dt.date(2030, 1, 1), 3650)
    chart = build_import_mix_by_year(yearly(), meta=META, events=events)
    assert chart.drawn == ()
    listed, sentence = chart.outside[:-1], chart.outside[-1]
    assert len(listed) == MAX_LISTED_OUTSIDE
    assert chart.not_drawn == 10_000 - MAX_LISTED_OUTSIDE
    assert sentence == not_drawn_sentence(10_000 - MAX_LISTED_OUTSIDE)
    years = {int(text.rsplit(" ", 1)[1].rstrip(")")) for text in listed}
    assert years <= {1959, 2030}  # the nearest to the plotted 2015-2020


@pytest.mark.parametrize(
    "build",
    [
        lambda events: build_import_mix_by_period(
            by_period(("2014-18",)), meta=META, events=events
        ),
        lambda events: build_period_comparison(
            by_period(("2009-13", "2014-18")).rename(columns={"tiv": "share"}),
            meta=META,
            period_a="2009-13",
            period_b="2014-18",
            events=events,
        ),
        lambda events: build_supplier_map(
            pd.DataFrame({"supplier": ["Russia"], "tiv": [1.0]}),
            meta=META,
            years=(2014, 2018),
            events=events,
        ),
        lambda events: build_customers_over_time(yearly("recipient"), meta=META, events=events),
    ],
    ids=["period", "comparison", "map", "customers"],
)
def test_every_builder_caps_ten_thousand_events(build):
    chart = build(_many(10_000, dt.date(2014, 1, 1), 5 * 365))
    fig = chart.figure
    drawn = chart.drawn
    assert 0 < len(drawn) <= MAX_DRAWN_EVENTS
    shapes, markers = _event_items(fig)
    assert len(shapes) <= len(drawn) and len(markers) <= len(drawn)
    legend = next((a.text for a in fig.layout.annotations if a.name == "event-legend"), "")
    assert len(legend.split("<br>")) == len(drawn) + 1
    assert chart.not_drawn == 10_000 - len(drawn) - len(chart.outside) + 1
    assert chart.outside[-1] == not_drawn_sentence(chart.not_drawn)
    assert fig.layout.height < 10_000  # the footer does not grow with every event


ENDLESS = [
    Event(dt.date(2017, 3, 1), "until the end of time", "other", end=dt.date(9999, 12, 31)),
    Event(dt.date(1, 1, 1), "since the beginning", "other", end=dt.date(2016, 1, 1)),
    Event(dt.date(1, 1, 1), "always", "other", end=dt.date(9999, 12, 31)),
    Event(dt.date(9999, 12, 31), "last day", "other"),
    Event(dt.date(1, 1, 1), "first day", "other"),
    Event(dt.date(2019, 1, 1), "backwards", "other", end=dt.date(2018, 1, 1)),
]
ENDLESS = [Event(e.start, e.title, e.category, e.end, is_global=True) for e in ENDLESS]


def test_an_event_ending_9999_12_31_builds_every_chart():
    chart = build_import_mix_by_year(yearly(), meta=META, events=ENDLESS)
    fig = chart.figure
    bands = {s.name: (s.x0, s.x1) for s in fig.layout.shapes}
    assert sorted(bands.values()) == [
        ("2015-01-01", "2016-01-02"),
        ("2015-01-01", "2021-01-01"),
        ("2017-03-01", "2021-01-01"),
    ]  # clipped to the axis
    assert fig.layout.xaxis.range == ("2015-01-01", "2021-01-01")
    assert {e["title"] for e in chart.drawn} == {
        "until the end of time",
        "since the beginning",
        "always",
    }
    assert len(chart.outside) == 3
    build_import_mix_by_year(yearly(), meta=META, events=ENDLESS, year_range=(2015, 9999))
    build_import_mix_by_period(by_period(("2014-18", "9995-99")), meta=META, events=ENDLESS)
    build_period_comparison(
        by_period(("2009-13", "2014-18")).rename(columns={"tiv": "share"}),
        meta=META,
        period_a="2009-13",
        period_b="2014-18",
        events=ENDLESS,
    )
    build_supplier_map(
        pd.DataFrame({"supplier": ["Russia"], "tiv": [1.0]}),
        meta=META,
        years=(2014, 2018),
        events=ENDLESS,
    )
    build_customers_over_time(yearly("recipient").iloc[:0], meta=META, events=ENDLESS)


def test_views_with_endless_events():
    view = views.import_mix_view(HOSTILE_FLOWS, ENDLESS, recipient=LINK, extend_to_events=True)
    assert view.fig.layout.xaxis.range[1] <= f"{dt.date.today().year + 1}-01-01"
    views.import_mix_view(HOSTILE_FLOWS, ENDLESS, recipient=LINK, by="period")
    views.event_window_view(HOSTILE_FLOWS, ENDLESS[0], recipient=LINK)
    for event in (ENDLESS[3], ENDLESS[4]):  # no room for a window: a sentence, not a crash
        with pytest.raises(ValueError, match="leaves no room"):
            views.event_window_view(HOSTILE_FLOWS, event, recipient=LINK)


# ---------------------------------------------------------------------------------------------
# The exported SVG


@needs_chromium
def test_svg_export_shows_hostile_names_as_text():
    from analysis.export import export_figure

    chart = build_import_mix_by_year(yearly(), meta=META, events=APART)
    fig = chart.figure
    svg = export_figure(fig, "svg", 1600, 900)
    root = ET.fromstring(svg)
    tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert "a" not in tags
    for el in root.iter():
        for key, value in el.attrib.items():
            assert "evil.example" not in value, (el.tag, key, value)
    text = "".join(root.itertext())
    assert LINK in text and BOLD in text and SUP in text and ENTITY in text
    assert META.title in text
