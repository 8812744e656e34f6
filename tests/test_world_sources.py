"""World share and rank from every world source, and a sentence for anything that is not one."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import estimates
from analysis.results import LoadedFlows
from analysis.store import Store
from analysis.tables import world_position
from analysis.world_shares import world_share_and_rank
from analysis.world_sources import NoWorldSource
from tests.conftest import DATA

P = [(2019, 2020)]
IMPORTERS = ["India", "Ukraine", "Qatar"]
EXPORTERS = ["United States", "France", "Russia"]


def _frame(rows, scope=None, layout=None, dataset_id=None, vintage=None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["recipient", "supplier", "year", "tiv", "category"])
    frame = frame.astype(
        {"recipient": "str", "supplier": "str", "year": "int64", "tiv": "float64"}
    ).astype({"category": "str"})
    if scope is not None:
        frame["scope"] = pd.array([scope] * len(frame), dtype="str")
        frame["layout"] = pd.array([layout] * len(frame), dtype="str")
        frame["dataset_id"] = pd.array([dataset_id] * len(frame), dtype="Int64")
        frame["vintage"] = pd.array([vintage] * len(frame), dtype="str")
    return frame


def _world_register(layout: str, dataset_id: int = 1, vintage: str = "2025-03-10", scale=1.0):
    """A register of all countries to all countries: every importer buys from every exporter;
    the per-delivery register carries a weapon category on every row."""
    rows = [
        (r, s, 2019 + k % 2, scale * (i + 1) * (j + 1), "Aircraft" if k % 2 else "Missiles")
        for i, r in enumerate(IMPORTERS)
        for j, s in enumerate(EXPORTERS)
        for k in range(2)
    ]
    return _frame(rows, "world", layout, dataset_id, vintage)


def test_all_importers_table():
    frame = _frame(
        [
            ("India", None, 2019, 30.0, None),
            ("Ukraine", None, 2020, 50.0, None),
            ("Qatar", None, 2020, 20.0, None),
        ],
        "importer_totals",
        "tiv_table",
        1,
        "2024-10-13",
    )
    row = world_share_and_rank(frame, "India", P).table.iloc[0]
    assert (row["share"], row["rank"], row["source"]) == (0.30, 2, "all-importers table")


@pytest.mark.parametrize("layout", ["register", "register_deliveries"])
def test_registers_of_all_countries_categories_and_all(layout):
    frame = _world_register(layout)
    got = world_share_and_rank(frame, "Qatar", P)
    row = got.table.iloc[0]
    # Qatar buys 3x what India does from everyone: 3 / (1 + 2 + 3) = half the world.
    assert row["share"] == pytest.approx(0.5)
    assert (row["rank"], row["countries"], row["source"]) == (1, 3, "world-wide flows")
    assert bool(row["complete"]) and got.vintage == "2025-03-10"
    exports = world_share_and_rank(frame, "France", P, side="export").table.iloc[0]
    assert exports["share"] == pytest.approx(2 / 6) and exports["rank"] == 2


def test_one_world_export_whole_exact_before_estimated_then_newest():
    estimated = _world_register("register", 1, "2025-03-10", scale=10.0)
    exact = _world_register("register_deliveries", 2, "2024-04-13")
    newer = _world_register("register_deliveries", 3, "2025-02-17", scale=2.0)
    flows = LoadedFlows(pd.concat([estimated, exact, newer], ignore_index=True))
    got = world_share_and_rank(flows, "India", P)
    assert got.table["world_tiv"].iloc[0] == pytest.approx(2.0 * 72)  # only the newest exact
    assert got.vintage == "2025-02-17"


def test_a_countrys_own_table_beside_a_world_register_does_not_hide_its_rows():
    india = _frame(
        [("India", "Russia", 2019, 999.0, None)], "imports", "tiv_table", 9, "2025-01-01"
    )
    flows = LoadedFlows(pd.concat([_world_register("register"), india], ignore_index=True))
    row = world_share_and_rank(flows, "India", P).table.iloc[0]
    assert row["tiv"] == pytest.approx(12.0) and row["world_tiv"] == pytest.approx(72.0)


def test_one_countrys_import_table_is_never_the_world():
    rows = [("India", f"S{i:02d}", 2019, float(i + 1), None) for i in range(31)]
    bare = _frame(rows)
    sentence = (
        "India's import table names only India's suppliers: world export shares need an "
        "all-exporters table or a world-wide trade register."
    )
    with pytest.raises(NoWorldSource) as refused:
        world_share_and_rank(bare, "S05", P, side="export")  # was "5% of world exports"
    assert str(refused.value) == sentence
    with pytest.raises(ValueError, match="^India's import table names only India's suppliers"):
        world_share_and_rank(bare, "India", P)
    stored = _frame(rows, "imports", "tiv_table", 1, "2024-10-10")
    with pytest.raises(ValueError, match=r"^India's import table names only India's suppliers"):
        world_share_and_rank(stored, "S05", P, side="export")


def test_one_countrys_register_and_exporters_table_are_never_the_world(tmp_path):
    store = Store(tmp_path / "arms.sqlite")
    assert store.import_bytes("D.csv", (DATA / "register_deliveries.csv").read_bytes()).ok
    with pytest.raises(ValueError, match="^Ukraine's import register names only Ukraine's"):
        world_share_and_rank(store.flows(), "Ukraine", [(2022, 2023)])
    exports = _frame([(f"R{i:02d}", "Russia", 2019, 1.0, None) for i in range(30)])
    with pytest.raises(ValueError, match="^Russia's export table names only Russia's customers"):
        world_share_and_rank(exports, "R01", P)


def test_a_regional_table_is_never_the_world(tmp_path):
    store = Store(tmp_path / "arms.sqlite")
    assert store.import_bytes("reg.csv", (DATA / "tiv_regional.csv").read_bytes()).ok
    with pytest.raises(ValueError, match="^A regional table names suppliers to regions"):
        world_share_and_rank(store.flows(), "South Asia", [(2019, 2021)])
    bare = _frame(
        [("Africa", "France", 2019, 60.0, None), ("South Asia", "Russia", 2019, 1.0, None)]
    )
    with pytest.raises(ValueError, match="no partner countries outside regions"):
        world_share_and_rank(bare, "France", P, side="export")


def test_callers_show_the_empty_no_world_source_table(tmp_path):
    india = _frame([("India", "Russia", 2019, 9.0, None)], "imports", "tiv_table", 1, "2024-10-10")
    assert world_position(india, "India", P).table.empty
    assert estimates.world_register_deals(india, pd.DataFrame({"dataset_id": [1]})) is None
    assert world_share_and_rank(_frame([]), "India", P).table.empty  # nothing loaded


def test_world_register_deals_follow_the_chosen_world_export():
    frame = _world_register("register", 4)
    deals = pd.DataFrame({"dataset_id": pd.array([4, 5], dtype="Int64"), "recipient": ["A", "B"]})
    assert estimates.world_register_deals(frame, deals)["recipient"].tolist() == ["A"]
    exact = pd.concat([frame, _world_register("register_deliveries", 5)], ignore_index=True)
    assert estimates.world_register_deals(exact, deals) is None  # the exact register wins


def _stored(tmp_path, sample_path, prefix: str) -> LoadedFlows:
    path = sample_path(prefix)
    store = Store(tmp_path / f"{prefix}.sqlite")
    outcome = store.import_bytes(path.name, path.read_bytes())
    assert outcome.ok, outcome.reason
    return store.flows()


@pytest.mark.samples
def test_ukraines_world_position_in_the_samples(tmp_path, sample_path):
    """SIPRI's 2025 release has Ukraine 1st (8.8%) and India 2nd (8.3%) in 2020-24. The
    samples' world sources were generated in 2024, before 2024's deliveries: they support
    2019-23 (Ukraine 4th with 4.9%, India 1st with 9.8%), and 2020-24 only as incomplete."""
    periods = [(2019, 2023), (2020, 2024)]
    table = _stored(tmp_path, sample_path, "new_tiv_importers-all")
    register = _stored(tmp_path, sample_path, "new_register-deliveries_all")
    for flows in (table, register):
        got = {
            who: world_share_and_rank(flows, who, periods).table.set_index("start")
            for who in ("Ukraine", "India")
        }
        for who, row in got.items():
            for start, r in row.iterrows():
                print(
                    f"{r['source']} ({world_share_and_rank(flows, who, periods).vintage}): "
                    f"{who} {start}-{r['end']} {r['share']:.2%} rank {r['rank']} of "
                    f"{r['countries']}, complete={r['complete']}"
                )
        ukraine, india = got["Ukraine"].loc[2019], got["India"].loc[2019]
        assert bool(ukraine["complete"]) and bool(india["complete"])
        assert (ukraine["rank"], india["rank"]) == (4, 1)
        assert ukraine["share"] == pytest.approx(0.0493, abs=5e-4)
        assert india["share"] == pytest.approx(0.0982, abs=5e-4)
        assert not bool(got["Ukraine"].loc[2020, "complete"])  # no 2024 in these vintages
    ukraine_only = _stored(tmp_path, sample_path, "new_register-deliveries_to-UKRAINE")
    with pytest.raises(NoWorldSource, match="^Ukraine's import register names only Ukraine's"):
        world_share_and_rank(ukraine_only, "Ukraine", periods)


def test_pinning_indias_tiv_table_keeps_indias_world_rank():
    """Pinning India's TIV table drops India's rows from the world register (another candidate
    for India's figures): the world share and rank still come from the register whole."""
    from analysis.results import Source
    from analysis.sources import candidates, choose_source, pin

    register = _world_register("register_deliveries", 1, "2024-04-13")
    india = _frame(
        [("India", "Russia", 2019, 999.0, None)], "imports", "tiv_table", 9, "2024-10-10"
    )
    flows = LoadedFlows(
        pd.concat([register, india], ignore_index=True),
        (),
        (
            Source(1, "world-deliveries.csv", "register_deliveries", "2024-04-13", "world", False),
            Source(9, "india-tiv.csv", "tiv_table", "2024-10-10", "imports", False),
        ),
    )
    assert [s.dataset_id for s in candidates(flows, "India")] == [9, 1]
    before = world_share_and_rank(flows, "India", P).table.iloc[0]
    pinned = pin(flows, "India", 9)
    # The pin does drop India's register rows: India's own figures come from its table alone.
    assert not ((pinned.frame["recipient"] == "India") & (pinned.frame["dataset_id"] == 1)).any()
    for world_flows in (pinned, choose_source(flows, "India", "india-tiv.csv")):
        row = world_share_and_rank(world_flows, "India", P).table.iloc[0]
        assert (row["rank"], row["tiv"], row["world_tiv"]) == (3, 12.0, 72.0)
        assert (row["rank"], row["share"]) == (before["rank"], before["share"])
        shown = world_position(world_flows, "India", P).table
        assert shown["Rank"].tolist() == [3]
