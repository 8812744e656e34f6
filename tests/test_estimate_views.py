"""Estimated figures marked on built charts (analysis.estimate_views, analysis.partial_marks):
by-year bars, Compare's panels, the alt text, and the Suppliers chart counted from importers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import bounds, compare, estimate_views, estimates, partial_marks, views
from analysis.alt_text import describe_view
from analysis.export import chart_data_csv
from analysis.store import Store

from .conftest import DATA
from .register_fixture import india_register


def _deals(rows) -> pd.DataFrame:
    """Deals from (supplier, delivery years, delivered TIV) tuples, all to India."""
    return pd.DataFrame(
        {
            "recipient": ["India"] * len(rows),
            "supplier": [r[0] for r in rows],
            "delivery_years": pd.Series([list(r[1]) for r in rows], dtype=object),
            "tiv_delivered": pd.array([r[2] for r in rows], dtype="Float64"),
        }
    )


def _even_spread(deals: pd.DataFrame) -> pd.DataFrame:
    """The yearly table a chart plots from the deals spread evenly: year, supplier, tiv, share."""
    rows = [
        (year, d.supplier, float(d.tiv_delivered) / len(d.delivery_years))
        for d in deals.itertuples()
        for year in d.delivery_years
    ]
    frame = pd.DataFrame(rows, columns=["year", "supplier", "tiv"])
    frame = frame.groupby(["year", "supplier"], as_index=False)["tiv"].sum()
    return frame.assign(share=frame["tiv"] / frame.groupby("year")["tiv"].transform("sum"))


def test_bounded_rows_mark_only_the_figures_a_split_can_change():
    deals = _deals(
        [
            ("Russia", [2010], 10.0),  # one year: its TIV is exact
            ("France", [2010, 2011], 20.0),  # straddles: 0-20 in each year
            ("Israel", [2013], 5.0),  # alone in its year: exact TIV and share
        ]
    )
    rows = estimate_views.bounded_rows(_even_spread(deals), deals, "India", "year", False)
    rows = rows.set_index(["year", "supplier"])
    russia = rows.loc[(2010, "Russia")]
    assert (russia["tiv_low"], russia["tiv"], russia["tiv_high"]) == (10.0, 10.0, 10.0)
    # Its share is not exact: France's deal may bring 0 or 20 in 2010.
    assert (russia["share_low"], russia["share_high"]) == pytest.approx((10 / 30, 1.0))
    assert bool(russia["estimated"])
    france = rows.loc[(2011, "France")]
    assert (france["tiv_low"], france["tiv_high"]) == (0.0, 20.0)
    israel = rows.loc[(2013, "Israel")]
    assert not bool(israel["estimated"])
    assert (israel["share_low"], israel["share"], israel["share_high"]) == (1.0, 1.0, 1.0)
    # The even spread always lies within the bounds.
    assert (rows["tiv_low"] <= rows["tiv"] + 1e-12).all()
    assert (rows["tiv"] <= rows["tiv_high"] + 1e-12).all()
    assert (rows["share_low"] <= rows["share"] + 1e-12).all()
    assert (rows["share"] <= rows["share_high"] + 1e-12).all()


def test_bounded_rows_put_the_unnamed_suppliers_together_as_others():
    deals = _deals([("Russia", [2010], 10.0), ("France", [2010, 2011], 20.0)])
    data = _even_spread(deals)
    data["supplier"] = data["supplier"].replace({"France": "Others"})
    rows = estimate_views.bounded_rows(data, deals, "India", "year", False)
    others = rows.set_index(["year", "supplier"]).loc[(2010, "Others")]
    assert (others["tiv_low"], others["tiv_high"]) == (0.0, 20.0)


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "arms.sqlite")
    assert store.import_bytes("india-register.csv", india_register()).ok
    return store


def _marked(store, **options):
    flows = store.flows()
    view = views.import_mix_view(flows, recipient="India", **options)
    return view, estimate_views.recipient_marks(view, flows, store.deals(), "India")


def _hatched(view) -> dict[tuple[str, int], bool]:
    out = {}
    for trace in view.fig.data:
        if trace.type != "bar" or trace.name == estimate_views.YEARS_LEGEND.replace(
            " evenly", "<br>evenly"
        ):
            continue
        shapes = trace.marker.pattern.shape or ("",) * len(trace.customdata)
        for row, shape in zip(trace.customdata, shapes, strict=True):
            out[(trace.name, int(row[0]))] = shape == "/"
    return out


@pytest.mark.parametrize("measure", ["share", "tiv"])
def test_by_year_bars_are_hatched_where_the_split_changes_them(store, measure):
    plain, marked = _marked(store, by="year", measure=measure)
    data = marked.data.set_index(["supplier", "year"])
    varies = data[f"{measure}_high"] - data[f"{measure}_low"] > 1e-9
    hatched = _hatched(marked)
    assert hatched == {key: bool(v) for key, v in varies.items()}
    assert any(hatched.values())
    # 2009 and 2010: Russia alone, its share 100% under any split (plain in the share view);
    # its TIV there depends on the split (hatched in the TIV view).
    assert hatched[("Russia", 2009)] == (measure == "tiv")
    names = [t.name for t in marked.fig.data]
    assert any(n and n.startswith("estimated: a deal's TIV spread") for n in names)
    assert estimate_views.YEARS_NOTE in marked.notes
    assert {"tiv_low", "tiv_high", "share_low", "share_high", "estimated"} <= set(marked.data)
    # The cached view it came from is left as it was.
    assert not any(_hatched(plain).values())
    assert "tiv_low" not in plain.data.columns


def test_tiv_by_year_has_error_bars_on_each_year_total(store):
    _, marked = _marked(store, by="year", measure="tiv")
    (ranges,) = [t for t in marked.fig.data if t.name == estimate_views.TOTAL_RANGE_NAME]
    totals = bounds.total_bounds(
        store.deals(), "India", [(y, y) for y in sorted(marked.data["year"].unique())]
    )
    y = np.asarray(ranges.y, dtype=float)
    assert y - np.asarray(ranges.error_y.arrayminus) == pytest.approx(totals["tiv_low"].to_numpy())
    assert y + np.asarray(ranges.error_y.array) == pytest.approx(totals["tiv_high"].to_numpy())


def test_alt_text_and_csv_say_estimated_with_the_bounds(store):
    _, marked = _marked(store, by="year")
    text = describe_view(marked)
    # France is the largest supplier of 2020-24 in the register fixture.
    assert "Estimated from a per-deal register" in text
    assert "France's share of India's imports is 74% (estimated; 64-85%) in 2020-24." in text
    csv = chart_data_csv(marked.data, marked.meta).decode()
    assert "tiv_low,tiv_high,share_low,share_high,estimated" in csv


def test_comparison_alt_text_has_both_periods_bounds(store):
    flows = store.flows()
    view = views.period_comparison_view(
        flows, recipient="India", period_a=(2009, 2013), period_b=(2019, 2023)
    )
    marked = estimate_views.recipient_marks(view, flows, store.deals(), "India")
    assert "(estimated; 0.0-44%) in 2009-13 and 74% (estimated; 64-100%) in 2019-23" in (
        describe_view(marked)
    )
    assert "estimated" not in describe_view(view)


def test_exact_figures_are_left_alone(tmp_path):
    store = Store(tmp_path / "tiv.sqlite")
    assert store.import_bytes(
        "india.csv", (DATA / "tiv_table_india_by_supplier.csv").read_bytes()
    ).ok
    flows = store.flows()
    for by in ("year", "period"):
        view = views.import_mix_view(flows, recipient="India", by=by)
        assert estimate_views.recipient_marks(view, flows, store.deals(), "India") is view


def _pakistan_register() -> bytes:
    return india_register().decode("cp1252").replace("\nIndia,", "\nPakistan,").encode("cp1252")


def test_compare_hatches_only_the_estimated_countrys_panel(tmp_path):
    store = Store(tmp_path / "two.sqlite")
    assert store.import_bytes(
        "india.csv", (DATA / "tiv_table_india_vintage_2024.csv").read_bytes()
    ).ok
    assert store.import_bytes("pakistan-register.csv", _pakistan_register()).ok
    flows = store.flows()
    assert estimates.recipient_register_deals(flows, store.deals(), "Pakistan") is not None
    found = compare.compare_view(flows, ["India", "Pakistan"], by="year")
    marked = estimate_views.compare_with_bounds(found, flows, store.deals(), False)
    panels = {"x": "India", "x2": "Pakistan"}
    hatched = {name: False for name in panels.values()}
    for trace in marked.chart.fig.data:
        if trace.type == "bar" and trace.xaxis in panels and trace.marker.pattern.shape:
            hatched[panels[trace.xaxis]] |= "/" in trace.marker.pattern.shape
    assert hatched == {"India": False, "Pakistan": True}
    data = marked.chart.data
    assert not data[data["recipient"] == "India"]["estimated"].any()
    assert data[data["recipient"] == "Pakistan"]["estimated"].any()
    exact = data[data["recipient"] == "India"]
    assert (exact["share_low"] == exact["share"]).all()
    assert "Pakistan" in describe_view(marked.chart)
    assert not any("/" in (t.marker.pattern.shape or ()) for t in found.chart.fig.data)


def test_customers_from_one_importers_register_say_partial_and_estimated(store):
    view = views.customers_view(store.flows(), exporter="Russia")
    marked = partial_marks.customers_marks(view)
    assert marked.meta.title.endswith("(loaded recipients only)")
    assert "counts only the recipients loaded (India)" in marked.meta.subtitle_line()
    assert "(loaded recipients only)" in marked.fig.layout.title.text
    assert "counts only the recipients loaded" in marked.fig.layout.title.subtitle.text
    assert "estimated" in marked.fig.layout.title.subtitle.text
    csv = chart_data_csv(marked.data, marked.meta).decode()
    assert "counts only the recipients loaded (India)" in csv.splitlines()[1]
    assert (marked.data["partial"] & marked.data["estimated"]).all()
    text = describe_view(marked)
    assert "counts only the recipients loaded (India), not every customer of Russia" in text
    assert "estimated" in text
    assert "(loaded recipients only)" not in view.meta.title  # the shared view is unchanged


def test_customers_from_an_exporters_table_are_left_alone(tmp_path):
    store = Store(tmp_path / "fr.sqlite")
    data = (DATA / "tiv_table_old_exports_from_france.csv").read_bytes()
    assert store.import_bytes("france.csv", data).ok
    view = views.customers_view(store.flows(), exporter="France")
    assert partial_marks.customers_marks(view) is view
