"""How analysis.colors.PALETTE was found: a seeded search over a 32-level sRGB grid.

Constraints (CAM02-UCS ΔE, colorspacious; deuteranopia and protanopia simulated at severity 100
and clipped to sRGB): every pair at least 15 apart for normal vision and 10 for each
simulation, also against Russia's red and the two greys (Others, unknown), which are fixed;
every colour 5 further from the light (#FFFFFF) and dark (#0E1117) page backgrounds;
lightness J' 32-88 and colourfulness 15-38 (no greys, no neon). Each main supplier takes a
colour within ``--radius`` of the colour it had before (it keeps its hue), then the rest of
the space is filled greedily (the candidate conflicting with the fewest others first).

    .venv/bin/python scripts/search_palette.py --seed 1 --radius 12 --trials 150

prints the best palette found (most colours, then the least change to the main colours);
the palette in analysis/colors.py came from such a run (seed 1, radius 12, 150 trials).
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
from colorspacious import cspace_convert

LIMITS = {"normal": 15.0, "deuteranomaly": 10.0, "protanomaly": 10.0}
FIXED = {"Russia": "#B2182B", "Others": "#9E9E9E", "unknown": "#CFCFCF"}
BACKGROUNDS = ("#FFFFFF", "#0E1117")
# The main suppliers' colours before the search (the hues readers know).
BEFORE = {
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
}


def ucs(rgb: np.ndarray, vision: str) -> np.ndarray:
    if vision != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        rgb = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def rgb_of(color: str) -> np.ndarray:
    return np.array([[int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]])


def hex_of(rgb: np.ndarray) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(np.asarray(rgb) * 255).round().astype(int))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--radius", type=float, default=12.0)
    parser.add_argument("--trials", type=int, default=150)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    levels = np.arange(0, 256, 8)
    levels[-1] = 255
    grid = np.array(list(itertools.product(levels, repeat=3)), dtype=float) / 255
    space = {v: ucs(grid, v) for v in LIMITS}
    lightness = space["normal"][:, 0]
    colourfulness = np.hypot(space["normal"][:, 1], space["normal"][:, 2])
    allowed = (lightness >= 32) & (lightness <= 88) & (colourfulness >= 15) & (colourfulness <= 38)

    def apart(mask: np.ndarray, color: str, extra: float = 0.0) -> np.ndarray:
        for vision, limit in LIMITS.items():
            distance = np.linalg.norm(space[vision] - ucs(rgb_of(color), vision), axis=1)
            mask = mask & (distance >= limit + extra)
        return mask

    for color in BACKGROUNDS:
        allowed = apart(allowed, color, 5.0)
    for color in FIXED.values():
        allowed = apart(allowed, color)
    best: tuple = ((0, 0.0), {}, [])
    for _ in range(args.trials):
        ok, chosen, moved = allowed.copy(), {}, 0.0
        for name, before in BEFORE.items():
            distance = np.linalg.norm(space["normal"] - ucs(rgb_of(before), "normal"), axis=1)
            candidates = np.flatnonzero(ok & (distance <= args.radius))
            if not len(candidates):
                break
            weights = np.exp(-distance[candidates] / 3) * rng.random(len(candidates))
            pick = candidates[np.argmax(weights)]
            chosen[name], moved = hex_of(grid[pick]), moved + distance[pick]
            ok = apart(ok, chosen[name])
        else:
            spare = fill(space, np.flatnonzero(ok), rng)
            key = (len(chosen) + len(spare), -moved)
            if key > best[0]:
                best = (key, chosen, [hex_of(grid[i]) for i in spare])
                print(f"{key[0] + 1} colours with Russia, main colours moved {-key[1]:.0f} in all")
    print("MAIN:", best[1])
    print("SPARE:", best[2])


def fill(space: dict, index: np.ndarray, rng: np.random.Generator, tries: int = 30) -> list[int]:
    """A large set of mutually distinguishable candidates (greedy, fewest conflicts first)."""
    conflict = np.zeros((len(index), len(index)), bool)
    for vision, limit in LIMITS.items():
        points = space[vision][index]
        conflict |= np.linalg.norm(points[:, None] - points[None, :], axis=2) < limit
    np.fill_diagonal(conflict, False)
    best: list[int] = []
    for _ in range(tries):
        alive, picked = np.ones(len(index), bool), []
        noise = rng.random(len(index)) * 0.9
        while alive.any():
            degree = conflict[:, alive].sum(1) + noise
            degree[~alive] = np.inf
            i = int(np.argmin(degree))
            picked.append(i)
            alive &= ~conflict[i]
            alive[i] = False
        best = max(best, picked, key=len)
    return [int(index[i]) for i in best]


if __name__ == "__main__":
    main()
