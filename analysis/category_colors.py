"""One fixed colour per SIPRI weapon category, held to the supplier palette's goal.

The 11 categories take 11 colours of ``analysis.colors.PALETTE`` chosen so that, with the greys
of Other and "category not given", every pair is at least ``MIN_DELTA_E`` (15) apart in
CAM02-UCS for normal vision and ``MIN_CVD_DELTA_E`` (10) apart with deuteranopia or protanopia
simulated (severity 100), and also at least 10 apart with tritanopia simulated (measured by
``tests/test_category_colors.py``). A category name SIPRI may add later gets a palette colour
no category uses, so a stacked bar never shows one colour twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from analysis.colors import OTHERS_COLOR, PALETTE, UNKNOWN_COLOR

UNKNOWN_CATEGORY = "category not given"
OTHER_CATEGORY = "Other"

# Hashing 11 names into a palette would give two categories one colour on a stacked bar: each
# has its own. Other and unknown stay grey, as on the supplier charts.
CATEGORY_COLORS: dict[str, str] = {
    "Aircraft": "#2898FF",
    "Air defence systems": "#98D0E8",
    "Anti-submarine warfare weapons": "#389098",
    "Armoured vehicles": "#405000",
    "Artillery": "#A86008",
    "Engines": "#E08000",
    "Missiles": "#D02080",
    "Naval weapons": "#5820B8",
    "Satellites": "#703078",
    "Sensors": "#98C880",
    "Ships": "#087040",
    OTHER_CATEGORY: OTHERS_COLOR,
    UNKNOWN_CATEGORY: UNKNOWN_COLOR,
}
# The palette colours no category owns: names SIPRI may add get one of these.
SPARE_CATEGORY_COLORS: tuple[str, ...] = tuple(
    c for c in PALETTE if c not in CATEGORY_COLORS.values()
)


def _spare_order(name: str) -> list[str]:
    """The spare colours in a name's own (hashed, stable between sessions) order."""
    return sorted(
        SPARE_CATEGORY_COLORS,
        key=lambda c: hashlib.sha256(f"{name}\x00{c}".encode()).digest(),
    )


def category_color(name: str) -> str:
    """The colour of a weapon category on every chart (a spare palette colour for a name that
    is not one of SIPRI's categories)."""
    return CATEGORY_COLORS.get(str(name)) or _spare_order(str(name))[0]


def category_colors(names: Iterable[str]) -> dict[str, str]:
    """Colours for the categories drawn together: SIPRI's own keep theirs; other names, served
    in alphabetical order, take the first spare colour not drawn yet.

    Returns:
        ``{name: "#RRGGBB"}`` in the order given.
    """
    given = [str(n) for n in names]
    chosen = {n: CATEGORY_COLORS[n] for n in given if n in CATEGORY_COLORS}
    taken = set(chosen.values())
    for name in sorted(set(given) - set(chosen)):
        order = _spare_order(name)
        color = next((c for c in order if c not in taken), order[0])
        chosen[name] = color
        taken.add(color)
    return {n: chosen[n] for n in given}
