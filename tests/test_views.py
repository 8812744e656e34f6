"""Chart views on tiny frames (exact values) and, when present, on the India sample."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import (
    headlines,
    published_chart,
    published_views,
    recipient_data,
    tables,
    views,
    vocab,
)
from analysis.blanks import (
    COMPUTED_REASONS,
    GROWTH_FROM_ZERO,
    NO_DELIVERIES,
    NOT_PUBLISHED,
    PUBLISHED_REASONS,
    SHARES_NOT_VOLUMES,
    blank_reasons,
)
from analysis.events import Event
from analysis.vocab import NOT_BROKEN_DOWN

INVASION = Event(dt.date(2022, 2, 24), "Invasion", "conflict", is_global=True)
DELEGATION = Event(
    dt.date(2025, 10, 29), "Delegation", "visit", end=dt.date(2025, 10, 30), countries=("India",)
)
PUTIN = Event(dt.date(2025, 12, 5), "Putin visit", "visit", countries=("India",))
ELSEWHERE = Event(dt.date(2021, 5, 1), "Elsewhere", "visit", countries=("Chile",))
EVENTS = [INVASION, DELEGATION, PUTIN, ELSEWHERE]


def _flows(rows):
    frame = pd.DataFrame(rows, columns=["recipient", "supplier", "year", "tiv"])
    frame["category"] = pd.Series([pd.NA] * len(frame), dtype="str")
    frame["vintage"] = "2024-10-10"
    return frame.astype({"recipient": "str", "supplier": "str", "year": "int64", "tiv": "float64"})


# India imports 2014-2023: Russia 3/yr then 1/yr, France 1/yr, Soviet Union in 2014 only.
TINY = _flows(
    [("India", "Russia", y, 3.0 if y < 2019 else 1.0) for y in range(2014, 2024)]
    + [("India", "France", y, 1.0) for y in range(2014, 2024)]
    + [("India", "Soviet Union", 2014, 2.0), ("Chile", "France", 2020, 5.0)]
)


def test_recipients_and_exporters_listed_from_split_rows():
    assert recipient_data.recipients_with_data(TINY) == ["Chile", "India"]
    assert recipient_data.exporters_with_data(TINY) == ["France", "Russia", "Soviet Union"]
    assert recipient_data.recipient_years(TINY, "India") == (2014, 2023)
    assert recipient_data.recipient_years(TINY, "Peru") is None


def test_import_mix_by_year_extends_axis_to_draw_2025_events():
    view = views.import_mix_view(TINY, EVENTS, recipient="India", top_n=None, extend_to_events=True)
    drawn = view.drawn
    assert [e["title"] for e in drawn] == ["Invasion", "Delegation", "Putin visit"]
    assert [e["kind"] for e in drawn] == ["line", "band", "line"]
    assert view.fig.layout.xaxis.range == ("2014-01-01", "2026-01-01")
    first = view.data[view.data["year"] == 2014].set_index("supplier")["share"]
    assert first.to_dict() == {"France": 1 / 6, "Russia": 3 / 6, "Soviet Union": 2 / 6}
    assert view.meta.vintage == dt.date(2024, 10, 10)
    notes = [str(a.text) for a in view.fig.layout.annotations if a.name.startswith("note")]
    assert any("end in 2023" in note for note in notes)  # on the figure and its exports


def test_import_mix_without_extension_lists_recent_events_outside():
    view = views.import_mix_view(TINY, EVENTS, recipient="India")
    assert [e["title"] for e in view.drawn] == ["Invasion"]
    assert len(view.outside) == 2


def test_import_mix_lineage_merges_soviet_union_into_russia():
    view = views.import_mix_view(TINY, [], recipient="India", merge_lineage=True, top_n=None)
    y2014 = view.data[view.data["year"] == 2014].set_index("supplier")["tiv"].to_dict()
    assert y2014 == {"France": 1.0, "Russia": 5.0}
    assert view.meta.filters["Lineage"] == vocab.LINEAGE_MERGED


def test_import_mix_by_period_uses_whole_periods_ending_at_last_year():
    view = views.import_mix_view(TINY, EVENTS, recipient="India", by="period", top_n=None)
    shares = view.data.set_index(["period", "supplier"])["share"]
    assert list(dict.fromkeys(view.data["period"])) == ["2014-18", "2019-23"]
    assert shares[("2019-23", "Russia")] == pytest.approx(0.5)
    assert shares[("2014-18", "Russia")] == pytest.approx(15 / 22)
    assert view.drawn[0]["x"] == "2019-23"


def test_hidden_categories_and_tiv_measure():
    view = views.import_mix_view(
        TINY, EVENTS, recipient="India", measure="tiv", hidden_categories=["conflict", "visit"]
    )
    assert view.drawn == []
    assert view.fig.layout.yaxis.tickformat == ",.0f"


@pytest.mark.parametrize(
    "options",
    [{"by": "month"}, {"measure": "usd"}, {"recipient": "Peru"}],
)
def test_import_mix_rejects_bad_options(options):
    kwargs = {"recipient": "India", **options}
    with pytest.raises(ValueError):
        views.import_mix_view(TINY, [], **kwargs)


def test_published_mix_has_seed_story_and_a_part_not_broken_down():
    table = published_chart.published_mix("India")
    p0913 = table[table["period"] == "2009-13"].set_index("supplier")["share"]
    assert p0913["Russia"] == 0.76 and p0913["United States"] == 0.07
    assert p0913[NOT_BROKEN_DOWN] == pytest.approx(0.17)
    assert "Others" not in set(table["supplier"])
    assert table.groupby("period")["share"].sum().round(9).eq(1.0).all()
    assert table[table["period"] == "2019-23"].set_index("supplier")["share"]["Russia"] == 0.36


def test_published_mix_view_marks_2025_events_in_2021_25_and_cites_releases():
    view = published_views.published_mix_view(EVENTS, recipient="India")
    marks = {e["title"]: e["x"] for e in view.drawn}
    assert marks["Delegation"] == "2021-25" and marks["Putin visit"] == "2021-25"
    assert "Invasion" in marks
    assert view.origin == "published"
    assert (
        view.meta.source_line() == "Source: SIPRI, published figures (releases 2014-03 to 2026-03)"
    )
    assert any("2026 SIPRI release" in c for c in view.meta.citations)
    with pytest.raises(ValueError):
        published_views.published_mix_view([], recipient="Atlantis")


def test_headline_cards_seed_only_and_computed():
    seed = headlines.headline_cards(None, "India")
    assert [c.value for c in seed[:2]] == ["76%", "36%"]
    assert [c.label for c in seed[:2]] == [
        "Share from Russia, 2009-13",
        "Share from Russia, 2019-23",
    ]
    assert all(c.origin == "published" for c in seed)
    assert seed[-1].label.startswith("Latest period") and "2021-25" in seed[-1].label
    # One short source line per card; the press article that quoted the figure apart.
    # The SIPRI release the figure comes from, not the month of the article quoting it.
    assert seed[0].source == "Published by SIPRI, release 2019-03"
    assert seed[1].source == "Published by SIPRI, release 2024-03"
    assert "Moscow Times" in seed[0].citation and "Moscow Times" not in seed[0].source
    flows = _flows(
        [("India", "Russia", y, 3.0) for y in range(2009, 2014)]
        + [("India", "France", y, 1.0) for y in range(2009, 2024)]
        + [("India", "Russia", y, 1.0) for y in range(2019, 2024)]
    )
    cards = headlines.headline_cards(flows, "India")
    assert [c.value for c in cards[:2]] == ["75%", "50%"]
    assert cards[0].origin == "computed" and "10 Oct 2024" in cards[0].source


def test_what_changed_between_periods():
    flows = _flows(
        [("India", "Russia", y, 3.0) for y in range(2009, 2014)]
        + [("India", "France", y, 1.0) for y in range(2009, 2024)]
        + [("India", "Russia", y, 1.0) for y in range(2019, 2024)]
    )
    table = tables.what_changed(flows, "India").table
    russia = table.set_index("Supplier").loc["Russia"]
    assert russia["Share 2009-13"] == "75%" and russia["Share 2019-23"] == "50%"
    assert russia["Change (pp)"] == -25.0 and russia["Volume change (%)"] == -67.0
    assert table["Supplier"].iloc[-1] == "Total"


def test_a_period_without_deliveries_is_blank_with_its_reason_not_zero_percent():
    flows = _flows(
        [("India", "Russia", y, 3.0) for y in range(2009, 2014)]
        + [("India", "Russia", y, 1.0) for y in range(2019, 2024)]
        + [("India", "Israel", y, 1.0) for y in range(2019, 2024)]
    )
    table = tables.what_changed(flows, "India").table.set_index("Supplier")
    assert pd.isna(table.loc["Israel", "Share 2009-13"])  # not "0.0%"
    assert table.loc["Israel", "Share 2019-23"] == "50%"
    assert table.loc["Russia", "Share 2009-13"] == "100%"
    reasons = blank_reasons(table.reset_index(), COMPUTED_REASONS)
    assert reasons == {"Share 2009-13": NO_DELIVERIES, "Volume change (%)": GROWTH_FROM_ZERO}
    facts = tables.period_table(flows, "India", (2009, 2013), (2019, 2023)).table.set_index(
        "Supplier"
    )
    assert pd.isna(facts.loc["Israel", "TIV 2009-13 (m)"])
    assert pd.isna(facts.loc["Israel", "Share 2009-13"])
    assert facts.loc["Israel", "TIV 2019-23 (m)"] == 5.0


def test_published_change_never_shows_unpublished_as_zero():
    table = tables.published_change("India").table.set_index("Supplier")
    assert pd.isna(table.loc["France", "Share 2009-13"])  # blank, never "0%"
    assert table.loc["Russia", "Change (pp)"] == -40.0
    reasons = blank_reasons(table.reset_index(), PUBLISHED_REASONS)
    assert reasons["Share 2009-13"] == NOT_PUBLISHED
    assert reasons["Volume change (%)"] == SHARES_NOT_VOLUMES
    assert "Supplier" not in reasons


def test_period_comparison_table_and_event_window():
    view = views.period_comparison_view(
        TINY, EVENTS, recipient="India", period_a=(2014, 2018), period_b=(2019, 2023)
    )
    row = view.data.set_index("supplier").loc["Russia"]
    assert row["share_2014-18"] == pytest.approx(15 / 22)
    assert row["share_2019-23"] == pytest.approx(0.5)
    window = views.event_window_view(TINY, INVASION, recipient="India", years=3)
    labels = [c for c in window.data.columns if c.startswith("share_")]
    assert labels == ["share_2019-21", "share_2022-24"]
    assert window.notes[0] == views.DELIVERY_LAG_CAVEAT
    assert any("partly covered" in n for n in window.notes)
    with pytest.raises(ValueError):
        views.event_window_view(TINY, INVASION, recipient="India", years=0)


def test_customers_and_supplier_map():
    view = views.customers_view(TINY, EVENTS, exporter="France")
    y2020 = view.data[view.data["year"] == 2020].set_index("recipient")["tiv"].to_dict()
    assert y2020 == {"Chile": 5.0, "India": 1.0}
    world = views.supplier_map_view(TINY, [], recipient="India", years=(2019, 2023))
    assert world.data.set_index("supplier")["share"].to_dict() == {"Russia": 0.5, "France": 0.5}


def test_parse_periods_text():
    assert vocab.parse_periods_text("2009-2013, 2019-23") == [(2009, 2013), (2019, 2023)]
    with pytest.raises(ValueError):
        vocab.parse_periods_text("recent")


@pytest.mark.samples
def test_india_sample_story(sample_path):
    from analysis.sipri import read_sipri

    export = read_sipri(sample_path("EXTRACT_new_tiv_INDIA"))
    flows = export.loaded().with_frame(export.flows.assign(vintage=export.generated.isoformat()))
    cards = headlines.headline_cards(flows, "India")
    assert [c.value for c in cards[:2]] == ["76%", "36%"]
    assert all("10 Oct 2024" in c.source for c in cards[:2])
    check = tables.self_check(flows, "India").table
    seed = check[check["Source"].str.contains("Moscow Times")]
    assert list(seed["Verdict"]) == ["match", "match"]


def test_headline_suppliers_put_russia_first_then_the_data_order():
    flows = pd.DataFrame(
        {
            "recipient": ["Chile", "Chile", "Chile", "India"],
            "supplier": ["United States", "Spain", "Russia", "France"],
            "year": [2020, 2020, 2021, 2020],
            "tiv": [10.0, 30.0, 1.0, 5.0],
            "category": pd.array([pd.NA] * 4, dtype="str"),
        }
    )
    empty = pd.DataFrame(columns=["recipient", "supplier", "share"])
    assert headlines.headline_suppliers(flows, "Chile", empty) == [
        "Russia",
        "Spain",
        "United States",
    ]
    assert headlines.headline_suppliers(None, "Chile", empty) == []
    published = pd.DataFrame({"recipient": ["India"], "supplier": ["Russia"], "share": [0.76]})
    assert headlines.headline_suppliers(flows, "India", published) == ["Russia", "France"]


def test_yearly_view_can_start_later_than_the_data():
    from analysis.sipri import read_sipri
    from tests.conftest import DATA

    flows = read_sipri(DATA / "tiv_table_india_by_supplier.csv").flows
    view = views.import_mix_view(flows, [], recipient="India", since=2011)
    assert view.meta.filters["Years"] == "2011-2013"
    assert sorted(set(view.data["year"])) == [2011, 2012, 2013]


def test_top_suppliers_come_from_the_years_drawn():
    # The Soviet Union delivered a lot, in 2014 only: drawn from 2015 it takes no top slot.
    flows = _flows(
        [("India", "Russia", y, 3.0) for y in range(2014, 2024)]
        + [("India", "France", y, 1.0) for y in range(2014, 2024)]
        + [("India", "Soviet Union", 2014, 100.0)]
    )
    view = views.import_mix_view(flows, [], recipient="India", since=2015, top_n=2)
    drawn = {str(t.name) for t in view.fig.data if getattr(t, "type", "") == "bar"}
    assert {"Russia", "France"} <= drawn and "Soviet Union" not in drawn
    assert int(view.data["year"].min()) == 2015
    full = views.import_mix_view(flows, [], recipient="India", top_n=2)
    assert "Soviet Union" in {str(t.name) for t in full.fig.data}
