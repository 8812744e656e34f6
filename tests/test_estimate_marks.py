"""Estimated figures marked where they are drawn (analysis.estimate_marks), on the register
fixture: error bars on the two-period comparison, hatched stacked bars, bounded table text."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import bounds, estimate_marks, estimates, tables, views

from .conftest import DATA
from .register_fixture import india_register

A, B = (2009, 2013), (2019, 2023)


@pytest.fixture
def store(tmp_path):
    from analysis.store import Store

    store = Store(tmp_path / "arms.sqlite")
    assert store.import_bytes("india-register.csv", india_register()).ok
    return store


@pytest.fixture
def tiv_store(tmp_path):
    from analysis.store import Store

    store = Store(tmp_path / "tiv.sqlite")
    assert store.import_bytes(
        "india.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    ).ok
    return store


def _mine(store):
    return estimates.recipient_register_deals(store.flows(), store.deals(), "India")


def _comparison(store):
    view = views.period_comparison_view(store.flows(), recipient="India", period_a=A, period_b=B)
    return view, estimate_marks.comparison_with_bounds(view, _mine(store), "India", (A, B))


def test_comparison_markers_carry_the_bounds_as_error_bars(store):
    plain, marked = _comparison(store)
    table = bounds.supplier_share_bounds(_mine(store), "India", [A, B]).set_index(
        ["start", "supplier"]
    )
    rows = {}
    for period, label in ((A, "2009-13"), (B, "2019-23")):
        # Each period's range is a trace of its own, drawn off the markers' shared line.
        (trace,) = [t for t in marked.fig.data if t.name == estimate_marks.range_name(label)]
        (markers,) = [t for t in marked.fig.data if t.name == label]
        assert list(trace.x) == pytest.approx(list(markers.x))
        rows[label] = np.asarray(trace.y, dtype=float)
        assert trace.yaxis == "y2"
        x = np.asarray(trace.x, dtype=float)
        low = x - np.asarray(trace.error_x.arrayminus)
        high = x + np.asarray(trace.error_x.array)
        for supplier, lo, hi in zip(marked.data["supplier"], low, high, strict=True):
            key = (period[0], supplier)
            expected = table.loc[key, ["share_low", "share_high"]] if key in table.index else (0, 0)
            assert (lo, hi) == pytest.approx(tuple(expected), abs=1e-12), (label, supplier)
        # The CSV carries the same bounds.
        assert low == pytest.approx(marked.data[f"share_low_{label}"].to_numpy(), abs=1e-12)
        assert high == pytest.approx(marked.data[f"share_high_{label}"].to_numpy(), abs=1e-12)
    # The two ranges of a supplier sit on either side of its line (row i), never on each other.
    line = np.arange(len(marked.data))
    assert (rows["2009-13"] < line).all() and (rows["2019-23"] > line).all()
    assert (rows["2019-23"] - rows["2009-13"] < 1).all()
    layout = marked.fig.layout
    assert list(layout.yaxis2.range) == list(layout.yaxis.range) == [len(line) - 0.5, -0.5]
    # Russia 2009-13: 93% (estimated; 44-100%), as on the Overview cards.
    russia = marked.data.set_index("supplier").loc["Russia"]
    assert (russia["share_low_2009-13"], russia["share_high_2009-13"]) == pytest.approx(
        (200 / 450, 1.0)
    )
    assert any(
        t.name and t.name.startswith("estimated: bar shows the range") for t in marked.fig.data
    )
    assert any(estimate_marks.RANGE_NOTE in n for n in marked.notes)
    # The cached view it came from is left as it was.
    assert all(t.error_x.array is None for t in plain.fig.data)
    assert "share_low_2009-13" not in plain.data.columns


def test_exact_comparison_has_no_error_bars(tiv_store):
    view = views.period_comparison_view(
        tiv_store.flows(), recipient="India", period_a=A, period_b=B
    )
    deals = estimates.recipient_register_deals(tiv_store.flows(), tiv_store.deals(), "India")
    assert deals is None
    assert estimate_marks.comparison_with_bounds(view, deals, "India", (A, B)) is view


def _patterns(view):
    return [t.marker.pattern.shape for t in view.fig.data if t.type == "bar"]


def test_estimated_stacked_bars_are_hatched(store):
    view = views.import_mix_view(store.flows(), recipient="India", by="period", period_end=2023)
    marked = estimate_marks.hatched_mix(view, _mine(store) is not None)
    assert _patterns(marked) and set(_patterns(marked)) == {"/"}
    assert estimate_marks.HATCH_LEGEND in [t.name for t in marked.fig.data]
    assert estimate_marks.HATCH_NOTE in marked.notes
    assert set(_patterns(view)) == {None}  # the shared view is not changed


def test_bars_from_a_tiv_table_are_not_hatched(tiv_store):
    flows = tiv_store.flows()
    view = views.import_mix_view(flows, recipient="India", by="period")
    estimated = estimates.recipient_register_deals(flows, tiv_store.deals(), "India") is not None
    assert not estimated
    marked = estimate_marks.hatched_mix(view, estimated)
    assert set(_patterns(marked)) == {None}
    assert estimate_marks.HATCH_NOTE not in marked.notes


def test_what_changed_prints_bounded_shares(store):
    changed = tables.what_changed(store.flows(), "India", A, B)
    table = estimate_marks.bounded_change_table(changed, _mine(store), "India", (A, B)).table
    rows = table.set_index("Supplier")
    assert rows.loc["Russia", "Share 2009-13"] == "93% (estimated; 44-100%)"
    assert rows.loc["Israel", "Share 2019-23"] == "13% (estimated; 0.0-21%)"
    assert (
        rows.loc["Total", "Share 2009-13"]
        == changed.table.set_index("Supplier").loc["Total", "Share 2009-13"]
    )
    assert (
        rows["Share 2019-23"]
        .isna()
        .equals(changed.table.set_index("Supplier")["Share 2019-23"].isna())
    )
    assert estimate_marks.bounded_change_table(changed, None, "India", (A, B)) is changed
