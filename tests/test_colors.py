"""Colours drawn together are distinguishable (CIELAB ΔE76), and each name's colour is stable."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from analysis import views
from analysis.colors import (
    MAIN_COLORS,
    MIN_DELTA_E,
    color_map,
    delta_e,
    supplier_color,
)
from analysis.sipri import read_sipri

from .conftest import DATA


def _flows(path) -> pd.DataFrame:
    export = read_sipri(path)
    vintage = export.generated.isoformat() if export.generated else None
    return export.flows.assign(vintage=vintage)


def _fixture_flows() -> pd.DataFrame:
    """Every flow of the project's own fixtures (tests/data/*.csv) that reads as SIPRI's."""
    frames = []
    for path in sorted(DATA.glob("*.csv")):
        try:
            frames.append(_flows(path))
        except Exception:  # noqa: BLE001 - the bad_* fixtures are meant to be refused
            continue
    return pd.concat(frames, ignore_index=True)


def _assert_distinguishable(colors: dict[str, str]) -> None:
    for (a, ca), (b, cb) in itertools.combinations(colors.items(), 2):
        assert delta_e(ca, cb) >= MIN_DELTA_E, f"{a} {ca} vs {b} {cb}: ΔE {delta_e(ca, cb):.1f}"


def test_cielab_difference_is_cie76():
    assert delta_e("#FFFFFF", "#000000") == pytest.approx(100.0, abs=0.01)
    assert delta_e("#B2182B", "#B2182B") == 0.0
    # sRGB red is L*a*b* (53.24, 80.09, 67.20): its distance to black is the vector's length.
    assert delta_e("#FF0000", "#000000") == pytest.approx(
        (53.24**2 + 80.09**2 + 67.20**2) ** 0.5, abs=0.05
    )


def test_top_customers_of_france_and_suppliers_of_india_in_the_fixtures_are_distinct():
    flows = _fixture_flows()
    customers = flows.loc[flows["supplier"] == "France", "recipient"].dropna().unique()
    suppliers = flows.loc[flows["recipient"] == "India", "supplier"].dropna().unique()
    assert {"Egypt", "India", "Turkiye"} <= set(customers)
    assert {"Russia", "Soviet Union", "France", "United Kingdom"} <= set(suppliers)
    for names in (customers, suppliers):
        _assert_distinguishable(color_map([*names, "Others"]))


@pytest.mark.parametrize(
    ("fixture", "exporter", "recipient"),
    [
        ("A_exports_from_france.csv", "France", None),
        ("A_imports_to_india.csv", None, "India"),
        ("B_india_by_supplier.csv", None, "India"),
        ("C_register_cp1252.csv", None, "India"),
    ],
)
def test_drawn_bars_of_the_fixture_charts_are_distinct(fixture, exporter, recipient):
    """End to end: the colours the chart builders actually give the bars."""
    flows = _flows(DATA / fixture)
    if exporter:
        view = views.customers_view(flows, exporter=exporter, measure="share", top_n=10)
    else:
        view = views.import_mix_view(flows, recipient=recipient, top_n=10)
    bars = {t.name: t.marker.color for t in view.fig.data if t.type == "bar"}
    assert len(bars) >= 3
    _assert_distinguishable(bars)


def test_egypt_and_saudi_arabia_no_longer_share_a_yellow():
    # Both hash to the same yellow: drawn together, the later name alphabetically moves.
    assert supplier_color("Egypt") == supplier_color("Saudi Arabia")
    together = color_map(["Saudi Arabia", "Egypt", "India", "Qatar", "Greece", "UAE", "Others"])
    _assert_distinguishable(together)
    assert together["Egypt"] == supplier_color("Egypt")  # the first name keeps its colour
    assert color_map(["Saudi Arabia"]) == {"Saudi Arabia": supplier_color("Saudi Arabia")}


def test_main_suppliers_keep_their_colours_whatever_is_drawn_with_them():
    names = [*MAIN_COLORS, "Egypt", "Saudi Arabia", "Kazakhstan", "Viet Nam", "Algeria"]
    colors = color_map(names)
    assert all(colors[n] == c for n, c in MAIN_COLORS.items())
    assert colors["Russia"] == "#B2182B"
    assert colors == color_map(list(reversed(names)))


def test_unknown_recipients_are_grey_like_unknown_suppliers():
    assert supplier_color("unknown recipient(s)") == MAIN_COLORS["unknown supplier(s)"]
    assert supplier_color("Unknown recipient(s)") == MAIN_COLORS["unknown supplier(s)"]
