"""Actor names across SIPRI vintages: canonical spellings, kinds and the lineage mapping (data files)."""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"
_SPACES = re.compile(r"\s+")


def _read_reference(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


@functools.cache
def _names() -> dict[str, tuple[str, str]]:
    """Lower-cased spelling -> (canonical name, kind)."""
    return {
        row["name"].lower(): (row["canonical"], row["kind"])
        for row in _read_reference("country_names.csv")
    }


@functools.cache
def _canonical_kinds() -> dict[str, str]:
    return {canonical: kind for canonical, kind in _names().values()}


def _clean(name: str) -> str:
    return _SPACES.sub(" ", name).strip()


def is_known(name: str) -> bool:
    """Whether the names file knows this spelling (case-insensitive)."""
    return _clean(name).lower() in _names()


def canonical_name(name: str) -> str:
    """The newest SIPRI spelling of ``name``; unknown spellings come back cleaned but unchanged.

    Args:
        name: a name as written in any SIPRI export ("Turkey", "Korea, South", "USSR"...).

    Returns:
        The canonical name ("Turkiye", "South Korea", "Soviet Union"...).
    """
    cleaned = _clean(name)
    hit = _names().get(cleaned.lower())
    return hit[0] if hit else cleaned


def name_kind(name: str) -> str:
    """One of state, historical_state, armed_group, organisation, region, unknown, or unmapped."""
    cleaned = canonical_name(name)
    kind = _canonical_kinds().get(cleaned)
    if kind:
        return kind
    if cleaned.lower().startswith("unknown"):
        return "unknown"
    if cleaned.endswith("**"):
        return "organisation"
    if cleaned.endswith("*"):
        return "armed_group"
    return "unmapped"


@functools.cache
def lineage_map() -> dict[str, str]:
    """Predecessor -> successor (Soviet Union -> Russia, ...), applied by the analysis on request."""
    return {row["predecessor"]: row["successor"] for row in _read_reference("lineage.csv")}
