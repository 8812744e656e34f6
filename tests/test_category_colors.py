"""Weapon-category colours meet the supplier palette's goal: every pair drawn together at least
15 apart (CAM02-UCS) for normal vision and 10 apart with deuteranopia or protanopia simulated,
Other and "category not given" included; tritanopia is measured too."""

from __future__ import annotations

import itertools

import pandas as pd

from analysis.categories import build_category_mix, category_breakdown
from analysis.category_colors import (
    CATEGORY_COLORS,
    OTHER_CATEGORY,
    SPARE_CATEGORY_COLORS,
    UNKNOWN_CATEGORY,
    category_color,
    category_colors,
)
from analysis.chart_meta import ChartMeta
from analysis.colors import GREYS, PALETTE
from analysis.sipri import read_sipri

from .conftest import DATA
from .test_colors import _assert_distinguishable, _simulated

SIPRI_CATEGORIES = [
    "Aircraft",
    "Air defence systems",
    "Anti-submarine warfare weapons",
    "Armoured vehicles",
    "Artillery",
    "Engines",
    "Missiles",
    "Naval weapons",
    "Satellites",
    "Sensors",
    "Ships",
]


def test_every_sipri_category_has_its_own_palette_colour_and_other_and_unknown_are_grey():
    assert set(CATEGORY_COLORS) == {*SIPRI_CATEGORIES, OTHER_CATEGORY, UNKNOWN_CATEGORY}
    named = [CATEGORY_COLORS[c] for c in SIPRI_CATEGORIES]
    assert len(set(named)) == len(named)
    assert set(named) <= set(PALETTE)
    assert (CATEGORY_COLORS[OTHER_CATEGORY], CATEGORY_COLORS[UNKNOWN_CATEGORY]) == GREYS


def test_every_pair_of_category_colours_is_distinguishable():
    _assert_distinguishable(dict(CATEGORY_COLORS))


def test_category_colours_stay_apart_with_tritanopia_too():
    from colorspacious import deltaE

    closest = min(
        deltaE(_simulated(a, "tritanomaly"), _simulated(b, "tritanomaly"), input_space="sRGB1")
        for a, b in itertools.combinations(CATEGORY_COLORS.values(), 2)
    )
    assert closest >= 10, closest


def test_a_category_sipri_may_add_gets_a_colour_no_category_uses():
    names = [*SIPRI_CATEGORIES, "Drones", "Lasers", OTHER_CATEGORY, UNKNOWN_CATEGORY]
    colors = category_colors(names)
    assert len(set(colors.values())) == len(names)
    assert {colors["Drones"], colors["Lasers"]} <= set(SPARE_CATEGORY_COLORS)
    assert category_color("Drones") in SPARE_CATEGORY_COLORS
    assert category_colors(reversed(names)) == {n: colors[n] for n in reversed(names)}
    _assert_distinguishable(colors)


def test_the_drawn_category_bars_are_distinguishable():
    """End to end: the colours build_category_mix gives the bars of the fixture's categories."""
    export = read_sipri(DATA / "tiv_table_old_categories_india.csv")
    flows = export.flows.assign(vintage=pd.array(["2022-07-28"] * len(export.flows), dtype="str"))
    table = category_breakdown(flows, "India")
    chart = build_category_mix(table, meta=ChartMeta(title="t"), recipient="India")
    bars = {t.name: t.marker.color for t in chart.figure.data if t.type == "bar"}
    assert len(bars) >= 3
    assert all(bars[name] == CATEGORY_COLORS[name] for name in bars)
    _assert_distinguishable(bars)
