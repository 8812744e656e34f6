"""One stable colour per supplier (or any country) on every chart, also between sessions.

Main suppliers have fixed colours. Every other name has its own colour, hashed from the name,
and keeps it wherever it is drawn, unless a chart draws it next to a name whose colour is too
close (less than ``MIN_DELTA_E`` apart in CIELAB): then ``color_map`` gives the later name (in
alphabetical order) its next colour, so colours drawn together stay distinguishable.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable

# Hand-picked colours for the suppliers that dominate most charts. Russia and the Soviet Union
# share a hue (dark vs light red) because users often read them as one lineage.
MAIN_COLORS: dict[str, str] = {
    "Russia": "#B2182B",
    "Soviet Union": "#E7858C",
    "United States": "#2166AC",
    "France": "#762A83",
    "Israel": "#35978F",
    "United Kingdom": "#E08214",
    "Germany": "#8C510A",
    "China": "#DE77AE",
    "Italy": "#1B7837",
    "Spain": "#C9A227",
    "Sweden": "#92C5DE",
    "Ukraine": "#7FBC41",
    "South Korea": "#5E4FA2",
    "Netherlands": "#C51B7D",
    "Others": "#9E9E9E",
    "unknown supplier(s)": "#CFCFCF",
}

# Spellings that mean one of the names above (older SIPRI vintages, common abbreviations).
_ALIASES: dict[str, str] = {
    "usa": "United States",
    "us": "United States",
    "united states of america": "United States",
    "ussr": "Soviet Union",
    "uk": "United Kingdom",
    "germany (frg)": "Germany",
    "west germany": "Germany",
    "korea, south": "South Korea",
    "republic of korea": "South Korea",
    "other": "Others",
    "other suppliers": "Others",
    "other recipients": "Others",
    "unknown country": "unknown supplier(s)",
    "unknown recipient(s)": "unknown supplier(s)",
    "unknown": "unknown supplier(s)",
}

# Colour-blind-friendly colours for every other name: Paul Tol's "muted" scheme plus Okabe-Ito,
# without greys/black (reserved for Others/unknown) and without reds too close to Russia.
HASHED_PALETTE: tuple[str, ...] = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#AA4499",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#F0E442",
)

_LOOKUP = {name.casefold(): color for name, color in MAIN_COLORS.items()}

# Two colours drawn together must be at least this far apart (CIE76 colour difference in
# CIELAB; about 2 is just noticeable, 10-15 reads as "another colour" between small areas).
MIN_DELTA_E = 15.0


def _canonical_key(name: str) -> str:
    key = " ".join(str(name).split()).casefold()
    alias = _ALIASES.get(key)
    return alias.casefold() if alias else key


def _fixed_color(name: str | None) -> str | None:
    """The colour of a missing name or a main supplier (never moved), else None."""
    if name is None or (isinstance(name, float) and name != name) or str(name).strip() == "":
        return MAIN_COLORS["unknown supplier(s)"]
    return _LOOKUP.get(_canonical_key(str(name)))


def _preferences(key: str) -> list[str]:
    """The palette in a name's own order: its hashed colour first, then a per-name shuffle.

    SHA-256, not Python's ``hash()``: that is salted per process and would change colours
    between sessions.
    """
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    first = int.from_bytes(digest[:8], "big") % len(HASHED_PALETTE)
    rest = sorted(
        (i for i in range(len(HASHED_PALETTE)) if i != first),
        key=lambda i: hashlib.sha256(f"{key}\x00{i}".encode()).digest(),
    )
    return [HASHED_PALETTE[i] for i in (first, *rest)]


def supplier_color(name: str | None) -> str:
    """A name's own colour (its colour on every chart, unless moved by ``color_map``).

    Args:
        name: a canonical SIPRI name; missing names count as "unknown supplier(s)".

    Returns:
        A hex colour "#RRGGBB". Main suppliers get a fixed colour; every other name is hashed
        with SHA-256 (the same in every process) into a colour-blind-friendly palette.
    """
    fixed = _fixed_color(name)
    if fixed is not None:
        return fixed
    return _preferences(_canonical_key(str(name)))[0]


@functools.lru_cache(maxsize=256)
def _lab(color: str) -> tuple[float, float, float]:
    """CIELAB (D65) coordinates of a "#RRGGBB" sRGB colour."""
    rgb = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(color_a: str, color_b: str) -> float:
    """CIE76 colour difference (Euclidean distance in CIELAB) of two "#RRGGBB" colours."""
    return sum((p - q) ** 2 for p, q in zip(_lab(color_a), _lab(color_b), strict=True)) ** 0.5


def _pick(key: str, taken: list[str]) -> str:
    """The first of a name's colours far enough from ``taken``; else the farthest one."""
    options = _preferences(key)
    if not taken:
        return options[0]
    gaps = [min(delta_e(c, t) for t in taken) for c in options]
    for color, gap in zip(options, gaps, strict=True):
        if gap >= MIN_DELTA_E:
            return color
    # More names than distinguishable colours: the least confusable one (first on ties).
    return options[max(range(len(options)), key=lambda i: (gaps[i], -i))]


def color_map(names: Iterable[str | None]) -> dict[str, str]:
    """Colours for names drawn together (plotly ``color_discrete_map`` or trace colours).

    Main suppliers keep their fixed colours. Every other name gets its own colour
    (``supplier_color``) unless that is less than ``MIN_DELTA_E`` from a colour already given
    in this chart: names are served in alphabetical order, so Egypt keeps its colour next to
    Saudi Arabia and Saudi Arabia takes its next one, on every chart that shows both. With
    more names than distinguishable colours, the least confusable colour is used.

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
