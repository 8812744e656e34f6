"""One stable colour per supplier (or any country) on every chart, also between sessions.

Every colour comes from ``PALETTE``: 25 colours, each pair at least ``MIN_DELTA_E`` (15) apart
in CAM02-UCS for normal vision and at least ``MIN_CVD_DELTA_E`` (10) apart after simulating
deuteranopia and protanopia (severity 100), and as far from the two greys of Others and
unknown (found by ``scripts/search_palette.py``; ``tests/test_colors.py`` measures it). With
tritanopia simulated (not a goal) the closest pair is 2.8 apart (Germany's brown and a spare
rose, #A86008 and #A85860). Weapon categories use 11 of these colours
(``analysis/category_colors.py``).

How a country keeps one colour across the app:

1. The main suppliers (``MAIN_COLORS``) own a palette colour each; nobody else is ever given
   it first, so they never move. Russia keeps its red.
2. Every other name has a home colour hashed (SHA-256, the same in every process) into the
   colours no main supplier owns (``SPARE_COLORS``), and keeps it wherever it is drawn.
3. Only when a chart draws two names with the same home colour does one move: names are
   served in alphabetical order and the later one takes the next free colour of its own
   (hashed) order, so the same pair gets the same colours on every chart that shows both.

Since the palette's colours are all distinguishable, any chart of at most 25 coloured series
(plus Others and unknown) is distinguishable: the pages and views name at most
``MAX_NAMED_SERIES`` series (``capped_top_n``). Should a caller draw more, colours repeat and the
least confusable one is used.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Iterable

from analysis.names import canonical_name
from analysis.vocab import OTHERS, UNKNOWN_SUPPLIER, not_a_country

OTHERS_COLOR = "#9E9E9E"
UNKNOWN_COLOR = "#CFCFCF"

# The main suppliers' own colours. Russia and the Soviet Union share a hue (dark vs light red)
# because users often read them as one lineage; the rest keep the hue they always had.
MAIN_COLORS: dict[str, str] = {
    "Russia": "#B2182B",
    "Soviet Union": "#E07878",
    "United States": "#2868B0",
    "France": "#703078",
    "Israel": "#389098",
    "United Kingdom": "#E08000",
    "Germany": "#A86008",
    "China": "#E880C0",
    "Italy": "#087040",
    "Spain": "#D8B048",
    "Sweden": "#98D0E8",
    "Ukraine": "#98C880",
    "South Korea": "#5820B8",
    "Netherlands": "#D02080",
    OTHERS: OTHERS_COLOR,
    UNKNOWN_SUPPLIER: UNKNOWN_COLOR,
}

# The palette colours no main supplier owns: every other name's home colour is one of these.
SPARE_COLORS: tuple[str, ...] = (
    "#405000",
    "#70F0B0",
    "#808848",
    "#A85860",
    "#286870",
    "#800850",
    "#B8E810",
    "#A0B8FF",
    "#5040FF",
    "#B870C8",
    "#2898FF",
)
GREYS = (OTHERS_COLOR, UNKNOWN_COLOR)
PALETTE: tuple[str, ...] = (
    *(c for c in MAIN_COLORS.values() if c not in GREYS),
    *SPARE_COLORS,
)

# The most named series one chart may draw (the rest summed as Others): one palette colour each,
# so no colour repeats. Others and unknown supplier(s) have their own greys, which every palette
# colour stays apart from, so they never take one of these colours.
MAX_NAMED_SERIES = len(PALETTE)


def capped_top_n(top_n: int | None) -> int | None:
    """How many series a chart names for a requested ``top_n``: at most ``MAX_NAMED_SERIES``.

    Args:
        top_n: the number asked for (a widget, the URL, the CLI); None names every series
            (for callers that know there are few, such as SIPRI's published figures).

    Returns:
        ``top_n`` between 1 and ``MAX_NAMED_SERIES``; None stays None.
    """
    if top_n is None:
        return None
    return max(1, min(int(top_n), MAX_NAMED_SERIES))


_LOOKUP = {name.casefold(): color for name, color in MAIN_COLORS.items()}

# Colours drawn together must be at least this far apart in CAM02-UCS (about 2 is just
# noticeable; 15 reads as "another colour" between small areas such as legend swatches), and
# at least MIN_CVD_DELTA_E apart as a viewer with deuteranopia or protanopia sees them.
MIN_DELTA_E = 15.0
MIN_CVD_DELTA_E = 10.0
VISIONS: dict[str, float] = {
    "normal": MIN_DELTA_E,
    "deuteranopia": MIN_CVD_DELTA_E,
    "protanopia": MIN_CVD_DELTA_E,
}
_CVD_TYPES = {"deuteranopia": "deuteranomaly", "protanopia": "protanomaly"}


def _canonical_key(name: str) -> str:
    """One key per actor however it is spelled: SIPRI's current name (analysis.names: "USA",
    "USSR", "Korea, South"), and the rows that are not a country (analysis.vocab: "Other
    suppliers" is Others; every unknown party shares the unknown supplier's grey)."""
    label = not_a_country(name)
    if label is not None:
        return (OTHERS if label == OTHERS else UNKNOWN_SUPPLIER).casefold()
    return canonical_name(" ".join(str(name).split())).casefold()


def _fixed_color(name: str | None) -> str | None:
    """The colour of a missing name or a main supplier (never moved), else None."""
    if name is None or (isinstance(name, float) and name != name) or str(name).strip() == "":
        return UNKNOWN_COLOR
    return _LOOKUP.get(_canonical_key(str(name)))


@functools.lru_cache(maxsize=1024)
def _preferences(key: str) -> tuple[str, ...]:
    """The palette in a name's own order: its home colour, the other spare colours, then the
    main suppliers' (only for crowded charts), each group shuffled per name.

    SHA-256, not Python's ``hash()``: that is salted per process and would change colours
    between sessions.
    """
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    home = SPARE_COLORS[int.from_bytes(digest[:8], "big") % len(SPARE_COLORS)]

    def shuffled(colors: Iterable[str]) -> list[str]:
        return sorted(colors, key=lambda c: hashlib.sha256(f"{key}\x00{c}".encode()).digest())

    mains = [c for c in PALETTE if c not in SPARE_COLORS]
    return (home, *shuffled(c for c in SPARE_COLORS if c != home), *shuffled(mains))


def supplier_color(name: str | None) -> str:
    """A name's own colour (its colour on every chart, unless moved by ``color_map``).

    Args:
        name: a canonical SIPRI name; missing names count as "unknown supplier(s)".

    Returns:
        A hex colour "#RRGGBB": a main supplier's own, else the name's hashed spare colour.
    """
    fixed = _fixed_color(name)
    if fixed is not None:
        return fixed
    return _preferences(_canonical_key(str(name)))[0]


# --------------------------------------------------------------------------- colour difference


@functools.lru_cache(maxsize=1024)
def _ucs(color: str, vision: str = "normal") -> tuple[float, float, float]:
    """CAM02-UCS coordinates of "#RRGGBB" as seen with ``vision`` (a key of ``VISIONS``)."""
    import numpy as np
    from colorspacious import cspace_convert

    rgb = np.array([int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    if vision != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": _CVD_TYPES[vision], "severity": 100}
        # The simulation can leave the gamut: clip as a screen would.
        rgb = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    return tuple(float(v) for v in cspace_convert(rgb, "sRGB1", "CAM02-UCS"))


def delta_e(color_a: str, color_b: str, vision: str = "normal") -> float:
    """Colour difference of two "#RRGGBB" colours in CAM02-UCS (colorspacious ``deltaE``).

    Args:
        color_a: a colour.
        color_b: another colour.
        vision: "normal", "deuteranopia" or "protanopia" (both simulated at severity 100).
    """
    a, b = _ucs(color_a, vision), _ucs(color_b, vision)
    return sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5


def distinguishable(color_a: str, color_b: str) -> bool:
    """Whether two colours are far enough apart for every vision of ``VISIONS``."""
    return all(delta_e(color_a, color_b, v) >= limit for v, limit in VISIONS.items())


def closest_pairs(colors: dict[str, str]) -> dict[str, tuple[float, str, str]]:
    """Per vision, the smallest difference among ``colors`` and the two names having it.

    Returns:
        ``{vision: (ΔE, name_a, name_b)}``; ``inf`` and empty names for fewer than 2 colours.
    """
    out = {}
    for vision in VISIONS:
        pairs = [
            (delta_e(ca, cb, vision), a, b)
            for (a, ca), (b, cb) in itertools.combinations(colors.items(), 2)
        ]
        out[vision] = min(pairs) if pairs else (float("inf"), "", "")
    return out


def _confusion(color: str, taken: list[str]) -> float:
    """How close ``color`` comes to ``taken``, relative to each vision's limit (higher is safer)."""
    return min(delta_e(color, t, v) / limit for t in taken for v, limit in VISIONS.items())


def _pick(key: str, taken: list[str]) -> str:
    """The first of a name's colours not drawn yet; else the least confusable one."""
    options = _preferences(key)
    for color in options:
        if color not in taken:
            return color
    # More names than palette colours: the least confusable one (first on ties).
    return max(options, key=lambda c: (_confusion(c, taken), -options.index(c)))


def color_map(names: Iterable[str | None]) -> dict[str, str]:
    """Colours for names drawn together (plotly ``color_discrete_map`` or trace colours).

    Main suppliers keep their own colours. Every other name gets its home colour
    (``supplier_color``) unless a name served before it in this chart has it: names are served
    in alphabetical order, so Egypt keeps its colour next to Saudi Arabia and Saudi Arabia
    moves, on every chart that shows both.

    Args:
        names: supplier or recipient names, in any order, duplicates allowed.

    Returns:
        ``{name: "#RRGGBB"}`` in the order given; the same map whatever the order of ``names``.
    """
    given = [n for n in names if n is not None]
    chosen: dict[str, str] = {}
    hashed: dict[str, list[str]] = {}
    for name in given:
        fixed = _fixed_color(name)
        if fixed is not None:
            chosen[str(name)] = fixed
        else:
            hashed.setdefault(_canonical_key(str(name)), []).append(str(name))
    taken = list(dict.fromkeys(chosen.values()))
    for key in sorted(hashed):
        color = _pick(key, taken)
        taken.append(color)
        for name in hashed[key]:
            chosen[name] = color
    return {str(n): chosen[str(n)] for n in given}
