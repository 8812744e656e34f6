"""Typed results: provenance travels beside the table, the export is chosen once per view, and
a result table without its declared columns is refused at the producer."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import dependency_chart, headlines, results, shares, tables, views, vintages
from analysis.events import Event
from analysis.results import LoadedFlows, ResultTableError, SipriTotal, Source


def _flows() -> LoadedFlows:
    """India's imports in two stored exports of different vintages (the newer one wins)."""
    rows = []
    for dataset_id, vintage, layout, tiv in (
        (1, "2023-03-13", "tiv_table", 1.0),
        (2, "2024-10-10", "tiv_table", 2.0),
    ):
        for year in range(2009, 2024):
            for supplier, weight in (("Russia", 3.0), ("France", 1.0)):
                rows.append(("India", supplier, year, tiv * weight, dataset_id, vintage, layout))
    frame = pd.DataFrame(
        rows, columns=["recipient", "supplier", "year", "tiv", "dataset_id", "vintage", "layout"]
    )
    frame = frame.assign(category=pd.array([pd.NA] * len(frame), dtype="str"), scope="imports")
    frame = frame.astype(
        {"recipient": "str", "supplier": "str", "dataset_id": "Int64", "vintage": "str"}
    )
    sources = (
        Source(1, "old.csv", "tiv_table", "2023-03-13", "imports", False),
        Source(2, "new.csv", "tiv_table", "2024-10-10", "imports", False),
    )
    totals = tuple(SipriTotal("India", None, y, 4.0, "import", 1) for y in range(2009, 2024))
    return LoadedFlows(frame, totals, sources)


def test_the_source_travels_from_the_loaded_flows_to_the_chart():
    flows = _flows()
    result = shares.period_shares(flows, "India", [(2019, 2023)])
    assert result.vintage == "2024-10-10"
    assert [s.file_name for s in result.sources] == ["new.csv"]
    assert result.estimated is False and result.partial == ()
    view = views.import_mix_view(flows, recipient="India")
    assert [s.dataset_id for s in view.sources] == [2]
    assert view.meta.sources == view.sources
    assert view.meta.vintage == dt.date(2024, 10, 10)


def test_choosing_drops_the_other_exports_totals_and_sources():
    chosen = vintages.choose(_flows())
    assert set(chosen.frame["dataset_id"]) == {2}
    assert chosen.totals == ()  # the old export's Total rows would be the wrong denominator
    assert [s.dataset_id for s in chosen.datasets] == [2]
    assert vintages.choose(chosen) is chosen
    with pytest.raises(ValueError, match="cannot be chosen again per supplier"):
        vintages.choose(chosen, "supplier")


def _count_choices(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = vintages.select_vintage

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(vintages, "select_vintage", counting)
    return calls


EVENT = Event(start=dt.date(2019, 6, 1), title="Visit", countries=("India",))


@pytest.mark.parametrize(
    "build",
    [
        lambda f: views.import_mix_view(f, [EVENT], recipient="India"),
        lambda f: views.import_mix_view(f, [EVENT], recipient="India", by="period"),
        lambda f: views.period_comparison_view(
            f, [EVENT], recipient="India", period_a=(2014, 2018), period_b=(2019, 2023)
        ),
        lambda f: views.event_window_view(f, EVENT, recipient="India", years=3),
        lambda f: views.supplier_map_view(f, [EVENT], recipient="India"),
        lambda f: views.customers_view(f, [EVENT], exporter="Russia"),
        lambda f: headlines.headline_cards(f, "India"),
        lambda f: tables.self_check(f, "India"),
        lambda f: dependency_chart.dependency_view(f, "India"),
    ],
)
def test_the_export_is_chosen_once_per_view(monkeypatch, build):
    calls = _count_choices(monkeypatch)
    build(_flows())
    assert len(calls) == 1


def test_a_result_table_without_its_columns_is_refused_in_one_sentence():
    wrong = pd.DataFrame({"start": [2019], "end": [2023], "tiv": [1.0]})
    with pytest.raises(
        ResultTableError, match=r"^The period shares table lacks column\(s\) share; "
    ):
        results.validate(wrong, results.PERIOD_SHARES)
    typed_wrong = wrong.assign(share=["36%"])
    with pytest.raises(
        ResultTableError, match="^Column share of the period shares table must hold float"
    ):
        results.validate(typed_wrong, results.PERIOD_SHARES)
    right = typed_wrong.assign(share=[0.36])
    assert results.validate(right, results.PERIOD_SHARES) is right


def test_the_store_validates_the_tidy_contract():
    frame = pd.DataFrame({"recipient": ["India"], "supplier": ["Russia"], "year": ["2019"]})
    with pytest.raises(ResultTableError, match="tidy flows table lacks column"):
        results.validate(frame, results.FLOWS)
