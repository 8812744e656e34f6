"""The loader against real SIPRI exports in ../shared/sipri-samples/ (skipped when absent)."""

from __future__ import annotations

import csv

import pytest

from analysis import names
from analysis.sipri import detect_layout, read_sipri

pytestmark = pytest.mark.samples

EXPECTED_LAYOUT = {
    "EXTRACT_new_register_INDIA": "register",
    "EXTRACT_new_tiv_INDIA": "tiv_table",
    "new_register-deliveries_to-UKRAINE": "register_deliveries",
    "new_tiv_exporters-all": "tiv_table",
    "new_tiv_importers-all": "tiv_table",
    "new_tiv_regional": "tiv_regional",
    "old_register_2014": "register_legacy",
    "old_tiv_exports-from-FRANCE": "tiv_table",
    "old_tiv_exports-from-RUSSIA": "tiv_table",
    "old_tiv_importers-all": "tiv_table",
}


@pytest.mark.parametrize(("prefix", "layout"), sorted(EXPECTED_LAYOUT.items()))
def test_every_sample_reads_with_its_layout(sample_path, prefix, layout):
    export = read_sipri(sample_path(prefix))
    assert export.layout == layout
    assert detect_layout(sample_path(prefix)) == layout
    assert export.unknown_names == [], export.unknown_names
    if layout != "register_legacy":
        assert export.generated is not None
        assert len(export.flows) > 0


def _share(loaded, supplier, start, end):
    """Supplier TIV over the period / SIPRI's Total row over the same years."""
    flows = loaded.frame
    period = flows[flows["year"].between(start, end)]
    total = sum(t.tiv for t in loaded.totals if start <= t.year <= end)
    return period.loc[period["supplier"] == supplier, "tiv"].sum() / total


def test_india_table_gives_the_articles_figures(sample_path):
    export = read_sipri(sample_path("EXTRACT_new_tiv_INDIA"))
    flows = export.flows
    assert export.generated.isoformat() == "2024-10-10"
    assert _share(export.loaded(), "Russia", 2009, 2013) * 100 == pytest.approx(75.9, abs=0.05)
    assert _share(export.loaded(), "Russia", 2019, 2023) * 100 == pytest.approx(36.5, abs=0.05)
    assert _share(export.loaded(), "France", 2019, 2023) * 100 == pytest.approx(32.5, abs=0.05)
    # Soviet Union and Russia stay distinct (SIPRI_FORMATS.md §6: 42,381 and 43,730 TIV in the
    # file's 1950-2024 column, summed by SIPRI from unrounded data; each yearly cell is rounded).
    by_supplier = flows.groupby("supplier")["tiv"]
    for supplier, period_column in [("Soviet Union", 42381), ("Russia", 43730)]:
        tolerance = 0.5 * by_supplier.count()[supplier]
        assert abs(by_supplier.sum()[supplier] - period_column) <= tolerance
    assert 2024 not in set(flows["year"])
    # Against the sum of the supplier rows instead, the shares barely move (SIPRI_FORMATS.md §7).
    period = flows[flows["year"].between(2019, 2023)]
    by_sum = period.loc[period["supplier"] == "Russia", "tiv"].sum() / period["tiv"].sum()
    assert by_sum * 100 == pytest.approx(36.45, abs=0.01)


def test_india_totals_row_is_not_a_flow(sample_path):
    export = read_sipri(sample_path("EXTRACT_new_tiv_INDIA"))
    # 31 suppliers, and no 'Total exports to India' among them; the Total row sits in totals.
    assert export.flows["supplier"].nunique() == 31
    assert not export.flows["supplier"].str.startswith("Total").any()
    # The Total row's yearly cells add up to 134,465; its own 1950-2024 cell says 134,469.
    assert export.totals["tiv"].sum() == 134465


def test_per_delivery_register_matches_deals(sample_path):
    export = read_sipri(sample_path("new_register-deliveries_to-UKRAINE"))
    assert export.flows["tiv"].sum() == pytest.approx(export.deals["tiv_delivered"].sum())
    assert len(export.deals) == export.deals["deal_id"].nunique()


def test_india_register_reads_all_deals(sample_path):
    export = read_sipri(sample_path("EXTRACT_new_register_INDIA"))
    assert len(export.deals) == 764
    assert export.encoding == "cp1252"
    assert (export.deals["recipient"] == "India").all()


def test_names_file_knows_every_name_in_the_samples(sample_path):
    sample_path("EXTRACT_new_tiv_INDIA")  # skip when absent
    unknown = set()
    for prefix in EXPECTED_LAYOUT:
        export = read_sipri(sample_path(prefix))
        frames = [export.flows] + ([export.deals] if export.deals is not None else [])
        for frame in frames:
            for col in ("recipient", "supplier"):
                for name in frame[col].dropna().unique():
                    if not names.is_known(name):
                        unknown.add(name)
    assert not unknown, sorted(unknown)


def test_lineage_file_names_are_known():
    with open(names.REFERENCE / "lineage.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    for row in rows:
        assert names.is_known(row["predecessor"]) and names.is_known(row["successor"])
