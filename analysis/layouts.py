"""SIPRI's export layouts: each one's code name, display label and description, defined once.

The code name is what the loader detects (``SipriExport.layout``), the store keeps in
``datasets.layout`` and the CLI prints in its JSON; fixtures in tests/data/ start with it. The
label names the layout in sentences and tables ("per-deal register"); the description says what
it is ("trade register, one row per deal"). ``variants`` are the letters of SIPRI_FORMATS.md
(the byte-level notes on SIPRI's exports): the TIV table covers its old (A) and new (B) forms.

This module imports nothing from the project: it lives beside ``analysis.sipri`` rather than in
it because ``analysis.results`` needs the names too, and the loader package imports results.
"""

from __future__ import annotations

from dataclasses import dataclass

TIV_TABLE = "tiv_table"
TIV_REGIONAL = "tiv_regional"
REGISTER = "register"
REGISTER_DELIVERIES = "register_deliveries"
REGISTER_LEGACY = "register_legacy"


@dataclass(frozen=True)
class Layout:
    """One layout: its code name, display label, description and SIPRI_FORMATS variants."""

    name: str
    label: str
    description: str
    variants: tuple[str, ...]

    @property
    def heading(self) -> str:
        """The label at the start of a line or in a card ("Per-deal register")."""
        return self.label[:1].upper() + self.label[1:]

    @property
    def is_register(self) -> bool:
        """Whether the export lists deals (the three registers) rather than yearly TIV."""
        return self.name.startswith(REGISTER)


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(TIV_TABLE, "TIV table", "TIV table (yearly volume of transfers)", ("A", "B")),
        Layout(
            TIV_REGIONAL,
            "regional TIV table",
            "regional TIV table (suppliers to regions)",
            ("B-reg",),
        ),
        Layout(REGISTER, "per-deal register", "trade register, one row per deal", ("C",)),
        Layout(
            REGISTER_DELIVERIES,
            "per-delivery register",
            "trade register, one row per deal and delivery year",
            ("D",),
        ),
        Layout(
            REGISTER_LEGACY,
            "2014-era register",
            "2014-era trade register report (no TIV)",
            ("E",),
        ),
    )
}


def label(name: str) -> str:
    """A layout's display label; an unknown code name is shown as written."""
    layout = LAYOUTS.get(name)
    return layout.label if layout else name


def heading(name: str) -> str:
    """A layout's display label, capitalised; an unknown code name is shown as written."""
    layout = LAYOUTS.get(name)
    return layout.heading if layout else name


def description(name: str) -> str:
    """What a layout is, in a few words; an unknown code name is shown as written."""
    layout = LAYOUTS.get(name)
    return layout.description if layout else name
