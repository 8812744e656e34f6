"""Colours drawn together are distinguishable (CAM02-UCS, also with deuteranopia and
protanopia simulated), and each name's colour is stable."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from colorspacious import cspace_convert, deltaE

from analysis import views
from analysis.colors import (
    GREYS,
    MAIN_COLORS,
    MIN_CVD_DELTA_E,
    MIN_DELTA_E,
    PALETTE,
    SPARE_COLORS,
    closest_pairs,
    color_map,
    delta_e,
    supplier_color,
)
from analysis.sipri import read_sipri

from .conftest import DATA, SAMPLES

# Series drawn together by default: the import mix names 6 suppliers, the period comparison 8,
# an exporter's customers 10, each plus Others.
TOP_SUPPLIERS = (6, 8)
TOP_CUSTOMERS = 10


def _flows(path) -> pd.DataFrame:
    export = read_sipri(path)
    vintage = export.generated.isoformat() if export.generated else None
    return export.flows.assign(vintage=vintage)


def _readable_flows(paths) -> list[pd.DataFrame]:
    frames = []
    for path in paths:
        try:
            frames.append(_flows(path))
        except Exception:  # noqa: BLE001 - the bad_* fixtures are meant to be refused
            continue
    return frames


def _assert_distinguishable(colors: dict[str, str]) -> None:
    closest = closest_pairs(colors)
    assert closest["normal"][0] >= MIN_DELTA_E, closest["normal"]
    assert closest["deuteranopia"][0] >= MIN_CVD_DELTA_E, closest["deuteranopia"]
    assert closest["protanopia"][0] >= MIN_CVD_DELTA_E, closest["protanopia"]


def _rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def _simulated(color: str, cvd_type: str) -> np.ndarray:
    rgb = _rgb(color)
    space = {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100}
    return np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)


def test_difference_is_colorspacious_cam02_ucs_delta_e():
    assert delta_e("#B2182B", "#B2182B") == 0.0
    for a, b in [("#FFFFFF", "#000000"), ("#B2182B", "#2868B0"), ("#E07878", "#98C880")]:
        assert delta_e(a, b) == pytest.approx(
            deltaE(_rgb(a), _rgb(b), input_space="sRGB1"), abs=1e-6
        )
        simulated = deltaE(
            _simulated(a, "deuteranomaly"), _simulated(b, "deuteranomaly"), input_space="sRGB1"
        )
        assert delta_e(a, b, "deuteranopia") == pytest.approx(simulated, abs=1e-6)
    # Red and green: far apart for normal vision, close for a viewer with protanopia.
    assert delta_e("#E07878", "#98C880") > 30 > delta_e("#E07878", "#98C880", "protanopia")


def test_every_pair_of_the_palette_and_the_greys_is_distinguishable():
    colors = {c: c for c in (*PALETTE, *GREYS)}
    assert len(colors) == len(PALETTE) + len(GREYS) == 27
    _assert_distinguishable(colors)
    assert MAIN_COLORS["Russia"] == "#B2182B"  # Russia keeps its own red
    assert set(SPARE_COLORS).isdisjoint(MAIN_COLORS.values())


def test_the_greys_read_as_greys_and_nothing_else_is_grey():
    for grey in GREYS:
        assert len({grey[1:3], grey[3:5], grey[5:7]}) == 1
    for color in PALETTE:
        rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
        assert max(rgb) - min(rgb) > 40, color


def _top(flows: pd.DataFrame, owner: str, other: str, n: int) -> dict[str, list[str]]:
    rows = flows[flows[owner].notna() & flows[other].notna()]
    out = {}
    for key, part in rows.groupby(owner):
        totals = part.groupby(other)["tiv"].sum().sort_values(ascending=False, kind="stable")
        out[str(key)] = [str(s) for s in totals.index[:n]]
    return out


def _check_every_owner(frames: list[pd.DataFrame]) -> int:
    checked = 0
    for flows in frames:
        series = [("recipient", "supplier", n) for n in TOP_SUPPLIERS]
        series.append(("supplier", "recipient", TOP_CUSTOMERS))
        for owner, other, n in series:
            for key, names in _top(flows, owner, other, n).items():
                colors = color_map([*names, "Others"])
                try:
                    _assert_distinguishable(colors)
                except AssertionError as exc:
                    raise AssertionError(f"{owner} {key}, top {n}: {exc}") from None
                checked += 1
    return checked


def test_top_suppliers_and_customers_of_every_country_in_the_fixtures_are_distinguishable():
    frames = _readable_flows(sorted(DATA.glob("*.csv")))
    assert _check_every_owner(frames) > 10


@pytest.mark.samples
def test_top_suppliers_and_customers_of_every_country_in_the_samples_are_distinguishable():
    if not SAMPLES.is_dir():
        pytest.skip("../shared/sipri-samples/ is not present")
    frames = _readable_flows(sorted(SAMPLES.glob("*.csv")))
    # The world registers hold ~190 recipients and ~70 suppliers.
    assert _check_every_owner(frames) > 300


@pytest.mark.parametrize(
    ("fixture", "exporter", "recipient"),
    [
        ("tiv_table_old_exports_from_france.csv", "France", None),
        ("tiv_table_old_imports_to_india.csv", None, "India"),
        ("tiv_table_india_by_supplier.csv", None, "India"),
        ("register_cp1252.csv", None, "India"),
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


def test_names_sharing_a_home_colour_are_told_apart_the_same_way_on_every_chart():
    # Both hash to the same spare colour: drawn together, the later name alphabetically moves.
    assert supplier_color("Greece") == supplier_color("Saudi Arabia")
    together = color_map(["Saudi Arabia", "Egypt", "India", "Qatar", "Greece", "UAE", "Others"])
    _assert_distinguishable(together)
    assert together["Greece"] == supplier_color("Greece")  # the first name keeps its colour
    assert together["Saudi Arabia"] != supplier_color("Saudi Arabia")
    again = color_map(["Greece", "Saudi Arabia", "Russia", "France"])
    assert again["Saudi Arabia"] == together["Saudi Arabia"]
    assert color_map(["Saudi Arabia"]) == {"Saudi Arabia": supplier_color("Saudi Arabia")}


def test_main_suppliers_keep_their_colours_whatever_is_drawn_with_them():
    names = [*MAIN_COLORS, "Egypt", "Saudi Arabia", "Kazakhstan", "Viet Nam", "Algeria"]
    colors = color_map(names)
    assert all(colors[n] == c for n, c in MAIN_COLORS.items())
    assert colors == color_map(list(reversed(names)))
    _assert_distinguishable(colors)


def test_more_names_than_colours_reuse_the_least_confusable():
    names = [f"Country {i:02d}" for i in range(len(PALETTE) + 3)]
    colors = color_map(names)
    assert set(colors.values()) == set(PALETTE)  # every palette colour used before any repeats
    assert colors == color_map(list(reversed(names)))


def test_unknown_recipients_are_grey_like_unknown_suppliers():
    assert supplier_color("unknown recipient(s)") == MAIN_COLORS["unknown supplier(s)"]
    assert supplier_color("Unknown recipient(s)") == MAIN_COLORS["unknown supplier(s)"]


def test_a_pair_that_clashed_before_is_apart_now():
    # Measured on the old colours: Venezuela and Spain among Bolivia's suppliers were 7.0 apart
    # (1.0 with protanopia), the United States and South Korea 2.4 apart with deuteranopia.
    for pair in (["Venezuela", "Spain"], ["United States", "South Korea"]):
        colors = color_map([*pair, "Others"])
        assert all(
            delta_e(colors[a], colors[b], v) >= limit
            for a, b in itertools.combinations(pair, 2)
            for v, limit in (("normal", 15), ("deuteranopia", 10), ("protanopia", 10))
        )
