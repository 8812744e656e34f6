"""One stable colour per supplier (or any country) on every chart, also between sessions."""

from __future__ import annotations

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


def _canonical_key(name: str) -> str:
    key = " ".join(str(name).split()).casefold()
    alias = _ALIASES.get(key)
    return alias.casefold() if alias else key


def supplier_color(name: str | None) -> str:
    """Colour for one supplier (or recipient) name, the same in every process.

    Args:
        name: a canonical SIPRI name; missing names count as "unknown supplier(s)".

    Returns:
        A hex colour "#RRGGBB". Main suppliers get a fixed colour; every other name is hashed
        with SHA-256 (Python's ``hash()`` is salted per process, so it would change colours
        between sessions) into a colour-blind-friendly palette.
    """
    if name is None or (isinstance(name, float) and name != name) or str(name).strip() == "":
        return MAIN_COLORS["unknown supplier(s)"]
    key = _canonical_key(str(name))
    if key in _LOOKUP:
        return _LOOKUP[key]
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return HASHED_PALETTE[int.from_bytes(digest[:8], "big") % len(HASHED_PALETTE)]


def color_map(names: Iterable[str | None]) -> dict[str, str]:
    """Map each name to its stable colour (for plotly ``color_discrete_map`` or trace colours).

    Args:
        names: supplier or recipient names, in any order, duplicates allowed.

    Returns:
        ``{name: "#RRGGBB"}``; a name's colour never depends on the other names given.
    """
    return {str(n): supplier_color(n) for n in names if n is not None}
