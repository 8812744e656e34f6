"""Which stored exports can feed a country's figures, the default rule, a chosen one, the text."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.chart_meta import ChartMeta
from analysis.export import metadata_lines
from analysis.results import LoadedFlows, Source
from analysis.sources import (
    candidates,
    choose_source,
    default_source,
    find_source,
    pin,
    sources_text,
)
from analysis.store import Store

TIV = Source(1, "india-tiv.csv", "tiv_table", "2024-10-10", "imports", False)
REG = Source(2, "india-deals.csv", "register", "2026-02-12", "imports", True)
DELIV = Source(3, "india-deliveries.csv", "register_deliveries", "2026-02-12", "imports", False)


def _store(db, fixture_path, *names: str) -> Store:
    store = Store(db)
    for name in names:
        assert store.import_bytes(name, fixture_path(name).read_bytes()).ok
    return store


def test_default_rule_prefers_exact_then_newest_then_latest_upload():
    assert default_source([REG, TIV]) == TIV  # exact beats a newer estimate
    assert default_source([TIV, DELIV, REG]) == DELIV  # both exact: the newer
    again = Source(4, "india-tiv.csv", "tiv_table", "2024-10-10", "imports", False)
    assert default_source([TIV, again]) == again  # same vintage: the latest upload
    assert default_source([]) is None


def test_find_source_by_id_or_file_name():
    again = Source(4, "india-tiv.csv", "tiv_table", "2024-10-10", "imports", False)
    options = [TIV, REG, again]
    assert find_source(options, "2") == REG
    assert find_source(options, 2) == REG
    assert find_source(options, "india-tiv.csv") == again  # the newest upload of that name
    assert find_source(options, "nothing.csv") is None
    assert find_source(options, "") is None


def test_sources_text():
    assert sources_text([TIV]) == (
        "Source: india-tiv.csv — TIV table, data generated 10 Oct 2024, exact"
    )
    assert sources_text([TIV, REG]) == (
        "Sources: india-tiv.csv — TIV table, data generated 10 Oct 2024, exact; "
        "india-deals.csv — per-deal register, data generated 12 Feb 2026, estimated"
    )
    assert sources_text([]) == ""


def test_candidates_of_a_country_default_first(db, fixture_path):
    store = _store(db, fixture_path, "register_cp1252.csv", "tiv_table_old_imports_to_india.csv")
    flows = store.flows()
    found = candidates(flows, "India")
    assert [s.file_name for s in found] == [
        "tiv_table_old_imports_to_india.csv",
        "register_cp1252.csv",
    ]
    assert [s.estimated for s in found] == [False, True]
    assert candidates(flows, "Atlantis") == ()


def test_choose_source_honours_the_chosen_export(db, fixture_path):
    store = _store(db, fixture_path, "tiv_table_old_imports_to_india.csv", "register_cp1252.csv")
    flows = store.flows()
    tiv_id, reg_id = (s.dataset_id for s in candidates(flows, "India"))

    def used(chosen: LoadedFlows) -> set[int]:
        rows = chosen.frame[chosen.frame["recipient"] == "India"]
        return set(rows["dataset_id"].dropna().astype(int))

    assert used(choose_source(flows, "India")) == {tiv_id}  # the rule's default
    assert used(choose_source(flows, "India", str(reg_id))) == {reg_id}
    assert used(choose_source(flows, "India", "register_cp1252.csv")) == {reg_id}
    assert used(choose_source(flows, "India", "no-such.csv")) == {tiv_id}
    pinned = pin(flows, "India", reg_id)
    assert [s.dataset_id for s in candidates(pinned, "India")] == [reg_id]


def test_pin_leaves_other_countries_and_an_unknown_id_alone():
    frame = pd.DataFrame(
        {
            "recipient": ["India", "India", "Peru"],
            "supplier": ["Russia", "Russia", "Spain"],
            "year": [2020, 2020, 2020],
            "tiv": [1.0, 2.0, 3.0],
            "category": pd.array([pd.NA] * 3, dtype="str"),
            "dataset_id": pd.array([1, 2, 2], dtype="Int64"),
            "vintage": ["2024-10-10", "2026-02-12", "2026-02-12"],
            "scope": ["imports", "imports", "world"],
            "layout": ["tiv_table", "register", "register"],
        }
    )
    flows = LoadedFlows(frame, (), (TIV, REG))
    assert list(pin(flows, "India", 1).frame["tiv"]) == [1.0, 3.0]
    assert pin(flows, "India", 9) is flows
    with pytest.raises(ValueError, match="before choosing"):
        pin(LoadedFlows(frame, (), (TIV, REG), "recipient"), "India", 1)


def test_chart_meta_and_csv_header_name_the_export():
    meta = ChartMeta("India's imports", vintage="2024-10-10", sources=(TIV,))
    used = "india-tiv.csv — TIV table, data generated 10 Oct 2024, exact"
    assert meta.source_line() == f"Source: SIPRI Arms Transfers Database; export used: {used}"
    assert f"# Export used: {used}" in metadata_lines(meta)
    published = ChartMeta("Published", citations=("SIPRI fact sheet",))
    assert "# Export used: none (published figures)" in metadata_lines(published)
